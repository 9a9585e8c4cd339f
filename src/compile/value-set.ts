// Sets of unsigned field values as sorted, disjoint, non-adjacent inclusive intervals
// [lo0, hi0, lo1, hi1, ...]: what one rule allows on one classified field.

export type ValueSet = readonly number[];

export const EMPTY: ValueSet = [];

export function everything(max: number): ValueSet {
  return [0, max];
}

/** Sorted, merged (overlapping or adjacent intervals joined). */
export function normalize(intervals: readonly number[]): ValueSet {
  const pairs: [number, number][] = [];
  for (let i = 0; i < intervals.length; i += 2) if (intervals[i] <= intervals[i + 1]) pairs.push([intervals[i], intervals[i + 1]]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= out[last] + 1) out[last] = Math.max(out[last], hi);
    else out.push(lo, hi);
  }
  return out;
}

export function complement(set: ValueSet, max: number): ValueSet {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < set.length; i += 2) {
    if (set[i] > next) out.push(next, set[i] - 1);
    next = set[i + 1] + 1;
  }
  if (next <= max) out.push(next, max);
  return out;
}

export function intersect(a: ValueSet, b: ValueSet): ValueSet {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i], b[j]);
    const hi = Math.min(a[i + 1], b[j + 1]);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return out;
}

/** The values 0..max for which `holds` is true (for small domains such as a u8 field). */
export function enumerate(max: number, holds: (value: number) => boolean): ValueSet {
  const out: number[] = [];
  for (let v = 0; v <= max; v++) {
    if (!holds(v)) continue;
    const last = out.length - 1;
    if (last > 0 && out[last] === v - 1) out[last] = v;
    else out.push(v, v);
  }
  return out;
}

/** `set`, or its complement when `invert` (the `!` of an option). */
export function inverted(set: ValueSet, invert: boolean, max: number): ValueSet {
  return invert ? complement(set, max) : set;
}
