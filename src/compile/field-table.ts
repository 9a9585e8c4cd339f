// One field of a chain's classifier: the elementary intervals of the field's values that the
// rules' value sets cut it into, each with the row of rules that allow it (layout.ts "Classifier
// tables", CLL_SEARCH / CLL_DIRECT). Built by one sweep over the interval boundaries.
import { TrackedRow, type RowPool } from './row-pool.js';
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
  const current = new TrackedRow(pool);
  let edges = 1;
  for (let rule = 0; rule < sets.length; rule++) edges += sets[rule]?.length ?? 0;
  // Every interval start, and every end + 1 inside the domain, begins an elementary interval.
  const cuts = new Float64Array(edges);
  let n = 1;
  for (let rule = 0; rule < sets.length; rule++) {
    const set = sets[rule];
    if (!set) {
      current.set(rule);
      continue;
    }
    for (let i = 0; i < set.length; i += 2) {
      cuts[n++] = set[i];
      if (set[i + 1] < max) cuts[n++] = set[i + 1] + 1;
    }
  }
  const sorted = cuts.subarray(0, n).sort();
  let m = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[m - 1]) sorted[m++] = sorted[i];
  const starts = sorted.subarray(0, m);
  const indexOf = (value: number): number => {
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Rules entering (rule + 1) and leaving (-(rule + 1)) at each boundary, grouped by boundary.
  const eventCount = new Int32Array(m + 1);
  // at most one event per cut
  const eventAt = new Int32Array(n);
  const eventRule = new Int32Array(n);
  let eventTotal = 0;
  for (let rule = 0; rule < sets.length; rule++) {
    const set = sets[rule];
    if (!set) continue;
    for (let i = 0; i < set.length; i += 2) {
      const from = indexOf(set[i]);
      eventAt[eventTotal] = from;
      eventRule[eventTotal++] = rule + 1;
      eventCount[from + 1]++;
      if (set[i + 1] < max) {
        const to = indexOf(set[i + 1] + 1);
        eventAt[eventTotal] = to;
        eventRule[eventTotal++] = -(rule + 1);
        eventCount[to + 1]++;
      }
    }
  }
  for (let j = 0; j < m; j++) eventCount[j + 1] += eventCount[j];
  const events = new Int32Array(eventTotal);
  const fill = eventCount.slice(0, m);
  for (let k = 0; k < eventTotal; k++) events[fill[eventAt[k]]++] = eventRule[k];

  const group = Math.ceil(m / maxClasses);
  const merged = group > 1 ? new TrackedRow(pool) : current;
  const table: IntervalTable = { starts: [], rows: [] };
  const emit = (start: number, row: TrackedRow) => {
    // unchanged since it was last added: the same id, which the check below drops
    if (!row.changed) return;
    const id = row.addTo(pool);
    if (table.rows.length > 0 && table.rows[table.rows.length - 1] === id) return; // same rules as before
    table.starts.push(start);
    table.rows.push(id);
  };
  for (let j = 0; j < m; j++) {
    // A rule whose interval ends where its next one starts stays in: remove before adding.
    for (let k = eventCount[j]; k < eventCount[j + 1]; k++) if (events[k] < 0) current.clear(-events[k] - 1);
    for (let k = eventCount[j]; k < eventCount[j + 1]; k++) if (events[k] > 0) current.set(events[k] - 1);
    if (group === 1) {
      emit(starts[j], current);
      continue;
    }
    if (j % group === 0) merged.copy(current);
    else merged.includeChanges(current);
    if ((j + 1) % group === 0 || j === m - 1) emit(starts[j - (j % group)], merged);
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
