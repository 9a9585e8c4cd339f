// The TTL a FORWARD rule sees: ip_forward() lowers the TTL before the FORWARD hook runs, so
// `-m ttl --ttl-eq 63` matches a packet the client sent with TTL 64 (and POSTROUTING sees 63
// too). Found by the random cases; diverges while nfwasm's FORWARD matches the TTL as received.
import type { ConformanceCase } from '../../conformance/case.js';
import { host, Traffic } from '../../conformance/traffic.js';

export default {
  name: 'ttl-forward',
  about: 'the ttl match in FORWARD sees the TTL already lowered by the router (sent 64, matched 63)',
  rules: `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m ttl --ttl-eq 64 -j DROP
-A FORWARD -m ttl --ttl-gt 63 -j DROP
-A FORWARD -m ttl --ttl-eq 63 -j ACCEPT
COMMIT
`,
  traffic: () => new Traffic().udpExchange(host('client', 5000), host('server', 53)).ping(host('client'), host('server')),
} satisfies ConformanceCase;
