// -m hashlimit revision 3 (libxt_hashlimit.c, kernel xt_hashlimit.c): one token bucket per key
// (source/destination address prefix and/or port) in a table shared by every rule naming the same
// --hashlimit-name; "upto" matches while under the rate, "above" once over it.
import type { MatchModule, ParseCtx } from '../module.js';
import {
  HASHLIMIT_BUCKET_SIZE, HASHLIMIT_HEADER_SIZE, HL_ABOVE, HL_BYTES, HL_DSTIP, HL_DSTPORT, HL_SRCIP,
  HL_SRCPORT, OP_HASHLIMIT,
} from '../../../assembly/shared/layout.js';
import { parseXtUint, parseXtUintPrefix, U32_MAX } from '../target/xt-number.js';
import { storeFixedString } from '../target/xt-string.js';
import { byteFactor, costToBytes, formatByteRate, parseByteRate } from './hashlimit-bytes.js';
import { formatRate, leadingInteger, parseRate } from './rate.js';

/** XT_HASHLIMIT_SCALE_v2: revision 2+ keeps the interval in microseconds. */
const SCALE = 1_000_000;
const DEFAULT_BURST = 5;
const MAX_BURST = 1_000_000;
const DEFAULT_GC_INTERVAL = 1000;
/** Seconds an idle byte-rate bucket lives (XT_HASHLIMIT_BYTE_EXPIRE, _BURST with a burst). */
const BYTE_EXPIRE = 15;
const BYTE_EXPIRE_BURST = 60;
/** char name[XT_HASHLIMIT_NAME_LEN = 16]. */
const NAME_SIZE = 16;
/** The kernel's table size on hosts with more than 1 GiB: 8192 buckets, max = 8 * size. */
const DEFAULT_HTABLE_SIZE = 8192;

/** --hashlimit-mode words in print order, with the OP_HASHLIMIT bit each sets. */
const MODE_WORDS: ReadonlyArray<readonly [string, number]> = [
  ['srcip', HL_SRCIP], ['srcport', HL_SRCPORT], ['dstip', HL_DSTIP], ['dstport', HL_DSTPORT],
];

export interface HashlimitOptions {
  given: string[];
  above: boolean;
  bytes: boolean;
  /** Packet rate: interval in microseconds; byte rate: the cost per 16-byte chunk. */
  avg: number;
  /** Packets; with a byte rate the burst in bytes as written until finalize turns it into units. */
  burst: number;
  /** HL_SRCIP | HL_SRCPORT | HL_DSTIP | HL_DSTPORT. */
  mode: number;
  srcmask: number;
  dstmask: number;
  name: string;
  size: number;
  max: number;
  gcInterval: number;
  expire: number;
  rateMatch: boolean;
  interval: number;
  /** Seconds of the rate's unit (60 for "/min"), 15 for byte rates: the default expiry. */
  unitSeconds: number;
}

const NUMBER_OPTIONS: Record<string, 'size' | 'max' | 'gcInterval' | 'expire'> = {
  'hashlimit-htable-size': 'size',
  'hashlimit-htable-max': 'max',
  'hashlimit-htable-gcinterval': 'gcInterval',
  'hashlimit-htable-expire': 'expire',
};

function parseLimit(opts: HashlimitOptions, option: string, arg: string, invert: boolean, ctx: ParseCtx): void {
  if (opts.given.includes('hashlimit-upto') || opts.given.includes('hashlimit-above')) {
    ctx.fail('hashlimit: --hashlimit-upto and --hashlimit-above exclude each other and may be given once');
  }
  opts.given.push(option);
  opts.above = (option === 'hashlimit-above') !== invert;
  const count = leadingInteger(arg);
  const cost = parseByteRate(arg, count);
  if (cost === 'too-high') ctx.fail(`hashlimit: Rate too high "${arg}"`);
  if (cost !== 'none') {
    Object.assign(opts, { bytes: true, avg: cost, unitSeconds: BYTE_EXPIRE });
    return;
  }
  const rate = parseRate(arg, SCALE);
  if ('error' in rate) {
    ctx.fail(rate.error === 'too-fast' ? `hashlimit: Rate too fast "${arg}"` : `hashlimit: Bad value for option "--${option}": "${arg}"`);
  }
  Object.assign(opts, { bytes: false, avg: rate.period, unitSeconds: rate.unitSeconds });
}

/** parse_burst: a count, or with a k/m suffix a byte amount. */
function parseBurst(arg: string, ctx: ParseCtx): number {
  const n = parseXtUintPrefix(arg, Number.MAX_SAFE_INTEGER, 1);
  if (!n || (n.rest === '' && n.value > MAX_BURST)) {
    ctx.fail(`hashlimit: bad value for option "--hashlimit-burst", or out of range (1-${MAX_BURST}).`);
  }
  return n.value * byteFactor(n.rest[0]);
}

