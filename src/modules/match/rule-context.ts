// Checks a match makes against the rest of its rule: the protocol it needs (x_tables refuses
// `-m tcp` without `-p tcp`) and the hooks it may run in (xt_match.hooks). For a rule in a user
// chain the hooks are those the chain is reachable from, which needs the whole ruleset: only
// built-in chains are checked here.
import type { ParseCtx } from '../module.js';
import { BUILTIN_CHAINS } from '../../ruleset/types.js';
import { protoSaveName } from '../../ruleset/names.js';

/** The rule's -p must be one of `protocols`, not inverted. */
export function requireProto(ctx: ParseCtx, module: string, protocols: readonly number[]): void {
  const proto = ctx.proto;
  if (proto && proto.num !== 0 && !proto.invert && protocols.includes(proto.num)) return;
  const names = protocols.map((p) => `-p ${protoSaveName(p)}`).join(', ');
  ctx.fail(`${module} match: only valid with ${names} (not inverted)`);
}

/** Fail in a built-in chain whose hook is not one of `chains`. */
export function requireHooks(ctx: ParseCtx, what: string, chains: readonly string[]): void {
  if (!BUILTIN_CHAINS[ctx.table].includes(ctx.chain)) return;
  if (!chains.includes(ctx.chain)) ctx.fail(`${what}: not valid in ${ctx.chain}, only in ${chains.join(', ')}`);
}
