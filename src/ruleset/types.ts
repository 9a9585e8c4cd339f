// The in-memory ruleset: what iptables-save text or an iptables command script loads into, what
// the printers print, and what the compiler turns into flat tables (assembly/shared/layout.ts).

export type TableName = 'raw' | 'mangle' | 'nat' | 'filter' | 'security';
export const TABLE_NAMES: readonly TableName[] = ['raw', 'mangle', 'nat', 'filter', 'security'];

/** Built-in chains per table, in the order iptables-save prints them. */
export const BUILTIN_CHAINS: Readonly<Record<TableName, readonly string[]>> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

export interface Counters {
  packets: bigint;
  bytes: bigint;
}

/** Where a piece of the ruleset came from, for error messages ("rules.v4:12: ..."). */
export interface SourcePos {
  file: string;
  line: number;
}

export interface AddrMatch {
  /** Network address as an unsigned 32-bit number, already masked. */
  addr: number;
  /** Netmask as an unsigned 32-bit number (need not be contiguous: dotted masks allowed). */
  mask: number;
  invert: boolean;
}

export interface IfaceMatch {
  /** Name as written, e.g. "eth0" or "ppp+" ('+' = prefix wildcard). */
  name: string;
  invert: boolean;
}

export interface ProtoMatch {
  /** Protocol number (0 = all). */
  num: number;
  invert: boolean;
}

/** One `-m name ...` match (or an implicitly loaded protocol match). */
export interface MatchInstance {
  module: string;
  /** Module-specific parsed options; only the module that produced them reads them. */
  opts: any;
}

export type TargetInstance =
  | { kind: 'standard'; name: 'ACCEPT' | 'DROP' | 'RETURN' | 'QUEUE' }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  | { kind: 'module'; name: string; opts: any };

export interface Rule {
  pos: SourcePos;
  counters: Counters;
  proto?: ProtoMatch;
  src?: AddrMatch;
  dst?: AddrMatch;
  inIface?: IfaceMatch;
  outIface?: IfaceMatch;
  /** -f (true) or ! -f (false); undefined = not given. */
  fragment?: boolean;
  matches: MatchInstance[];
  target?: TargetInstance;
}

export interface Chain {
  name: string;
  builtin: boolean;
  /** Built-in chains only. */
  policy?: 'ACCEPT' | 'DROP';
  /** Built-in chains: the policy counters (`:INPUT ACCEPT [p:b]`). */
  counters: Counters;
  rules: Rule[];
  pos?: SourcePos;
}

export interface Table {
  name: TableName;
  /** Built-in chains first (BUILTIN_CHAINS order), then user chains in creation order. */
  chains: Chain[];
}

export interface Diagnostic {
  pos?: SourcePos;
  message: string;
}

export interface Ruleset {
  /** Only the tables the input mentioned, in TABLE_NAMES order. */
  tables: Table[];
  warnings: Diagnostic[];
}

export function zeroCounters(): Counters {
  return { packets: 0n, bytes: 0n };
}
