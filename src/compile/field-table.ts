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
 * Each loop over the rules is a function of its own: in a fresh process V8 optimises a long loop
 * while it runs, and code after it in the same function, not yet run, would throw that away.
 */
function groupRules(sets: readonly (ValueSet | undefined)[], unconstrained: TrackedRow, shared: boolean): RuleGroups {
  return shared ? sharedGroups(sets, unconstrained) : ownGroups(sets, unconstrained);
}

/** One group per rule with a set, in rule order: one (word, mask) pair each. */
function ownGroups(sets: readonly (ValueSet | undefined)[], unconstrained: TrackedRow): RuleGroups {
  const groupSets: ValueSet[] = [];
  const words = new Int32Array(sets.length);
  const masks = new Int32Array(sets.length);
  for (let rule = 0; rule < sets.length; rule++) {
    const set = sets[rule];
    if (!set) {
      unconstrained.set(rule);
      continue;
    }
    words[groupSets.length] = rule >>> 5;
    masks[groupSets.length] = 1 << (rule & 31);
    groupSets.push(set);
  }
  const count = groupSets.length;
  const wordStart = new Int32Array(count + 1);
  for (let g = 0; g <= count; g++) wordStart[g] = g;
  return { sets: groupSets, wordStart, words: words.subarray(0, count), masks: masks.subarray(0, count) };
}

/** Rules grouped by their set object (numbered in order of their first rule), packed into (word, mask) pairs. */
function sharedGroups(sets: readonly (ValueSet | undefined)[], unconstrained: TrackedRow): RuleGroups {
  const groupOf = new Int32Array(sets.length);
  const groupSets = assignSharedGroups(sets, unconstrained, groupOf);
  return { sets: groupSets, ...packGroups(groupOf, groupSets.length) };
}

/** groupOf[rule] = the rule's group, -1 without a set; returns the groups' sets. */
function assignSharedGroups(sets: readonly (ValueSet | undefined)[], unconstrained: TrackedRow, groupOf: Int32Array): ValueSet[] {
  const ids = new Map<ValueSet, number>();
  const groupSets: ValueSet[] = [];
  for (let rule = 0; rule < sets.length; rule++) {
    const set = sets[rule];
    if (!set) {
      unconstrained.set(rule);
      groupOf[rule] = -1;
      continue;
    }
    let id = ids.get(set);
    if (id === undefined) {
      id = groupSets.length;
      ids.set(set, id);
      groupSets.push(set);
    }
    groupOf[rule] = id;
  }
  return groupSets;
}

/** Each group's rules in rule order (a counting sort), as (word, mask) pairs. */
function packGroups(groupOf: Int32Array, count: number): Pick<RuleGroups, 'wordStart' | 'words' | 'masks'> {
  const wordStart = countPairs(groupOf, count);
  const words = new Int32Array(wordStart[count]);
  const masks = new Int32Array(wordStart[count]);
  fillPairs(groupOf, wordStart, words, masks);
  return { wordStart, words, masks };
}

/** Where each group's pairs start: a rule opens a pair unless its group's previous rule had the same word. */
function countPairs(groupOf: Int32Array, count: number): Int32Array {
  const pairStart = new Int32Array(count + 1);
  const lastWord = new Int32Array(count).fill(-1);
  for (let rule = 0; rule < groupOf.length; rule++) {
    const g = groupOf[rule];
    if (g < 0 || lastWord[g] === rule >>> 5) continue;
    lastWord[g] = rule >>> 5;
    pairStart[g + 1]++;
  }
  for (let g = 0; g < count; g++) pairStart[g + 1] += pairStart[g];
  return pairStart;
}

function fillPairs(groupOf: Int32Array, pairStart: Int32Array, words: Int32Array, masks: Int32Array): void {
  const next = pairStart.slice(0, pairStart.length - 1);
  const lastWord = new Int32Array(next.length).fill(-1);
  for (let rule = 0; rule < groupOf.length; rule++) {
    const g = groupOf[rule];
    if (g < 0) continue;
    if (lastWord[g] !== rule >>> 5) {
      lastWord[g] = rule >>> 5;
      words[next[g]++] = rule >>> 5;
    }
    masks[next[g] - 1] |= 1 << (rule & 31);
  }
}

/**
 * Field values as signed 32-bit keys in the same order (the top bit flipped): sorting and
 * searching int32 keys keeps every value a small integer for V8, where u32 values above 2^31 are
 * heap numbers that unoptimised code (all of a cold compile's first iterations) allocates per read.
 */
const toKey = (value: number): number => (value ^ 0x80000000) | 0;
const fromKey = (key: number): number => (key ^ 0x80000000) >>> 0;

/**
 * The sorted distinct interval boundaries of the groups' sets, as keys: 0 and every interval
 * start, and every end + 1 inside the domain.
 */
