// -m limit (libxt_limit.c, kernel xt_limit.c): a token bucket shared by every packet that reaches
// the rule: up to --limit-burst packets at once, refilled at --limit. The interval is kept in
// 1/10000 s like the kernel (XT_LIMIT_SCALE) and handed to OP_LIMIT as is.
import type { MatchModule, ParseCtx } from '../module.js';
import { LIMIT_STATE_SIZE, OP_LIMIT } from '../../../assembly/shared/layout.js';
import { parseXtUint } from '../target/xt-number.js';
import { formatRate, parseRate } from './rate.js';

const XT_LIMIT_SCALE = 10000;
/** The default rate, 3/hour, as an interval. */
const DEFAULT_AVG = (XT_LIMIT_SCALE * 3600) / 3;
const DEFAULT_BURST = 5;
const MAX_BURST = 10000;

export interface LimitOptions {
  /** Interval between packets in 1/10000 s. */
  avg: number;
  burst: number;
  given: string[];
}

export const limitMatch: MatchModule<LimitOptions> = {
  name: 'limit',
  options: [
    { name: 'limit', args: 1 },
    { name: 'limit-burst', args: 1 },
  ],
  init: () => ({ avg: DEFAULT_AVG, burst: DEFAULT_BURST, given: [] }),
  parse(opts, option, args, _invert, ctx: ParseCtx) {
    if (opts.given.includes(option)) ctx.fail(`limit: "--${option}" option may only be specified once`);
    opts.given.push(option);
    if (option === 'limit-burst') {
      const burst = parseXtUint(args[0], MAX_BURST);
      if (burst === undefined) ctx.fail(`limit: bad value for option "--limit-burst", or out of range (0-${MAX_BURST})`);
      opts.burst = burst;
      return;
    }
    const rate = parseRate(args[0], XT_LIMIT_SCALE);
    if ('error' in rate) ctx.fail(rate.error === 'too-fast' ? `limit: Rate too fast "${args[0]}"` : `limit: bad rate "${args[0]}"`);
    opts.avg = rate.period;
  },
  finalize(opts, ctx: ParseCtx) {
    // xt_limit's checkentry: a zero burst, or avg * burst overflowing 32 bits, is -ERANGE
    if (opts.burst === 0 || opts.avg * opts.burst > 0xffffffff) {
      ctx.fail(`limit: Overflow, try lower: ${opts.avg}/${opts.burst} (the kernel refuses this rule)`);
    }
  },
  save(opts) {
    const burst = opts.burst !== DEFAULT_BURST ? ` --limit-burst ${opts.burst}` : '';
    return `--limit ${formatRate(opts.avg, XT_LIMIT_SCALE).text}${burst}`;
  },
  list: (opts) => `limit: avg ${formatRate(opts.avg, XT_LIMIT_SCALE).text} burst ${opts.burst}`,
  compile(opts, em) {
    em.op(OP_LIMIT, [em.allocState(LIMIT_STATE_SIZE), opts.avg, opts.burst]);
  },
};
