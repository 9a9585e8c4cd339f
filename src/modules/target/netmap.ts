// NETMAP (xt_NETMAP, libipt_NETMAP): map a whole network 1:1 onto another; nat table, any of
// its chains. Not evaluated yet, like the other NAT targets (T_NAT).
import type { ParseCtx, TargetModule } from '../module.js';
import { T_NAT } from '../../../assembly/shared/layout.js';
import { formatIPv4, prefixMask } from '../../ruleset/names.js';
import { parseInetPton } from './nat-range.js';
import { useOnce } from './option-rules.js';
import { requireHooks, requireTable } from './placement.js';
import { parseXtUint } from './xt-number.js';

export interface NetmapOptions {
  addr: number;
  prefix: number;
  given: string[];
}

export const NETMAP: TargetModule<NetmapOptions> = {
  name: 'NETMAP',
  options: [{ name: 'to', args: 1 }],
  init: () => ({ addr: 0, prefix: 32, given: [] }),
  parse(opts, option, args, _invert, ctx: ParseCtx) {
    useOnce(opts.given, option, 'NETMAP', ctx);
    // XTTYPE_HOSTMASK: an address (no name lookups offline) and an optional prefix length;
    // a dotted mask is not accepted here.
    const [addrText, prefixText] = args[0].split(/\/(.*)/s, 2);
    const addr = parseInetPton(addrText);
    if (addr === undefined) ctx.fail(`NETMAP: host "${addrText}" is not an IPv4 address`);
    let prefix = 32;
    if (prefixText !== undefined) {
      const parsed = parseXtUint(prefixText, 32);
      if (parsed === undefined) ctx.fail('NETMAP: bad value for option "--to", or out of range (0-32)');
      prefix = parsed;
    }
    opts.prefix = prefix;
    opts.addr = (addr & prefixMask(prefix)) >>> 0;
  },
  finalize(opts, ctx) {
    if (!opts.given.includes('to')) ctx.fail('NETMAP: option "--to" must be specified');
    requireTable(ctx, 'NETMAP', 'nat');
    requireHooks(ctx, 'NETMAP', ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']);
  },
  save: (opts) => `--to ${formatIPv4(opts.addr)}/${opts.prefix}`,
  list: (opts) => `${formatIPv4(opts.addr)}/${opts.prefix}`,
  compile(_opts, ctx) {
    ctx.warn('NETMAP is not evaluated yet: packets pass the nat table unchanged');
    return { kind: T_NAT };
  },
};
