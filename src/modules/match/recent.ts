// -m recent revision 1 (libxt_recent.c, kernel xt_recent.c): named lists of recently seen
// addresses, shared by every rule that names the same list. One command per match: --set adds
// the address (and matches), --rcheck/--update test it (optionally within --seconds, at least
// --hitcount times, with the same TTL), --update also refreshes it, --remove deletes it.
import type { MatchModule, ParseCtx } from '../module.js';
import {
  OP_RECENT, RECENT_LIST_SIZE, RECENT_MAX_PKTS, RECENT_RCHECK, RECENT_REMOVE, RECENT_SET, RECENT_UPDATE,
  RF_RDEST, RF_REAP, RF_RTTL,
} from '../../../assembly/shared/layout.js';
import { formatIPv4 } from '../../ruleset/names.js';
import { parseXtUint, U32_MAX } from '../target/xt-number.js';
import { storeFixedString } from '../target/xt-string.js';
import { parseAddress } from './address-option.js';

/** XT_RECENT_MAX_NSTAMPS: the kernel refuses a hitcount at or above it. */
const MAX_NSTAMPS = 256;
/** char name[XT_RECENT_NAME_LEN = 200]. */
const NAME_SIZE = 200;

type Command = 'set' | 'rcheck' | 'update' | 'remove';
const COMMAND_CODE: Record<Command, number> = {
  set: RECENT_SET, rcheck: RECENT_RCHECK, update: RECENT_UPDATE, remove: RECENT_REMOVE,
};
const COMMAND_LIST: Record<Command, string> = { set: 'SET', rcheck: 'CHECK', update: 'UPDATE', remove: 'REMOVE' };

export interface RecentOptions {
  command?: Command;
  invert: boolean;
  seconds: number;
  hitcount: number;
  reap: boolean;
  rttl: boolean;
  name: string;
  side: 'source' | 'dest';
  mask: number;
  given: string[];
}

export const recentMatch: MatchModule<RecentOptions> = {
  name: 'recent',
  options: [
    ...(['set', 'rcheck', 'update', 'remove'] as const).map((name) => ({ name, args: 0 as const, invertible: true })),
    { name: 'seconds', args: 1 },
    { name: 'reap', args: 0 },
    { name: 'hitcount', args: 1 },
    { name: 'rttl', args: 0 },
    { name: 'name', args: 1 },
    { name: 'rsource', args: 0 },
    { name: 'rdest', args: 0 },
    { name: 'mask', args: 1 },
  ],
  init: () => ({
    invert: false, seconds: 0, hitcount: 0, reap: false, rttl: false, name: 'DEFAULT', side: 'source',
    mask: 0xffffffff, given: [],
  }),
  parse(opts, option, args, invert, ctx: ParseCtx) {
    if (opts.given.includes(option)) ctx.fail(`recent: "--${option}" option may only be specified once`);
    opts.given.push(option);
    switch (option) {
      case 'set': case 'rcheck': case 'update': case 'remove':
        if (opts.command) ctx.fail(`recent: "--${option}" cannot be used together with "--${opts.command}"`);
        opts.command = option;
        if (invert) opts.invert = true;
        return;
      case 'seconds': {
        const s = parseXtUint(args[0], U32_MAX, 1);
        if (s === undefined) ctx.fail(`recent: bad value for option "--seconds", or out of range (1-${U32_MAX})`);
        opts.seconds = s;
        return;
      }
      case 'hitcount': {
        const n = parseXtUint(args[0], U32_MAX);
        if (n === undefined) ctx.fail(`recent: bad value for option "--hitcount", or out of range (0-${U32_MAX})`);
        opts.hitcount = n;
        return;
      }
      case 'reap':
        opts.reap = true;
        return;
      case 'rttl':
        opts.rttl = true;
        return;
      case 'name': {
        const { stored } = storeFixedString(args[0], NAME_SIZE);
        opts.name = stored;
        return;
      }
      case 'rsource':
      case 'rdest':
        opts.side = option === 'rdest' ? 'dest' : 'source';
        return;
      case 'mask':
        opts.mask = parseAddress(args[0], 'recent: --mask', ctx);
        return;
    }
  },
  finalize(opts, ctx: ParseCtx) {
    if (!opts.command) ctx.fail("recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
    if (opts.rttl && (opts.command === 'set' || opts.command === 'remove')) {
      ctx.fail(`recent: "--rttl" cannot be used together with "--${opts.command}"`);
    }
    if (opts.reap && !opts.seconds) ctx.fail('recent: "--reap" needs "--seconds"');
    // recent_mt_check
    if ((opts.command === 'set' || opts.command === 'remove') && (opts.seconds || opts.hitcount || opts.reap)) {
      ctx.fail(`recent: --seconds, --hitcount and --reap only go with --rcheck or --update, not --${opts.command}`);
    }
    if (opts.hitcount >= MAX_NSTAMPS) {
      // Kernels before 4.15 took any hitcount up to a raised ip_pkt_list_tot module parameter, so
      // real dumps carry such values; the kernel modelled here refuses them.
      ctx.unsupported(
        'recent --hitcount',
        `recent: hitcount (${opts.hitcount}) is larger than allowed maximum (${MAX_NSTAMPS - 1}) on current kernels ` +
          '(older ones accepted it with a raised ip_pkt_list_tot, which nfwasm does not model)',
      );
    }
    if (opts.name === '' || opts.name === '.' || opts.name === '..' || opts.name.includes('/')) {
      ctx.fail(`recent: invalid list name "${opts.name}"`);
    }
  },
  save(opts) {
    const out = [`${opts.invert ? '! ' : ''}--${opts.command}`];
    if (opts.seconds) out.push(`--seconds ${opts.seconds}`);
    if (opts.reap) out.push('--reap');
    if (opts.hitcount) out.push(`--hitcount ${opts.hitcount}`);
    if (opts.rttl) out.push('--rttl');
    out.push(`--name ${opts.name}`, `--mask ${formatIPv4(opts.mask)}`, opts.side === 'dest' ? '--rdest' : '--rsource');
    return out.join(' ');
  },
  list(opts) {
    const out = [`${opts.invert ? '! ' : ''}recent: ${COMMAND_LIST[opts.command!]}`];
    if (opts.seconds) out.push(`seconds: ${opts.seconds}`);
    if (opts.reap) out.push('reap');
    if (opts.hitcount) out.push(`hit_count: ${opts.hitcount}`);
    if (opts.rttl) out.push('TTL-Match');
    out.push(`name: ${opts.name}`, `side: ${opts.side}`, `mask: ${formatIPv4(opts.mask)}`);
    return out.join(' ');
  },
  compile(opts, em) {
    if (opts.hitcount > RECENT_MAX_PKTS) {
      em.warn(`recent ${opts.name}: --hitcount ${opts.hitcount} is more than the ${RECENT_MAX_PKTS} hits nfwasm remembers per address; it never matches`);
    }
    const list = em.sharedState(`recent:${opts.name}`, RECENT_LIST_SIZE);
    const flags = (opts.side === 'dest' ? RF_RDEST : 0) | (opts.rttl ? RF_RTTL : 0) | (opts.reap ? RF_REAP : 0);
    em.op(OP_RECENT, [list, COMMAND_CODE[opts.command!], flags, opts.seconds, opts.hitcount, opts.mask], opts.invert);
  },
};
