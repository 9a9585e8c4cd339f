// `-s` / `-d` address lists the way libxtables reads them (xtables_ipparse_multiple):
// comma-separated `ADDR[/MASK]`, each number in C strtoul base-0 form (0x.., leading 0 = octal),
// a dotted address with fewer than four parts is completed with zeros ("10/8" = 10.0.0.0/8),
// MASK is a prefix length or a four-part dotted mask. Host names cannot be resolved offline.
import { prefixMask } from './names.js';

export type AddressParse =
  | { ok: true; addr: number; mask: number }
  | { ok: false; hostname: boolean; message: string };

const ZERO = 0x30;
const DOT = 0x2e;
/** Longest text whose digits are summed exactly below 2^53 (13 hex digits after "0x"); longer goes through parseInt. */
const EXACT_DIGITS = 15;

/** Value of a digit character in bases up to 16, or 16 when it is none. */
function digitValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return 16;
}

/**
 * C strtoul(text[start..end), &end, 0) that must consume the whole range: "0x.." hex (at least one
 * digit), "0.." octal (including "0"), else decimal without a leading zero; undefined if not a
 * number. Read in place: a 10k-rule ruleset has ~100k of these, and regular expressions and
 * substrings per number were a large part of the parse.
 */
function strtoulRange(text: string, start: number, end: number): number | undefined {
  const length = end - start;
  if (length === 0) return undefined;
  let base = 10;
  let at = start;
  if (text.charCodeAt(start) === ZERO) {
    if (length > 2 && (text.charCodeAt(start + 1) | 0x20) === 0x78) {
      base = 16;
      at += 2;
    } else {
      base = 8;
      at += 1;
    }
  }
  let value = 0;
  for (let i = at; i < end; i++) {
    const digit = digitValue(text.charCodeAt(i));
    if (digit >= base) return undefined;
    value = value * base + digit;
  }
  if (length <= EXACT_DIGITS) return value;
  const digits = text.slice(at, end);
  return base === 10 ? Number(digits) : parseInt(digits, base);
}

/** C strtoul(text, &end, 0) that must consume the whole text; undefined if not a number. */
export function strtoulBase0(text: string): number | undefined {
  return strtoulRange(text, 0, text.length);
}

/** Dotted address; with `isMask` all four parts are required. */
export function parseDotted(text: string, isMask: boolean): number | undefined {
  let value = 0;
  let parts = 0;
  let start = 0;
  for (;;) {
    let end = start;
    while (end < text.length && text.charCodeAt(end) !== DOT) end++;
    if (parts === 4) return undefined; // a fifth part
    const b = strtoulRange(text, start, end);
    if (b === undefined || b > 255) return undefined;
    value = value * 256 + b;
    parts++;
    if (end === text.length) break;
    start = end + 1;
  }
  if (isMask && parts !== 4) return undefined;
  for (; parts < 4; parts++) value *= 256;
  return value >>> 0;
}

function looksLikeHostname(text: string): boolean {
  return /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(text) && /[A-Za-z]/.test(text);
}

export function parseAddressWithMask(text: string): AddressParse {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  let mask = 0xffffffff;
  if (slash >= 0) {
    const maskText = text.slice(slash + 1);
    if (maskText.includes('.')) {
      const dotted = parseDotted(maskText, true);
      if (dotted === undefined) return { ok: false, hostname: false, message: `invalid mask \`${maskText}' specified` };
      mask = dotted;
    } else {
      const len = strtoulBase0(maskText);
      if (len === undefined || len > 32) return { ok: false, hostname: false, message: `invalid mask \`${maskText}' specified` };
      mask = prefixMask(len);
    }
  }
  const addr = parseDotted(addrText, false);
  if (addr === undefined) {
    if (looksLikeHostname(addrText)) {
      return { ok: false, hostname: true, message: `host name \`${addrText}' cannot be resolved offline; use an address` };
    }
    return { ok: false, hostname: false, message: `host/network \`${addrText}' not found` };
  }
  return { ok: true, addr: (addr & mask) >>> 0, mask: mask >>> 0 };
}

/** True if the text is plainly an IPv6 address (used to reject ip6tables input clearly). */
export function looksLikeIPv6(text: string): boolean {
  const addr = text.split('/')[0];
  return addr.includes(':') && /^[0-9A-Fa-f:.]+$/.test(addr);
}
