// Putting the shards of a sharded run (src/node/shard.ts) back together: rule and policy counters
// summed exactly, conntrack tables listed side by side, and the places where a sharded run cannot
// equal a one-engine run named for the user.
import type { ConntrackSnapshot } from '../conntrack/read.js';
import type { Counters, Ruleset } from '../ruleset/types.js';

/**
 * Every counter of a ruleset as a flat list of packets, bytes pairs: per table, per chain, the
 * policy then each rule. Two rulesets of the same shape list them in the same order.
 */
export function flattenCounters(ruleset: Ruleset): bigint[] {
  const out: bigint[] = [];
  const add = (c: Counters) => out.push(c.packets, c.bytes);
  for (const table of ruleset.tables) {
    for (const chain of table.chains) {
      add(chain.counters);
      for (const rule of chain.rules) add(rule.counters);
    }
  }
  return out;
}

/** Element-wise sum of flat counter lists from shards that ran the same ruleset. */
export function sumCounters(lists: readonly bigint[][]): bigint[] {
  const sum = lists[0] ? lists[0].map(() => 0n) : [];
  for (const list of lists) {
    if (list.length !== sum.length) throw new Error(`shard counters do not line up (${list.length} vs ${sum.length} values)`);
    list.forEach((v, i) => (sum[i] += v));
  }
  return sum;
}

/** A copy of `ruleset` carrying the flat `counters` (flattenCounters order). */
export function withCounters(ruleset: Ruleset, counters: readonly bigint[]): Ruleset {
  let at = 0;
  const next = (): Counters => {
    if (at + 2 > counters.length) throw new Error('fewer counters than the ruleset has rules and policies');
    const c = { packets: counters[at], bytes: counters[at + 1] };
    at += 2;
    return c;
  };
  const result: Ruleset = {
    ...ruleset,
    tables: ruleset.tables.map((table) => ({
      ...table,
      chains: table.chains.map((chain) => {
        const counters = next();
        return { ...chain, counters, rules: chain.rules.map((rule) => ({ ...rule, counters: next() })) };
      }),
    })),
  };
  if (at !== counters.length) throw new Error('more counters than the ruleset has rules and policies');
  return result;
}

/**
 * The shards' conntrack tables as one listing. Each shard numbers its connections itself, so ids
 * repeat across shards; the connections themselves are disjoint (a connection and everything
 * related to it stay in one shard).
 */
export function mergeConntrack(snapshots: readonly ConntrackSnapshot[]): ConntrackSnapshot {
  return {
    entries: snapshots.flatMap((s) => s.entries),
    expectations: snapshots.flatMap((s) => s.expectations),
  };
}

/** Matches whose state is shared by packets of different address pairs: one shard cannot see it all. */
const CROSS_SHARD_MATCHES: Readonly<Record<string, string>> = {
  recent: '`recent` lists are per shard: a source seen in one shard is not in the list another shard checks',
  limit: '`limit` buckets are per shard: each shard lets the full rate through, so more packets pass in total',
  hashlimit: '`hashlimit` buckets are per shard: a key whose packets span several address pairs is limited per shard',
};

/** What a sharded run of `ruleset` cannot reproduce exactly, one sentence each (empty: exact). */
export function shardingCaveats(ruleset: Ruleset, conntrackEnabled: boolean): string[] {
  const used = new Set<string>();
  for (const table of ruleset.tables) for (const chain of table.chains) for (const rule of chain.rules) for (const m of rule.matches) used.add(m.module);
  const caveats = Object.entries(CROSS_SHARD_MATCHES).filter(([name]) => used.has(name)).map(([, text]) => text);
  if (conntrackEnabled) {
    caveats.push(
      'conntrack runs per shard: nf_conntrack_max (and early drop when full) applies to each shard\'s table, ' +
        'conntrack ids (ct_id, conntrack -L id=) and reassembly queues (defrag queue) are numbered per shard, ' +
        'and --conntrack timers count from each shard\'s last packet',
    );
  }
  return caveats;
}
