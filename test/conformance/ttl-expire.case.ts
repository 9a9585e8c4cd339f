// A forwarded packet whose TTL runs out at the router (ip_forward: TTL <= 1) never reaches FORWARD;
// the router answers with ICMP time exceeded, which leaves through OUTPUT. What ctstate does that
// answer have there?
import type { ConformanceCase } from '../../conformance/case.js';
import { udp } from '../../conformance/frames.js';
import { host, Traffic } from '../../conformance/traffic.js';

const client = host('client', 5000);
const server = host('server', 53);

export default {
  name: 'ttl-expire',
  about: 'TTL 1 forwarded: dropped before FORWARD, ICMP time exceeded through OUTPUT (counted by ctstate)',
  rules: `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -j ACCEPT
-A OUTPUT -p icmp -m state --state RELATED -j ACCEPT
-A OUTPUT -p icmp -m state --state INVALID -j ACCEPT
-A OUTPUT -p icmp -m state --state NEW -j ACCEPT
-A OUTPUT -p icmp -m state --state UNTRACKED -j ACCEPT
-A OUTPUT -p icmp -j ACCEPT
COMMIT
`,
  traffic: () => {
    const t = new Traffic().udpExchange(client, server);
    const dying = udp(client.addr, server.addr, client.port, server.port, new TextEncoder().encode('last hop'));
    t.ip('client', client.addr, server.addr, 17, dying, { ttl: 1 });
    const fresh = udp(client.addr, server.addr, 5001, server.port, new TextEncoder().encode('new flow'));
    t.ip('client', client.addr, server.addr, 17, fresh, { ttl: 1 });
    return t;
  },
} satisfies ConformanceCase;
