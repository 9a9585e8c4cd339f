// TTL (ipt_TTL / xt_HL, libipt_TTL): set, increment or decrement the TTL; mangle table.
import type { ParseCtx, TargetModule } from '../module.js';
import { compileHeaderRewrite } from './header-rewrite.js';
import { requireTable } from './placement.js';
import { parseXtUint, U8_MAX } from './xt-number.js';

const MODES = { 'ttl-set': ['--ttl-set', 'set to'], 'ttl-dec': ['--ttl-dec', 'decrement by'], 'ttl-inc': ['--ttl-inc', 'increment by'] } as const;
type Mode = keyof typeof MODES;

export interface TtlOptions {
  mode?: Mode;
  value: number;
}

export const TTL: TargetModule<TtlOptions> = {
  name: 'TTL',
  options: Object.keys(MODES).map((name) => ({ name, args: 1 as const })),
  init: () => ({ value: 0 }),
  parse(opts, option, args, _invert, ctx: ParseCtx) {
    if (opts.mode !== undefined) ctx.fail(`TTL: option "--${option}" cannot be used together with "--${opts.mode}"`);
    const value = parseXtUint(args[0], U8_MAX);
    if (value === undefined) ctx.fail(`TTL: bad value for option "--${option}", or out of range (0-255)`);
    if (value === 0 && option !== 'ttl-set') ctx.fail(`TTL: ${option === 'ttl-inc' ? 'Increasing' : 'Decreasing'} by 0?`);
    opts.mode = option as Mode;
    opts.value = value;
  },
  finalize(opts, ctx) {
    if (opts.mode === undefined) ctx.fail('TTL: You must specify an action');
    requireTable(ctx, 'TTL', 'mangle');
  },
  save: (opts) => `${MODES[opts.mode!][0]} ${opts.value}`,
  list: (opts) => `TTL ${MODES[opts.mode!][1]} ${opts.value}`,
  compile: (_opts, ctx) => compileHeaderRewrite('TTL', 'TTL', ctx),
};
