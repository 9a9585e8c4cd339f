// MARK (xt_MARK revision 2, libxt_MARK): skb->mark = (mark & ~mask) ^ value, then continue.
// iptables 1.8 saves every form as --set-xmark value/mask. Allowed in every table and chain.
import type { ParseCtx, TargetModule } from '../module.js';
import { T_MARK } from '../../../assembly/shared/layout.js';
import { describeXorMark, XOR_MARK_OPTIONS, xorMarkFor, type XorMark } from './mark-value.js';
import { hex } from './xt-number.js';

export interface MarkOptions extends XorMark {
  given: string[];
}

export const MARK: TargetModule<MarkOptions> = {
  name: 'MARK',
  options: XOR_MARK_OPTIONS.map((name) => ({ name, args: 1 as const })),
  init: () => ({ value: 0, mask: 0, given: [] }),
  parse(opts, option, args, _invert, ctx: ParseCtx) {
    // Each option excludes all of them, itself included.
    if (opts.given.length > 0) {
      ctx.fail(`MARK: option "--${option}" cannot be used together with "--${opts.given[0]}"`);
    }
    opts.given.push(option);
    Object.assign(opts, xorMarkFor(option, args[0], 'MARK', ctx));
  },
  finalize(opts, ctx) {
    if (opts.given.length === 0) ctx.fail('MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required');
  },
  save: (opts) => `--set-xmark ${hex(opts.value)}/${hex(opts.mask)}`,
  list: (opts) => `MARK ${describeXorMark(opts)}`,
  compile: (opts) => ({ kind: T_MARK, args: [opts.mask >>> 0, opts.value >>> 0] }),
};
