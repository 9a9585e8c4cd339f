// -m icmp (libipt_icmp.c + libxt_icmp.h, kernel ip_tables.c icmp_match): --icmp-type by name
// (unique prefix), number, or type/code with code ranges; type 255 means any type.
import type { MatchModule, ParseCtx } from '../module.js';
import { OP_ICMP, OP_L4HDR } from '../../../assembly/shared/layout.js';
import { parseXtUintPrefix, U8_MAX } from '../target/xt-number.js';
import { requireProto } from './rule-context.js';

const IPPROTO_ICMP = 1;
const ANY_TYPE = 0xff;

/** xt_icmp_names: name, type, code range. */
const ICMP_NAMES: ReadonlyArray<readonly [string, number, number, number]> = [
  ['any', 0xff, 0, 0xff],
  ['echo-reply', 0, 0, 0xff], ['pong', 0, 0, 0xff],
  ['destination-unreachable', 3, 0, 0xff], ['network-unreachable', 3, 0, 0], ['host-unreachable', 3, 1, 1],
  ['protocol-unreachable', 3, 2, 2], ['port-unreachable', 3, 3, 3], ['fragmentation-needed', 3, 4, 4],
  ['source-route-failed', 3, 5, 5], ['network-unknown', 3, 6, 6], ['host-unknown', 3, 7, 7],
  ['network-prohibited', 3, 9, 9], ['host-prohibited', 3, 10, 10], ['TOS-network-unreachable', 3, 11, 11],
  ['TOS-host-unreachable', 3, 12, 12], ['communication-prohibited', 3, 13, 13],
  ['host-precedence-violation', 3, 14, 14], ['precedence-cutoff', 3, 15, 15],
  ['source-quench', 4, 0, 0xff],
  ['redirect', 5, 0, 0xff], ['network-redirect', 5, 0, 0], ['host-redirect', 5, 1, 1],
  ['TOS-network-redirect', 5, 2, 2], ['TOS-host-redirect', 5, 3, 3],
  ['echo-request', 8, 0, 0xff], ['ping', 8, 0, 0xff],
  ['router-advertisement', 9, 0, 0xff], ['router-solicitation', 10, 0, 0xff],
  ['time-exceeded', 11, 0, 0xff], ['ttl-exceeded', 11, 0, 0xff], ['ttl-zero-during-transit', 11, 0, 0],
  ['ttl-zero-during-reassembly', 11, 1, 1],
  ['parameter-problem', 12, 0, 0xff], ['ip-header-bad', 12, 0, 0], ['required-option-missing', 12, 1, 1],
  ['timestamp-request', 13, 0, 0xff], ['timestamp-reply', 14, 0, 0xff],
  ['address-mask-request', 17, 0, 0xff], ['address-mask-reply', 18, 0, 0xff],
];

export interface IcmpOptions {
  type: number;
  codeLo: number;
  codeHi: number;
  invert: boolean;
  given: boolean;
}

interface IcmpSpec {
  type: number;
  codeLo: number;
  codeHi: number;
}

/** strncasecmp(name, text, strlen(text)): every name the text is a prefix of. */
function namesStartingWith(text: string) {
  const lower = text.toLowerCase();
  return ICMP_NAMES.filter(([name]) => name.toLowerCase().startsWith(lower));
}

function byName(text: string, ctx: ParseCtx): IcmpSpec | undefined {
  const hits = namesStartingWith(text);
  if (hits.length > 1) ctx.fail(`icmp: Ambiguous ICMP type \`${text}': \`${hits[0][0]}' or \`${hits[1][0]}'?`);
  if (hits.length === 0) return undefined;
  const [, type, codeLo, codeHi] = hits[0];
  return { type, codeLo, codeHi };
}

/** parse_range: "n" or "n:m", each 0..255; returns the rest of the text. */
function numberRange(text: string): { lo: number; hi: number; rest: string } | undefined {
  const lo = parseXtUintPrefix(text, U8_MAX);
  if (!lo) return undefined;
  if (!lo.rest.startsWith(':')) return { lo: lo.value, hi: lo.value, rest: lo.rest };
  const hi = parseXtUintPrefix(lo.rest.slice(1), U8_MAX);
  return hi ? { lo: lo.value, hi: hi.value, rest: hi.rest } : undefined;
}

