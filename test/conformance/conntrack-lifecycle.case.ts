// When conntrack entries come and go (NETFILTER.md §0): a SYN dropped in FORWARD leaves no
// entry, so its retransmission is NEW again; a SYN answered by RST deletes its entry at once, so
// the next SYN on the same ports is NEW; a bare ACK with no connection is NEW under
// nf_conntrack_tcp_loose=1 and leaves an ESTABLISHED [UNREPLIED] entry; an echo reply with no
// request is INVALID.
import type { ConformanceCase } from '../../conformance/case.js';
import { MSS_1460 } from '../../conformance/tcp-conversation.js';
import { client, server, Traffic } from '../../conformance/traffic.js';
import { icmp, PROTO_ICMP, TCP_ACK, TCP_PSH, TCP_SYN, text } from '../../conformance/frames.js';

/** MSS, SACK permitted, window scale 7 (with padding): a first SYN 12 bytes longer than a bare-MSS one. */
const LONG_SYN_OPTIONS = new Uint8Array([2, 4, 0x05, 0xb4, 4, 2, 1, 1, 3, 3, 7, 1]);

export default {
  name: 'conntrack-lifecycle',
  about: 'dropped SYN leaves no entry (retransmission NEW), RST deletes the entry, bare ACK NEW (loose), orphan echo reply INVALID',
  rules: `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate INVALID -j DROP
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -p tcp -m tcp --tcp-flags SYN,ACK SYN -m length --length 50:100 -j DROP
-A FORWARD -i eth0 -m conntrack --ctstate NEW -j ACCEPT
-A FORWARD -i eth1 -m conntrack --ctstate NEW -j DROP
COMMIT
`,
  traffic: () => {
    const t = new Traffic();
    // The long first SYN is dropped; the retransmission (bare MSS) is NEW and opens the session.
    t.tcpSegment('client', client(42001), server(80), { seq: 0x1000_0000, ack: 0, flags: TCP_SYN, options: LONG_SYN_OPTIONS });
    t.tcpSession(client(42001), server(80));
    // Refused, then tried again on the same ports: the RST removed the entry, the SYN is NEW.
    t.tcpRefused(client(42002), server(81), 5000);
    t.tcpSegment('client', client(42002), server(81), { seq: 6000, ack: 0, flags: TCP_SYN, options: MSS_1460 });
    // Picked up mid-stream from either side: NEW from the client (accepted), from the server (dropped).
    t.tcpSegment('client', client(42003), server(443), { seq: 777, ack: 888, flags: TCP_ACK | TCP_PSH }, text('late'));
    t.tcpSegment('server', server(443), client(42004), { seq: 999, ack: 111, flags: TCP_ACK });
    // An echo reply nobody asked for.
    t.ip('server', server(0).addr, client(0).addr, PROTO_ICMP, icmp(0, 0, 0x0101_0001, text('pong')));
    return t;
  },
} satisfies ConformanceCase;
