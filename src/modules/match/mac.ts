// -m mac (libxt_mac.c, kernel xt_mac.c): the Ethernet source address. The kernel allows it only
// where a received frame exists (PREROUTING, INPUT, FORWARD); without a MAC header it fails
// whatever the `!`.
import type { MatchModule, ParseCtx } from '../module.js';
import { OP_MAC } from '../../../assembly/shared/layout.js';
import { requireHooks } from './rule-context.js';

export interface MacOptions {
  bytes?: number[];
  invert: boolean;
}

/** XTTYPE_ETHERMAC: six groups of one or two hex digits. */
function parseMac(text: string): number[] | undefined {
  if (!/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(text)) return undefined;
  return text.split(':').map((h) => parseInt(h, 16));
}

function formatMac(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

export const macMatch: MatchModule<MacOptions> = {
  name: 'mac',
  options: [{ name: 'mac-source', args: 1, invertible: true }],
  init: () => ({ invert: false }),
  parse(opts, _option, args, invert, ctx: ParseCtx) {
    if (opts.bytes) ctx.fail('mac: "--mac-source" option may only be specified once');
    const bytes = parseMac(args[0]);
    if (!bytes) ctx.fail(`mac: Bad value for "--mac-source" option: "${args[0]}"`);
    opts.bytes = bytes;
    opts.invert = invert;
  },
  finalize(opts, ctx: ParseCtx) {
    if (!opts.bytes) ctx.fail('mac: option "--mac-source" must be specified');
    requireHooks(ctx, 'mac match', ['PREROUTING', 'INPUT', 'FORWARD']);
  },
  save: (opts) => `${opts.invert ? '! ' : ''}--mac-source ${formatMac(opts.bytes!)}`,
  list: (opts) => `MAC${opts.invert ? ' !' : ''} ${formatMac(opts.bytes!)}`,
  compile(opts, em) {
    const b = opts.bytes!;
    const hi32 = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
    em.op(OP_MAC, [hi32, (b[4] << 8) | b[5]], opts.invert);
  },
};
