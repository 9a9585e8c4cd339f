// Where the kernel lets a target be used: each xt_target names its table and the hooks it may be
// reached from, and ip_tables refuses the rule otherwise (xt_check_target). For a rule in a user
// chain the hooks are those the chain is reachable from, which needs the whole ruleset: that
// check is not done here, only the table and the built-in chain.
import type { ParseCtx } from '../module.js';
import { BUILTIN_CHAINS, type TableName } from '../../ruleset/types.js';

export function requireTable(ctx: ParseCtx, target: string, table: TableName): void {
  if (ctx.table !== table) ctx.fail(`${target} target: only valid in the ${table} table, not ${ctx.table}`);
}

/** Built-in chains named by their hook; a user chain passes. */
export function requireHooks(ctx: ParseCtx, target: string, chains: readonly string[]): void {
  if (!BUILTIN_CHAINS[ctx.table].includes(ctx.chain)) return;
  if (!chains.includes(ctx.chain)) {
    ctx.fail(`${target} target: used from hook ${ctx.chain}, but only usable from ${chains.join('/')}`);
  }
}

/** Targets that act before conntrack (CT, NOTRACK, TRACE): raw table, PREROUTING/OUTPUT. */
export function requireRawTable(ctx: ParseCtx, target: string): void {
  requireTable(ctx, target, 'raw');
  requireHooks(ctx, target, ['PREROUTING', 'OUTPUT']);
}
