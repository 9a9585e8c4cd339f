// The shard key: both directions of an address pair, and the ICMP errors about a connection, land
// in the same shard; sharding spreads pairs over all shards; counters sum and split back exactly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PF2_INNER, PKT_DST, PKT_FLAGS2, PKT_ICMP_TYPE, PKT_INNER_DST, PKT_INNER_SRC, PKT_PROTO, PKT_SIZE, PKT_SRC } from '../assembly/shared/layout.js';
import { shardOf } from '../src/node/shard.js';
import { flattenCounters, shardingCaveats, sumCounters, withCounters } from '../src/node/shard-merge.js';
import { parseRuleset } from '../src/ruleset/load.js';

function record(src: number, dst: number, proto = 6): DataView {
  const view = new DataView(new ArrayBuffer(PKT_SIZE));
  view.setUint32(PKT_SRC, src, true);
  view.setUint32(PKT_DST, dst, true);
  view.setUint8(PKT_PROTO, proto);
  return view;
}

test('both directions of a pair share a shard', () => {
  for (let i = 0; i < 500; i++) {
    const a = (0x0a000000 + i * 7919) >>> 0;
    const b = (0xc6336400 + i * 104729) >>> 0;
    for (const shards of [2, 3, 4]) assert.is(shardOf(record(a, b), 0, shards), shardOf(record(b, a), 0, shards));
  }
});

test('pairs spread over every shard, roughly evenly', () => {
  const counts = [0, 0, 0];
  for (let i = 0; i < 3000; i++) counts[shardOf(record(0x0a000001, (0x0b000000 + i) >>> 0), 0, 3)]++;
  for (const c of counts) assert.ok(c > 800 && c < 1200, `shard sizes ${counts}`);
});

test('an ICMP error goes where the connection it quotes goes', () => {
  const client = 0x0a000005;
  const server = 0xc6336407;
  const router = 0xc0a80001;
  let differs = 0;
  for (let i = 0; i < 64; i++) {
    const error = record(router + i, client, 1);
    error.setUint8(PKT_ICMP_TYPE, 3);
    error.setUint8(PKT_FLAGS2, PF2_INNER);
    error.setUint32(PKT_INNER_SRC, client, true);
    error.setUint32(PKT_INNER_DST, server + i, true);
    assert.is(shardOf(error, 0, 4), shardOf(record(client, server + i), 0, 4));
    if (shardOf(error, 0, 4) !== shardOf(record(router + i, client, 1), 0, 4)) differs++;
  }
  assert.ok(differs > 0, 'the inner pair, not the outer one, chose the shard');
  const echo = record(router, client, 1);
  echo.setUint8(PKT_ICMP_TYPE, 8);
  assert.is(shardOf(echo, 0, 4), shardOf(record(client, router), 0, 4));
});

const RULES = `*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:web - [0:0]
-A INPUT -p tcp --dport 80 -j web
-A INPUT -m limit --limit 1/s -j LOG
-A web -s 10.0.0.0/8 -j ACCEPT
COMMIT
`;

test('counters: flatten, sum, and put back', () => {
  const ruleset = parseRuleset(RULES);
  const shape = flattenCounters(ruleset);
  assert.is(shape.length, 2 * (3 + 1 + 2 + 1)); // 4 chains' policies + 3 rules
  const a = shape.map((_, i) => BigInt(i));
  const b = shape.map((_, i) => BigInt(100 * i));
  const merged = withCounters(ruleset, sumCounters([a, b]));
  const input = merged.tables[0].chains.find((c) => c.name === 'INPUT')!;
  assert.equal(input.counters, { packets: 0n, bytes: 101n });
  assert.equal(input.rules[1].counters, { packets: 404n, bytes: 505n });
  assert.equal(flattenCounters(merged), a.map((v, i) => v + b[i]));
  assert.throws(() => sumCounters([a, a.slice(2)]), /line up/);
  assert.throws(() => withCounters(ruleset, a.slice(2)), /fewer counters/);
});

test('caveats name the matches whose state spans shards, and conntrack', () => {
  const caveats = shardingCaveats(parseRuleset(RULES), true);
  assert.ok(caveats.some((c) => c.includes('`limit`')));
  assert.not.ok(caveats.some((c) => c.includes('`recent`')));
  assert.ok(caveats.some((c) => c.includes('nf_conntrack_max')));
  assert.equal(shardingCaveats(parseRuleset(RULES.replace(/-A INPUT -m limit.*\n/, '')), false), []);
});

test.run();
