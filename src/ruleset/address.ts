// `-s` / `-d` address lists the way libxtables reads them (xtables_ipparse_multiple):
// comma-separated `ADDR[/MASK]`, each number in C strtoul base-0 form (0x.., leading 0 = octal),
// a dotted address with fewer than four parts is completed with zeros ("10/8" = 10.0.0.0/8),
// MASK is a prefix length or a four-part dotted mask. Host names cannot be resolved offline.
import { prefixMask } from './names.js';

export type AddressParse =
  | { ok: true; addr: number; mask: number }
  | { ok: false; hostname: boolean; message: string };

/** C strtoul(text, &end, 0) that must consume the whole text; undefined if not a number. */
export function strtoulBase0(text: string): number | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^0[0-7]*$/.test(text)) return parseInt(text, 8);
  if (/^[1-9][0-9]*$/.test(text)) return Number(text);
  return undefined;
}

function byte(text: string): number | undefined {
  const n = strtoulBase0(text);
  return n !== undefined && n <= 255 ? n : undefined;
}

/** Dotted address; with `isMask` all four parts are required. */
export function parseDotted(text: string, isMask: boolean): number | undefined {
  const parts = text.split('.');
  if (parts.length > 4 || parts.length === 0) return undefined;
  if (isMask && parts.length !== 4) return undefined;
  let value = 0;
  for (let i = 0; i < 4; i++) {
    const b = i < parts.length ? byte(parts[i]) : 0;
    if (b === undefined) return undefined;
    value = value * 256 + b;
  }
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
