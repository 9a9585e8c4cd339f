// buildIntervalTable (src/compile/field-table.ts) moves rules that share one value-set object as a
// group; the table must be exactly what the same sets as separate objects (one group per rule) give.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildIntervalTable } from '../src/compile/field-table.js';
import { RowPool } from '../src/compile/row-pool.js';
import { enumerate, normalize, type ValueSet } from '../src/compile/value-set.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** `rules` rules drawing from a few shared sets (small domain), some unconstrained. */
function sharedSets(rules: number, max: number, seed: number): (ValueSet | undefined)[] {
  const r = rng(seed);
  const palette: ValueSet[] = [
    enumerate(max, (v) => (v & 2) !== 0), // like --ctstate NEW: many intervals
    enumerate(max, (v) => (v & 0x0c) !== 0),
    [3, 3],
    [0, 9, 11, 20], // two intervals with a one-value gap
    [10, 10],
    normalize([40, 60, 61, 80]),
  ];
  return Array.from({ length: rules }, () => (r() < 0.15 ? undefined : palette[Math.floor(r() * palette.length)]));
}

function tableOf(sets: (ValueSet | undefined)[], max: number, maxClasses: number) {
  const pool = new RowPool(Math.ceil(sets.length / 128));
  const table = buildIntervalTable(sets, max, pool, maxClasses);
  const rows = new Uint32Array(pool.words);
  pool.copyTo(rows, 0);
  return { table, rows: Array.from(rows), count: pool.count };
}

for (const [rules, maxClasses] of [[40, 1000], [300, 1000], [300, 7]] as const) {
  test(`${rules} rules, at most ${maxClasses} classes: shared set objects give the table equal copies give`, () => {
    const max = 255;
    const shared = sharedSets(rules, max, rules + maxClasses);
    const copies = shared.map((set) => (set ? [...set] : undefined));
    const grouped = tableOf(shared, max, maxClasses);
    const separate = tableOf(copies, max, maxClasses);
    assert.equal(grouped.table, separate.table);
    assert.equal(grouped.rows, separate.rows);
    if (maxClasses < 100) assert.ok(grouped.table.starts.length <= maxClasses, 'merged down to maxClasses');
    else assert.ok(grouped.table.starts.length > 3, 'the sets cut the field into several intervals');
  });
}

test('each interval row holds exactly the rules whose set has its values', () => {
  const max = 255;
  const sets = sharedSets(200, max, 5);
  const { table, rows, count } = tableOf(sets, max, 1000);
  const pool = new RowPool(Math.ceil(sets.length / 128));
  const stored = pool.storedWords;
  assert.ok(count > 0);
  for (let j = 0; j < table.starts.length; j++) {
    const value = table.starts[j];
    const at = table.rows[j] * stored + pool.summaryWords;
    for (let rule = 0; rule < sets.length; rule++) {
      const set = sets[rule];
      let allowed = set === undefined;
      for (let i = 0; set && i < set.length; i += 2) if (value >= set[i] && value <= set[i + 1]) allowed = true;
      const bit = (rows[at + (rule >>> 5)] >>> (rule & 31)) & 1;
      assert.is(bit, allowed ? 1 : 0, `rule ${rule} at value ${value}`);
    }
  }
});

test.run();