function parseMode(arg: string, ctx: ParseCtx): number {
  let mode = 0;
  for (const word of arg.split(/[,|]/)) {
    if (word === '') continue;
    const hit = MODE_WORDS.find(([w]) => w === word);
    if (!hit) ctx.fail(`hashlimit: Bad value for option "--hashlimit-mode": "${arg}"`);
    mode |= hit[1];
  }
  return mode;
}

function parseOption(opts: HashlimitOptions, option: string, arg: string, invert: boolean, ctx: ParseCtx): void {
  if (option === 'hashlimit-upto' || option === 'hashlimit-above') return parseLimit(opts, option, arg, invert, ctx);
  if (opts.given.includes(option)) ctx.fail(`hashlimit: "--${option}" option may only be specified once`);
  opts.given.push(option);
  const field = NUMBER_OPTIONS[option];
  if (field) {
    const n = parseXtUint(arg, U32_MAX);
    if (n === undefined) ctx.fail(`hashlimit: bad value for option "--${option}", or out of range (0-${U32_MAX})`);
    opts[field] = n;
    return;
  }
  switch (option) {
    case 'hashlimit-burst':
      opts.burst = parseBurst(arg, ctx);
      return;
    case 'hashlimit-mode':
      opts.mode = parseMode(arg, ctx);
      return;
    case 'hashlimit-srcmask':
    case 'hashlimit-dstmask': {
      const len = parseXtUint(arg, 32);
      if (len === undefined) ctx.fail(`hashlimit: bad prefix length "${arg}" for "--${option}" (0-32)`);
      if (option === 'hashlimit-srcmask') opts.srcmask = len;
      else opts.dstmask = len;
      return;
    }
    case 'hashlimit-name': {
      if (arg === '') ctx.fail('hashlimit: Argument must have a minimum length of 1 characters');
      const { stored, truncated } = storeFixedString(arg, NAME_SIZE);
      if (truncated) ctx.warn(`hashlimit: name "${arg}" is cut to "${stored}" (${NAME_SIZE - 1} characters), as iptables does`);
      opts.name = stored;
      return;
    }
    case 'hashlimit-rate-match':
      opts.rateMatch = true;
      return;
    case 'hashlimit-rate-interval': {
      const seconds = leadingInteger(arg);
      if (!(seconds > 0)) ctx.fail(`hashlimit: Bad value for option "--hashlimit-rate-interval": "${arg}"`);
      opts.interval = seconds;
      return;
    }
  }
}

/** hashlimit_mt_check: defaults that depend on other options, and the byte burst in rate units. */
function finishOptions(opts: HashlimitOptions, ctx: ParseCtx): void {
  const expireGiven = opts.given.includes('hashlimit-htable-expire');
  if (!expireGiven) opts.expire = opts.unitSeconds * 1000;
  if (opts.bytes) {
    const burstGiven = opts.given.includes('hashlimit-burst');
    const perSecond = costToBytes(opts.avg);
    if (burstGiven) {
      if (opts.burst < perSecond) ctx.fail(`hashlimit: burst cannot be smaller than ${perSecond}b`);
      opts.burst = Math.ceil(opts.burst / perSecond);
      if (!expireGiven) opts.expire = BYTE_EXPIRE_BURST * 1000;
    } else {
      opts.burst = 0;
    }
  } else if (opts.burst > MAX_BURST) {
    ctx.fail(`hashlimit: bad value for option "--hashlimit-burst", or out of range (1-${MAX_BURST}).`);
  }
  if (opts.rateMatch) {
    if (!opts.bytes) opts.avg = Math.floor(opts.avg / opts.unitSeconds);
    if (opts.interval === 0) opts.interval = opts.bytes ? 1 : opts.unitSeconds;
  }
  // hashlimit_mt_check_common
  if (opts.gcInterval === 0 || opts.expire === 0) ctx.fail('hashlimit: --hashlimit-htable-gcinterval and -expire must not be 0 (the kernel refuses the rule)');
}

function modeText(mode: number, separator: string): string {
  return MODE_WORDS.filter(([, bit]) => (mode & bit) !== 0).map(([w]) => w).join(separator);
}

