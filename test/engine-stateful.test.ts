// Stateful matches in the core (limit, recent, hashlimit) on packet timestamps, state kept
// across classify() calls, and batching / event-buffer resumption.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  FD_DPORT, HASHLIMIT_BUCKET_SIZE, HASHLIMIT_HEADER_SIZE, HL_ABOVE, HL_BYTES, HL_SRCIP, LIMIT_STATE_SIZE,
  OP_HASHLIMIT, OP_LIMIT, OP_RANGE, OP_RECENT, RECENT_LIST_SIZE, RECENT_REMOVE, RECENT_RCHECK,
  RECENT_MAX_ENTRIES, RECENT_SET, RECENT_UPDATE, RF_RDEST,
} from '../assembly/shared/layout.js';
import type { Ruleset } from '../src/ruleset/types.js';
import {
  classify, counters, engineFor, packet, rules, testRegistry, withOps, type Instruction, type PacketSpec,
} from './engine-support.js';

async function ruleHits(rs: Ruleset, specs: PacketSpec[][], rule = 'filter:INPUT:1'): Promise<boolean[][]> {
  const engine = await engineFor(rs, undefined, { registry: testRegistry });
  return specs.map((batch) => classify(engine, batch.map(packet)).map((r) => r.matched.includes(rule)));
}

const limit = (avg: number, burst: number): Instruction => ({
  op: OP_LIMIT, operands: [0, avg, burst], state: { operand: 0, bytes: LIMIT_STATE_SIZE },
});

test('limit: starts with burst credits, refills one per avg/10000 s, keeps state across calls', async () => {
  const rs = withOps(rules('-A INPUT -j LOG'), 'filter:INPUT:1', [limit(10000, 2)]);
  const at = (...ts: number[]) => ts.map((t) => ({ ts: 1000 + t }));
  const [first, second] = await ruleHits(rs, [at(0, 0.1, 0.2, 1.25), at(1.3, 5, 5, 5)]);
  assert.equal(first, [true, true, false, true]);
  assert.equal(second, [false, true, true, false]);
});

test('limit: each rule has its own bucket', async () => {
  const rs = withOps(withOps(rules('-A INPUT -j LOG\n-A INPUT -j LOG'), 'filter:INPUT:1', [limit(10000, 1)]), 'filter:INPUT:2', [limit(10000, 1)]);
  const engine = await engineFor(rs, undefined, { registry: testRegistry });
  const results = classify(engine, [packet(), packet()]);
  assert.equal(results.map((r) => r.matched), [['filter:INPUT:1', 'filter:INPUT:2'], []]);
});

const recent = (cmd: number, seconds = 0, hitcount = 0, flags = 0, mask = 0xffffffff): Instruction => ({
  op: OP_RECENT, operands: [0, cmd, flags, seconds, hitcount, mask], state: { operand: 0, bytes: RECENT_LIST_SIZE, shared: 'recent:DEFAULT' },
});

test('recent: --rcheck --seconds --hitcount over the stamps --set records', async () => {
  const rs = withOps(withOps(rules('-A INPUT -j LOG\n-A INPUT -j LOG'), 'filter:INPUT:1', [recent(RECENT_RCHECK, 60, 3)]), 'filter:INPUT:2', [recent(RECENT_SET)]);
  const a = (t: number): PacketSpec => ({ ts: 1000 + t });
  const [hits] = await ruleHits(rs, [[a(0), a(10), a(20), a(30), { ts: 1030, src: '192.0.2.9' }, a(100)]]);
  assert.equal(hits, [false, false, false, true, false, false]);
});

test('recent: --update refreshes only when it matches; --remove forgets', async () => {
  const text = '-A INPUT -j LOG\n-A INPUT -j LOG\n-A INPUT -j LOG';
  let rs = withOps(rules(text), 'filter:INPUT:1', [{ op: OP_RANGE, operands: [FD_DPORT, 1, 1] }, recent(RECENT_SET)]);
  rs = withOps(rs, 'filter:INPUT:2', [{ op: OP_RANGE, operands: [FD_DPORT, 2, 2] }, recent(RECENT_UPDATE, 10)]);
  rs = withOps(rs, 'filter:INPUT:3', [{ op: OP_RANGE, operands: [FD_DPORT, 3, 3] }, recent(RECENT_REMOVE)]);
  const p = (t: number, dport: number): PacketSpec => ({ ts: 1000 + t, dport });
  // set at 0; update at 8 matches and refreshes; at 16 still within 10 s of 8; at 30 too old
  const [check] = await ruleHits(rs, [[p(0, 1), p(8, 2), p(16, 2), p(30, 2), p(31, 1), p(32, 3), p(33, 2)]], 'filter:INPUT:2');
  assert.equal(check, [false, true, true, false, false, false, false]);
});

