// The classic stateful router: ESTABLISHED,RELATED first, NEW only from the client side to a
// few services, everything else dropped by policy. Answers pass only through conntrack.
import type { ConformanceCase } from '../../conformance/case.js';
import { client, host, server, Traffic } from '../../conformance/traffic.js';

export default {
  name: 'stateful',
  about: 'ESTABLISHED,RELATED + NEW from eth0 to tcp/80, udp/53 and ping; TCP, UDP and ICMP conversations',
  rules: `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -m conntrack --ctstate INVALID -j DROP
-A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW -j ACCEPT
-A FORWARD -i eth0 -o eth1 -p udp -m udp --dport 53 -j ACCEPT
-A FORWARD -i eth0 -p icmp -m icmp --icmp-type 8 -j ACCEPT
COMMIT
`,
  traffic: () =>
    new Traffic()
      .tcpSession(client(40001), server(80))
      .udpExchange(client(53001), server(53))
      .ping(client(0), server(0))
      .tcpSession(client(40002), server(25)) // SYN dropped: the SYN/ACK has no connection (INVALID)
      .udpExchange(client(53002), server(123)) // dropped: the answer is NEW from the server side
      .tcpSession(server(50000), client(80)) // NEW from the wrong side
      .tcpRefused(client(40003), server(80))
      .ping(client(0), host('server', 0, '192.0.2.20'), { id: 7, seq: 1 }),
} satisfies ConformanceCase;
