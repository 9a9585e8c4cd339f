// Nothing is lost silently: fragments still waiting for the rest of their datagram when the input
// ends are reported by the summary (docs/fragments.md).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Summary } from '../src/node/summary.js';
import { engineFor, run, STATEFUL_RULES } from './defrag-support.js';

const FROM = { in: 'eth0', src: '192.0.2.7', dst: '198.51.100.1' };
const first = (id: number, ts = 1) => ({ ...FROM, ts, proto: 'udp', sport: 1000, dport: 53, id, mf: true, len: 1500 });
const second = (id: number, ts = 1.1) => ({ ...FROM, ts, proto: 'udp', id, frag_offset: 185, len: 520 });

test('datagrams that never completed are counted at the end; completed ones are not', async () => {
  const engine = await engineFor(STATEFUL_RULES);
  const { records } = run(engine, [first(7), second(7), first(8), first(9, 1.2)]);
  const summary = new Summary();
  for (const rec of records) summary.add(rec);
  assert.equal(summary.heldAtEnd(), { datagrams: 2, fragments: 2 });
  assert.match(summary.format(), /fragments never completed: 2 in 2 datagram\(s\)/);
});

test('queues the engine reports expired are no longer counted as held', async () => {
  const engine = await engineFor(STATEFUL_RULES, { defrag: { timeoutSeconds: 30 } });
  const { records } = run(engine, [first(8), first(9, 100)]); // id 8 expires before the second packet
  const summary = new Summary();
  for (const rec of records) summary.add(rec);
  assert.ok(records[1].defrag?.expired, 'the engine reported the expired queue');
  assert.equal(summary.heldAtEnd(), { datagrams: 1, fragments: 1 });
  const none = new Summary();
  for (const rec of run(await engineFor(STATEFUL_RULES), [first(7), second(7)]).records) none.add(rec);
  assert.not.match(none.format(), /never completed/);
});

test.run();
