// The kernel limits the ICMP errors it sends per destination (icmp_send → inet_peer_xrlim_allow):
// a credit of 6 × net.ipv4.icmp_ratelimit (1000 ms) that a new destination starts with, refilled
// by elapsed time, each error costing icmp_ratelimit; only types in icmp_ratemask (default 3, 4,
// 11, 12). TCP resets are not ICMP and are never limited. A held-back error never reaches OUTPUT.
// (Found by the kernel differential random cases, docs/conformance.md.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hostModelFromObject } from '../src/host/load.js';
import { classify, counters, engineFor, packet } from './engine-support.js';

const RULES = `
:OUTPUT ACCEPT [0:0]
-A FORWARD -p udp -j REJECT
-A FORWARD -p tcp -j REJECT --reject-with tcp-reset
-A OUTPUT -p icmp -j ACCEPT`;

function router(sysctl: Record<string, number> = {}) {
  return hostModelFromObject({
    interfaces: [{ name: 'eth0', addresses: ['198.51.100.1/24'] }, { name: 'eth1', addresses: ['10.0.0.1/24'] }],
    forwarding: true,
    sysctl,
  });
}

const probe = (src: string, ts: number, proto: 'udp' | 'tcp' = 'udp') =>
  packet({ src, dst: '10.0.0.5', inIface: 'eth0', ts, proto: proto === 'udp' ? 17 : 6, tcpFlags: proto === 'tcp' ? 2 : undefined });

test('a burst of 6 errors per destination, then one per second; another destination has its own', async () => {
  const engine = await engineFor(RULES, router());
  const burst = Array.from({ length: 8 }, (_, i) => probe('198.51.100.7', 1000 + i * 0.001));
  const results = classify(engine, [...burst, probe('198.51.100.8', 1000.01), probe('198.51.100.7', 1001.01)]);
  const answered = results.map((r) => r.reply !== undefined);
  assert.equal(answered, [true, true, true, true, true, true, false, false, true, true]);
  assert.match(results[6].noReply!, /rate limit/);
  assert.ok(results.every((r) => r.verdict === 'REJECT'), 'the originals are rejected all the same');
  assert.equal(counters(engine, 'filter:OUTPUT:1').packets, 8, 'only answers that were sent are counted in OUTPUT');
});

test('TCP resets are not limited; icmp_ratelimit=0 switches the limit off', async () => {
  const resets = classify(await engineFor(RULES, router()), Array.from({ length: 10 }, (_, i) => probe('198.51.100.7', 1000 + i * 0.001, 'tcp')));
  assert.ok(resets.every((r) => r.reply?.kind === 'tcp-reset'));
  const unlimited = classify(await engineFor(RULES, router({ icmp_ratelimit: 0 })), Array.from({ length: 10 }, (_, i) => probe('198.51.100.7', 1000 + i * 0.001)));
  assert.ok(unlimited.every((r) => r.reply?.kind === 'icmp'));
});

test.run();
