// RST in an established connection (NETFILTER.md §4.4, RST special cases): a RST far outside the
// window, or below what the peer already acknowledged, is INVALID; one inside the window but not
// at the expected sequence number passes and leaves the connection ESTABLISHED (the endpoint
// answers with a challenge ACK); the RST exactly at the expected sequence number closes it (entry
// in CLOSE; the server's late data still passes as ESTABLISHED). A fresh SYN from the client then
// is not a reopening — nobody sent a FIN and the last packet in its direction was not the RST — so
// the tracker ignores it (ESTABLISHED, entry stays in CLOSE; tcp-reopen has the reopening cases).
import type { ConformanceCase } from '../../conformance/case.js';
import { TCP_ACK, TCP_RST, TCP_SYN } from '../../conformance/frames.js';
import { MSS_1460 } from '../../conformance/tcp-conversation.js';
import { client, server, Traffic } from '../../conformance/traffic.js';
import { TCP_STATE_RULES } from './tcp-window.case.js';

export default {
  name: 'tcp-rst',
  about: 'RST out of window or below the acked point INVALID, in window but off the expected seq keeps ESTABLISHED, exact RST closes; a SYN after the peer spoke is ignored',
  rules: TCP_STATE_RULES,
  traffic: () => {
    const t = new Traffic();
    t.tcp(client(42201), server(80))
      .handshake()
      .data('opener', 'GET / HTTP/1.0\r\n\r\n')
      .data('answerer', 'HTTP/1.0 200 OK\r\n\r\nhello')
      .stray('opener', TCP_RST, { seqOffset: 500_000 })
      .stray('opener', TCP_RST, { seqOffset: -1000 })
      .stray('opener', TCP_RST, { seqOffset: 10 })
      .data('answerer', 'still here')
      .stray('opener', TCP_RST | TCP_ACK, {})
      .data('answerer', 'after the reset', { acked: false });
    t.tcpSegment('client', client(42201), server(80), { seq: 0x5000_0000, ack: 0, flags: TCP_SYN, options: MSS_1460 });
    return t;
  },
} satisfies ConformanceCase;
