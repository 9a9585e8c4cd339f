// -m iprange revision 1 (libxt_iprange.c, kernel xt_iprange.c): source and/or destination
// address within an inclusive range, each invertible.
import type { MatchModule, ParseCtx } from '../module.js';
import { FD_DST, FD_SRC, OP_IPRANGE } from '../../../assembly/shared/layout.js';
import { formatIPv4 } from '../../ruleset/names.js';
import { parseAddress } from './address-option.js';

interface AddressRange {
  lo: number;
  hi: number;
  invert: boolean;
}

export interface IprangeOptions {
  src?: AddressRange;
  dst?: AddressRange;
}

const SIDES = [
  { key: 'src', option: 'src-range', label: 'source IP range', field: FD_SRC },
  { key: 'dst', option: 'dst-range', label: 'destination IP range', field: FD_DST },
] as const;

function formatRange(r: AddressRange): string {
  return `${formatIPv4(r.lo)}-${formatIPv4(r.hi)}`;
}

export const iprangeMatch: MatchModule<IprangeOptions> = {
  name: 'iprange',
  options: SIDES.map((s) => ({ name: s.option, args: 1 as const, invertible: true })),
  init: () => ({}),
  parse(opts, option, args, invert, ctx: ParseCtx) {
    const side = SIDES.find((s) => s.option === option)!;
    if (opts[side.key]) ctx.fail(`iprange: "--${option}" option may only be specified once`);
    const dash = args[0].indexOf('-');
    const what = `iprange: --${option}`;
    const lo = parseAddress(dash < 0 ? args[0] : args[0].slice(0, dash), what, ctx);
    const hi = dash < 0 ? lo : parseAddress(args[0].slice(dash + 1), what, ctx);
    if (lo > hi) ctx.warn(`xt_iprange: range ${args[0]} is reversed and will never match`);
    opts[side.key] = { lo, hi, invert };
  },
  finalize(opts, ctx: ParseCtx) {
    if (!opts.src && !opts.dst) ctx.fail("iprange match: You must specify `--src-range' or `--dst-range'");
  },
  save: (opts) =>
    SIDES.filter((s) => opts[s.key])
      .map((s) => `${opts[s.key]!.invert ? '! ' : ''}--${s.option} ${formatRange(opts[s.key]!)}`)
      .join(' '),
  list: (opts) =>
    SIDES.filter((s) => opts[s.key])
      .map((s) => `${s.label}${opts[s.key]!.invert ? ' !' : ''} ${formatRange(opts[s.key]!)}`)
      .join(' '),
  compile(opts, em) {
    for (const s of SIDES) {
      const r = opts[s.key];
      if (r) em.op(OP_IPRANGE, [s.field, r.lo, r.hi], r.invert);
    }
  },
};