function byNumber(text: string, ctx: ParseCtx): IcmpSpec {
  const type = numberRange(text);
  if (!type) ctx.fail(`icmp: Unknown ICMP type \`${text}'`);
  if (type.lo !== type.hi) ctx.fail('icmp: ICMP type range not supported');
  if (type.rest === '') return { type: type.lo, codeLo: 0, codeHi: 0xff };
  if (!type.rest.startsWith('/')) ctx.fail(`icmp: unknown character ${type.rest[0]}`);
  const code = numberRange(type.rest.slice(1));
  if (!code) ctx.fail(`icmp: Unknown ICMP code \`${text}'`);
  if (code.rest !== '') ctx.fail(`icmp: unknown character ${code.rest[0]}`);
  return { type: type.lo, codeLo: code.lo, codeHi: code.hi };
}

/**
 * "destination-unreachable/port-unreachable": iptables itself refuses this spelling, but guides
 * use it; it is read as the sub-type's type/code with a warning.
 */
function byNamePair(text: string, ctx: ParseCtx): IcmpSpec | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const outer = ICMP_NAMES.find(([n]) => n.toLowerCase() === text.slice(0, slash).toLowerCase());
  const inner = ICMP_NAMES.find(([n]) => n.toLowerCase() === text.slice(slash + 1).toLowerCase());
  if (!outer || !inner || outer[1] !== inner[1]) return undefined;
  ctx.warn(`icmp: "--icmp-type ${text}" is not accepted by iptables; read as ${inner[1]}/${inner[2]} (${inner[0]})`);
  return { type: inner[1], codeLo: inner[2], codeHi: inner[3] };
}

function isAny(o: IcmpSpec): boolean {
  return o.type === ANY_TYPE && o.codeLo === 0 && o.codeHi === 0xff;
}

export const icmpMatch: MatchModule<IcmpOptions> = {
  name: 'icmp',
  implicitForProto: IPPROTO_ICMP,
  options: [{ name: 'icmp-type', args: 1, invertible: true }],
  init: () => ({ type: ANY_TYPE, codeLo: 0, codeHi: 0xff, invert: false, given: false }),
  parse(opts, _option, args, invert, ctx: ParseCtx) {
    if (opts.given) ctx.fail('icmp: "--icmp-type" option may only be specified once');
    const spec = byName(args[0], ctx) ?? byNamePair(args[0], ctx) ?? byNumber(args[0], ctx);
    Object.assign(opts, spec, { invert, given: true });
  },
  finalize(opts, ctx: ParseCtx) {
    if (!opts.given) ctx.fail('icmp: option "--icmp-type" must be specified');
    requireProto(ctx, 'icmp', [IPPROTO_ICMP]);
  },
  save(opts) {
    const inv = opts.invert ? '! ' : '';
    if (isAny(opts)) return `${inv}--icmp-type any`;
    // only the lowest code of a range is printed (icmp_save)
    const code = opts.codeLo !== 0 || opts.codeHi !== 0xff ? `/${opts.codeLo}` : '';
    return `${inv}--icmp-type ${opts.type}${code}`;
  },
  list(opts) {
    // print_icmptype with numeric=1 prints "type" right after "icmp": "icmptype 8"
    let text = `icmp${opts.invert ? ' !' : ''}type ${opts.type}`;
    if (opts.codeLo === opts.codeHi) text += ` code ${opts.codeLo}`;
    else if (opts.codeLo !== 0 || opts.codeHi !== 0xff) text += ` codes ${opts.codeLo}-${opts.codeHi}`;
    return text;
  },
  compile(opts, em) {
    em.op(OP_L4HDR, []);
    em.op(OP_ICMP, [opts.type, opts.codeLo, opts.codeHi], opts.invert);
  },
};
