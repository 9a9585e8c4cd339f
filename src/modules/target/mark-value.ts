// The (value, mask) form MARK and CONNMARK reduce every option to: the new mark is
// (old & ~mask) ^ value (xt_MARK, xt_CONNMARK's set mode). Parsing and the -L wording are shared.
import type { ParseCtx } from '../module.js';
import { hex, parseXtUint, parseXtUintPrefix, U32_MAX } from './xt-number.js';

export interface XorMark {
  value: number;
  mask: number;
}

/** XTTYPE_MARKMASK32: "value[/mask]", mask defaulting to 0xffffffff. */
export function parseMarkMask(text: string, target: string, option: string, ctx: ParseCtx): XorMark {
  const value = parseXtUintPrefix(text, U32_MAX);
  if (!value) ctx.fail(`${target}: bad mark value for option "--${option}", or out of range`);
  let mask = U32_MAX;
  let rest = value.rest;
  if (rest.startsWith('/')) {
    const parsedMask = parseXtUintPrefix(rest.slice(1), U32_MAX);
    if (!parsedMask) ctx.fail(`${target}: bad mask value for option "--${option}", or out of range`);
    mask = parsedMask.value;
    rest = parsedMask.rest;
  }
  if (rest !== '') ctx.fail(`${target}: trailing garbage after value for option "--${option}"`);
  return { value: value.value, mask };
}

export function parseMarkBits(text: string, target: string, option: string, ctx: ParseCtx): number {
  const bits = parseXtUint(text, U32_MAX);
  if (bits === undefined) ctx.fail(`${target}: bad value for option "--${option}", or out of range (0-${U32_MAX})`);
  return bits;
}

/** The xor-form of one of --set-xmark/--set-mark/--and-mark/--or-mark/--xor-mark (mark_tg_parse). */
export function xorMarkFor(option: string, arg: string, target: string, ctx: ParseCtx): XorMark {
  switch (option) {
    case 'set-xmark':
      return parseMarkMask(arg, target, option, ctx);
    case 'set-mark': {
      // "--set-mark v/m" clears the bits of m and ORs v in, i.e. mask = v | m.
      const { value, mask } = parseMarkMask(arg, target, option, ctx);
      return { value, mask: (value | mask) >>> 0 };
    }
    case 'and-mark':
      return { value: 0, mask: ~parseMarkBits(arg, target, option, ctx) >>> 0 };
    case 'or-mark': {
      const bits = parseMarkBits(arg, target, option, ctx);
      return { value: bits, mask: bits };
    }
    case 'xor-mark':
      return { value: parseMarkBits(arg, target, option, ctx), mask: 0 };
    default:
      throw new Error(`not a mark option: ${option}`);
  }
}

export const XOR_MARK_OPTIONS = ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'] as const;

/** mark_tg_print / connmark_tg_print wording: "and 0x..", "or", "xor", "set", else "xset v/m". */
export function describeXorMark({ value, mask }: XorMark): string {
  if (value === 0) return `and ${hex(~mask)}`;
  if (value === mask) return `or ${hex(value)}`;
  if (mask === 0) return `xor ${hex(value)}`;
  if (mask === U32_MAX) return `set ${hex(value)}`;
  return `xset ${hex(value)}/${hex(mask)}`;
}
