// compileRuleset(): the ruleset laid out as the core's entry table (assembly/shared/layout.ts),
// chain after chain like the kernel's blob: each chain's rules, then its tail (a built-in chain's
// policy, a user chain's implicit RETURN). Jumps and gotos become entry indices; `-m` matches
// compile into one shared code area.
import {
  CFGF_ALL_LOCAL, CFGF_FORWARDING, CFGF_TABLE_PRESENT, E_ARG0, E_CHAIN_TAIL, E_CODE_LEN, E_CODE_OFF,
  E_FLAGS, E_TABLE, E_TARGET, EF_TAIL, ENTRY_SIZE, HOOK_COUNT, HOOK_FORWARD, HOOK_INPUT, HOOK_OUTPUT,
  HOOK_POSTROUTING, HOOK_PREROUTING, T_ACCEPT, T_DROP, T_POLICY, T_TAIL_RETURN, TABLE_COUNT,
} from '../../assembly/shared/layout.js';
import { isAssumedHost } from '../host/default.js';
import type { HostModel } from '../host/model.js';
import { defaultRegistry, type ModuleRegistry } from '../modules/registry.js';
import { RulesetError, UnsupportedError } from '../ruleset/errors.js';
import { BUILTIN_CHAINS, TABLE_NAMES, type Chain, type Diagnostic, type Rule, type Ruleset, type Table } from '../ruleset/types.js';
import { writeBasicMatch } from './basic-match.js';
import { appendClassifiers, type ChainRange, type ClassifierMode, type CodePlace } from './bitvector.js';
import { conntrackSettings } from './conntrack.js';
import { CodeArea, RuleEmitter, StateArea } from './emitter.js';
import { EVENT_BOUND_CAP, EventBound } from './event-bound.js';
import { planTarget, type TargetEnv } from './targets.js';
import type { CompiledRuleset, EntryInfo } from './types.js';
import { SYSCTL_DEFAULTS } from '../host/sysctl.js';

export interface CompileOptions {
  /** Where match and target modules are looked up (default: every module nfwasm ships). */
  registry?: ModuleRegistry;
  /**
   * false: never run conntrack, even when the ruleset uses it; the records' own ctstate is what
   * the state/conntrack matches see (for testing rules in isolation). Default: as the kernel, on
   * exactly when the ruleset uses conntrack (NETFILTER.md §0).
   */
  conntrack?: boolean;
  /**
   * Which chains get a bit-vector classifier (layout.ts "Classifier tables"): 'auto' (default)
   * the large ones, 'linear' none (the reference walk), 'always' every chain with rules.
   */
  classifier?: ClassifierMode;
  /**
   * The memory the code area will be loaded into, and where in it for a ruleset of `entryCount`
   * entries: the classifier rows are then built in place (Engine.create, loadIntoCore).
   */
  codeMemory?: { memory: WebAssembly.Memory; grow(bytes: number): void; codeAt(entryCount: number): number };
}

const HOOK_OF_CHAIN: Readonly<Record<string, number>> = {
  PREROUTING: HOOK_PREROUTING,
  INPUT: HOOK_INPUT,
  FORWARD: HOOK_FORWARD,
  OUTPUT: HOOK_OUTPUT,
  POSTROUTING: HOOK_POSTROUTING,
};
const MAX_TARGET_ARGS = 4;
const MAX_ENTRIES = 0xffffff;

export function chainKey(table: string, chain: string): string {
  return `${table}:${chain}`;
}

/** First entry index of every chain, in layout order. */
function assignChainStarts(ruleset: Ruleset): { starts: Map<string, number>; entryCount: number } {
  const starts = new Map<string, number>();
  let next = 0;
  for (const table of ruleset.tables) {
    for (const chain of table.chains) {
      starts.set(chainKey(table.name, chain.name), next);
      next += chain.rules.length + 1;
    }
  }
  return { starts, entryCount: next };
}

