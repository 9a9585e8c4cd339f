// TRACE (xt_TRACE): mark the packet so every rule it meets afterwards is logged
// ("TRACE: table:chain:rule:N", NETFILTER.md §4.2); raw table only.
import type { ParseCtx, TargetModule } from '../module.js';
import { T_TRACE } from '../../../assembly/shared/layout.js';
import { requireRawTable } from './placement.js';

export const TRACE: TargetModule<Record<string, never>> = {
  name: 'TRACE',
  options: [],
  init: () => ({}),
  parse(_opts, option, _args, _invert, ctx: ParseCtx) {
    ctx.fail(`TRACE: unknown option "--${option}"`);
  },
  finalize: (_opts, ctx) => requireRawTable(ctx, 'TRACE'),
  save: () => '',
  list: () => '',
  compile: () => ({ kind: T_TRACE }),
};
