// TOS (xt_DSCP's TOS target revision 1, libxt_TOS): tos = (tos & ~mask) ^ value; mangle table.
import type { ParseCtx, TargetModule } from '../module.js';
import { compileHeaderRewrite } from './header-rewrite.js';
import { requireTable } from './placement.js';
import { hex2, parseXtUint, parseXtUintPrefix, U8_MAX } from './xt-number.js';

/** Symbolic --set-tos values (tos_values.c); a symbol sets the mask 0x3f, leaving the ECN bits. */
const TOS_SYMBOLS: Readonly<Record<string, number>> = {
  'minimize-delay': 0x10, 'maximize-throughput': 0x08, 'maximize-reliability': 0x04,
  'minimize-cost': 0x02, 'normal-service': 0x00,
};
const SYMBOL_MASK = 0x3f;
const ACTIONS = ['set-tos', 'and-tos', 'or-tos', 'xor-tos'];

export interface TosOptions {
  value: number;
  mask: number;
  given: string[];
}

/** XTTYPE_TOSMASK: "value[/mask]" (mask defaults to 0xff) or one of the symbols. */
function parseTosMask(text: string, ctx: ParseCtx): { value: number; mask: number } {
  const value = parseXtUintPrefix(text, U8_MAX);
  if (value) {
    let mask = U8_MAX;
    let rest = value.rest;
    if (rest.startsWith('/')) {
      const parsedMask = parseXtUintPrefix(rest.slice(1), U8_MAX);
      if (!parsedMask) ctx.fail(`TOS: Illegal value: "${text}"`);
      mask = parsedMask.value;
      rest = parsedMask.rest;
    }
    if (rest !== '') ctx.fail(`TOS: Illegal value: "${text}"`);
    return { value: value.value, mask };
  }
  const symbol = TOS_SYMBOLS[text.toLowerCase()];
  if (symbol === undefined) ctx.fail(`TOS: Symbolic name "${text}" is unknown`);
  return { value: symbol, mask: SYMBOL_MASK };
}

export const TOS: TargetModule<TosOptions> = {
  name: 'TOS',
  options: ACTIONS.map((name) => ({ name, args: 1 as const })),
  init: () => ({ value: 0, mask: 0, given: [] }),
  parse(opts, option, args, _invert, ctx: ParseCtx) {
    if (opts.given.length > 0) ctx.fail(`TOS: option "--${option}" cannot be used together with "--${opts.given[0]}"`);
    opts.given.push(option);
    if (option === 'set-tos') {
      Object.assign(opts, parseTosMask(args[0], ctx));
      return;
    }
    const bits = parseXtUint(args[0], U8_MAX);
    if (bits === undefined) ctx.fail(`TOS: bad value for option "--${option}", or out of range (0-255)`);
    if (option === 'and-tos') Object.assign(opts, { value: 0, mask: ~bits & U8_MAX });
    else if (option === 'or-tos') Object.assign(opts, { value: bits, mask: bits });
    else Object.assign(opts, { value: bits, mask: 0 });
  },
  finalize(opts, ctx) {
    if (opts.given.length === 0) ctx.fail('TOS: An action is required');
    requireTable(ctx, 'TOS', 'mangle');
  },
  save: (opts) => `--set-tos ${hex2(opts.value)}/${hex2(opts.mask)}`,
  list: (opts) => `TOS set ${hex2(opts.value)}/${hex2(opts.mask)}`,
  compile: (_opts, ctx) => compileHeaderRewrite('TOS', 'TOS', ctx),
};
