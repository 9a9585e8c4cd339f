// --sport/--dport as the tcp and udp matches share them (libxt_tcp.c / libxt_udp.c, xt_tcpudp.c):
// one range each, each invertible; the full range without `!` is not printed at all.
import type { Emitter, OptionSpec, ParseCtx } from '../module.js';
import { FD_DPORT, FD_SPORT, OP_RANGE } from '../../../assembly/shared/layout.js';
import { formatPortRange, isFullPortRange, parsePortRange, type PortRange } from './ports.js';

export interface InvertiblePorts extends PortRange {
  invert: boolean;
}

export interface SrcDstPorts {
  sport?: InvertiblePorts;
  dport?: InvertiblePorts;
}

export const PORT_OPTIONS: readonly OptionSpec[] = [
  { name: 'sport', args: 1, aliases: ['source-port'], invertible: true },
  { name: 'dport', args: 1, aliases: ['destination-port'], invertible: true },
];

const LONG_NAME = { sport: 'source-port', dport: 'destination-port' } as const;

export function parsePortOption(
  opts: SrcDstPorts, option: 'sport' | 'dport', arg: string, invert: boolean, module: string, ctx: ParseCtx,
): void {
  if (opts[option]) ctx.fail(`${module}: Only one \`--${LONG_NAME[option]}' allowed`);
  const { lo, hi } = parsePortRange(arg, module, ctx);
  opts[option] = { lo, hi, invert };
}

/** Whether the option changes anything (what tcp_save prints and the kernel can fail on). */
function effective(p: InvertiblePorts | undefined): p is InvertiblePorts {
  return p !== undefined && (p.invert || !isFullPortRange(p));
}

export function savePorts(opts: SrcDstPorts): string[] {
  const out: string[] = [];
  for (const option of ['sport', 'dport'] as const) {
    const p = opts[option];
    if (effective(p)) out.push(`${p.invert ? '! ' : ''}--${option} ${formatPortRange(p)}`);
  }
  return out;
}

/** print_ports: "spt:22", "dpts:!1024:65535". */
export function listPorts(opts: SrcDstPorts): string[] {
  const out: string[] = [];
  for (const [option, label] of [['sport', 'spt'], ['dport', 'dpt']] as const) {
    const p = opts[option];
    if (!effective(p)) continue;
    const inv = p.invert ? '!' : '';
    out.push(p.lo === p.hi ? `${label}:${inv}${p.lo}` : `${label}s:${inv}${p.lo}:${p.hi}`);
  }
  return out;
}

export function compilePorts(opts: SrcDstPorts, em: Emitter): void {
  for (const [option, field] of [['sport', FD_SPORT], ['dport', FD_DPORT]] as const) {
    const p = opts[option];
    if (effective(p)) em.op(OP_RANGE, [field, p.lo, p.hi], p.invert);
  }
}
