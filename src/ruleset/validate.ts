// Checks on the finished tables that the kernel (ip_tables.c translate_table / mark_source_chains)
// or libiptc make when a table is committed: every jump or goto names a chain of the same table,
// and no chain can reach itself again through jumps and gotos (NETFILTER.md §4.2 "Loops are
// rejected at load time"). The kernel only walks chains reachable from a hook; nfwasm rejects
// every cycle (as iptables-nft does), so the evaluator never meets one.
import { RulesetError } from './errors.js';
import type { Chain, Rule, Ruleset, Table } from './types.js';

function branchTarget(rule: Rule): string | undefined {
  const t = rule.target;
  return t && (t.kind === 'jump' || t.kind === 'goto') ? t.chain : undefined;
}

function checkTargetsExist(table: Table, warn: (rule: Rule, message: string) => void): void {
  const byName = new Map(table.chains.map((c) => [c.name, c]));
  for (const chain of table.chains) {
    // indexed loops: these run once per rule, unoptimised in a fresh process
    for (let i = 0; i < chain.rules.length; i++) {
      const rule = chain.rules[i];
      const name = branchTarget(rule);
      if (name === undefined) continue;
      const dest = byName.get(name);
      if (!dest) {
        const how = rule.target!.kind === 'goto' ? `goto '${name}' is not a chain` : `Couldn't load target \`${name}': no chain of that name in table \`${table.name}' and no such target`;
        throw new RulesetError(how, rule.pos);
      }
      if (dest.builtin) warn(rule, `jump to built-in chain \`${name}' from \`${chain.name}'`);
    }
  }
}

/** Depth-first search for a cycle; reports the first one found as `A -> B -> A`. */
function checkNoLoops(table: Table): void {
  const byName = new Map(table.chains.map((c) => [c.name, c]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: Array<{ chain: Chain; via?: Rule }> = [];

  const visit = (chain: Chain, via?: Rule): void => {
    state.set(chain.name, 'visiting');
    path.push({ chain, via });
    for (let i = 0; i < chain.rules.length; i++) {
      const rule = chain.rules[i];
      const name = branchTarget(rule);
      if (name === undefined) continue;
      const dest = byName.get(name)!;
      const s = state.get(name);
      if (s === 'visiting') {
        const start = path.findIndex((p) => p.chain.name === name);
        const cycle = [...path.slice(start).map((p) => p.chain.name), name].join(' -> ');
        throw new RulesetError(`jump loop in table \`${table.name}': ${cycle}`, rule.pos);
      }
      if (s === undefined) visit(dest, rule);
    }
    path.pop();
    state.set(chain.name, 'done');
  };
  for (const chain of table.chains) if (!state.has(chain.name)) visit(chain);
}

export function validateRuleset(ruleset: Ruleset): void {
  for (const table of ruleset.tables) {
    checkTargetsExist(table, (rule, message) => ruleset.warnings.push({ pos: rule.pos, message }));
    checkNoLoops(table);
  }
}
