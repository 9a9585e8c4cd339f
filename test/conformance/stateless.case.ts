// Stateless filtering: FORWARD policy DROP, web and ping allowed towards the server by address
// and port only, so answers need rules of their own. No state match: conntrack stays off
// (NETFILTER.md §0), counters count every packet.
import type { ConformanceCase } from '../../conformance/case.js';
import { client, host, server, Traffic } from '../../conformance/traffic.js';

export default {
  name: 'stateless',
  about: 'FORWARD DROP policy with port/address ACCEPT rules and a DROP rule, no conntrack',
  rules: `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport 80 -j ACCEPT
-A FORWARD -i eth1 -o eth0 -p tcp -m tcp --sport 80 -j ACCEPT
-A FORWARD -p udp -m udp --dport 5353 -j DROP
-A FORWARD -s 198.51.100.0/24 -p udp -j ACCEPT
-A FORWARD -p icmp -m icmp --icmp-type 8 -j ACCEPT
COMMIT
`,
  traffic: () =>
    new Traffic()
      .tcpSession(client(40001), server(80))
      .tcpSession(client(40002), server(22)) // SYN dropped by the policy; the scripted answers pass
      .udpExchange(client(53001), server(53)) // request passes, answer (source not 198.51.100/24) dropped
      .udpExchange(client(53002), server(5353))
      .ping(client(0), server(0)) // request passes, reply (type 0) dropped
      .ping(client(0), host('server', 0, '192.0.2.10'), { seq: 2 }),
} satisfies ConformanceCase;
