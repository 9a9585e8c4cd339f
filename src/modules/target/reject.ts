// REJECT (ipt_REJECT, libipt_REJECT): drop and answer with an ICMP error or a TCP RST.
// The kernel allows it only in the filter table from INPUT/FORWARD/OUTPUT, and tcp-reset only
// on rules that match `-p tcp` without `!` (reject_tg_check).
import type { ParseCtx, TargetModule } from '../module.js';
import {
  T_REJECT,
  REJ_ICMP_NET_UNREACHABLE, REJ_ICMP_HOST_UNREACHABLE, REJ_ICMP_PROT_UNREACHABLE,
  REJ_ICMP_PORT_UNREACHABLE, REJ_ICMP_NET_PROHIBITED, REJ_ICMP_HOST_PROHIBITED,
  REJ_TCP_RESET, REJ_ICMP_ADMIN_PROHIBITED,
} from '../../../assembly/shared/layout.js';
import { useOnce } from './option-rules.js';
import { requireHooks, requireTable } from './placement.js';

/** libipt_REJECT's table, in its order: the first entry whose name or alias starts with the argument wins. */
const REJECT_TYPES: ReadonlyArray<{ name: string; alias: string; kind: number }> = [
  { name: 'icmp-net-unreachable', alias: 'net-unreach', kind: REJ_ICMP_NET_UNREACHABLE },
  { name: 'icmp-host-unreachable', alias: 'host-unreach', kind: REJ_ICMP_HOST_UNREACHABLE },
  { name: 'icmp-proto-unreachable', alias: 'proto-unreach', kind: REJ_ICMP_PROT_UNREACHABLE },
  { name: 'icmp-port-unreachable', alias: 'port-unreach', kind: REJ_ICMP_PORT_UNREACHABLE },
  { name: 'icmp-net-prohibited', alias: 'net-prohib', kind: REJ_ICMP_NET_PROHIBITED },
  { name: 'icmp-host-prohibited', alias: 'host-prohib', kind: REJ_ICMP_HOST_PROHIBITED },
  { name: 'tcp-reset', alias: 'tcp-rst', kind: REJ_TCP_RESET },
  { name: 'icmp-admin-prohibited', alias: 'admin-prohib', kind: REJ_ICMP_ADMIN_PROHIBITED },
];

const PROTO_TCP = 6;

export interface RejectOptions {
  kind: number;
  given: string[];
}

function rejectName(kind: number): string {
  return REJECT_TYPES.find((t) => t.kind === kind)!.name;
}

/** strncasecmp(name, arg, strlen(arg)) == 0: the argument is a case-insensitive prefix. */
function findRejectType(arg: string): number | undefined {
  const lower = arg.toLowerCase();
  return REJECT_TYPES.find((t) => t.name.startsWith(lower) || t.alias.startsWith(lower))?.kind;
}

export const REJECT: TargetModule<RejectOptions> = {
  name: 'REJECT',
  options: [{ name: 'reject-with', args: 1 }],
  init: () => ({ kind: REJ_ICMP_PORT_UNREACHABLE, given: [] }),
  parse(opts, option, args, _invert, ctx: ParseCtx) {
    useOnce(opts.given, option, 'REJECT', ctx);
    const kind = findRejectType(args[0]);
    if (kind === undefined) {
      const lower = args[0].toLowerCase();
      const why = 'echo-reply'.startsWith(lower) || 'echoreply'.startsWith(lower) ? ' (echo-reply is no longer supported)' : '';
      ctx.fail(`REJECT: unknown reject type "${args[0]}"${why}`);
    }
    opts.kind = kind;
  },
  finalize(opts, ctx) {
    requireTable(ctx, 'REJECT', 'filter');
    requireHooks(ctx, 'REJECT', ['INPUT', 'FORWARD', 'OUTPUT']);
    if (opts.kind === REJ_TCP_RESET && (ctx.proto?.num !== PROTO_TCP || ctx.proto.invert)) {
      ctx.fail('REJECT: --reject-with tcp-reset is only valid with -p tcp');
    }
  },
  save: (opts) => `--reject-with ${rejectName(opts.kind)}`,
  list: (opts) => `reject-with ${rejectName(opts.kind)}`,
  compile: (opts) => ({ kind: T_REJECT, args: [opts.kind] }),
};
