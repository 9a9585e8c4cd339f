// NFQUEUE (xt_NFQUEUE revision 3, libxt_NFQUEUE): hand the packet to a userspace queue. Offline
// there is no listener: the core reports V_QUEUE; with --queue-bypass the kernel would accept
// the packet instead, which the compiled operands let the engine decide.
import type { ParseCtx, TargetModule } from '../module.js';
import { T_QUEUE } from '../../../assembly/shared/layout.js';
import { forbidTogether, useOnce } from './option-rules.js';
import { parseXtUint, parseXtUintPrefix, U16_MAX } from './xt-number.js';

/** Queue numbers a --queue-balance range may use (its upper default is 65534 in iptables 1.8.11). */
const BALANCE_MAX = U16_MAX - 1;

export interface NfqueueOptions {
  queue: number;
  /** Number of queues balanced over (1 = just `queue`). */
  total: number;
  bypass: boolean;
  cpuFanout: boolean;
  given: string[];
}

/** "lo:hi" with either side optional; both must be within range and lo < hi. */
function parseBalance(text: string, ctx: ParseCtx): { lo: number; hi: number } {
  const parts = text.split(':');
  const bad = () => ctx.fail(`NFQUEUE: bad range "${text}" for --queue-balance`);
  if (parts.length !== 2) bad();
  const bound = (part: string, fallback: number) => {
    if (part === '') return fallback;
    const parsed = parseXtUintPrefix(part, BALANCE_MAX);
    if (!parsed || parsed.rest !== '') return bad();
    return parsed.value;
  };
  const lo = bound(parts[0], 0);
  const hi = bound(parts[1], BALANCE_MAX);
  if (lo >= hi) ctx.fail(`NFQUEUE: ${lo} should be less than ${hi}`);
  return { lo, hi };
}

function nfqueueText(opts: NfqueueOptions, save: boolean): string {
  const parts: string[] = [];
  if (opts.total > 1) parts.push(`${save ? '--queue-' : ''}balance ${opts.queue}:${opts.queue + opts.total - 1}`);
  else parts.push(`${save ? '--queue-' : ''}num ${opts.queue}`);
  if (opts.bypass) parts.push(save ? '--queue-bypass' : 'bypass');
  if (opts.cpuFanout) parts.push(save ? '--queue-cpu-fanout' : 'cpu-fanout');
  return parts.join(' ');
}

export const NFQUEUE: TargetModule<NfqueueOptions> = {
  name: 'NFQUEUE',
  options: [
    { name: 'queue-num', args: 1 },
    { name: 'queue-balance', args: 1 },
    { name: 'queue-bypass', args: 0 },
    { name: 'queue-cpu-fanout', args: 0 },
  ],
  init: () => ({ queue: 0, total: 1, bypass: false, cpuFanout: false, given: [] }),
  parse(opts, option, args, _invert, ctx: ParseCtx) {
    useOnce(opts.given, option, 'NFQUEUE', ctx);
    forbidTogether(opts.given, ['queue-num', 'queue-balance'], 'NFQUEUE', ctx);
    if (option === 'queue-num') {
      const queue = parseXtUint(args[0], U16_MAX);
      if (queue === undefined) ctx.fail(`NFQUEUE: bad value for option "--queue-num", or out of range (0-${U16_MAX})`);
      opts.queue = queue;
    } else if (option === 'queue-balance') {
      const { lo, hi } = parseBalance(args[0], ctx);
      opts.queue = lo;
      opts.total = hi - lo + 1;
    } else if (option === 'queue-bypass') {
      opts.bypass = true;
    } else {
      opts.cpuFanout = true;
    }
  },
  finalize() {},
  save: (opts) => nfqueueText(opts, true),
  list: (opts) => `NFQUEUE ${nfqueueText(opts, false)}`,
  // ARG0 first queue, ARG1 number of queues, ARG2 1 when --queue-bypass (accept if no listener).
  compile: (opts) => ({ kind: T_QUEUE, args: [opts.queue, opts.total, opts.bypass ? 1 : 0] }),
};
