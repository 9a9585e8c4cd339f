// How many events one packet can produce at most (CFG_EVENTS_PER_PACKET_MAX). In one table and
// hook a chain yields at most: one event per rule, plus everything a chain it jumps or goes to can
// yield, plus its tail. A packet traverses each (table, hook) at most once, even local -> local.
import { RulesetError } from '../ruleset/errors.js';
import type { Chain, Table } from '../ruleset/types.js';

/** Beyond this the bound only says "more than any buffer": keep it in integer range. */
export const EVENT_BOUND_CAP = 2 ** 30;

export class EventBound {
  private readonly memo = new Map<string, number>();
  private readonly visiting = new Set<string>();
  private readonly chains: Map<string, Chain>;

  constructor(private readonly table: Table) {
    this.chains = new Map(table.chains.map((c) => [c.name, c]));
  }

  ofChain(chain: Chain): number {
    const known = this.memo.get(chain.name);
    if (known !== undefined) return known;
    if (this.visiting.has(chain.name)) {
      throw new RulesetError(`table ${this.table.name}: jump loop through chain ${chain.name}`, chain.pos);
    }
    this.visiting.add(chain.name);
    let total = 1; // the tail: policy or implicit RETURN
    for (const rule of chain.rules) {
      total += 1;
      const t = rule.target;
      if (t && (t.kind === 'jump' || t.kind === 'goto')) {
        const callee = this.chains.get(t.chain);
        if (callee) total += this.ofChain(callee);
      }
      if (total > EVENT_BOUND_CAP) total = EVENT_BOUND_CAP;
    }
    this.visiting.delete(chain.name);
    this.memo.set(chain.name, total);
    return total;
  }
}
