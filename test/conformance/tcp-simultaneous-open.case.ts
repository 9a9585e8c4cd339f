// Simultaneous open (NETFILTER.md §4.4, SYN_SENT2): both ends send a SYN, then each a SYN/ACK;
// the tracker goes SYN_SENT → SYN_SENT2 → SYN_RECV → ESTABLISHED. The server's SYN is the
// connection's first reply packet (ESTABLISHED from then on), and data then flows both ways.
import type { ConformanceCase } from '../../conformance/case.js';
import { TCP_ACK, TCP_SYN } from '../../conformance/frames.js';
import { MSS_1460 } from '../../conformance/tcp-conversation.js';
import { host, Traffic } from '../../conformance/traffic.js';
import { TCP_STATE_RULES } from './tcp-window.case.js';

const client = host('client', 42301);
const server = host('server', 42302);
const C = 0x1111_0000;
const S = 0x5555_0000;

export default {
  name: 'tcp-simultaneous-open',
  about: 'simultaneous open: SYN both ways, SYN/ACK both ways, ACKs, data: SYN_SENT2 path to ESTABLISHED',
  rules: TCP_STATE_RULES,
  traffic: () => {
    const t = new Traffic();
    t.tcpSegment('client', client, server, { seq: C, ack: 0, flags: TCP_SYN, options: MSS_1460 });
    t.tcpSegment('server', server, client, { seq: S, ack: 0, flags: TCP_SYN, options: MSS_1460 });
    t.tcpSegment('client', client, server, { seq: C, ack: S + 1, flags: TCP_SYN | TCP_ACK, options: MSS_1460 });
    t.tcpSegment('server', server, client, { seq: S, ack: C + 1, flags: TCP_SYN | TCP_ACK, options: MSS_1460 });
    t.tcpSegment('client', client, server, { seq: C + 1, ack: S + 1, flags: TCP_ACK });
    t.tcpSegment('server', server, client, { seq: S + 1, ack: C + 1, flags: TCP_ACK });
    t.tcpSegment('client', client, server, { seq: C + 1, ack: S + 1, flags: TCP_ACK | 0x08 }, new TextEncoder().encode('hello'));
    t.tcpSegment('server', server, client, { seq: S + 1, ack: C + 6, flags: TCP_ACK });
    return t;
  },
} satisfies ConformanceCase;
