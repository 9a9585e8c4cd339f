// ICMP errors quoting earlier packets (NETFILTER.md §0, §4.5): an error whose quoted packet
// belongs to a known flow, sent to that flow's end, is RELATED — port unreachable from the server
// for a UDP probe, time exceeded from a router on the way for a TCP SYN, a host unreachable for
// a ping; an error quoting an unknown flow is INVALID, and so is one for a known flow sent to a
// third host (the check that stops spoofed RELATED).
import type { ConformanceCase } from '../../conformance/case.js';
import { text } from '../../conformance/frames.js';
import { client, host, server, Traffic } from '../../conformance/traffic.js';

const beyond = (port: number) => host('server', port, '192.0.2.20');

export default {
  name: 'icmp-errors',
  about: 'ICMP errors quoting earlier packets: RELATED for known flows, INVALID for unknown flows and third-party targets',
  rules: `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate INVALID -j DROP
-A FORWARD -p icmp -m conntrack --ctstate RELATED -j ACCEPT
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i eth0 -m conntrack --ctstate NEW -j ACCEPT
COMMIT
`,
  traffic: () => {
    const t = new Traffic();
    t.udpExchange(client(53001), server(33434), { answered: false });
    t.icmpError('server', server(0).addr, t.lastIndex, 3, 3); // port unreachable: RELATED
    t.tcpSegment('client', client(42010), beyond(80), { seq: 1, ack: 0, flags: 0x02 });
    t.icmpError('server', server(0).addr, t.lastIndex, 11, 0); // time exceeded on the way: RELATED
    t.ping(client(0), beyond(0), { id: 9, answered: false });
    t.icmpError('server', server(0).addr, t.lastIndex, 3, 1); // host unreachable for a ping: RELATED
    // Quoting a UDP datagram the client never sent: the flow is unknown, INVALID.
    const neverSent = new Traffic().udpDatagram('client', client(53999), server(9999), text('?')).frames[0];
    t.icmpError('server', server(0).addr, neverSent, 3, 3);
    // A known flow's error sent to another client-side host: INVALID (spoofed RELATED).
    t.udpExchange(client(53002), server(33435), { answered: false });
    t.icmpError('server', server(0).addr, t.lastIndex, 3, 3, { to: '198.51.100.77' });
    // The server's own error for the probe afterwards is still RELATED.
    t.icmpError('server', server(0).addr, t.lastIndex - 1, 3, 3);
    return t;
  },
} satisfies ConformanceCase;
