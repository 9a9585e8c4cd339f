// The interface every `-m` match and every `-j` extension target implements: parse its options,
// check them, print them the way iptables 1.8 does (save and -L forms), and compile them into
// the core's instructions (assembly/shared/layout.ts). One module, one file, registered in
// src/modules/registry.ts.
import type { ProtoMatch, SourcePos, TableName } from '../ruleset/types.js';

export interface OptionSpec {
  /** Long option name without the leading dashes, e.g. "dport". */
  name: string;
  /** How many arguments follow it (`--tcp-flags SYN,ACK SYN` has 2). 'optional': 0 or 1 (taken when the next word does not start with '-' or '!'). */
  args: 0 | 1 | 2 | 'optional';
  /** Other spellings accepted on input (e.g. "destination-port" for "dport"). */
  aliases?: string[];
  /** Whether `! --opt` / `--opt !` is allowed; a `!` otherwise is an error. */
  invertible?: boolean;
}

/** What a module sees while its options are parsed and checked. */
export interface ParseCtx {
  pos: SourcePos;
  table: TableName;
  chain: string;
  /** The rule's `-p`, as far as known (finalize sees the final value). */
  proto?: ProtoMatch;
  /** Throw a load error at this rule's position ("FILE:LINE: msg"). */
  fail(message: string): never;
  /** Throw an "unsupported" error naming the feature. */
  unsupported(feature: string, message: string): never;
  /** Record a warning (printed on stderr, kept in Ruleset.warnings). */
  warn(message: string): void;
  /** In finalize: the rule's matches (a target may depend on them, e.g. TCPMSS needs a SYN match). */
  matches?: readonly import('../ruleset/types.js').MatchInstance[];
}

/** Sink for a match's compiled instructions. */
export interface Emitter {
  /** Append one instruction; the header word is built here. `invert` sets INS_INVERT. */
  op(opcode: number, operands: readonly number[], invert?: boolean): void;
  /** Reserve zeroed per-rule state; returns its byte offset from CFG_STATE_PTR (8-aligned). */
  allocState(bytes: number): number;
  /** State shared by every rule that names the same key (e.g. "recent:DEFAULT"): one offset per key. */
  sharedState(key: string, bytes: number): number;
  /** Record a warning about this rule (e.g. a match that cannot be judged offline). */
  warn(message: string): void;
}

export interface MatchModule<O = any> {
  name: string;
  /** Other names accepted after -m (e.g. "NOTRACK" style legacy aliases); printed as `name`. */
  aliases?: string[];
  options: OptionSpec[];
  /** Protocol modules (tcp, udp, icmp) are loaded implicitly by `-p NAME --opt`. */
  implicitForProto?: number;
  init(): O;
  /** One occurrence of one of `options`; `option` is the canonical name. */
  parse(opts: O, option: string, args: string[], invert: boolean, ctx: ParseCtx): void;
  /** After the whole rule is read: check required options, protocol, table/chain. */
  finalize(opts: O, ctx: ParseCtx): void;
  /** Canonical iptables-save text after `-m name ` ('' when nothing is printed). */
  save(opts: O): string;
  /** Text in the last column of `iptables -L -n` (e.g. "tcp dpt:22"). */
  list(opts: O): string;
  compile(opts: O, em: Emitter): void;
}

/** What a target's compile step may ask for. */
export interface TargetCompileCtx {
  table: TableName;
  chain: string;
  /** Register data the host needs when the target fires (e.g. LOG options); returns its id. */
  action(data: unknown): number;
  warn(message: string): void;
}

export interface CompiledTarget {
  /** T_* kind from assembly/shared/layout.ts. */
  kind: number;
  args?: number[];
}

export interface TargetModule<O = any> {
  name: string;
  aliases?: string[];
  options: OptionSpec[];
  init(): O;
  parse(opts: O, option: string, args: string[], invert: boolean, ctx: ParseCtx): void;
  /** Check required options, and the tables/chains the kernel allows the target in. */
  finalize(opts: O, ctx: ParseCtx): void;
  /** Canonical iptables-save text after `-j NAME ` ('' when nothing is printed). */
  save(opts: O): string;
  /** Text appended to the `iptables -L -n` options column (e.g. "reject-with icmp-port-unreachable"). */
  list(opts: O): string;
  compile(opts: O, ctx: TargetCompileCtx): CompiledTarget;
}

/** The action a LOG target registers (TargetCompileCtx.action); src/log formats the line. */
export interface LogAction {
  type: 'LOG';
  /** --log-prefix, as given (up to 29 characters). */
  prefix: string;
  /** syslog level 0..7 (default 4, warning). */
  level: number;
  tcpSequence: boolean;
  tcpOptions: boolean;
  ipOptions: boolean;
  uid: boolean;
  macDecode: boolean;
}

/** The action an NFLOG target registers. */
export interface NflogAction {
  type: 'NFLOG';
  group: number;
  prefix: string;
}
