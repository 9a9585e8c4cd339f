// -m conntrack revision 3 (libxt_conntrack.c, kernel xt_conntrack.c conntrack_mt): state,
// protocol, tuple addresses and ports, status bits, remaining lifetime and direction of the
// packet's conntrack (NETFILTER.md §4.3).
import type { Emitter, MatchModule, ParseCtx } from '../module.js';
import {
  CTSTATE_DNAT, CTSTATE_ESTABLISHED, CTSTATE_INVALID, CTSTATE_NEW, CTSTATE_RELATED, CTSTATE_SNAT,
  CTSTATE_UNTRACKED, CTSTATUS_ASSURED, CTSTATUS_CONFIRMED, CTSTATUS_EXPECTED, CTSTATUS_SEEN_REPLY, FD_CT_ORIG_DPORT,
  FD_CT_ORIG_DST, FD_CT_ORIG_SPORT, FD_CT_ORIG_SRC, FD_CT_REPL_DPORT, FD_CT_REPL_DST, FD_CT_REPL_SPORT,
  FD_CT_REPL_SRC, FD_CTDIR, FD_CTEXPIRE, FD_CTPROTO, FD_CTSTATE, FD_CTSTATUS, OP_ANYBIT, OP_MASKEQ, OP_RANGE,
} from '../../../assembly/shared/layout.js';
import { protoNumber } from '../../ruleset/names.js';
import { U32_MAX } from '../target/xt-number.js';
import { formatHostMask, parseHostMask } from './address-option.js';
import { CTSTATE_KEYWORDS, CTSTATE_PRINT_ORDER, emitHasConntrack } from './ctstate.js';
import { formatKeywords, parseKeywordList, type KeywordTable } from './keyword-list.js';
import { formatPortRange, parsePortRange, type PortRange } from './ports.js';
import { formatUintRange, parseUintRange, type UintRange } from './uint-range.js';

const STATUS_KEYWORDS: KeywordTable = [
  ['NONE', 0], ['EXPECTED', CTSTATUS_EXPECTED], ['SEEN_REPLY', CTSTATUS_SEEN_REPLY],
  ['ASSURED', CTSTATUS_ASSURED], ['CONFIRMED', CTSTATUS_CONFIRMED],
];

type Inverted<T> = T & { invert: boolean };
type AddrOption = 'ctorigsrc' | 'ctorigdst' | 'ctreplsrc' | 'ctrepldst';
type PortOption = 'ctorigsrcport' | 'ctorigdstport' | 'ctreplsrcport' | 'ctrepldstport';

const ADDR_FIELDS: Record<AddrOption, number> = {
  ctorigsrc: FD_CT_ORIG_SRC, ctorigdst: FD_CT_ORIG_DST, ctreplsrc: FD_CT_REPL_SRC, ctrepldst: FD_CT_REPL_DST,
};
const PORT_FIELDS: Record<PortOption, number> = {
  ctorigsrcport: FD_CT_ORIG_SPORT, ctorigdstport: FD_CT_ORIG_DPORT,
  ctreplsrcport: FD_CT_REPL_SPORT, ctrepldstport: FD_CT_REPL_DPORT,
};
const ADDR_OPTIONS = Object.keys(ADDR_FIELDS) as AddrOption[];
const PORT_OPTIONS = Object.keys(PORT_FIELDS) as PortOption[];

export interface ConntrackOptions {
  ctstate?: Inverted<{ mask: number }>;
  ctproto?: Inverted<{ num: number }>;
  ctorigsrc?: Inverted<{ addr: number; mask: number }>;
  ctorigdst?: Inverted<{ addr: number; mask: number }>;
  ctreplsrc?: Inverted<{ addr: number; mask: number }>;
  ctrepldst?: Inverted<{ addr: number; mask: number }>;
  ctorigsrcport?: Inverted<PortRange>;
  ctorigdstport?: Inverted<PortRange>;
  ctreplsrcport?: Inverted<PortRange>;
  ctrepldstport?: Inverted<PortRange>;
  ctstatus?: Inverted<{ mask: number }>;
  ctexpire?: Inverted<UintRange>;
  ctdir?: 'ORIGINAL' | 'REPLY';
}

function keywords(text: string, table: KeywordTable, option: string, ctx: ParseCtx): number {
  const parsed = parseKeywordList(text, table);
  if ('bad' in parsed) ctx.fail(`conntrack: Bad ${option} "${parsed.bad}"`);
  return parsed.bits;
}

function parseOption(opts: ConntrackOptions, option: string, arg: string, invert: boolean, ctx: ParseCtx): void {
  switch (option) {
    case 'ctstate':
      opts.ctstate = { mask: keywords(arg, CTSTATE_KEYWORDS, option, ctx), invert };
      return;
    case 'ctstatus':
      opts.ctstatus = { mask: keywords(arg, STATUS_KEYWORDS, option, ctx), invert };
      return;
    case 'ctproto': {
      const num = protoNumber(arg);
      if (num === undefined) ctx.fail(`conntrack: unknown protocol "${arg}" specified`);
      if (num === 0) ctx.fail('conntrack: rule would never match protocol');
      opts.ctproto = { num, invert };
      return;
    }
    case 'ctexpire':
      opts.ctexpire = { ...parseUintRange(arg, U32_MAX, 'conntrack: --ctexpire', ctx), invert };
      return;
    case 'ctdir': {
      const dir = arg.toUpperCase();
      if (dir !== 'ORIGINAL' && dir !== 'REPLY') ctx.fail(`conntrack: Bad value for "--ctdir" option: "${arg}"`);
      opts.ctdir = dir;
      return;
    }
  }
  if ((ADDR_OPTIONS as string[]).includes(option)) {
    opts[option as AddrOption] = { ...parseHostMask(arg, `conntrack: --${option}`, ctx), invert };
  } else if ((PORT_OPTIONS as string[]).includes(option)) {
    opts[option as PortOption] = { ...parsePortRange(arg, 'conntrack', ctx), invert };
  }
}