test('recent: --rdest, the mask, and eviction of the least recently seen when the list is full', async () => {
  const rs = withOps(withOps(rules('-A INPUT -j LOG\n-A INPUT -j LOG'), 'filter:INPUT:1', [recent(RECENT_RCHECK, 0, 0, RF_RDEST, 0xffffff00)]),
    'filter:INPUT:2', [recent(RECENT_SET, 0, 0, RF_RDEST, 0xffffff00)]);
  const [hits] = await ruleHits(rs, [[{ dst: '198.51.100.1' }, { dst: '198.51.100.200' }, { dst: '198.51.101.1' }]]);
  assert.equal(hits, [false, true, false]);

  const evict = withOps(withOps(rules('-A INPUT -j LOG\n-A INPUT -j LOG'), 'filter:INPUT:1', [recent(RECENT_RCHECK)]), 'filter:INPUT:2', [recent(RECENT_SET)]);
  const fill: PacketSpec[] = Array.from({ length: RECENT_MAX_ENTRIES + 1 }, (_, i) => ({ src: `10.1.${i >> 8}.${i & 255}`, ts: 1000 + i }));
  const [, probe] = await ruleHits(evict, [fill, [{ src: '10.1.0.0', ts: 2000 }, { src: '10.1.0.2', ts: 2000 }]]);
  assert.equal(probe, [false, true], 'the oldest address made room for one more than the list holds');
});

const hashlimit = (mode: number, avg: number, burst: number, expireMs: number, max: number): Instruction => ({
  op: OP_HASHLIMIT, operands: [0, mode, 32, 32, avg, burst, expireMs, max],
  state: { operand: 0, bytes: HASHLIMIT_HEADER_SIZE + max * HASHLIMIT_BUCKET_SIZE },
});

test('hashlimit: a bucket per source; --hashlimit-above matches the excess', async () => {
  const upto = withOps(rules('-A INPUT -j LOG'), 'filter:INPUT:1', [hashlimit(HL_SRCIP, 10000, 1, 10000, 16)]);
  const specs: PacketSpec[] = [{ src: '192.0.2.1' }, { src: '192.0.2.1' }, { src: '192.0.2.2' }, { src: '192.0.2.1', ts: 1001 }];
  assert.equal((await ruleHits(upto, [specs]))[0], [true, false, true, true]);
  const above = withOps(rules('-A INPUT -j LOG'), 'filter:INPUT:1', [hashlimit(HL_SRCIP | HL_ABOVE, 10000, 1, 10000, 16)]);
  assert.equal((await ruleHits(above, [specs]))[0], [false, true, false, false]);
});

test('hashlimit: idle buckets expire; a full table hot-drops new keys', async () => {
  const slow = withOps(rules('-A INPUT -j LOG'), 'filter:INPUT:1', [hashlimit(HL_SRCIP, 1_000_000, 1, 5000, 16)]);
  const [hits] = await ruleHits(slow, [[{ ts: 1000 }, { ts: 1001 }, { ts: 1010 }]]);
  assert.equal(hits, [true, false, true], 'after 5 s idle the bucket starts full again');

  const small = withOps(rules('-A INPUT -j LOG\n-A INPUT -j ACCEPT'), 'filter:INPUT:1', [hashlimit(HL_SRCIP, 10000, 5, 60000, 2)]);
  const engine = await engineFor(small, undefined, { registry: testRegistry });
  const results = classify(engine, [packet({ src: '192.0.2.1' }), packet({ src: '192.0.2.2' }), packet({ src: '192.0.2.3' })]);
  assert.equal(results.map((r) => r.verdict), ['ACCEPT', 'ACCEPT', 'DROP']);
  assert.equal(results[2].matched, []);
  assert.is(counters(engine, 'filter:INPUT:1').packets, 2);
});

test('hashlimit in byte mode: the bucket holds bytes, a packet costs its length', async () => {
  const rs = withOps(rules('-A INPUT -j LOG'), 'filter:INPUT:1', [hashlimit(HL_SRCIP | HL_BYTES, 1000, 1500, 60000, 16)]);
  const [hits] = await ruleHits(rs, [[{ length: 1000 }, { length: 1000 }, { length: 400 }, { length: 1000, ts: 1001 }]]);
  assert.equal(hits, [true, false, true, true]);
});

test('results do not depend on batch size or event buffer size', async () => {
  const text = ':SVC - [0:0]\n-A INPUT -j SVC\n-A INPUT -j LOG\n-A SVC -s 192.0.2.0/28 -j ACCEPT';
  const specs = Array.from({ length: 50 }, (_, i) => packet({ src: `192.0.2.${i}`, ts: 1000 + i }));
  const roomy = await engineFor(text);
  const cramped = await engineFor(text, undefined, { batchSize: 7, eventCapacity: 1 });
  const a = classify(roomy, specs);
  const b = classify(cramped, specs);
  assert.equal(b, a);
  assert.is(a.length, 50);
  assert.equal(a[20].trace, ['filter:INPUT:rule:1', 'filter:SVC:return:2', 'filter:INPUT:rule:2', 'filter:INPUT:policy:3']);
  assert.equal(counters(cramped, 'filter:INPUT:2'), counters(roomy, 'filter:INPUT:2'));
  assert.is(counters(cramped, 'filter:INPUT:policy').packets, 34);
});

test.run();
