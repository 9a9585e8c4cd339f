// CHECKSUM (xt_CHECKSUM): fill in a missing checksum; mangle table; no effect on verdicts.
import type { ParseCtx, TargetModule } from '../module.js';
import { T_CONTINUE } from '../../../assembly/shared/layout.js';
import { useOnce } from './option-rules.js';
import { requireTable } from './placement.js';

export interface ChecksumOptions {
  given: string[];
}

export const CHECKSUM: TargetModule<ChecksumOptions> = {
  name: 'CHECKSUM',
  options: [{ name: 'checksum-fill', args: 0 }],
  init: () => ({ given: [] }),
  parse(opts, option, _args, _invert, ctx: ParseCtx) {
    useOnce(opts.given, option, 'CHECKSUM', ctx);
  },
  finalize(opts, ctx) {
    if (!opts.given.includes('checksum-fill')) ctx.fail('CHECKSUM target: Parameter --checksum-fill is required');
    requireTable(ctx, 'CHECKSUM', 'mangle');
  },
  save: () => '--checksum-fill',
  list: () => 'CHECKSUM fill',
  compile: () => ({ kind: T_CONTINUE }),
};
