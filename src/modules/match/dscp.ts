// -m dscp (libxt_dscp.c, kernel xt_dscp.c dscp_mt): the upper six bits of the TOS byte, given as
// a number 0..63 or a DiffServ class name.
import type { MatchModule, ParseCtx } from '../module.js';
import { FD_TOS, OP_MASKEQ } from '../../../assembly/shared/layout.js';
import { hex2, parseXtUint } from '../target/xt-number.js';

const DSCP_MAX = 0x3f;
const DSCP_SHIFT = 2;

/** dscp_helper.c class_to_dscp. */
const DSCP_CLASSES: ReadonlyArray<readonly [string, number]> = [
  ['CS0', 0x00], ['CS1', 0x08], ['CS2', 0x10], ['CS3', 0x18], ['CS4', 0x20], ['CS5', 0x28], ['CS6', 0x30],
  ['CS7', 0x38], ['BE', 0x00], ['AF11', 0x0a], ['AF12', 0x0c], ['AF13', 0x0e], ['AF21', 0x12], ['AF22', 0x14],
  ['AF23', 0x16], ['AF31', 0x1a], ['AF32', 0x1c], ['AF33', 0x1e], ['AF41', 0x22], ['AF42', 0x24], ['AF43', 0x26],
  ['EF', 0x2e],
];

export interface DscpOptions {
  dscp?: number;
  invert: boolean;
}

export const dscpMatch: MatchModule<DscpOptions> = {
  name: 'dscp',
  options: [
    { name: 'dscp', args: 1, invertible: true },
    { name: 'dscp-class', args: 1, invertible: true },
  ],
  init: () => ({ invert: false }),
  parse(opts, option, args, invert, ctx: ParseCtx) {
    if (opts.dscp !== undefined) ctx.fail('dscp: only one of "--dscp" and "--dscp-class" may be given, once');
    if (option === 'dscp') {
      const v = parseXtUint(args[0], DSCP_MAX);
      if (v === undefined) ctx.fail(`dscp: bad value for option "--dscp", or out of range (0-${DSCP_MAX})`);
      opts.dscp = v;
    } else {
      const hit = DSCP_CLASSES.find(([name]) => name.toLowerCase() === args[0].toLowerCase());
      if (!hit) ctx.fail(`dscp: Invalid DSCP value \`${args[0]}'`);
      opts.dscp = hit[1];
    }
    opts.invert = invert;
  },
  finalize(opts, ctx: ParseCtx) {
    if (opts.dscp === undefined) ctx.fail('DSCP match: Parameter --dscp is required');
  },
  save: (opts) => `${opts.invert ? '! ' : ''}--dscp ${hex2(opts.dscp!)}`,
  list: (opts) => `DSCP match ${opts.invert ? '!' : ''}${hex2(opts.dscp!)}`,
  compile(opts, em) {
    em.op(OP_MASKEQ, [FD_TOS, DSCP_MAX << DSCP_SHIFT, opts.dscp! << DSCP_SHIFT], opts.invert);
  },
};
