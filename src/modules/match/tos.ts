// -m tos revision 1 (libxt_tos.c, kernel xt_dscp.c tos_mt): (TOS & mask) == value, given as
// "value[/mask]" (mask 0xff by default) or one of the RFC 1349 names (mask 0x3f).
import type { MatchModule, ParseCtx } from '../module.js';
import { FD_TOS, OP_MASKEQ } from '../../../assembly/shared/layout.js';
import { hex2, parseXtUintPrefix, U8_MAX } from '../target/xt-number.js';

const SYMBOL_MASK = 0x3f;
const TOS_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['Minimize-Delay', 0x10], ['Maximize-Throughput', 0x08], ['Maximize-Reliability', 0x04],
  ['Minimize-Cost', 0x02], ['Normal-Service', 0x00],
];

export interface TosOptions {
  value?: number;
  mask: number;
  invert: boolean;
}

/** tos_parse_numeric: "v" or "v/m", both 0..255. */
function parseNumeric(text: string): { value: number; mask: number } | undefined {
  const v = parseXtUintPrefix(text, U8_MAX);
  if (!v) return undefined;
  if (v.rest === '') return { value: v.value, mask: U8_MAX };
  if (!v.rest.startsWith('/')) return undefined;
  const m = parseXtUintPrefix(v.rest.slice(1), U8_MAX);
  return m && m.rest === '' ? { value: v.value, mask: m.value } : undefined;
}

function parseSymbolic(text: string): { value: number; mask: number } | undefined {
  const hit = TOS_NAMES.find(([name]) => name.toLowerCase() === text.toLowerCase());
  return hit ? { value: hit[1], mask: SYMBOL_MASK } : undefined;
}

export const tosMatch: MatchModule<TosOptions> = {
  name: 'tos',
  options: [{ name: 'tos', args: 1, invertible: true }],
  init: () => ({ mask: U8_MAX, invert: false }),
  parse(opts, _option, args, invert, ctx: ParseCtx) {
    if (opts.value !== undefined) ctx.fail('tos: "--tos" option may only be specified once');
    const tos = parseNumeric(args[0]) ?? parseSymbolic(args[0]);
    if (!tos) ctx.fail(`tos: Bad value for "--tos" option: "${args[0]}"`);
    Object.assign(opts, tos, { invert });
  },
  finalize(opts, ctx: ParseCtx) {
    if (opts.value === undefined) ctx.fail('tos: option "--tos" must be specified');
  },
  save: (opts) => `${opts.invert ? '! ' : ''}--tos ${hex2(opts.value!)}/${hex2(opts.mask)}`,
  // tos_mt_print with numeric=1: no space after "match"
  list: (opts) => `tos match${opts.invert ? '!' : ''}${hex2(opts.value!)}/${hex2(opts.mask)}`,
  compile(opts, em) {
    em.op(OP_MASKEQ, [FD_TOS, opts.mask, opts.value!], opts.invert);
  },
};
