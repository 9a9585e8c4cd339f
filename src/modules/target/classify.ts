// CLASSIFY (xt_CLASSIFY, libxt_CLASSIFY): set skb->priority for tc; no effect on verdicts.
// mangle table, OUTPUT/FORWARD/POSTROUTING.
import type { ParseCtx, TargetModule } from '../module.js';
import { T_CONTINUE } from '../../../assembly/shared/layout.js';
import { useOnce } from './option-rules.js';
import { requireHooks, requireTable } from './placement.js';

export interface ClassifyOptions {
  major: number;
  minor: number;
  given: string[];
}

/** One sscanf "%x" conversion at the start of `text`: blanks, sign, optional 0x, hex digits. */
function scanHex(text: string): { value: number; rest: string } | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]+)/.exec(text);
  if (!m) return undefined;
  // Stored into an unsigned int: wraps modulo 2^32, a minus sign negates.
  let value = Number(BigInt('0x' + m[2]) & 0xffffffffn);
  if (m[1] === '-') value = -value >>> 0;
  return { value, rest: text.slice(m[0].length) };
}

/** CLASSIFY_string_to_priority: sscanf(s, "%x:%x"); what follows the second number is ignored. */
function parseClass(text: string): { major: number; minor: number } | undefined {
  const major = scanHex(text);
  if (!major || !major.rest.startsWith(':')) return undefined;
  const minor = scanHex(major.rest.slice(1));
  if (!minor) return undefined;
  // TC_H_MAKE(major << 16, minor)
  return { major: major.value & 0xffff, minor: minor.value & 0xffff };
}

const hex4 = (v: number) => v.toString(16).padStart(4, '0');

export const CLASSIFY: TargetModule<ClassifyOptions> = {
  name: 'CLASSIFY',
  options: [{ name: 'set-class', args: 1 }],
  init: () => ({ major: 0, minor: 0, given: [] }),
  parse(opts, option, args, _invert, ctx: ParseCtx) {
    useOnce(opts.given, option, 'CLASSIFY', ctx);
    const parsed = parseClass(args[0]);
    if (!parsed) ctx.fail(`CLASSIFY: Bad class value "${args[0]}"`);
    Object.assign(opts, parsed);
  },
  finalize(opts, ctx) {
    if (!opts.given.includes('set-class')) ctx.fail('CLASSIFY: option "--set-class" must be specified');
    requireTable(ctx, 'CLASSIFY', 'mangle');
    requireHooks(ctx, 'CLASSIFY', ['OUTPUT', 'FORWARD', 'POSTROUTING']);
  },
  save: (opts) => `--set-class ${hex4(opts.major)}:${hex4(opts.minor)}`,
  list: (opts) => `CLASSIFY set ${opts.major.toString(16)}:${opts.minor.toString(16)}`,
  compile: () => ({ kind: T_CONTINUE }),
};
