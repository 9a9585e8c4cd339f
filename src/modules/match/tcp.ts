// -m tcp (libxt_tcp.c, kernel xt_tcpudp.c tcp_mt): ports, --tcp-flags / --syn, --tcp-option.
// Like every L4 match it never matches a non-first fragment (NETFILTER.md §4.2): OP_L4HDR first.
import type { MatchModule, ParseCtx } from '../module.js';
import { FD_TCPFLAGS, OP_L4HDR, OP_MASKEQ, OP_TCPOPT } from '../../../assembly/shared/layout.js';
import { parseXtUint, U8_MAX } from '../target/xt-number.js';
import { requireProto } from './rule-context.js';
import { compilePorts, listPorts, parsePortOption, PORT_OPTIONS, savePorts, type SrcDstPorts } from './l4-ports.js';

const IPPROTO_TCP = 6;

/** Flag names in print order; ALL and NONE are only accepted on input. */
const FLAG_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['FIN', 0x01], ['SYN', 0x02], ['RST', 0x04], ['PSH', 0x08], ['ACK', 0x10], ['URG', 0x20],
];
const FLAG_ALIASES: ReadonlyArray<readonly [string, number]> = [...FLAG_NAMES, ['ALL', 0x3f], ['NONE', 0]];

export interface TcpOptions extends SrcDstPorts {
  flags?: { mask: number; cmp: number; invert: boolean };
  option?: { kind: number; invert: boolean };
}

function parseFlagList(text: string, fail: (m: string) => never): number {
  let bits = 0;
  for (const word of text.split(',')) {
    // strtok skips empty items
    if (word === '') continue;
    const hit = FLAG_ALIASES.find(([name]) => name.toLowerCase() === word.toLowerCase());
    if (!hit) fail(`Unknown TCP flag \`${word}'`);
    bits |= hit[1];
  }
  return bits;
}

/** print_tcpf: "FIN,SYN,RST,ACK", "NONE". */
function formatFlags(bits: number): string {
  const names = FLAG_NAMES.filter(([, b]) => (bits & b) !== 0).map(([n]) => n);
  return names.length ? names.join(',') : 'NONE';
}

function hexByte(n: number): string {
  return '0x' + n.toString(16).toUpperCase().padStart(2, '0');
}

export const tcpMatch: MatchModule<TcpOptions> = {
  name: 'tcp',
  implicitForProto: IPPROTO_TCP,
  options: [
    ...PORT_OPTIONS,
    { name: 'syn', args: 0, invertible: true },
    { name: 'tcp-flags', args: 2, invertible: true },
    { name: 'tcp-option', args: 1, invertible: true },
  ],
  init: () => ({}),
  parse(opts, option, args, invert, ctx: ParseCtx) {
    switch (option) {
      case 'sport':
      case 'dport':
        parsePortOption(opts, option, args[0], invert, 'tcp', ctx);
        return;
      case 'syn':
      case 'tcp-flags': {
        if (opts.flags) ctx.fail("tcp: Only one of `--syn' or `--tcp-flags' allowed");
        if (option === 'syn') {
          opts.flags = { mask: 0x17, cmp: 0x02, invert };
          return;
        }
        const fail = (m: string): never => ctx.fail(m);
        if (args[1].startsWith('-') || args[1].startsWith('!')) ctx.fail('tcp: --tcp-flags requires two args.');
        opts.flags = { mask: parseFlagList(args[0], fail), cmp: parseFlagList(args[1], fail), invert };
        return;
      }
      case 'tcp-option': {
        if (opts.option) ctx.fail("tcp: Only one `--tcp-option' allowed");
        const kind = parseXtUint(args[0], U8_MAX, 1);
        if (kind === undefined) ctx.fail(`tcp: Bad TCP option "${args[0]}"`);
        opts.option = { kind, invert };
        return;
      }
    }
  },
  finalize(_opts, ctx: ParseCtx) {
    requireProto(ctx, 'tcp', [IPPROTO_TCP]);
  },
  save(opts) {
    const out = savePorts(opts);
    if (opts.option) out.push(`${opts.option.invert ? '! ' : ''}--tcp-option ${opts.option.kind}`);
    const f = opts.flags;
    if (f && (f.mask || f.invert)) {
      out.push(`${f.invert ? '! ' : ''}--tcp-flags ${formatFlags(f.mask)} ${formatFlags(f.cmp)}`);
    }
    return out.join(' ');
  },
  list(opts) {
    const out = ['tcp', ...listPorts(opts)];
    if (opts.option) out.push(`option=${opts.option.invert ? '!' : ''}${opts.option.kind}`);
    const f = opts.flags;
    if (f && (f.mask || f.invert)) out.push(`flags:${f.invert ? '!' : ''}${hexByte(f.mask)}/${hexByte(f.cmp)}`);
    return out.join(' ');
  },
  compile(opts, em) {
    em.op(OP_L4HDR, []);
    compilePorts(opts, em);
    const f = opts.flags;
    // (flags & mask) == cmp can fail even with an empty mask (cmp != 0), so only the no-op is skipped
    if (f && (f.mask || f.cmp || f.invert)) em.op(OP_MASKEQ, [FD_TCPFLAGS, f.mask, f.cmp], f.invert);
    if (opts.option) em.op(OP_TCPOPT, [opts.option.kind], opts.option.invert);
  },
};
