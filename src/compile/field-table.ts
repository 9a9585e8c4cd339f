// One field of a chain's classifier: the elementary intervals of the field's values that the
// rules' value sets cut it into, each with the row of rules that allow it (layout.ts "Classifier
// tables", CLL_SEARCH / CLL_DIRECT). Built by one sweep over the interval boundaries.
import { clearBit, emptyRow, setBit, type RowPool } from './row-pool.js';
import type { ValueSet } from './value-set.js';

export interface IntervalTable {
  /** Ascending interval starts, the first 0. */
  starts: number[];
  /** Row id of each interval. */
  rows: number[];
}

/**
 * `sets[i]` is what rule i allows (undefined: anything). At most `maxClasses` intervals are kept:
 * beyond that, runs of neighbouring intervals share the OR of their rows, which only adds
 * candidates (the exact check after the classifier removes them) and bounds the table's memory.
 */
export function buildIntervalTable(sets: readonly (ValueSet | undefined)[], max: number, pool: RowPool, maxClasses: number): IntervalTable {
  const current = emptyRow(pool);
  const boundaries = new Set<number>([0]);
  sets.forEach((set, rule) => {
    if (!set) {
      setBit(current, rule);
      return;
    }
    for (let i = 0; i < set.length; i += 2) {
      boundaries.add(set[i]);
      if (set[i + 1] < max) boundaries.add(set[i + 1] + 1);
    }
  });
  const starts = Float64Array.from(boundaries).sort();
  const indexOf = new Map<number, number>();
  starts.forEach((v, i) => indexOf.set(v, i));
  const adds: number[][] = [];
  const removes: number[][] = [];
  const push = (lists: number[][], at: number, rule: number) => (lists[at] ??= []).push(rule);
  sets.forEach((set, rule) => {
    if (!set) return;
    for (let i = 0; i < set.length; i += 2) {
      push(adds, indexOf.get(set[i])!, rule);
      if (set[i + 1] < max) push(removes, indexOf.get(set[i + 1] + 1)!, rule);
    }
  });

  const group = Math.ceil(starts.length / maxClasses);
  const merged = group > 1 ? emptyRow(pool) : current;
  const table: IntervalTable = { starts: [], rows: [] };
  const emit = (start: number, row: Uint32Array) => {
    const id = pool.add(row);
    if (table.rows[table.rows.length - 1] === id) return; // same rules as the interval before
    table.starts.push(start);
    table.rows.push(id);
  };
  for (let j = 0; j < starts.length; j++) {
    // A rule whose interval ends where its next one starts stays in: remove before adding.
    for (const rule of removes[j] ?? []) clearBit(current, rule);
    for (const rule of adds[j] ?? []) setBit(current, rule);
    if (group === 1) {
      emit(starts[j], current);
      continue;
    }
    for (let w = 0; w < current.length; w++) merged[w] |= current[w];
    if ((j + 1) % group === 0 || j === starts.length - 1) {
      emit(starts[j - (j % group)], merged);
      merged.fill(0);
    }
  }
  return table;
}

/** The row id of every value 0..max (a small field looked up directly). */
export function expandToDirect(table: IntervalTable, max: number): number[] {
  const direct = new Array<number>(max + 1);
  for (let j = 0; j < table.starts.length; j++) {
    const end = j + 1 < table.starts.length ? table.starts[j + 1] : max + 1;
    direct.fill(table.rows[j], table.starts[j], end);
  }
  return direct;
}
