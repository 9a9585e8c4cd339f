// CT (xt_CT, libxt_CT): the conntrack template for the packets this rule matches, raw table only
// (PREROUTING/OUTPUT). NOTRACK is the kernel's alias for `CT --notrack` and saves as `-j NOTRACK`.
// Conntrack events and timeout policies have no effect on verdicts: they are parsed and printed.
import type { ParseCtx, TargetModule } from '../module.js';
import {
  T_CT, T_NOTRACK, CTT_NOTRACK, CTT_HELPER, CTT_ZONE, HELPER_FTP,
} from '../../../assembly/shared/layout.js';
import { useOnce } from './option-rules.js';
import { requireRawTable } from './placement.js';
import { parseXtUint, U16_MAX } from './xt-number.js';
import { storeFixedString } from './xt-string.js';

const CT_EVENTS = ['new', 'related', 'destroy', 'reply', 'assured', 'protoinfo', 'helper', 'mark', 'natseqinfo', 'secmark'];
const EXP_EVENTS = ['new'];
/** struct xt_ct_target_info.helper is char[16], .timeout char[32]. */
const HELPER_SIZE = 16;
const TIMEOUT_SIZE = 32;
const PROTO_TCP = 6;

/** Helpers nfwasm evaluates, by name, with the protocol they are registered for. */
const MODELLED_HELPERS: Readonly<Record<string, { id: number; proto: number }>> = {
  ftp: { id: HELPER_FTP, proto: PROTO_TCP },
};

export interface CtOptions {
  notrack: boolean;
  helper: string;
  ctEvents: string[];
  expEvents: string[];
  zone: number;
  zoneFromMark: boolean;
  zoneOrig: boolean;
  zoneReply: boolean;
  timeout: string;
  given: string[];
}

function parseEvents(text: string, known: readonly string[], ctx: ParseCtx): string[] {
  const names = text.split(',');
  for (const name of names) if (!known.includes(name)) ctx.fail(`CT: Unknown event type "${name}"`);
  // Printed from the bit mask: table order, each once.
  return known.filter((n) => names.includes(n));
}

function ctText(opts: CtOptions, dashes: string): string {
  const parts: string[] = [];
  if (opts.notrack) parts.push(`${dashes}notrack`);
  if (opts.helper !== '') parts.push(`${dashes}helper ${opts.helper}`);
  if (opts.ctEvents.length > 0) parts.push(`${dashes}ctevents ${opts.ctEvents.join(',')}`);
  if (opts.expEvents.length > 0) parts.push(`${dashes}expevents ${opts.expEvents.join(',')}`);
  if (opts.zoneFromMark || opts.zone !== 0) {
    const direction = opts.zoneOrig === opts.zoneReply ? '' : opts.zoneOrig ? '-orig' : '-reply';
    parts.push(`${dashes}zone${direction} ${opts.zoneFromMark ? 'mark' : opts.zone}`);
  }
  if (opts.timeout !== '') parts.push(`${dashes}timeout ${opts.timeout}`);
  return parts.join(' ');
}

const NOTRACK_EXCLUDES = ['zone', 'zone-orig', 'zone-reply', 'ctevents', 'expevents', 'helper', 'timeout'];

export const CT: TargetModule<CtOptions> = {
  name: 'CT',
  options: [
    { name: 'notrack', args: 0 },
    ...['zone', 'zone-orig', 'zone-reply', 'ctevents', 'expevents', 'helper', 'timeout'].map((name) => ({ name, args: 1 as const })),
  ],
  init: () => ({
    notrack: false, helper: '', ctEvents: [], expEvents: [], zone: 0, zoneFromMark: false,
    zoneOrig: false, zoneReply: false, timeout: '', given: [],
  }),
  parse(opts, option, args, _invert, ctx: ParseCtx) {
    useOnce(opts.given, option, 'CT', ctx);
    const arg = args[0];
    switch (option) {
      case 'notrack':
        opts.notrack = true;
        break;
      case 'zone':
      case 'zone-orig':
      case 'zone-reply': {
        if (option === 'zone-orig') opts.zoneOrig = true;
        if (option === 'zone-reply') opts.zoneReply = true;
        if (arg.toLowerCase() === 'mark') {
          opts.zoneFromMark = true;
          opts.zone = 0;
        } else {
          const zone = parseXtUint(arg, U16_MAX);
          if (zone === undefined) ctx.fail(`CT: Cannot parse ${arg} as a zone ID`);
          opts.zone = zone;
        }
        break;
      }
      case 'ctevents':
        opts.ctEvents = parseEvents(arg, CT_EVENTS, ctx);
        break;
      case 'expevents':
        opts.expEvents = parseEvents(arg, EXP_EVENTS, ctx);
        break;
      case 'helper':
        opts.helper = storeFixedString(arg, HELPER_SIZE).stored;
        break;
      case 'timeout':
        opts.timeout = storeFixedString(arg, TIMEOUT_SIZE).stored;
        break;
    }
  },
  finalize(opts, ctx) {
    requireRawTable(ctx, 'CT');
    if (opts.notrack) {
      const other = NOTRACK_EXCLUDES.find((o) => opts.given.includes(o));
      if (other) ctx.fail(`CT: option "--notrack" cannot be used together with "--${other}"`);
    }
    if (opts.helper !== '' || opts.timeout !== '') {
      // xt_ct_find_proto: helpers and timeout policies are looked up per L4 protocol.
      if (!ctx.proto || ctx.proto.num === 0 || ctx.proto.invert) {
        ctx.fail('CT: You must specify a L4 protocol and not use inversions on it (--helper/--timeout)');
      }
    }
    const modelled = MODELLED_HELPERS[opts.helper];
    if (modelled && ctx.proto!.num !== modelled.proto) {
      ctx.fail(`CT: no "${opts.helper}" helper for protocol ${ctx.proto!.num}`);
    }
  },
  save: (opts) => ctText(opts, '--'),
  list: (opts) => ['CT', ctText(opts, '')].filter((t) => t !== '').join(' '),
  compile(opts, ctx) {
    let flags = 0;
    let helperId = 0;
    if (opts.notrack) flags |= CTT_NOTRACK;
    if (opts.helper !== '') {
      const modelled = MODELLED_HELPERS[opts.helper];
      if (modelled) {
        flags |= CTT_HELPER;
        helperId = modelled.id;
      } else {
        ctx.warn(`CT --helper ${opts.helper}: helper not modelled, connections get no helper`);
      }
    }
    if (opts.zoneFromMark || opts.zone !== 0) {
      flags |= CTT_ZONE;
      if (opts.zoneFromMark || opts.zoneOrig !== opts.zoneReply) {
        ctx.warn('CT: zones taken from the mark or for one direction only are not evaluated: zone applies to both directions');
      }
    }
    if (opts.timeout !== '') ctx.warn(`CT --timeout ${opts.timeout}: timeout policies are not evaluated, default timeouts apply`);
    return { kind: T_CT, args: [flags, helperId, opts.zoneFromMark ? 0 : opts.zone] };
  },
};

export const NOTRACK: TargetModule<Record<string, never>> = {
  name: 'NOTRACK',
  options: [],
  init: () => ({}),
  parse(_opts, option, _args, _invert, ctx: ParseCtx) {
    ctx.fail(`NOTRACK: unknown option "--${option}"`);
  },
  finalize: (_opts, ctx) => requireRawTable(ctx, 'NOTRACK'),
  save: () => '',
  list: () => 'NOTRACK',
  compile: () => ({ kind: T_NOTRACK }),
};
