// TCP window tracking on an established connection (NETFILTER.md §4.4, tcp_in_window): data
// beyond the receiver's window (SEQ over the upper bound) and an ACK for bytes never sent (ACK
// over the upper bound) are INVALID and dropped by the INVALID rule; a retransmission of acked
// data, a segment more than a window behind and an ACK far behind are ignored by the tracker but
// keep ctstate ESTABLISHED and pass. The connection then closes normally.
import type { ConformanceCase } from '../../conformance/case.js';
import { TCP_ACK, TCP_PSH } from '../../conformance/frames.js';
import { client, server, Traffic } from '../../conformance/traffic.js';

/** INVALID dropped by its own rule (so the counters show it), answers through state, NEW from eth0. */
export const TCP_STATE_RULES = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m state --state INVALID -j DROP
-A FORWARD -m state --state RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i eth0 -m state --state NEW -j ACCEPT
COMMIT
`;

const REQUEST = 'GET / HTTP/1.0\r\n\r\n';

export default {
  name: 'tcp-window',
  about: 'TCP window checks: SEQ/ACK over the upper bound INVALID (dropped); retransmission, old segment, old ACK pass as ESTABLISHED',
  rules: TCP_STATE_RULES,
  traffic: () => {
    const t = new Traffic();
    t.tcp(client(42101), server(80))
      .handshake()
      .data('opener', REQUEST)
      .data('answerer', 'HTTP/1.0 200 OK\r\n\r\nhello')
      .stray('opener', TCP_PSH | TCP_ACK, { seqOffset: 200_000 }, 'far ahead')
      .stray('opener', TCP_ACK, { ackOffset: 100_000 })
      .stray('opener', TCP_PSH | TCP_ACK, { seqOffset: -REQUEST.length }, REQUEST)
      .stray('answerer', TCP_PSH | TCP_ACK, { seqOffset: -300_000 }, 'ancient')
      .stray('opener', TCP_ACK, { ackOffset: -100_000 })
      .close('opener');
    return t;
  },
} satisfies ConformanceCase;
