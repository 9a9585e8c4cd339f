// -m pkttype (libxt_pkttype.c, kernel xt_pkttype.c): link-layer class of the packet (unicast to
// this host, broadcast, multicast); the core derives it from the destination when not given.
import type { MatchModule, ParseCtx } from '../module.js';
import { FD_PKTTYPE, OP_ANYBIT, PKTTYPE_BROADCAST, PKTTYPE_MULTICAST, PKTTYPE_UNICAST } from '../../../assembly/shared/layout.js';

/** Printed names first, then the aliases iptables also accepts. */
const PKTTYPE_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['unicast', PKTTYPE_UNICAST], ['broadcast', PKTTYPE_BROADCAST], ['multicast', PKTTYPE_MULTICAST],
  ['bcast', PKTTYPE_BROADCAST], ['mcast', PKTTYPE_MULTICAST], ['host', PKTTYPE_UNICAST],
];

export interface PkttypeOptions {
  type?: number;
  invert: boolean;
}

function typeName(bit: number): string {
  return PKTTYPE_NAMES.find(([, b]) => b === bit)![0];
}

export const pkttypeMatch: MatchModule<PkttypeOptions> = {
  name: 'pkttype',
  options: [{ name: 'pkt-type', args: 1, invertible: true }],
  init: () => ({ invert: false }),
  parse(opts, _option, args, invert, ctx: ParseCtx) {
    if (opts.type !== undefined) ctx.fail('pkttype: "--pkt-type" option may only be specified once');
    const hit = PKTTYPE_NAMES.find(([name]) => name === args[0].toLowerCase());
    if (!hit) ctx.fail(`pkttype: Bad packet type '${args[0]}'`);
    opts.type = hit[1];
    opts.invert = invert;
  },
  finalize(opts, ctx: ParseCtx) {
    if (opts.type === undefined) ctx.fail('pkttype: option "--pkt-type" must be specified');
  },
  save: (opts) => `${opts.invert ? '! ' : ''}--pkt-type ${typeName(opts.type!)}`,
  list: (opts) => `PKTTYPE ${opts.invert ? '!' : ''}= ${typeName(opts.type!)}`,
  compile(opts, em) {
    em.op(OP_ANYBIT, [FD_PKTTYPE, opts.type!], opts.invert);
  },
};
