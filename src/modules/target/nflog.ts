// NFLOG (xt_NFLOG, libxt_NFLOG): hand the packet to nfnetlink_log group N and continue.
// Allowed in every table and chain.
import type { NflogAction, ParseCtx, TargetModule } from '../module.js';
import { T_NFLOG } from '../../../assembly/shared/layout.js';
import { parseLogPrefix } from './log.js';
import { forbidTogether, useOnce } from './option-rules.js';
import { parseXtUint, U16_MAX, U32_MAX } from './xt-number.js';
import { saveString } from './xt-string.js';

/** struct xt_nflog_info.prefix is char[64]. */
const PREFIX_SIZE = 64;
/** XT_NFLOG_DEFAULT_THRESHOLD. */
const DEFAULT_THRESHOLD = 0;

export interface NflogOptions {
  group: number;
  prefix: string;
  /** --nflog-size (copy length honoured) or the legacy --nflog-range (never worked). */
  length: number;
  lengthIsSize: boolean;
  threshold: number;
  given: string[];
}

const NUMERIC_LIMITS: Readonly<Record<string, number>> = {
  'nflog-group': U16_MAX, 'nflog-range': U32_MAX, 'nflog-size': U32_MAX, 'nflog-threshold': U16_MAX,
};

function nflogText(opts: NflogOptions, dashes: string): string {
  const parts: string[] = [];
  if (opts.prefix !== '') parts.push(`${dashes}nflog-prefix ${saveString(opts.prefix)}`);
  if (opts.group !== 0) parts.push(`${dashes}nflog-group ${opts.group}`);
  if (opts.lengthIsSize) parts.push(`${dashes}nflog-size ${opts.length}`);
  else if (opts.length !== 0) parts.push(`${dashes}nflog-range ${opts.length}`);
  if (opts.threshold !== DEFAULT_THRESHOLD) parts.push(`${dashes}nflog-threshold ${opts.threshold}`);
  return parts.join(' ');
}

export const NFLOG: TargetModule<NflogOptions> = {
  name: 'NFLOG',
  options: ['nflog-group', 'nflog-prefix', 'nflog-range', 'nflog-size', 'nflog-threshold'].map((name) => ({ name, args: 1 as const })),
  init: () => ({ group: 0, prefix: '', length: 0, lengthIsSize: false, threshold: DEFAULT_THRESHOLD, given: [] }),
  parse(opts, option, args, _invert, ctx: ParseCtx) {
    useOnce(opts.given, option, 'NFLOG', ctx);
    if (option === 'nflog-prefix') {
      opts.prefix = parseLogPrefix(args[0], option, PREFIX_SIZE, ctx);
      return;
    }
    const max = NUMERIC_LIMITS[option];
    const value = parseXtUint(args[0], max);
    if (value === undefined) ctx.fail(`NFLOG: bad value for option "--${option}", or out of range (0-${max})`);
    if (option === 'nflog-group') opts.group = value;
    else if (option === 'nflog-threshold') opts.threshold = value;
    else {
      opts.length = value;
      opts.lengthIsSize = option === 'nflog-size';
    }
  },
  finalize(opts, ctx) {
    forbidTogether(opts.given, ['nflog-range', 'nflog-size'], 'NFLOG', ctx);
    if (opts.given.includes('nflog-range')) ctx.warn('NFLOG: --nflog-range has never worked and is no longer supported, use --nflog-size');
  },
  save: (opts) => nflogText(opts, '--'),
  list: (opts) => nflogText(opts, ''),
  compile(opts, ctx) {
    const action: NflogAction = { type: 'NFLOG', group: opts.group, prefix: opts.prefix };
    return { kind: T_NFLOG, args: [ctx.action(action)] };
  },
};
