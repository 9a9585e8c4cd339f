// Window scaling (NETFILTER.md §4.4): the scale counts only if both SYN and SYN/ACK carry the
// option. With both, a receiver window field of 4096 at scale 7 allows 512 KiB, so data 200,000
// bytes ahead is in the window (ESTABLISHED); when only the client offered scaling the window is
// taken unscaled and the same segment is INVALID (SEQ over the upper bound).
import type { ConformanceCase } from '../../conformance/case.js';
import { TCP_ACK, TCP_PSH } from '../../conformance/frames.js';
import { MSS_1460 } from '../../conformance/tcp-conversation.js';
import { client, server, Traffic, type Endpoint } from '../../conformance/traffic.js';
import { TCP_STATE_RULES } from './tcp-window.case.js';

/** MSS 1460, NOP, window scale 7. */
const MSS_WSCALE_7 = new Uint8Array([2, 4, 0x05, 0xb4, 1, 3, 3, 7]);

function scaledConversation(t: Traffic, from: Endpoint, to: Endpoint, serverScales: boolean): void {
  t.tcp(from, to)
    .handshake({ options: { opener: MSS_WSCALE_7, answerer: serverScales ? MSS_WSCALE_7 : MSS_1460 } })
    .window('opener', 4096)
    .window('answerer', 4096)
    .data('opener', 'GET / HTTP/1.0\r\n\r\n')
    .stray('opener', TCP_PSH | TCP_ACK, { seqOffset: 200_000 }, 'far ahead')
    .data('answerer', 'HTTP/1.0 200 OK\r\n\r\nhello')
    .close('opener');
}

export default {
  name: 'tcp-window-scale',
  about: 'window scale 7 on both SYNs: data 200 kB ahead in window (ESTABLISHED); scale on one SYN only: same data INVALID',
  rules: TCP_STATE_RULES,
  traffic: () => {
    const t = new Traffic();
    scaledConversation(t, client(42501), server(80), true);
    scaledConversation(t, client(42502), server(80), false);
    return t;
  },
} satisfies ConformanceCase;