/** hashlimit_mt_save / hashlimit_mt_print: same items, different spelling. */
function describe(opts: HashlimitOptions, save: boolean): string {
  const opt = (name: string) => (save ? `--hashlimit-${name}` : name);
  const out: string[] = [save ? opt(opts.above ? 'above' : 'upto') : opts.above ? 'limit: above' : 'limit: up to'];
  let quantumMs: number;
  if (opts.bytes) {
    out.push(formatByteRate(opts.avg, opts.burst, save ? '--hashlimit-' : ''));
    quantumMs = (opts.burst === 0 ? BYTE_EXPIRE : BYTE_EXPIRE_BURST) * 1000;
  } else {
    // -L shows the rate over the rate-match interval, save the stored interval as is
    const period = !save && opts.interval !== 0 ? opts.avg * opts.interval : opts.avg;
    const rate = formatRate(period, SCALE);
    quantumMs = rate.unitMs;
    out.push(rate.text, `${opt('burst')} ${opts.burst}`);
  }
  if (opts.mode) out.push(`${save ? opt('mode') : 'mode'} ${modeText(opts.mode, save ? ',' : '-')}`);
  if (save) out.push(`--hashlimit-name ${opts.name}`);
  if (opts.size) out.push(`${opt('htable-size')} ${opts.size}`);
  if (opts.max) out.push(`${opt('htable-max')} ${opts.max}`);
  if (opts.gcInterval !== DEFAULT_GC_INTERVAL) out.push(`${opt('htable-gcinterval')} ${opts.gcInterval}`);
  if (opts.expire !== quantumMs) out.push(`${opt('htable-expire')} ${opts.expire}`);
  if (opts.srcmask !== 32) out.push(`${opt('srcmask')} ${opts.srcmask}`);
  if (opts.dstmask !== 32) out.push(`${opt('dstmask')} ${opts.dstmask}`);
  if (opts.rateMatch) {
    out.push(opt('rate-match'));
    if (opts.interval !== 1) out.push(`${opt('rate-interval')} ${opts.interval}`);
  }
  return out.join(' ');
}

export const hashlimitMatch: MatchModule<HashlimitOptions> = {
  name: 'hashlimit',
  options: [
    { name: 'hashlimit-upto', args: 1, aliases: ['hashlimit'], invertible: true },
    { name: 'hashlimit-above', args: 1, invertible: true },
    ...['srcmask', 'dstmask', 'burst', 'htable-size', 'htable-max', 'htable-gcinterval', 'htable-expire', 'mode',
      'name', 'rate-interval'].map((n) => ({ name: `hashlimit-${n}`, args: 1 as const })),
    { name: 'hashlimit-rate-match', args: 0 },
  ],
  init: () => ({
    given: [], above: false, bytes: false, avg: 0, burst: DEFAULT_BURST, mode: 0, srcmask: 32, dstmask: 32,
    name: '', size: 0, max: 0, gcInterval: DEFAULT_GC_INTERVAL, expire: 0, rateMatch: false, interval: 0,
    unitSeconds: 1,
  }),
  parse(opts, option, args, invert, ctx: ParseCtx) {
    parseOption(opts, option, args[0] ?? '', invert, ctx);
  },
  finalize(opts, ctx: ParseCtx) {
    if (!opts.given.includes('hashlimit-upto') && !opts.given.includes('hashlimit-above')) {
      ctx.fail('hashlimit: You have to specify --hashlimit');
    }
    if (!opts.given.includes('hashlimit-name')) ctx.fail('hashlimit: option "--hashlimit-name" must be specified');
    finishOptions(opts, ctx);
  },
  save: (opts) => describe(opts, true),
  list: (opts) => describe(opts, false),
  compile(opts, em) {
    const maxEntries = opts.max || 8 * (opts.size || DEFAULT_HTABLE_SIZE);
    // The kernel keeps one table per name (xt_hashlimit htable_find_get): rules naming the same
    // table share its buckets.
    const stateOff = em.sharedState(`hashlimit:${opts.name}:${maxEntries}`, HASHLIMIT_HEADER_SIZE + maxEntries * HASHLIMIT_BUCKET_SIZE);
    let avg: number;
    let burst: number;
    if (opts.bytes) {
      // Byte rates: avg = bytes per second, burst = bucket size in bytes (one second's worth,
      // plus one more second per --hashlimit-burst unit, as the kernel refills credit_cap times).
      avg = Math.min(U32_MAX, costToBytes(opts.avg));
      burst = Math.min(U32_MAX, avg * (1 + opts.burst));
    } else {
      avg = Math.round(opts.avg / 100);
      if (avg === 0) {
        em.warn(`hashlimit ${opts.name}: rates above 10000 packets/s are simulated as 10000/s`);
        avg = 1;
      }
      burst = opts.burst;
    }
    if (opts.rateMatch) em.warn(`hashlimit ${opts.name}: --hashlimit-rate-match is simulated as an ordinary rate limit`);
    const mode = opts.mode | (opts.above ? HL_ABOVE : 0) | (opts.bytes ? HL_BYTES : 0);
    em.op(OP_HASHLIMIT, [stateOff, mode, opts.srcmask, opts.dstmask, avg, burst, opts.expire, maxEntries]);
  },
};
