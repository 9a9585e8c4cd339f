// Address arguments of match options. libxtables reads dotted numbers with strtoul in base 0 and
// completes short forms ("10.1" = 10.1.0.0; ruleset/address.ts parseDotted); host names would
// need DNS, which an offline tool cannot ask.
import type { ParseCtx } from '../module.js';
import { parseDotted } from '../../ruleset/address.js';
import { parseXtUint } from '../target/xt-number.js';
import { formatIPv4, maskPrefix, prefixMask } from '../../ruleset/names.js';

export function parseAddress(text: string, what: string, ctx: ParseCtx): number {
  const addr = parseDotted(text, false);
  if (addr !== undefined) return addr;
  if (/[a-zA-Z]/.test(text) && !text.includes(':')) {
    ctx.unsupported('hostname', `${what}: host name \`${text}' cannot be resolved offline; use an address`);
  }
  if (text.includes(':')) ctx.unsupported('ipv6', `${what}: \`${text}' is an IPv6 address; nfwasm models IPv4 only`);
  return ctx.fail(`${what}: bad address \`${text}'`);
}

/** XTTYPE_HOSTMASK: "addr[/prefixlen]"; the address is kept as written (the kernel masks it). */
export function parseHostMask(text: string, what: string, ctx: ParseCtx): { addr: number; mask: number } {
  const slash = text.indexOf('/');
  if (slash < 0) return { addr: parseAddress(text, what, ctx), mask: 0xffffffff };
  const addr = parseAddress(text.slice(0, slash), what, ctx);
  const len = parseXtUint(text.slice(slash + 1), 32);
  if (len === undefined) ctx.fail(`${what}: bad prefix length "${text.slice(slash + 1)}" (0-32)`);
  return { addr, mask: prefixMask(len) };
}

/** xtables_ipaddr_to_numeric + xtables_ipmask_to_numeric: "/32" is left out. */
export function formatHostMask(addr: number, mask: number): string {
  if (mask >>> 0 === 0xffffffff) return formatIPv4(addr);
  const len = maskPrefix(mask);
  return `${formatIPv4(addr)}/${len >= 0 ? len : formatIPv4(mask)}`;
}