class Compiler {
  readonly entries: Uint8Array;
  readonly view: DataView;
  readonly code = new CodeArea();
  readonly state = new StateArea();
  readonly actions: unknown[] = [];
  readonly warnings: Diagnostic[] = [];
  readonly entryInfo: EntryInfo[] = [];
  readonly hookStarts = new Int32Array(TABLE_COUNT * HOOK_COUNT).fill(-1);
  private readonly warned = new Set<string>();
  /** The rule being compiled: what the emitter's and the target's warnings are about. */
  private current?: Rule;
  private readonly warnCurrent = (message: string) => this.warn(this.current!, message);
  /** One emitter and target environment for every rule (nothing per rule to allocate; used synchronously). */
  private readonly emitter: RuleEmitter;
  private readonly targetEnv: TargetEnv;

  constructor(
    private readonly registry: ModuleRegistry,
    readonly chainStarts: Map<string, number>,
    entryCount: number,
  ) {
    this.entries = new Uint8Array(entryCount * ENTRY_SIZE);
    this.view = new DataView(this.entries.buffer);
    this.emitter = new RuleEmitter(this.code, this.state, this.warnCurrent);
    this.targetEnv = { registry, table: 'filter', chain: '', action: (data) => this.actions.push(data) - 1, warn: this.warnCurrent };
  }

