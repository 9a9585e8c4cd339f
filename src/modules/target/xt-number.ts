// Number parsing the way libxtables does it (xtables_strtoul / xtables_strtoui): C strtoumax in
// base 0, so "0x1f" is hex and "017" octal, leading blanks and '+' allowed, '-' refused, and the
// value must lie in [min, max]. Targets use it for every numeric option, which is why
// "--set-xmark -1" and "--zone 65536" fail exactly where iptables fails.

export interface NumberPrefix {
  value: number;
  /** The text after the digits (what strtoumax leaves in *end). */
  rest: string;
}

const BLANK = /^[ \t\n\v\f\r]*/;

/** Digits as strtoumax reads them in base 0; undefined when no digit is there. */
function readDigits(text: string): { value: number; length: number } | undefined {
  let at = 0;
  if (text[at] === '+') at++;
  let base = 10;
  if (text[at] === '0' && (text[at + 1] === 'x' || text[at + 1] === 'X') && /[0-9a-fA-F]/.test(text[at + 2] ?? '')) {
    base = 16;
    at += 2;
  } else if (text[at] === '0') {
    base = 8;
  }
  const start = at;
  let value = 0;
  while (at < text.length) {
    const digit = parseInt(text[at], base);
    if (Number.isNaN(digit)) break;
    // Saturate far above any limit: C reports ERANGE, we only need "too big".
    value = Math.min(value * base + digit, Number.MAX_SAFE_INTEGER);
    at++;
  }
  if (at === start) return undefined;
  return { value, length: at };
}

/** xtables_strtoui with an end pointer: the number at the start of `text` and what follows it. */
export function parseXtUintPrefix(text: string, max: number, min = 0): NumberPrefix | undefined {
  const blanks = BLANK.exec(text)![0].length;
  if (text[blanks] === '-') return undefined;
  const digits = readDigits(text.slice(blanks));
  if (!digits) return undefined;
  if (digits.value < min || digits.value > max) return undefined;
  return { value: digits.value, rest: text.slice(blanks + digits.length) };
}

/** Plain decimal without a leading zero, short enough to be exact: the common case, read without allocating. */
function plainDecimal(text: string): number | undefined {
  if (text.length === 0 || text.length > 15) return undefined;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9 || (digit === 0 && i === 0)) return undefined;
    value = value * 10 + digit;
  }
  return value;
}

/** xtables_strtoui without an end pointer: the whole text must be the number. */
export function parseXtUint(text: string, max: number, min = 0): number | undefined {
  const plain = plainDecimal(text);
  if (plain !== undefined) return plain >= min && plain <= max ? plain : undefined;
  const parsed = parseXtUintPrefix(text, max, min);
  return parsed && parsed.rest === '' ? parsed.value : undefined;
}

export const U8_MAX = 0xff;
export const U16_MAX = 0xffff;
export const U32_MAX = 0xffffffff;

/** printf("0x%x"). */
export function hex(value: number): string {
  return '0x' + (value >>> 0).toString(16);
}

/** printf("0x%02x"). */
export function hex2(value: number): string {
  return '0x' + (value >>> 0).toString(16).padStart(2, '0');
}
