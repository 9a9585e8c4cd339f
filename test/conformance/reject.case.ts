// REJECT answers: a TCP reset for one port, ICMP port-unreachable (the default) for UDP,
// admin-prohibited for one more TCP port; the router's own answers leave through filter OUTPUT
// (NETFILTER.md §0), which counts them.
import type { ConformanceCase } from '../../conformance/case.js';
import { client, server, Traffic } from '../../conformance/traffic.js';

export default {
  name: 'reject',
  about: 'REJECT with tcp-reset, icmp-port-unreachable and icmp-admin-prohibited; answers counted in OUTPUT',
  rules: `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -p tcp -m tcp --dport 23 -j REJECT --reject-with tcp-reset
-A FORWARD -p tcp -m tcp --dport 3389 -j REJECT --reject-with icmp-admin-prohibited
-A FORWARD -p udp -m udp --dport 69 -j REJECT
-A OUTPUT -p tcp -j ACCEPT
-A OUTPUT -p icmp -j ACCEPT
COMMIT
`,
  traffic: () =>
    new Traffic()
      .tcpSession(client(40001), server(80))
      .tcpRefused(client(40002), server(23))
      .tcpRefused(client(40003), server(3389))
      .udpExchange(client(53001), server(69), { answered: false })
      .udpExchange(client(53002), server(53)),
} satisfies ConformanceCase;
