// Odd TCP packets through a stateful FORWARD chain that logs nothing and accepts NEW from the
// client side: NETFILTER.md §0 lists what the kernel calls INVALID (SYN+FIN, lone RST, SYN/ACK
// or FIN/ACK with no connection, bad checksum) and that a bare mid-stream ACK is NEW (loose 1).
import type { ConformanceCase } from '../../conformance/case.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../../conformance/frames.js';
import { client, server, Traffic } from '../../conformance/traffic.js';

export default {
  name: 'odd-tcp',
  about: 'SYN+FIN, lone RST, orphan SYN/ACK and FIN/ACK, bad checksum, mid-stream ACK: INVALID vs NEW',
  rules: `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:invalid - [0:0]
-A FORWARD -m conntrack --ctstate INVALID -j invalid
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i eth0 -m conntrack --ctstate NEW -j ACCEPT
-A invalid -p tcp -m tcp --tcp-flags SYN,FIN SYN,FIN -j DROP
-A invalid -p tcp -m tcp --tcp-flags RST RST -j DROP
-A invalid -j DROP
COMMIT
`,
  traffic: () =>
    new Traffic()
      .tcpSegment('client', client(41000), server(80), { seq: 1, ack: 0, flags: TCP_SYN | TCP_FIN })
      .tcpSegment('client', client(41001), server(80), { seq: 5000, ack: 0, flags: TCP_RST })
      .tcpSegment('server', server(80), client(41002), { seq: 9000, ack: 77, flags: TCP_SYN | TCP_ACK })
      .tcpSegment('server', server(80), client(41003), { seq: 9000, ack: 77, flags: TCP_FIN | TCP_ACK })
      .tcpSegment('client', client(41004), server(80), { seq: 100, ack: 0, flags: TCP_SYN, checksumError: 1 })
      // A connection picked up in the middle: NEW from the client (loose), its answer ESTABLISHED.
      .tcpSegment('client', client(41005), server(80), { seq: 700, ack: 9100, flags: TCP_ACK | TCP_PSH }, new TextEncoder().encode('mid'))
      .tcpSegment('server', server(80), client(41005), { seq: 9100, ack: 703, flags: TCP_ACK })
      .tcpSession(client(41006), server(80)),
} satisfies ConformanceCase;
