// -m ttl (libipt_ttl.c, kernel xt_hl.c ttl_mt): TTL equal (or, with `!`, not equal), less than,
// or greater than a value.
import type { MatchModule, ParseCtx } from '../module.js';
import { FD_TTL, OP_FAIL, OP_RANGE } from '../../../assembly/shared/layout.js';
import { parseXtUint, U8_MAX } from '../target/xt-number.js';

type TtlMode = 'eq' | 'ne' | 'lt' | 'gt';

export interface TtlOptions {
  mode?: TtlMode;
  ttl: number;
}

const SAVE: Record<TtlMode, string> = { eq: '--ttl-eq', ne: '! --ttl-eq', lt: '--ttl-lt', gt: '--ttl-gt' };
const LIST: Record<TtlMode, string> = { eq: '==', ne: '!=', lt: '<', gt: '>' };

export const ttlMatch: MatchModule<TtlOptions> = {
  name: 'ttl',
  options: [
    { name: 'ttl-eq', args: 1, invertible: true },
    { name: 'ttl-lt', args: 1 },
    { name: 'ttl-gt', args: 1 },
  ],
  init: () => ({ ttl: 0 }),
  parse(opts, option, args, invert, ctx: ParseCtx) {
    if (opts.mode) ctx.fail(`ttl: "--${option}" cannot be combined with another --ttl-eq/--ttl-lt/--ttl-gt`);
    const ttl = parseXtUint(args[0], U8_MAX);
    if (ttl === undefined) ctx.fail(`ttl: bad value for option "--${option}", or out of range (0-255)`);
    opts.ttl = ttl;
    opts.mode = option === 'ttl-lt' ? 'lt' : option === 'ttl-gt' ? 'gt' : invert ? 'ne' : 'eq';
  },
  finalize(opts, ctx: ParseCtx) {
    if (!opts.mode) ctx.fail("TTL match: You must specify one of `--ttl-eq', `--ttl-lt', `--ttl-gt'");
  },
  save: (opts) => `${SAVE[opts.mode!]} ${opts.ttl}`,
  list: (opts) => `TTL match TTL ${LIST[opts.mode!]} ${opts.ttl}`,
  compile(opts, em) {
    const t = opts.ttl;
    switch (opts.mode!) {
      case 'eq':
      case 'ne':
        em.op(OP_RANGE, [FD_TTL, t, t], opts.mode === 'ne');
        return;
      case 'lt':
        if (t === 0) em.op(OP_FAIL, []);
        else em.op(OP_RANGE, [FD_TTL, 0, t - 1]);
        return;
      case 'gt':
        if (t === U8_MAX) em.op(OP_FAIL, []);
        else em.op(OP_RANGE, [FD_TTL, t + 1, U8_MAX]);
        return;
    }
  },
};
