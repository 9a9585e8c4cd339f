// What compileRuleset() produces: the flat tables of assembly/shared/layout.ts plus what the host
// needs to explain results (which rule an entry is, the actions LOG/NFLOG registered).
import type { Diagnostic, Rule, TableName } from '../ruleset/types.js';
import type { ClassifierInfo } from './bitvector.js';
import type { ConntrackSettings } from './conntrack.js';

export type EntryKind = 'rule' | 'return' | 'policy';

/** One entry of the entry table, as the host reports it. */
export interface EntryInfo {
  table: TableName;
  chain: string;
  /** Position in the chain from 1 (TRACE numbering); the tail is rules + 1. */
  n: number;
  kind: EntryKind;
  rule?: Rule;
}

export interface CompiledRuleset {
  /** entryCount * ENTRY_SIZE bytes. */
  entries: Uint8Array;
  entryCount: number;
  /**
   * The match code area (instructions of every rule), then the chains' classifier tables. Made
   * on first use: loading writes the area straight into the core (codeWords, writeCode).
   */
  readonly code: Uint32Array;
  /** Words of the code area. */
  codeWords: number;
  /** Writes the code area into `target` (codeWords words from its start). */
  writeCode(target: Uint32Array): void;
  /** The chains that got a bit-vector classifier, with their table sizes. */
  classifiers: ClassifierInfo[];
  /** [table * HOOK_COUNT + hook] = first entry of that built-in chain, or -1. */
  hookStarts: Int32Array;
  /** Jump stack words the core needs (the kernel's stacksize: user chains + 1). */
  stackDepth: number;
  /** Bytes of zeroed state for limit/recent/hashlimit. */
  stateSize: number;
  /** Data registered by targets (TargetCompileCtx.action), indexed by action id. */
  actions: unknown[];
  warnings: Diagnostic[];
  entryInfo: EntryInfo[];
  /** Upper bound on the events one packet can produce (CFG_EVENTS_PER_PACKET_MAX). */
  eventsPerPacketMax: number;
  /** CFG_FLAGS: CFGF_* from the host plus CFGF_TABLE_PRESENT bits. */
  configFlags: number;
  /** The host's limit on the ICMP errors it sends (net.ipv4.icmp_ratelimit ms, icmp_ratemask). */
  icmpRateLimit: { ms: number; mask: number };
  /** First entry of every chain, keyed "table:chain". */
  chainStarts: Map<string, number>;
  /** Connection tracking: whether the ruleset turns it on, and the host's settings for it. */
  conntrack: ConntrackSettings;
}
