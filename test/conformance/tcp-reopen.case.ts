// SYNs on ports that already have a connection (NETFILTER.md §4.4, syn in TIME_WAIT/CLOSE and
// the IGNORE cases): after a full close (TIME_WAIT), and in CLOSE when the client's own last
// packet was its RST, the client's new SYN deletes the old entry and opens a new connection
// (NEW). In CLOSE after the server's RST (no FIN, the last packet came the other way) the same
// SYN is only ignored (ESTABLISHED, entry stays in CLOSE), and so is a SYN with another ISN in the
// middle of an established connection.
import type { ConformanceCase } from '../../conformance/case.js';
import { TCP_RST, TCP_SYN } from '../../conformance/frames.js';
import { MSS_1460 } from '../../conformance/tcp-conversation.js';
import { client, server, Traffic } from '../../conformance/traffic.js';
import { TCP_STATE_RULES } from './tcp-window.case.js';

export default {
  name: 'tcp-reopen',
  about: "SYN after TIME_WAIT or after the client's own RST reopens (NEW); after the server's RST, or inside ESTABLISHED, it is ignored",
  rules: TCP_STATE_RULES,
  traffic: () => {
    const t = new Traffic();
    t.tcpSession(client(42401), server(80));
    t.tcpSession(client(42401), server(80), { clientIsn: 0x2000_0000, serverIsn: 0x6000_0000 });
    t.tcp(client(42402), server(80))
      .handshake()
      .stray('opener', TCP_SYN, { seqOffset: 0x0100_0000 }, undefined)
      .data('opener', 'GET / HTTP/1.0\r\n\r\n')
      .data('answerer', 'HTTP/1.0 200 OK\r\n\r\nhello')
      .close('opener');
    t.tcp(client(42403), server(80)).handshake().data('opener', 'GET / HTTP/1.0\r\n\r\n').stray('answerer', TCP_RST, {});
    t.tcpSegment('client', client(42403), server(80), { seq: 0x3000_0000, ack: 0, flags: TCP_SYN, options: MSS_1460 });
    t.tcp(client(42404), server(80)).handshake().data('opener', 'GET / HTTP/1.0\r\n\r\n').stray('opener', TCP_RST, {});
    t.tcpSegment('client', client(42404), server(80), { seq: 0x3000_0000, ack: 0, flags: TCP_SYN, options: MSS_1460 });
    return t;
  },
} satisfies ConformanceCase;
