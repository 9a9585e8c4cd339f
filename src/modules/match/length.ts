// -m length (libxt_length.c, kernel xt_length.c): the IP total length within a range.
import type { MatchModule, ParseCtx } from '../module.js';
import { FD_IPLEN, OP_RANGE } from '../../../assembly/shared/layout.js';
import { U16_MAX } from '../target/xt-number.js';
import { formatUintRange, parseUintRange, type UintRange } from './uint-range.js';

export interface LengthOptions {
  range?: UintRange;
  invert: boolean;
}

export const lengthMatch: MatchModule<LengthOptions> = {
  name: 'length',
  options: [{ name: 'length', args: 1, invertible: true }],
  init: () => ({ invert: false }),
  parse(opts, _option, args, invert, ctx: ParseCtx) {
    if (opts.range) ctx.fail('length: "--length" option may only be specified once');
    opts.range = parseUintRange(args[0], U16_MAX, 'length: --length', ctx);
    opts.invert = invert;
  },
  finalize(opts, ctx: ParseCtx) {
    if (!opts.range) ctx.fail('length: option "--length" must be specified');
  },
  save: (opts) => `${opts.invert ? '! ' : ''}--length ${formatUintRange(opts.range!)}`,
  list: (opts) => `length ${opts.invert ? '!' : ''}${formatUintRange(opts.range!)}`,
  compile(opts, em) {
    em.op(OP_RANGE, [FD_IPLEN, opts.range!.lo, opts.range!.hi], opts.invert);
  },
};