/** conntrack_dump, with the option prefix ("--" for save, "" for -L). */
function dump(opts: ConntrackOptions, prefix: string): string {
  const out: string[] = [];
  const item = (invert: boolean, text: string) => out.push(`${invert ? '! ' : ''}${prefix}${text}`);
  if (opts.ctstate) item(opts.ctstate.invert, `ctstate ${formatKeywords(opts.ctstate.mask, CTSTATE_PRINT_ORDER)}`);
  if (opts.ctproto) item(opts.ctproto.invert, `ctproto ${opts.ctproto.num}`);
  for (const option of ADDR_OPTIONS) {
    const a = opts[option];
    if (a) item(a.invert, `${option} ${formatHostMask(a.addr, a.mask)}`);
  }
  for (const option of PORT_OPTIONS) {
    const p = opts[option];
    if (p) item(p.invert, `${option} ${formatPortRange(p)}`);
  }
  if (opts.ctstatus) {
    const names = opts.ctstatus.mask === 0 ? 'NONE' : formatKeywords(opts.ctstatus.mask, STATUS_KEYWORDS);
    item(opts.ctstatus.invert, `ctstatus ${names}`);
  }
  if (opts.ctexpire) item(opts.ctexpire.invert, `ctexpire ${formatUintRange(opts.ctexpire)}`);
  if (opts.ctdir) item(false, `ctdir ${opts.ctdir}`);
  return out.join(' ');
}

function compileTuple(opts: ConntrackOptions, em: Emitter): void {
  if (opts.ctdir) {
    const dir = opts.ctdir === 'REPLY' ? 1 : 0;
    em.op(OP_RANGE, [FD_CTDIR, dir, dir]);
  }
  for (const option of ADDR_OPTIONS) {
    const a = opts[option];
    if (a) em.op(OP_MASKEQ, [ADDR_FIELDS[option], a.mask, (a.addr & a.mask) >>> 0], a.invert);
  }
  if (opts.ctproto) em.op(OP_RANGE, [FD_CTPROTO, opts.ctproto.num, opts.ctproto.num], opts.ctproto.invert);
  for (const option of PORT_OPTIONS) {
    const p = opts[option];
    if (p) em.op(OP_RANGE, [PORT_FIELDS[option], p.lo, p.hi], p.invert);
  }
  if (opts.ctstatus) em.op(OP_ANYBIT, [FD_CTSTATUS, opts.ctstatus.mask], opts.ctstatus.invert);
  if (opts.ctexpire) em.op(OP_RANGE, [FD_CTEXPIRE, opts.ctexpire.lo, opts.ctexpire.hi], opts.ctexpire.invert);
}

export const conntrackMatch: MatchModule<ConntrackOptions> = {
  name: 'conntrack',
  options: [
    ...['ctstate', 'ctproto', ...ADDR_OPTIONS, ...PORT_OPTIONS, 'ctstatus', 'ctexpire'].map((name) => ({
      name, args: 1 as const, invertible: true,
    })),
    { name: 'ctdir', args: 1 },
  ],
  init: () => ({}),
  parse(opts, option, args, invert, ctx: ParseCtx) {
    if (opts[option as keyof ConntrackOptions] !== undefined) {
      ctx.fail(`conntrack: "--${option}" option may only be specified once`);
    }
    parseOption(opts, option, args[0], invert, ctx);
  },
  finalize(opts, ctx: ParseCtx) {
    if (Object.keys(opts).length === 0) ctx.fail('conntrack: At least one option is required');
  },
  save: (opts) => dump(opts, '--'),
  list: (opts) => dump(opts, ''),
  compile(opts, em) {
    const { ctstate, ...rest } = opts;
    const hasTupleTests = Object.keys(rest).length > 0;
    if (!ctstate) {
      if (hasTupleTests) emitHasConntrack(em);
      compileTuple(opts, em);
      return;
    }
    em.op(OP_ANYBIT, [FD_CTSTATE, ctstate.mask], ctstate.invert);
    if (!hasTupleTests) return;
    // conntrack_mt: after the state test a packet without a conntrack *passes* ("return
    // match_flags & STATE"); only packets with one go on to the other tests.
    const passes = (bits: number) => ((ctstate.mask & bits) !== 0) !== ctstate.invert;
    const withoutConntrack = passes(CTSTATE_INVALID) || passes(CTSTATE_UNTRACKED);
    // a conntrack's state bit is one of NEW/ESTABLISHED/RELATED, plus SNAT/DNAT when NATed
    const withConntrack = [CTSTATE_NEW, CTSTATE_ESTABLISHED, CTSTATE_RELATED].some((state) =>
      [0, CTSTATE_SNAT, CTSTATE_DNAT, CTSTATE_SNAT | CTSTATE_DNAT].some((nat) => passes(state | nat)));
    if (!withConntrack) return;
    if (withoutConntrack) {
      em.warn(
        'conntrack: the kernel lets INVALID/UNTRACKED packets that pass --ctstate skip the other ' +
          'conntrack tests; nfwasm applies them to those packets too (and they fail)',
      );
      emitHasConntrack(em);
    }
    compileTuple(opts, em);
  },
};
