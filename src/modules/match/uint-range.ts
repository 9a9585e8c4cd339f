// XTTYPE_UINT16RC / XTTYPE_UINT32RC (xtoptions.c xtopt_parse_mint): "n" or "lo:hi" where an
// empty side defaults to 0 or the maximum (":" is the whole range); a reversed range is refused.
import type { ParseCtx } from '../module.js';
import { parseXtUintPrefix } from '../target/xt-number.js';

export interface UintRange {
  lo: number;
  hi: number;
}

export function parseUintRange(text: string, max: number, what: string, ctx: ParseCtx): UintRange {
  const bad = (): never => ctx.fail(`${what}: bad value "${text}", or out of range (0-${max})`);
  const parts = text.split(':');
  if (parts.length > 2) ctx.fail(`${what}: too many components in "${text}" (max: 2)`);
  const values = parts.map((part, i) => {
    if (part === '') return i === 0 ? 0 : max;
    const n = parseXtUintPrefix(part, max);
    if (!n || n.rest !== '') return bad();
    return n.value;
  });
  const range = { lo: values[0], hi: values[values.length - 1] };
  if (range.lo > range.hi) ctx.fail(`${what}: invalid range "${text}" (min > max)`);
  return range;
}

/** "n" when lo == hi, else "lo:hi". */
export function formatUintRange(r: UintRange): string {
  return r.lo === r.hi ? String(r.lo) : `${r.lo}:${r.hi}`;
}
