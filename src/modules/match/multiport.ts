// -m multiport revision 1 (libxt_multiport.c, kernel xt_multiport.c): up to 15 ports or ranges
// (a range takes two of the 15 slots), source, destination or either, the whole list invertible.
import type { MatchModule, ParseCtx } from '../module.js';
import { OP_L4HDR, OP_PORTS } from '../../../assembly/shared/layout.js';
import { requirePort, type PortRange } from './ports.js';
import { requireProto } from './rule-context.js';

const XT_MULTI_PORTS = 15;
const PROTOCOLS = [6, 17, 136, 132, 33]; // tcp, udp, udplite, sctp, dccp

type Direction = 'sports' | 'dports' | 'ports';
const MODE: Record<Direction, number> = { sports: 0, dports: 1, ports: 2 };

export interface MultiportOptions {
  direction?: Direction;
  /** A single port has lo === hi (a range must have lo < hi). */
  ports: PortRange[];
  invert: boolean;
}

function parseList(text: string, ctx: ParseCtx): PortRange[] {
  const ports: PortRange[] = [];
  let slots = 0;
  for (const item of text.split(',')) {
    const colon = item.indexOf(':');
    const range = colon >= 0;
    if (slots + (range ? 2 : 1) > XT_MULTI_PORTS) ctx.fail('multiport: too many ports specified');
    const lo = requirePort(range ? item.slice(0, colon) : item, 'multiport', ctx);
    const hi = range ? requirePort(item.slice(colon + 1), 'multiport', ctx) : lo;
    if (range && lo >= hi) ctx.fail(`multiport: invalid portrange specified \`${item}'`);
    ports.push({ lo, hi });
    slots += range ? 2 : 1;
  }
  return ports;
}

function formatList(ports: readonly PortRange[]): string {
  return ports.map((p) => (p.lo === p.hi ? String(p.lo) : `${p.lo}:${p.hi}`)).join(',');
}

export const multiportMatch: MatchModule<MultiportOptions> = {
  name: 'multiport',
  options: [
    { name: 'sports', args: 1, aliases: ['source-ports'], invertible: true },
    { name: 'dports', args: 1, aliases: ['destination-ports'], invertible: true },
    { name: 'ports', args: 1, invertible: true },
  ],
  init: () => ({ ports: [], invert: false }),
  parse(opts, option, args, invert, ctx: ParseCtx) {
    if (opts.direction) {
      ctx.fail(`multiport: "--${option}" cannot be used together with "--${opts.direction}" (only one port list per match)`);
    }
    opts.direction = option as Direction;
    opts.ports = parseList(args[0], ctx);
    opts.invert = invert;
  },
  finalize(opts, ctx: ParseCtx) {
    if (!opts.direction) ctx.fail('multiport: no ports specified');
    requireProto(ctx, 'multiport', PROTOCOLS);
  },
  save: (opts) => `${opts.invert ? '! ' : ''}--${opts.direction} ${formatList(opts.ports)}`,
  // "multiport dports  !22,80": iptables prints the "!" after an extra space
  list: (opts) => `multiport ${opts.direction} ${opts.invert ? ' !' : ''}${formatList(opts.ports)}`,
  compile(opts, em) {
    em.op(OP_L4HDR, []);
    const ranges = opts.ports.map((p) => ((p.lo << 16) | p.hi) >>> 0);
    em.op(OP_PORTS, [MODE[opts.direction!], ranges.length, ...ranges], opts.invert);
  },
};
