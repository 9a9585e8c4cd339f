// The iptables command line's own options (iptables.c original_opts / IPT_OPTSTRING) and the
// getopt_long rules for finding a long option: an exact name wins, otherwise a unique prefix.

/** How many words a basic option takes: 1 = required, 'optional' = attached or a following word not starting with '-'/'!'. */
export type BasicArity = 0 | 1 | 'optional';

export interface BasicOption {
  /** The short letter iptables uses internally ('0' is --line-numbers). */
  letter: string;
  arity: BasicArity;
}

export const LONG_BASIC_OPTIONS: ReadonlyArray<[string, string]> = [
  ['append', 'A'], ['delete', 'D'], ['check', 'C'], ['insert', 'I'], ['replace', 'R'],
  ['list', 'L'], ['list-rules', 'S'], ['flush', 'F'], ['zero', 'Z'], ['new-chain', 'N'],
  ['delete-chain', 'X'], ['rename-chain', 'E'], ['policy', 'P'], ['source', 's'],
  ['destination', 'd'], ['src', 's'], ['dst', 'd'], ['protocol', 'p'], ['in-interface', 'i'],
  ['jump', 'j'], ['table', 't'], ['match', 'm'], ['numeric', 'n'], ['out-interface', 'o'],
  ['verbose', 'v'], ['wait', 'w'], ['wait-interval', 'W'], ['exact', 'x'], ['fragments', 'f'],
  ['version', 'V'], ['help', 'h'], ['line-numbers', '0'], ['modprobe', 'M'],
  ['set-counters', 'c'], ['goto', 'g'], ['ipv4', '4'], ['ipv6', '6'],
];

export const SHORT_OPTIONS: Readonly<Record<string, BasicArity>> = {
  A: 1, C: 1, D: 1, E: 1, F: 'optional', I: 1, L: 'optional', M: 1, N: 1, P: 1, R: 1,
  S: 'optional', V: 0, X: 'optional', Z: 'optional', c: 1, d: 1, f: 0, g: 1, h: 0, i: 1, j: 1,
  m: 1, n: 0, o: 1, p: 1, s: 1, t: 1, v: 0, w: 'optional', W: 'optional', x: 0, '4': 0, '6': 0,
  '0': 0,
};

/** What iptables calls each basic option in its messages (ip46t_option_name). */
export const OPTION_NAMES: Readonly<Record<string, string>> = {
  n: '--numeric', s: '--source', d: '--destination', p: '--protocol', j: '--jump', v: '--verbose',
  x: '--exact', i: '--in-interface', o: '--out-interface', '0': '--line-numbers',
  c: '--set-counters', f: '--fragments', g: '--goto',
};

/** One entry of the merged long-option table. */
export interface LongCandidate<T> {
  name: string;
  /** Entries with the same key are the same option under another spelling (not ambiguous). */
  key: string;
  value: T;
}

export type LongLookup<T> =
  | { kind: 'found'; value: T; name: string }
  | { kind: 'ambiguous'; names: string[] }
  | { kind: 'none' };

/** getopt_long: exact match anywhere in the table, else a unique (by key) prefix match. */
export function lookupLong<T>(table: readonly LongCandidate<T>[], written: string): LongLookup<T> {
  const exact = table.find((c) => c.name === written);
  if (exact) return { kind: 'found', value: exact.value, name: exact.name };
  const prefixed = table.filter((c) => c.name.startsWith(written));
  if (prefixed.length === 0) return { kind: 'none' };
  const keys = new Set(prefixed.map((c) => c.key));
  if (keys.size > 1) return { kind: 'ambiguous', names: prefixed.map((c) => c.name) };
  return { kind: 'found', value: prefixed[0].value, name: prefixed[0].name };
}

/** A merged long-option table with its names indexed: an exact name is found without a scan. */
export class LongOptionTable<T> {
  /** The first entry of each name, which is what a scan in table order finds. */
  private readonly exact = new Map<string, LongCandidate<T>>();

  constructor(readonly candidates: readonly LongCandidate<T>[]) {
    for (const c of candidates) if (!this.exact.has(c.name)) this.exact.set(c.name, c);
  }

  lookup(written: string): LongLookup<T> {
    const exact = this.exact.get(written);
    if (exact) return { kind: 'found', value: exact.value, name: exact.name };
    return lookupLong(this.candidates, written);
  }
}
