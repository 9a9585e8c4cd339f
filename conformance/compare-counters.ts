// Per-rule counters, kernel against nfwasm: both `iptables-save -c` texts are parsed with
// nfwasm's own parser and compared chain by chain, rule by rule (NETFILTER.md §4.2: every
// matched rule counts packets and IP-total-length bytes; built-in policies count the packets
// that fell off the chain; user chains count nothing).
import { formatRuleSpec } from '../src/ruleset/rule-text.js';
import type { Chain, Counters, Ruleset } from '../src/ruleset/types.js';

export interface CounterDivergence {
  /** table:chain:N (1-based rule number) or table:chain:policy. */
  where: string;
  rule?: string;
  kernel?: Counters;
  nfwasm?: Counters;
  problem: string;
}

export interface CounterComparison {
  compared: number;
  divergences: CounterDivergence[];
}

function same(a: Counters, b: Counters): boolean {
  return a.packets === b.packets && a.bytes === b.bytes;
}

export function formatCounters(c: Counters | undefined): string {
  return c ? `[${c.packets}:${c.bytes}]` : '-';
}

function compareChain(table: string, kernel: Chain, nfwasm: Chain, out: CounterComparison): void {
  if (kernel.builtin) {
    out.compared++;
    if (!same(kernel.counters, nfwasm.counters)) {
      out.divergences.push({ where: `${table}:${kernel.name}:policy`, kernel: kernel.counters, nfwasm: nfwasm.counters, problem: 'policy counters differ' });
    }
  }
  if (kernel.rules.length !== nfwasm.rules.length) {
    out.divergences.push({ where: `${table}:${kernel.name}`, problem: `the kernel has ${kernel.rules.length} rules, nfwasm ${nfwasm.rules.length}` });
    return;
  }
  kernel.rules.forEach((k, i) => {
    const n = nfwasm.rules[i];
    const where = `${table}:${kernel.name}:${i + 1}`;
    const kText = formatRuleSpec(k);
    const nText = formatRuleSpec(n);
    out.compared++;
    if (kText !== nText) {
      // The kernel printed the rule back differently: worth knowing, and counters of rules
      // that are not the same rule mean nothing.
      out.divergences.push({ where, rule: `kernel: ${kText} | nfwasm: ${nText}`, problem: 'the rule reads back differently' });
    } else if (!same(k.counters, n.counters)) {
      out.divergences.push({ where, rule: kText, kernel: k.counters, nfwasm: n.counters, problem: 'rule counters differ' });
    }
  });
}

/** Compares every table of the nfwasm ruleset (the tables the case loads) with the kernel's. */
export function compareCounters(kernel: Ruleset, nfwasm: Ruleset): CounterComparison {
  const out: CounterComparison = { compared: 0, divergences: [] };
  for (const table of nfwasm.tables) {
    const kTable = kernel.tables.find((t) => t.name === table.name);
    if (!kTable) {
      out.divergences.push({ where: table.name, problem: 'the kernel has no such table after iptables-restore' });
      continue;
    }
    for (const chain of table.chains) {
      const kChain = kTable.chains.find((c) => c.name === chain.name);
      if (!kChain) out.divergences.push({ where: `${table.name}:${chain.name}`, problem: 'the kernel has no such chain' });
      else compareChain(table.name, kChain, chain, out);
    }
  }
  return out;
}
