// -m udp (libxt_udp.c, kernel xt_tcpudp.c udp_mt): source and destination port ranges; never
// matches a non-first fragment (NETFILTER.md §4.2).
import type { MatchModule, ParseCtx } from '../module.js';
import { OP_L4HDR } from '../../../assembly/shared/layout.js';
import { requireProto } from './rule-context.js';
import { compilePorts, listPorts, parsePortOption, PORT_OPTIONS, savePorts, type SrcDstPorts } from './l4-ports.js';

const IPPROTO_UDP = 17;

export const udpMatch: MatchModule<SrcDstPorts> = {
  name: 'udp',
  implicitForProto: IPPROTO_UDP,
  options: [...PORT_OPTIONS],
  init: () => ({}),
  parse(opts, option, args, invert, ctx: ParseCtx) {
    if (option === 'sport' || option === 'dport') parsePortOption(opts, option, args[0], invert, 'udp', ctx);
  },
  finalize(_opts, ctx: ParseCtx) {
    requireProto(ctx, 'udp', [IPPROTO_UDP]);
  },
  save: (opts) => savePorts(opts).join(' '),
  list: (opts) => ['udp', ...listPorts(opts)].join(' '),
  compile(opts, em) {
    em.op(OP_L4HDR, []);
    compilePorts(opts, em);
  },
};
