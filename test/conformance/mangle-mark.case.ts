// mangle before filter (NETFILTER.md §4.1): a MARK set in mangle PREROUTING is seen by `-m mark`
// in filter FORWARD of the same packet, with and without a mask; mangle FORWARD runs before
// filter FORWARD too. No state match anywhere: conntrack stays off (§0) and every counter counts
// packets, including the mangle rules'.
import type { ConformanceCase } from '../../conformance/case.js';
import { client, server, Traffic } from '../../conformance/traffic.js';

export default {
  name: 'mangle-mark',
  about: 'mangle PREROUTING/FORWARD MARK seen by filter -m mark (exact and masked); stateless',
  rules: `*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -p tcp -m tcp --dport 80 -j MARK --set-mark 0x1
-A PREROUTING -p tcp -m tcp --sport 80 -j MARK --set-mark 0x1
-A PREROUTING -p udp -j MARK --set-xmark 0x6/0xff
-A FORWARD -p icmp -j MARK --set-mark 0x10
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m mark --mark 0x1 -j ACCEPT
-A FORWARD -m mark --mark 0x2/0x2 -p udp -m udp --dport 53 -j ACCEPT
-A FORWARD -m mark --mark 0x4/0x4 -p udp -m udp --sport 53 -j ACCEPT
-A FORWARD -m mark ! --mark 0x10 -j DROP
-A FORWARD -p icmp -j ACCEPT
COMMIT
`,
  traffic: () =>
    new Traffic()
      .tcpSession(client(42701), server(80))
      .tcpSession(client(42702), server(22))
      .udpExchange(client(53201), server(53))
      .udpExchange(client(53202), server(123))
      .ping(client(0), server(0)),
} satisfies ConformanceCase;
