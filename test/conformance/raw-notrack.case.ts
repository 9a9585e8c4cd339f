// raw-table NOTRACK (NETFILTER.md §4.1, §4.3): raw PREROUTING runs before conntrack, so a packet
// marked there is UNTRACKED — it matches `--ctstate UNTRACKED`, never NEW, and leaves no entry.
// Only client→server UDP to port 53 is exempted; the server's answer (source port 53) is
// tracked, has no request to belong to, and is NEW from the server side: dropped. A TCP session
// beside it is tracked as usual.
import type { ConformanceCase } from '../../conformance/case.js';
import { client, server, Traffic } from '../../conformance/traffic.js';

export default {
  name: 'raw-notrack',
  about: 'raw NOTRACK: UNTRACKED state, no conntrack entry; the tracked answer is NEW from the wrong side',
  rules: `*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -i eth0 -p udp -m udp --dport 53 -j NOTRACK
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate UNTRACKED -j ACCEPT
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i eth0 -m conntrack --ctstate NEW -j ACCEPT
COMMIT
`,
  traffic: () =>
    new Traffic()
      .udpExchange(client(53101), server(53))
      .udpExchange(client(53102), server(53))
      .udpExchange(client(53103), server(123))
      .tcpSession(client(42601), server(80)),
} satisfies ConformanceCase;
