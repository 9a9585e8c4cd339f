// The tables being built while input is read, with the libiptc operations that iptables commands
// perform (append, insert, delete, replace, chain create/delete/rename, flush, zero, policy) and
// libiptc's error messages. Both the iptables-restore reader and the script reader drive it.
import { defaultRegistry, type ModuleRegistry } from '../modules/registry.js';
import { RulesetError } from './errors.js';
import { formatRuleSpec } from './rule-text.js';
import type { ParsedCommand } from './rule-parser.js';
import {
  BUILTIN_CHAINS, TABLE_NAMES, zeroCounters, type Chain, type Counters, type Diagnostic, type Rule,
  type Ruleset, type SourcePos, type Table, type TableName,
} from './types.js';

function newTable(name: TableName): Table {
  return {
    name,
    chains: BUILTIN_CHAINS[name].map((c) => ({ name: c, builtin: true, policy: 'ACCEPT', counters: zeroCounters(), rules: [] })),
  };
}

export class RulesetBuilder {
  private readonly tables = new Map<TableName, Table>();
  readonly warnings: Diagnostic[] = [];

  constructor(readonly registry: ModuleRegistry = defaultRegistry) {}

  warn(message: string, pos?: SourcePos): void {
    this.warnings.push(pos ? { pos, message } : { message });
  }

  /** The table, created with its built-in chains (policy ACCEPT) the first time it is named. */
  table(name: TableName): Table {
    let t = this.tables.get(name);
    if (!t) {
      t = newTable(name);
      this.tables.set(name, t);
    }
    return t;
  }

  hasTable(name: TableName): boolean {
    return this.tables.has(name);
  }

  /** iptables-restore without --noflush: a `*table` line starts the table from scratch. */
  resetTable(name: TableName): void {
    this.tables.set(name, newTable(name));
  }

  findChain(table: TableName, chain: string): Chain | undefined {
    return this.tables.get(table)?.chains.find((c) => c.name === chain);
  }

  private chainOrFail(table: TableName, chain: string, pos: SourcePos): Chain {
    const c = this.findChain(table, chain);
    if (!c) throw new RulesetError(`chain \`${chain}' in table \`${table}' does not exist (No chain/target/match by that name)`, pos);
    return c;
  }

  createChain(table: TableName, name: string, pos: SourcePos): void {
    const t = this.table(table);
    if (t.chains.some((c) => c.name === name)) throw new RulesetError(`chain \`${name}' already exists in table \`${table}'`, pos);
    t.chains.push({ name, builtin: false, counters: zeroCounters(), rules: [], pos });
  }

  setPolicy(table: TableName, chain: string, policy: string, counters: Counters | undefined, pos: SourcePos): void {
    const c = this.findChain(table, chain);
    if (!c || !c.builtin) throw new RulesetError(`cannot set policy of \`${chain}': Bad built-in chain name`, pos);
    if (policy !== 'ACCEPT' && policy !== 'DROP') throw new RulesetError(`Bad policy name \`${policy}' (ACCEPT or DROP)`, pos);
    if (table === 'nat' && policy === 'DROP') {
      throw new RulesetError('The "nat" table is not intended for filtering, the use of DROP is therefore inhibited.', pos);
    }
    c.policy = policy;
    if (counters) c.counters = { ...counters };
  }

  /** Number of rules in the table that jump or go to `chain` (what `-L` shows as references). */
  references(table: TableName, chain: string): number {
    let n = 0;
    for (const c of this.tables.get(table)?.chains ?? []) {
      for (const r of c.rules) {
        if ((r.target?.kind === 'jump' || r.target?.kind === 'goto') && r.target.chain === chain) n++;
      }
    }
    return n;
  }

  deleteChain(table: TableName, chain: string, pos: SourcePos): void {
    const t = this.table(table);
    const c = this.chainOrFail(table, chain, pos);
    if (c.builtin) throw new RulesetError(`cannot delete built-in chain \`${chain}'`, pos);
    if (this.references(table, chain) > 0) throw new RulesetError(`cannot delete chain \`${chain}': it is still referenced (Too many links)`, pos);
    if (c.rules.length > 0) throw new RulesetError(`cannot delete chain \`${chain}': it is not empty (Directory not empty)`, pos);
    t.chains.splice(t.chains.indexOf(c), 1);
  }

  deleteAllUserChains(table: TableName, pos: SourcePos): void {
    for (const c of [...this.table(table).chains]) if (!c.builtin) this.deleteChain(table, c.name, pos);
  }

  renameChain(table: TableName, chain: string, newName: string, pos: SourcePos): void {
    const c = this.chainOrFail(table, chain, pos);
    if (c.builtin) throw new RulesetError(`cannot rename built-in chain \`${chain}'`, pos);
    if (this.findChain(table, newName)) throw new RulesetError(`cannot rename \`${chain}': chain \`${newName}' already exists`, pos);
    c.name = newName;
    for (const other of this.table(table).chains) {
      for (const r of other.rules) {
        if ((r.target?.kind === 'jump' || r.target?.kind === 'goto') && r.target.chain === chain) {
          r.target = { ...r.target, chain: newName };
        }
      }
    }
  }

