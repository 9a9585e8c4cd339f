// CONNMARK across the packets of a connection (NETFILTER.md §4.1, §4.3): the first packet of a
// web connection gets mark 5 in mangle PREROUTING, which CONNMARK --save-mark copies to its
// conntrack; every later packet, both directions, gets it back with --restore-mark before the
// classification rules run, so filter FORWARD accepts the whole connection by mark alone.
// `-m connmark` counts the packets whose conntrack carries it; `conntrack -L` shows mark=5.
// Other connections keep mark 0 and fall to the DROP policy after their first packet.
import type { ConformanceCase } from '../../conformance/case.js';
import { client, server, Traffic } from '../../conformance/traffic.js';

export default {
  name: 'connmark',
  about: 'CONNMARK --save-mark/--restore-mark carries a mark set on the first packet to the whole connection; -m connmark; mark= in conntrack',
  rules: `*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff
-A PREROUTING -m mark --mark 0x5 -j ACCEPT
-A PREROUTING -i eth0 -p tcp -m tcp --dport 80 -j MARK --set-mark 0x5
-A PREROUTING -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m connmark --mark 0x5
-A FORWARD -m mark --mark 0x5 -j ACCEPT
-A FORWARD -i eth0 -m conntrack --ctstate NEW -j ACCEPT
COMMIT
`,
  traffic: () =>
    new Traffic()
      .tcpSession(client(42801), server(80))
      .tcpSession(client(42802), server(8080))
      .tcpSession(client(42803), server(80)),
} satisfies ConformanceCase;
