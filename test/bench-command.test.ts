// nfwasm bench: rules examined per packet rebuilt from traces (checked against walks counted by
// hand), throughput reported, and with two rulesets the packets whose verdict differs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addWalk, type ChainCost } from '../src/node/commands/bench-walk.js';
import { benchRulesets, formatBenchReport } from '../src/node/commands/bench.js';
import { tempDir } from './classify-support.js';

test('walk: a match at rule 3 examined 3 rules; a policy after 4 rules examined 4', () => {
  const costs = new Map<string, ChainCost>();
  assert.is(addWalk(['filter:INPUT:rule:3'], costs), 3);
  assert.is(addWalk(['filter:INPUT:policy:5'], costs), 4);
  assert.equal(costs.get('filter:INPUT'), { examined: 7, matched: 1 });
});

test('walk: a jump, the chain jumped to, its return, and the rest of the caller', () => {
  // INPUT rule 2 jumps to web (4 rules, none match: return:5), then INPUT rule 6 drops
  const costs = new Map<string, ChainCost>();
  const total = addWalk(['filter:INPUT:rule:2', 'filter:web:return:5', 'filter:INPUT:rule:6'], costs);
  assert.equal(costs.get('filter:INPUT'), { examined: 2 + 4, matched: 2 });
  assert.equal(costs.get('filter:web'), { examined: 4, matched: 0 });
  assert.is(total, 10);
});

test('walk: a non-terminal match continues the chain; a second table starts afresh', () => {
  const costs = new Map<string, ChainCost>();
  const total = addWalk(['raw:PREROUTING:rule:1', 'raw:PREROUTING:policy:2', 'filter:INPUT:rule:2', 'filter:INPUT:rule:4'], costs);
  assert.equal(costs.get('raw:PREROUTING'), { examined: 1, matched: 1 });
  assert.equal(costs.get('filter:INPUT'), { examined: 4, matched: 2 });
  assert.is(total, 5);
});

test('walk: a RETURN rule inside a nested jump goes back to the right caller', () => {
  // FORWARD 1 -> a; a 2 -> b; b rule 1 is RETURN (to a); a ends (return:4) -> FORWARD; policy after 3 rules
  const costs = new Map<string, ChainCost>();
  addWalk(['filter:FORWARD:rule:1', 'filter:a:rule:2', 'filter:b:rule:1', 'filter:a:return:4', 'filter:FORWARD:policy:4'], costs);
  assert.equal(costs.get('filter:a'), { examined: 3, matched: 1 });
  assert.equal(costs.get('filter:b'), { examined: 1, matched: 1 });
  assert.equal(costs.get('filter:FORWARD'), { examined: 3, matched: 1 });
});

const dir = tempDir();
const packets = join(dir, 'packets.jsonl');
const early = join(dir, 'early.rules');
const late = join(dir, 'late.rules');
const filler = Array.from({ length: 20 }, (_, i) => `-A INPUT -p udp --dport ${1000 + i} -j ACCEPT`);
const rules = (body: string[]) => ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...body, 'COMMIT', ''].join('\n');
// A: ssh accepted by rule 1; B: the same rule after 20 others, and port 23 accepted too
writeFileSync(early, rules(['-A INPUT -p tcp --dport 22 -j ACCEPT', ...filler]));
writeFileSync(late, rules([...filler, '-A INPUT -p tcp --dport 22 -j ACCEPT', '-A INPUT -p tcp --dport 23 -j ACCEPT']));
const packet = (i: number, dport: number) => JSON.stringify({ src: `192.0.2.${i + 1}`, dst: '198.51.100.1', proto: 'tcp', sport: 40000 + i, dport, flags: 'S', in: 'eth0' });
writeFileSync(packets, [0, 1, 2, 3, 4, 5].map((i) => packet(i, i % 3 === 2 ? 23 : 22)).join('\n') + '\n');

test('bench: one ruleset', async () => {
  const report = await benchRulesets([early], packets);
  assert.is(report.packets, 6);
  const [a] = report.rulesets;
  // 4 packets to port 22 examine 1 rule; 2 to port 23 examine all 21 then the policy
  assert.is(a.examinedPerPacket, (4 * 1 + 2 * 21) / 6);
  assert.equal(a.verdicts, { ACCEPT: 4, DROP: 2 });
  assert.ok(a.packetsPerSecond > 0);
  assert.equal(a.chains.map((c) => c.chain), ['filter:INPUT']);
  assert.is(report.differences, undefined);
});

test('bench: two rulesets, differing verdicts counted and shown, per chain cost', async () => {
  const report = await benchRulesets([early, late], packets, { show: 1 });
  const [a, b] = report.rulesets;
  assert.is(b.examinedPerPacket, (4 * 21 + 2 * 22) / 6);
  assert.ok(b.examinedPerPacket > a.examinedPerPacket);
  assert.is(report.differences!.total, 2);
  assert.is(report.differences!.shown.length, 1);
  const first = report.differences!.shown[0];
  assert.is(first.n, 3);
  assert.match(first.packet, /tcp 192\.0\.2\.3:40002 > 198\.51\.100\.1:23/);
  assert.is(first.a, 'DROP (filter:INPUT:policy)');
  assert.is(first.b, 'ACCEPT (filter:INPUT:22)');
  const text = formatBenchReport(report);
  assert.match(text, /verdicts differ: 2 of 6 packets \(first 1 shown\)/);
  assert.match(text, /rules examined per packet: 7\.67/);
  assert.match(text, /B \/ A: throughput/);
});

test('bench: wrong number of rulesets', async () => {
  try {
    await benchRulesets([early, late, early], packets);
    assert.unreachable('three rulesets');
  } catch (err) {
    assert.match((err as Error).message, /one or two rulesets/);
  }
});

test.run();
