// How many rules the kernel's linear iptables examines for one packet, per chain, reconstructed
// from the packet's TRACE positions (PacketResult.trace): every chain visit ends in an event (the
// matching rule, the chain's implicit return or its policy), and the rules between where the visit
// resumed and that event were all examined and did not match. This is the cost the layout has in
// the kernel, whatever nfwasm's own classifier does (NETFILTER.md §2: first match, in order).
import { BUILTIN_CHAINS, type TableName } from '../../ruleset/types.js';

interface Frame {
  chain: string;
  /** Next rule number to examine (1-based). */
  next: number;
}

export interface ChainCost {
  /** Rules examined (matched or not). */
  examined: number;
  /** Rules that matched (counted rules). */
  matched: number;
}

/** "table:chain:kind:N" split; chain names may hold ':' themselves. */
function parse(label: string): { table: string; chain: string; kind: string; n: number } | undefined {
  const first = label.indexOf(':');
  const last = label.lastIndexOf(':');
  const kindAt = label.lastIndexOf(':', last - 1);
  if (first < 0 || kindAt <= first) return undefined;
  return { table: label.slice(0, first), chain: label.slice(0, kindAt), kind: label.slice(kindAt + 1, last), n: Number(label.slice(last + 1)) };
}

/** Adds one packet's walk to `costs` (keyed "table:chain"); returns the rules it examined in all. */
export function addWalk(trace: readonly string[], costs: Map<string, ChainCost>): number {
  let stack: Frame[] = [];
  let total = 0;
  for (const label of trace) {
    const event = parse(label);
    if (!event) continue;
    const chainName = event.chain.slice(event.table.length + 1);
    const builtin = (BUILTIN_CHAINS[event.table as TableName] ?? []).includes(chainName);
    if (builtin) {
      // a built-in chain is never jumped to: it is where a table's traversal at a hook starts (or
      // returns to, from the chains it jumped to)
      if (stack[0]?.chain === event.chain) stack.length = 1;
      else stack = [{ chain: event.chain, next: 1 }];
    } else {
      let at = stack.length - 1;
      while (at >= 0 && stack[at].chain !== event.chain) at--;
      // found: back in a caller (a RETURN, or the end of a chain jumped to); not found: a jump
      if (at >= 0) stack.length = at + 1;
      else stack.push({ chain: event.chain, next: 1 });
    }
    const top = stack[stack.length - 1];
    const cost = costs.get(event.chain) ?? { examined: 0, matched: 0 };
    costs.set(event.chain, cost);
    // the end of a chain (return, policy) is not a rule: rules next..n-1 were examined before it
    const examined = event.kind === 'rule' ? event.n - top.next + 1 : event.n - top.next;
    if (examined > 0) {
      cost.examined += examined;
      total += examined;
    }
    if (event.kind === 'rule') cost.matched++;
    top.next = event.n + 1;
    if (event.kind === 'return') stack.pop();
  }
  return total;
}
