// LOG (xt_LOG, libxt_LOG): write the kernel log line (src/log/format.ts) and continue.
// Allowed in every table and chain.
import type { LogAction, ParseCtx, TargetModule } from '../module.js';
import { T_LOG } from '../../../assembly/shared/layout.js';
import { useOnce } from './option-rules.js';
import { parseXtUint } from './xt-number.js';
import { saveString, storeFixedString } from './xt-string.js';

/** syslog LOG_WARNING: what iptables stores when --log-level is absent (and omits when saving). */
const DEFAULT_LEVEL = 4;
/** struct xt_log_info.prefix is char[30]. */
const PREFIX_SIZE = 30;

/** xtopt_parse_sysloglevel's name table (exact, case-sensitive lookup). */
const LEVEL_BY_NAME: Readonly<Record<string, number>> = {
  alert: 1, crit: 2, debug: 7, emerg: 0, error: 3, info: 6, notice: 5, panic: 0, warning: 4,
};

/** XT_LOG_* bits, for the `-L -n` "flags N" column. */
const FLAG_BITS = { tcpSequence: 1, tcpOptions: 2, ipOptions: 4, uid: 8, macDecode: 32 } as const;
type FlagName = keyof typeof FLAG_BITS;

const FLAG_OPTIONS: ReadonlyArray<[string, FlagName]> = [
  ['log-tcp-sequence', 'tcpSequence'],
  ['log-tcp-options', 'tcpOptions'],
  ['log-ip-options', 'ipOptions'],
  ['log-uid', 'uid'],
  ['log-macdecode', 'macDecode'],
];

export interface LogOptions extends Omit<LogAction, 'type'> {
  given: string[];
}

export function parseSyslogLevel(text: string): number | undefined {
  const numeric = parseXtUint(text, 7);
  if (numeric !== undefined) return numeric;
  return Object.prototype.hasOwnProperty.call(LEVEL_BY_NAME, text) ? LEVEL_BY_NAME[text] : undefined;
}

/**
 * An XTTYPE_STRING prefix option (--log-prefix, --nflog-prefix): at least one character, no
 * newline, cut to the kernel's array size like iptables-legacy does (with a warning here).
 */
export function parseLogPrefix(text: string, option: string, size: number, ctx: ParseCtx): string {
  if (text.length === 0) ctx.fail(`--${option}: argument must have a minimum length of 1 characters`);
  if (text.includes('\n')) ctx.fail(`Newlines not allowed in --${option}`);
  const { stored, truncated } = storeFixedString(text, size);
  if (truncated) ctx.warn(`--${option} "${text}" is longer than ${size - 1} characters: cut to "${stored}" as iptables does`);
  return stored;
}

export const LOG: TargetModule<LogOptions> = {
  name: 'LOG',
  options: [
    { name: 'log-level', args: 1 },
    { name: 'log-prefix', args: 1 },
    ...FLAG_OPTIONS.map(([name]) => ({ name, args: 0 as const })),
  ],
  init: () => ({
    prefix: '', level: DEFAULT_LEVEL, tcpSequence: false, tcpOptions: false, ipOptions: false,
    uid: false, macDecode: false, given: [],
  }),
  parse(opts, option, args, _invert, ctx: ParseCtx) {
    useOnce(opts.given, option, 'LOG', ctx);
    if (option === 'log-level') {
      const level = parseSyslogLevel(args[0]);
      if (level === undefined) ctx.fail(`LOG: log level "${args[0]}" unknown`);
      opts.level = level;
    } else if (option === 'log-prefix') {
      opts.prefix = parseLogPrefix(args[0], option, PREFIX_SIZE, ctx);
    } else {
      const flag = FLAG_OPTIONS.find(([name]) => name === option)![1];
      opts[flag] = true;
    }
  },
  finalize() {},
  save(opts) {
    const parts: string[] = [];
    if (opts.prefix !== '') parts.push(`--log-prefix ${saveString(opts.prefix)}`);
    if (opts.level !== DEFAULT_LEVEL) parts.push(`--log-level ${opts.level}`);
    for (const [name, flag] of FLAG_OPTIONS) if (opts[flag]) parts.push(`--${name}`);
    return parts.join(' ');
  },
  list(opts) {
    // `iptables -L -n` passes numeric=1 to LOG_print: flags and level as numbers.
    let flags = 0;
    for (const [, flag] of FLAG_OPTIONS) if (opts[flag]) flags |= FLAG_BITS[flag];
    let text = `LOG flags ${flags} level ${opts.level}`;
    if (opts.prefix !== '') text += ` prefix "${opts.prefix}"`;
    return text;
  },
  compile(opts, ctx) {
    const action: LogAction = {
      type: 'LOG', prefix: opts.prefix, level: opts.level, tcpSequence: opts.tcpSequence,
      tcpOptions: opts.tcpOptions, ipOptions: opts.ipOptions, uid: opts.uid, macDecode: opts.macDecode,
    };
    return { kind: T_LOG, args: [ctx.action(action)] };
  },
};
