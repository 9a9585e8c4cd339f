// -m addrtype revision 1 (libxt_addrtype.c, kernel xt_addrtype.c): the routing type of the source
// and/or destination address (LOCAL, UNICAST, BROADCAST, ...), optionally looked up only on the
// packet's incoming or outgoing interface.
import type { MatchModule, ParseCtx } from '../module.js';
import {
  AT_DST, AT_DST_INV, AT_LIMIT_IN, AT_LIMIT_OUT, AT_SRC, AT_SRC_INV, OP_ADDRTYPE,
} from '../../../assembly/shared/layout.js';
import { formatKeywords, parseKeywordList, type KeywordTable } from './keyword-list.js';
import { requireHooks } from './rule-context.js';

/** rtn_names in RTN_* order; bit i = 1 << i, the ADDRTYPE_* bits of the layout. */
const TYPE_KEYWORDS: KeywordTable = [
  'UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE',
  'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE',
].map((name, i) => [name, 1 << i] as const);

interface TypeSet {
  types: number;
  invert: boolean;
}

export interface AddrtypeOptions {
  src?: TypeSet;
  dst?: TypeSet;
  limit?: 'in' | 'out';
}

const SIDES = [
  { key: 'src', option: 'src-type' },
  { key: 'dst', option: 'dst-type' },
] as const;

export const addrtypeMatch: MatchModule<AddrtypeOptions> = {
  name: 'addrtype',
  options: [
    { name: 'src-type', args: 1, invertible: true },
    { name: 'dst-type', args: 1, invertible: true },
    { name: 'limit-iface-in', args: 0 },
    { name: 'limit-iface-out', args: 0 },
  ],
  init: () => ({}),
  parse(opts, option, args, invert, ctx: ParseCtx) {
    if (option === 'limit-iface-in' || option === 'limit-iface-out') {
      if (opts.limit) ctx.fail('addrtype: --limit-iface-in and --limit-iface-out exclude each other and may be given once');
      opts.limit = option === 'limit-iface-in' ? 'in' : 'out';
      return;
    }
    const side = SIDES.find((s) => s.option === option)!;
    if (opts[side.key]) ctx.fail(`addrtype: "--${option}" option may only be specified once`);
    const parsed = parseKeywordList(args[0], TYPE_KEYWORDS);
    if ('bad' in parsed) ctx.fail(`addrtype: bad type "${parsed.bad}"`);
    opts[side.key] = { types: parsed.bits, invert };
  },
  finalize(opts, ctx: ParseCtx) {
    if (!opts.src && !opts.dst) ctx.fail('addrtype: you must specify --src-type or --dst-type');
    // addrtype_mt_checkentry_v1
    if (opts.limit === 'out') requireHooks(ctx, 'addrtype --limit-iface-out', ['FORWARD', 'OUTPUT', 'POSTROUTING']);
    if (opts.limit === 'in') requireHooks(ctx, 'addrtype --limit-iface-in', ['PREROUTING', 'INPUT', 'FORWARD']);
  },
  save(opts) {
    const out = SIDES.filter((s) => opts[s.key]).map((s) => {
      const t = opts[s.key]!;
      return `${t.invert ? '! ' : ''}--${s.option} ${formatKeywords(t.types, TYPE_KEYWORDS)}`;
    });
    if (opts.limit) out.push(`--limit-iface-${opts.limit}`);
    return out.join(' ');
  },
  list(opts) {
    const out = ['ADDRTYPE match'];
    for (const s of SIDES) {
      const t = opts[s.key];
      if (t) out.push(`${s.option} ${t.invert ? '!' : ''}${formatKeywords(t.types, TYPE_KEYWORDS)}`);
    }
    if (opts.limit) out.push(`limit-${opts.limit}`);
    return out.join(' ');
  },
  compile(opts, em) {
    let mode = 0;
    if (opts.src) mode |= AT_SRC | (opts.src.invert ? AT_SRC_INV : 0);
    if (opts.dst) mode |= AT_DST | (opts.dst.invert ? AT_DST_INV : 0);
    if (opts.limit === 'in') mode |= AT_LIMIT_IN;
    if (opts.limit === 'out') mode |= AT_LIMIT_OUT;
    em.op(OP_ADDRTYPE, [mode, opts.src?.types ?? 0, opts.dst?.types ?? 0]);
  },
};