  flush(table: TableName, chain: string | undefined, pos: SourcePos): void {
    const chains = chain === undefined ? this.table(table).chains : [this.chainOrFail(table, chain, pos)];
    for (const c of chains) c.rules = [];
  }

  zero(table: TableName, chain: string | undefined, ruleNum: number | undefined, pos: SourcePos): void {
    const chains = chain === undefined ? this.table(table).chains : [this.chainOrFail(table, chain, pos)];
    for (const c of chains) {
      if (ruleNum !== undefined) {
        if (ruleNum > c.rules.length) throw new RulesetError(`Index of counter zeroing too big (chain \`${c.name}' has ${c.rules.length} rules)`, pos);
        c.rules[ruleNum - 1].counters = zeroCounters();
        continue;
      }
      if (c.builtin) c.counters = zeroCounters();
      for (const r of c.rules) r.counters = zeroCounters();
    }
  }

  append(table: TableName, chain: string, rules: Rule[], pos: SourcePos): void {
    this.chainOrFail(table, chain, pos).rules.push(...rules);
  }

  /** -I n: each expanded rule is inserted at the same index, so they end up in reverse order (as in iptables.c insert_entry). */
  insert(table: TableName, chain: string, ruleNum: number, rules: Rule[], pos: SourcePos): void {
    const c = this.chainOrFail(table, chain, pos);
    if (ruleNum - 1 > c.rules.length) throw new RulesetError(`Index of insertion too big (chain \`${chain}' has ${c.rules.length} rules)`, pos);
    for (const r of rules) c.rules.splice(ruleNum - 1, 0, r);
  }

  deleteNumber(table: TableName, chain: string, ruleNum: number, pos: SourcePos): void {
    const c = this.chainOrFail(table, chain, pos);
    if (ruleNum > c.rules.length) throw new RulesetError(`Index of deletion too big (chain \`${chain}' has ${c.rules.length} rules)`, pos);
    c.rules.splice(ruleNum - 1, 1);
  }

  /** -D by spec: the first rule that is the same as the spec, for each expanded rule. */
  deleteMatching(table: TableName, chain: string, rules: Rule[], pos: SourcePos): void {
    const c = this.chainOrFail(table, chain, pos);
    for (const r of rules) {
      const wanted = formatRuleSpec(r, this.registry);
      const at = c.rules.findIndex((existing) => formatRuleSpec(existing, this.registry) === wanted);
      if (at < 0) throw new RulesetError(`cannot delete \`${wanted || '(empty rule)'}' from \`${chain}': Bad rule (does a matching rule exist in that chain?)`, pos);
      c.rules.splice(at, 1);
    }
  }

  replace(table: TableName, chain: string, ruleNum: number, rule: Rule, pos: SourcePos): void {
    const c = this.chainOrFail(table, chain, pos);
    if (ruleNum > c.rules.length) throw new RulesetError(`Index of replacement too big (chain \`${chain}' has ${c.rules.length} rules)`, pos);
    c.rules[ruleNum - 1] = rule;
  }

  /** Carry out one parsed iptables command. */
  apply(cmd: ParsedCommand, pos: SourcePos): void {
    const { table } = cmd;
    this.table(table);
    const chain = cmd.chain;
    switch (cmd.command) {
      case 'A': this.append(table, chain!, cmd.rules, pos); return;
      case 'I': this.insert(table, chain!, cmd.ruleNum ?? 1, cmd.rules, pos); return;
      case 'D':
        if (cmd.ruleNum !== undefined) this.deleteNumber(table, chain!, cmd.ruleNum, pos);
        else this.deleteMatching(table, chain!, cmd.rules, pos);
        return;
      case 'R': this.replace(table, chain!, cmd.ruleNum!, cmd.rules[0], pos); return;
      case 'N': this.createChain(table, chain!, pos); return;
      case 'X':
        if (chain === undefined) this.deleteAllUserChains(table, pos);
        else this.deleteChain(table, chain, pos);
        return;
      case 'F': this.flush(table, chain, pos); return;
      case 'Z': this.zero(table, chain, cmd.ruleNum, pos); return;
      case 'P': this.setPolicy(table, chain!, cmd.policy!, cmd.counters, pos); return;
      case 'E': this.renameChain(table, chain!, cmd.newName!, pos); return;
      case 'C': case 'L': case 'S':
        // queries: no change to the ruleset
        if (chain !== undefined) this.chainOrFail(table, chain, pos);
        return;
    }
  }

  build(): Ruleset {
    const tables = TABLE_NAMES.filter((n) => this.tables.has(n)).map((n) => this.tables.get(n)!);
    return { tables, warnings: this.warnings };
  }
}
