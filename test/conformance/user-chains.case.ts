// Rule traversal through user chains (NETFILTER.md §0, §4.2): the rule that jumps counts every
// packet that jumps, whatever happens inside; an explicit RETURN goes back to the rule after the
// jump; falling off the end of a chain entered by -j returns there too and is counted nowhere;
// a chain entered by -g returns, at its end, to where FORWARD itself would (its policy); LOG
// counts and continues; nested jumps unwind in order. Stateless: every packet walks the chains.
import type { ConformanceCase } from '../../conformance/case.js';
import { client, server, Traffic } from '../../conformance/traffic.js';

export default {
  name: 'user-chains',
  about: 'user chains: -j counted whatever happens inside, RETURN and falling off return after the jump, -g falls to the policy, LOG continues',
  rules: `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:tcp_in - [0:0]
:web - [0:0]
:udp_in - [0:0]
:counted - [0:0]
-A FORWARD -j counted
-A FORWARD -p tcp -j tcp_in
-A FORWARD -p tcp -m tcp --dport 22 -j ACCEPT
-A FORWARD -p udp -g udp_in
-A FORWARD -p udp -j ACCEPT
-A FORWARD -p icmp -j DROP
-A tcp_in -p tcp -m tcp --dport 23 -j DROP
-A tcp_in -p tcp -m multiport --ports 80,443 -j web
-A tcp_in -p tcp -m tcp --sport 22 -j RETURN
-A tcp_in -p tcp -m tcp --dport 22 -j LOG --log-prefix "ssh: "
-A tcp_in -p tcp -m tcp --dport 22 -j RETURN
-A tcp_in -p tcp -m tcp --tcp-flags SYN,ACK SYN -j DROP
-A web -p tcp -m tcp --dport 443 -j DROP
-A web -p tcp -m tcp --sport 443 -j DROP
-A udp_in -p udp -m udp --dport 53 -j ACCEPT
-A udp_in -p udp -m udp --dport 5353 -j DROP
COMMIT
`,
  traffic: () =>
    new Traffic()
      .tcpSession(client(42901), server(80))
      .tcpSession(client(42902), server(443))
      .tcpSession(client(42903), server(22))
      .tcpRefused(client(42904), server(23))
      .tcpSession(client(42905), server(25))
      .udpExchange(client(53301), server(53))
      .udpExchange(client(53302), server(5353))
      .udpExchange(client(53303), server(123))
      .ping(client(0), server(0)),
} satisfies ConformanceCase;
