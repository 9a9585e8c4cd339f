// The address/port range of the NAT targets (struct nf_nat_range2) and its text forms, as
// libxt_NAT parses (parse_to, parse_ports) and prints (sprint_range) it; IPv4 only.
import type { ParseCtx } from '../module.js';
import { formatIPv4, parseIPv4, portNumber } from '../../ruleset/names.js';
import { parseXtUintPrefix, U16_MAX } from './xt-number.js';

export interface PortRange {
  min: number;
  max: number;
  /** DNAT's shifted port map "a-b/base" (NF_NAT_RANGE_PROTO_OFFSET). */
  base?: number;
}

export interface NatRange {
  /** NF_NAT_RANGE_MAP_IPS when present. */
  addrs?: { min: number; max: number };
  /** NF_NAT_RANGE_PROTO_SPECIFIED when present. */
  ports?: PortRange;
}

/** `-p` values for which libxt_NAT accepts ports (its `portok`); the `!` of -p is not looked at. */
const PORT_PROTOCOLS = [6, 17, 132, 33, 1]; // tcp, udp, sctp, dccp, icmp

export function requirePortProtocol(ctx: ParseCtx, target: string): void {
  if (!PORT_PROTOCOLS.includes(ctx.proto?.num ?? 0)) {
    ctx.fail(`${target}: Need TCP, UDP, SCTP or DCCP with port specification`);
  }
}

/** inet_pton(AF_INET): four decimal parts, no leading zeros. */
export function parseInetPton(text: string): number | undefined {
  if (!/^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/.test(text)) return undefined;
  return parseIPv4(text);
}

/** A service name only: a number that failed the range check is not looked up again. */
function serviceOnly(text: string): number | undefined {
  return /^\d+$/.test(text) ? undefined : portNumber(text);
}

/** parse_ports: "p", "p-q" or "p-q/base"; the first port and the base may be service names. */
export function parseNatPorts(text: string, target: string, ctx: ParseCtx): PortRange {
  let first = parseXtUintPrefix(text, U16_MAX);
  if (!first) {
    const service = serviceOnly(text);
    if (service === undefined) ctx.fail(`${target}: Port "${text}" not valid`);
    first = { value: service, rest: '' };
  }
  if (first.rest === '') return { min: first.value, max: first.value };
  if (first.rest.startsWith(':')) ctx.fail(`${target}: Invalid port:port syntax - use dash`);
  if (!first.rest.startsWith('-')) ctx.fail(`${target}: Garbage after port value: "${first.rest}"`);

  const afterDash = first.rest.slice(1);
  const last = parseXtUintPrefix(afterDash, U16_MAX);
  if (!last) ctx.fail(`${target}: Port "${afterDash}" not valid`);
  if (last.value < first.value) ctx.fail(`${target}: Port range "${afterDash}" funky`);
  const range: PortRange = { min: first.value, max: last.value };
  if (last.rest === '') return range;
  if (!last.rest.startsWith('/')) ctx.fail(`${target}: Garbage after port range: "${last.rest}"`);

  const baseText = last.rest.slice(1);
  // libxt_NAT ignores what follows the base number (no end check), so "10-20/21x" is base 21.
  const base = parseXtUintPrefix(baseText, U16_MAX, 1)?.value ?? serviceOnly(baseText);
  if (base === undefined) ctx.fail(`${target}: Port "${baseText}" not valid`);
  range.base = base;
  return range;
}

/** parse_to: "[a[-b]][:ports]". Ports are checked against -p in the target's finalize. */
export function parseNatTo(text: string, target: string, ctx: ParseCtx): NatRange {
  if (text.includes('[')) ctx.fail(`${target}: Invalid address format`);
  let colon = text.indexOf(':');
  // More than one colon: libxt_NAT takes it for an IPv6 address, which IPv4 then refuses.
  if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) colon = -1;
  const range: NatRange = {};
  if (colon >= 0) {
    range.ports = parseNatPorts(text.slice(colon + 1), target, ctx);
    if (colon === 0) return range;
  }
  const addrText = colon >= 0 ? text.slice(0, colon) : text;
  const dash = addrText.indexOf('-');
  const minText = dash >= 0 ? addrText.slice(0, dash) : addrText;
  const min = parseInetPton(minText);
  if (min === undefined) ctx.fail(`${target}: Bad IP address "${minText}"`);
  let max = min;
  if (dash >= 0) {
    const maxText = addrText.slice(dash + 1);
    const parsed = parseInetPton(maxText);
    if (parsed === undefined) ctx.fail(`${target}: Bad IP address "${maxText}"`);
    max = parsed;
  }
  range.addrs = { min, max };
  return range;
}

export function formatPortRange(ports: PortRange): string {
  let text = String(ports.min);
  if (ports.max !== ports.min) text += `-${ports.max}`;
  if (ports.base !== undefined) text += `/${ports.base}`;
  return text;
}

/** sprint_range: "a[-b]" then ":p[-q][/base]"; '' when neither is set. */
export function formatNatRange(range: NatRange): string {
  let text = '';
  if (range.addrs) {
    text += formatIPv4(range.addrs.min);
    if (range.addrs.max !== range.addrs.min) text += `-${formatIPv4(range.addrs.max)}`;
  }
  if (range.ports) text += `:${formatPortRange(range.ports)}`;
  return text;
}