function boundaryKeys(groupSets: readonly ValueSet[], max: number): Int32Array {
  let edges = 1;
  for (let g = 0; g < groupSets.length; g++) edges += groupSets[g].length;
  const cuts = new Int32Array(edges);
  cuts[0] = toKey(0);
  let n = 1;
  for (let g = 0; g < groupSets.length; g++) {
    const set = groupSets[g];
    for (let i = 0; i < set.length; i += 2) {
      cuts[n++] = toKey(set[i]);
      if (set[i + 1] < max) cuts[n++] = toKey(set[i + 1] + 1);
    }
  }
  const sorted = cuts.subarray(0, n).sort();
  let m = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[m - 1]) sorted[m++] = sorted[i];
  return sorted.subarray(0, m);
}

/** Index of `key` in the ascending `keys` (it is there). */
function indexOfKey(keys: Int32Array, key: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Groups entering (group + 1) and leaving (-(group + 1)) each elementary interval: those of
 * interval j are events[at[j] .. at[j + 1]).
 */
interface SweepEvents {
  at: Int32Array;
  events: Int32Array;
}

function sweepEvents(groupSets: readonly ValueSet[], max: number, keys: Int32Array): SweepEvents {
  const m = keys.length;
  let total = 0;
  for (let g = 0; g < groupSets.length; g++) total += groupSets[g].length;
  const count = new Int32Array(m + 1);
  // at most one event per boundary of a set
  const eventAt = new Int32Array(total);
  const eventGroup = new Int32Array(total);
  let n = 0;
  for (let g = 0; g < groupSets.length; g++) {
    const set = groupSets[g];
    for (let i = 0; i < set.length; i += 2) {
      const from = indexOfKey(keys, toKey(set[i]));
      eventAt[n] = from;
      eventGroup[n++] = g + 1;
      count[from + 1]++;
      if (set[i + 1] < max) {
        const to = indexOfKey(keys, toKey(set[i + 1] + 1));
        eventAt[n] = to;
        eventGroup[n++] = -(g + 1);
        count[to + 1]++;
      }
    }
  }
  for (let j = 0; j < m; j++) count[j + 1] += count[j];
  const events = new Int32Array(n);
  const fill = count.slice(0, m);
  for (let k = 0; k < n; k++) events[fill[eventAt[k]]++] = eventGroup[k];
  return { at: count, events };
}

/** Applies interval j's events to `row`: leaving groups first, so that a group ending where its next interval starts stays in. */
function applyEvents(row: TrackedRow, groups: RuleGroups, sweep: SweepEvents, j: number): void {
  const { wordStart, words, masks } = groups;
  const { at, events } = sweep;
  for (let k = at[j]; k < at[j + 1]; k++) {
    const g = -events[k] - 1;
    if (g >= 0) for (let p = wordStart[g]; p < wordStart[g + 1]; p++) row.clearBits(words[p], masks[p]);
  }
  for (let k = at[j]; k < at[j + 1]; k++) {
    const g = events[k] - 1;
    if (g >= 0) for (let p = wordStart[g]; p < wordStart[g + 1]; p++) row.setBits(words[p], masks[p]);
  }
}

/** Appends the interval from `key` with `row` to `table`, unless it selects what the previous one does. */
function emitRow(table: IntervalTable, key: number, row: TrackedRow, pool: RowPool): void {
  // unchanged since it was last added: the same id, which the check below drops
  if (!row.changed) return;
  const id = row.addTo(pool);
  const last = table.rows.length - 1;
  if (last >= 0 && table.rows[last] === id) return; // same rules as before
  table.starts.push(fromKey(key));
  table.rows.push(id);
}

/**
 * `sets[i]` is what rule i allows (undefined: anything). At most `maxClasses` intervals are kept:
 * beyond that, runs of neighbouring intervals share the OR of their rows, which only adds
 * candidates (the exact check after the classifier removes them) and bounds the table's memory.
 */
export function buildIntervalTable(sets: readonly (ValueSet | undefined)[], max: number, pool: RowPool, maxClasses: number): IntervalTable {
  const current = new TrackedRow(pool);
  const groups = groupRules(sets, current, max <= SHARED_SETS_MAX);
  const keys = boundaryKeys(groups.sets, max);
  const sweep = sweepEvents(groups.sets, max, keys);
  const m = keys.length;
  const table: IntervalTable = { starts: [], rows: [] };
  const group = Math.ceil(m / maxClasses);
  if (group === 1) {
    for (let j = 0; j < m; j++) {
      applyEvents(current, groups, sweep, j);
      emitRow(table, keys[j], current, pool);
    }
    return table;
  }
  const merged = new TrackedRow(pool);
  for (let j = 0; j < m; j++) {
    applyEvents(current, groups, sweep, j);
    if (j % group === 0) merged.copy(current);
    else merged.includeChanges(current);
    if ((j + 1) % group === 0 || j === m - 1) emitRow(table, keys[j - (j % group)], merged, pool);
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
