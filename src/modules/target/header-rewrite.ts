// Targets that rewrite an IP header field (TOS, DSCP, TTL) continue without changing the packet
// record: the core has no such instruction yet. Later -m tos/dscp/ttl matches therefore see the
// original value, which the rule's warning says.
import type { CompiledTarget, TargetCompileCtx } from '../module.js';
import { T_CONTINUE } from '../../../assembly/shared/layout.js';

export function compileHeaderRewrite(target: string, field: string, ctx: TargetCompileCtx): CompiledTarget {
  ctx.warn(`${target} is not applied: later matches see the packet's original ${field}`);
  return { kind: T_CONTINUE };
}