  private warn(rule: Rule, message: string): void {
    const key = `${rule.pos.file}:${rule.pos.line}:${message}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warnings.push({ pos: rule.pos, message });
  }

  chain(table: Table, tableId: number, chain: Chain): void {
    const start = this.chainStarts.get(chainKey(table.name, chain.name))!;
    const tail = start + chain.rules.length;
    for (let i = 0; i < chain.rules.length; i++) this.rule(table, tableId, chain, chain.rules[i], start, i + 1);
    const at = tail * ENTRY_SIZE;
    this.view.setUint8(at + E_FLAGS, EF_TAIL);
    this.view.setUint32(at + E_TARGET, chain.builtin ? T_POLICY : T_TAIL_RETURN, true);
    if (chain.builtin) this.view.setUint32(at + E_ARG0, chain.policy === 'DROP' ? T_DROP : T_ACCEPT, true);
    this.view.setUint8(at + E_TABLE, tableId);
    this.view.setUint32(at + E_CHAIN_TAIL, tail, true);
    this.entryInfo.push({ table: table.name, chain: chain.name, n: chain.rules.length + 1, kind: chain.builtin ? 'policy' : 'return' });
    if (chain.builtin) {
      const hook = HOOK_OF_CHAIN[chain.name];
      if (hook === undefined) throw new RulesetError(`table ${table.name}: ${chain.name} is not a built-in chain`, chain.pos);
      this.hookStarts[tableId * HOOK_COUNT + hook] = start;
    }
  }

  /** Rule number `n` (from 1) of the chain whose first entry is `start`. */
  private rule(table: Table, tableId: number, chain: Chain, rule: Rule, start: number, n: number): void {
    const at = (start + n - 1) * ENTRY_SIZE;
    writeBasicMatch(this.entries, this.view, at, rule);
    this.current = rule;

    const codeStart = this.code.length;
    for (let i = 0; i < rule.matches.length; i++) {
      const m = rule.matches[i];
      const module = this.registry.matchModule(m.module);
      if (!module) throw new UnsupportedError(m.module, `match ${m.module} is not supported`, rule.pos);
      module.compile(m.opts, this.emitter);
    }
    const codeLen = this.code.length - codeStart;

    this.targetEnv.table = table.name;
    this.targetEnv.chain = chain.name;
    const plan = planTarget(rule, this.targetEnv);
    let args = plan.args;
    if (plan.chain !== undefined) {
      const target = this.chainStarts.get(chainKey(table.name, plan.chain));
      if (target === undefined) throw new RulesetError(`jump to unknown chain ${plan.chain}`, rule.pos);
      if (BUILTIN_CHAINS[table.name].includes(plan.chain)) throw new RulesetError(`cannot jump to built-in chain ${plan.chain}`, rule.pos);
      args = [target];
    }
    if (args.length > MAX_TARGET_ARGS) throw new RangeError(`target of ${table.name}:${chain.name} rule ${n} has ${args.length} operands`);

    this.view.setUint32(at + E_CODE_OFF, codeLen ? codeStart : 0, true);
    this.view.setUint32(at + E_CODE_LEN, codeLen, true);
    this.view.setUint32(at + E_TARGET, plan.kind, true);
    for (let i = 0; i < args.length; i++) this.view.setUint32(at + E_ARG0 + 4 * i, args[i] >>> 0, true);
    this.view.setUint8(at + E_TABLE, tableId);
    this.view.setUint32(at + E_CHAIN_TAIL, start + chain.rules.length, true);
    this.entryInfo.push({ table: table.name, chain: chain.name, n, kind: 'rule', rule });
  }
}

function chainRanges(ruleset: Ruleset, starts: Map<string, number>): ChainRange[] {
  return ruleset.tables.flatMap((table) =>
    table.chains.map((chain) => ({ name: chainKey(table.name, chain.name), start: starts.get(chainKey(table.name, chain.name))!, rules: chain.rules.length })),
  );
}

function eventsPerPacketMax(ruleset: Ruleset): number {
  let total = 0;
  for (const table of ruleset.tables) {
    const bound = new EventBound(table);
    for (const chain of table.chains) if (chain.builtin) total += bound.ofChain(chain);
  }
  return Math.min(total, EVENT_BOUND_CAP);
}

function configFlags(ruleset: Ruleset, host: HostModel): number {
  let flags = 0;
  if (host.forwarding) flags |= CFGF_FORWARDING;
  if (isAssumedHost(host)) flags |= CFGF_ALL_LOCAL;
  for (const table of ruleset.tables) flags |= CFGF_TABLE_PRESENT << TABLE_NAMES.indexOf(table.name);
  return flags;
}

export function compileRuleset(ruleset: Ruleset, host: HostModel, opts: CompileOptions = {}): CompiledRuleset {
  const { starts, entryCount } = assignChainStarts(ruleset);
  // Events carry the entry index in 24 bits (layout.ts "Events").
  if (entryCount > MAX_ENTRIES) throw new RangeError(`the ruleset has ${entryCount} entries; at most ${MAX_ENTRIES} are supported`);
  const compiler = new Compiler(opts.registry ?? defaultRegistry, starts, entryCount);
  let userChains = 0;
  for (const table of ruleset.tables) {
    const tableId = TABLE_NAMES.indexOf(table.name);
    for (const chain of table.chains) compiler.chain(table, tableId, chain);
    userChains = Math.max(userChains, table.chains.filter((c) => !c.builtin).length);
  }
  const target = opts.codeMemory;
  const place: CodePlace | undefined = target && { memory: target.memory, grow: target.grow, at: target.codeAt(entryCount) };
  const { image, classifiers } = appendClassifiers(compiler.entries, compiler.code.finish(), chainRanges(ruleset, starts), opts.classifier ?? 'auto', place);
  let code: Uint32Array | undefined;
  return {
    entries: compiler.entries,
    entryCount,
    get code() {
      if (!code) {
        code = new Uint32Array(image.words);
        image.writeTo(code, 0);
      }
      return code;
    },
    codeWords: image.words,
    writeCode: (target) => image.writeTo(target, 0),
    classifiers,
    hookStarts: compiler.hookStarts,
    stackDepth: userChains + 1,
    stateSize: compiler.state.size,
    actions: compiler.actions,
    warnings: compiler.warnings,
    entryInfo: compiler.entryInfo,
    eventsPerPacketMax: eventsPerPacketMax(ruleset),
    configFlags: configFlags(ruleset, host),
    icmpRateLimit: {
      ms: host.sysctl.icmp_ratelimit ?? SYSCTL_DEFAULTS.icmp_ratelimit,
      mask: host.sysctl.icmp_ratemask ?? SYSCTL_DEFAULTS.icmp_ratemask,
    },
    chainStarts: starts,
    conntrack: conntrackSettings(ruleset, host, opts.conntrack !== false),
  };
}
