// Ports as libxtables reads them (xtables_parse_port): a number in C strtoul base-0 form or a
// service name, and the `a:b` range form of the tcp/udp/conntrack options where a missing side
// means 0 or 65535 (":" is the full range).
import type { ParseCtx } from '../module.js';
import { portNumber } from '../../ruleset/names.js';
import { parseXtUint, U16_MAX } from '../target/xt-number.js';

export interface PortRange {
  lo: number;
  hi: number;
}

/** One port: number or service name; undefined when neither. */
export function parsePort(text: string): number | undefined {
  return parseXtUint(text, U16_MAX) ?? (/^\d+$/.test(text) ? undefined : portNumber(text));
}

export function requirePort(text: string, module: string, ctx: ParseCtx): number {
  const port = parsePort(text);
  if (port === undefined) ctx.fail(`${module}: invalid port/service \`${text}' specified`);
  return port;
}

/** `p`, `a:b`, `:b`, `a:`, `:`; a reversed range is refused ("invalid portrange (min > max)"). */
export function parsePortRange(text: string, module: string, ctx: ParseCtx): PortRange {
  const colon = text.indexOf(':');
  if (colon < 0) {
    const port = requirePort(text, module, ctx);
    return { lo: port, hi: port };
  }
  const loText = text.slice(0, colon);
  const hiText = text.slice(colon + 1);
  const lo = loText === '' ? 0 : requirePort(loText, module, ctx);
  const hi = hiText === '' ? U16_MAX : requirePort(hiText, module, ctx);
  if (lo > hi) ctx.fail(`${module}: invalid portrange (min > max) \`${text}'`);
  return { lo, hi };
}

export function isFullPortRange(r: PortRange): boolean {
  return r.lo === 0 && r.hi === U16_MAX;
}

/** "22" or "1024:65535" (the save form of every port range). */
export function formatPortRange(r: PortRange): string {
  return r.lo === r.hi ? String(r.lo) : `${r.lo}:${r.hi}`;
}
