// One field of a chain's classifier: the elementary intervals of the field's values that the
// rules' value sets cut it into, each with the row of rules that allow it (layout.ts "Classifier
// tables", CLL_SEARCH / CLL_DIRECT). Built by one sweep over the interval boundaries.
import { TrackedRow, type RowPool } from './row-pool.js';
import { SHARED_SETS_MAX } from './rule-fields.js';
import type { ValueSet } from './value-set.js';

export interface IntervalTable {
  /** Ascending interval starts, the first 0. */
  starts: number[];
  /** Row id of each interval. */
  rows: number[];
}

/**
 * The rules of a field grouped by their value set (the same object): compiled rules share their
 * small-domain sets (every `--ctstate NEW` is one set of 128 intervals), and a group enters and
 * leaves an interval as one, a row word at a time, instead of one event per rule and interval
 * (which was most of a cold 1k-rule compile). Groups are numbered in order of their first rule.
 */
interface RuleGroups {
  /** The set of each group. */
  sets: ValueSet[];
  /** Group g's bits are words[wordStart[g] .. wordStart[g + 1]) of the row, OR-ed with masks[...]. */
  wordStart: Int32Array;
  words: Int32Array;
  masks: Int32Array;
}

/**
 * Groups the rules with a set; rules without one (anything) are set in `unconstrained`. Only
 * `shared` sets are looked up (the others are one per rule: a group each, no Map of 10k keys).
 */
function groupRules(sets: readonly (ValueSet | undefined)[], unconstrained: TrackedRow, shared: boolean): RuleGroups {
  const groupOf = new Int32Array(sets.length);
  const ids = new Map<ValueSet, number>();
  const groupSets: ValueSet[] = [];
  for (let rule = 0; rule < sets.length; rule++) {
    const set = sets[rule];
    if (!set) {
      unconstrained.set(rule);
      groupOf[rule] = -1;
      continue;
    }
    let id = shared ? ids.get(set) : undefined;
    if (id === undefined) {
      id = groupSets.length;
      if (shared) ids.set(set, id);
      groupSets.push(set);
    }
    groupOf[rule] = id;
  }
  // Members of each group in rule order (a counting sort), then packed into (word, mask) pairs.
  const count = groupSets.length;
  const memberStart = new Int32Array(count + 1);
  for (let rule = 0; rule < sets.length; rule++) if (groupOf[rule] >= 0) memberStart[groupOf[rule] + 1]++;
  for (let g = 0; g < count; g++) memberStart[g + 1] += memberStart[g];
  const members = new Int32Array(memberStart[count]);
  const fill = memberStart.slice(0, count);
  for (let rule = 0; rule < sets.length; rule++) if (groupOf[rule] >= 0) members[fill[groupOf[rule]]++] = rule;
  const wordStart = new Int32Array(count + 1);
  const words = new Int32Array(members.length);
  const masks = new Int32Array(members.length);
  let pairs = 0;
  for (let g = 0; g < count; g++) {
    wordStart[g] = pairs;
    for (let k = memberStart[g]; k < memberStart[g + 1]; k++) {
      const rule = members[k];
      const word = rule >>> 5;
      if (pairs > wordStart[g] && words[pairs - 1] === word) masks[pairs - 1] |= 1 << (rule & 31);
      else {
        words[pairs] = word;
        masks[pairs++] = 1 << (rule & 31);
      }
    }
  }
  wordStart[count] = pairs;
  return { sets: groupSets, wordStart, words, masks };
}

/**
 * `sets[i]` is what rule i allows (undefined: anything). At most `maxClasses` intervals are kept:
 * beyond that, runs of neighbouring intervals share the OR of their rows, which only adds
 * candidates (the exact check after the classifier removes them) and bounds the table's memory.
 */
export function buildIntervalTable(sets: readonly (ValueSet | undefined)[], max: number, pool: RowPool, maxClasses: number): IntervalTable {
  const current = new TrackedRow(pool);
  const groups = groupRules(sets, current, max <= SHARED_SETS_MAX);
  const groupSets = groups.sets;
  let edges = 1;
  for (let g = 0; g < groupSets.length; g++) edges += groupSets[g].length;
  // Every interval start, and every end + 1 inside the domain, begins an elementary interval.
  const cuts = new Float64Array(edges);
  let n = 1;
  for (let g = 0; g < groupSets.length; g++) {
    const set = groupSets[g];
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
  // Groups entering (group + 1) and leaving (-(group + 1)) at each boundary, grouped by boundary.
  const eventCount = new Int32Array(m + 1);
  // at most one event per cut
  const eventAt = new Int32Array(n);
  const eventGroup = new Int32Array(n);
  let eventTotal = 0;
  for (let g = 0; g < groupSets.length; g++) {
    const set = groupSets[g];
    for (let i = 0; i < set.length; i += 2) {
      const from = indexOf(set[i]);
      eventAt[eventTotal] = from;
      eventGroup[eventTotal++] = g + 1;
      eventCount[from + 1]++;
      if (set[i + 1] < max) {
        const to = indexOf(set[i + 1] + 1);
        eventAt[eventTotal] = to;
        eventGroup[eventTotal++] = -(g + 1);
        eventCount[to + 1]++;
      }
    }
  }
  for (let j = 0; j < m; j++) eventCount[j + 1] += eventCount[j];
  const events = new Int32Array(eventTotal);
  const fill = eventCount.slice(0, m);
  for (let k = 0; k < eventTotal; k++) events[fill[eventAt[k]]++] = eventGroup[k];

  const { wordStart, words, masks } = groups;
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
    for (let k = eventCount[j]; k < eventCount[j + 1]; k++) {
      const g = -events[k] - 1;
      if (g >= 0) for (let p = wordStart[g]; p < wordStart[g + 1]; p++) current.clearBits(words[p], masks[p]);
    }
    for (let k = eventCount[j]; k < eventCount[j + 1]; k++) {
      const g = events[k] - 1;
      if (g >= 0) for (let p = wordStart[g]; p < wordStart[g + 1]; p++) current.setBits(words[p], masks[p]);
    }
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
