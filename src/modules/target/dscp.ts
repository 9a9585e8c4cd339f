// DSCP (xt_DSCP, libxt_DSCP): set the 6 DSCP bits of the TOS byte; mangle table.
import type { ParseCtx, TargetModule } from '../module.js';
import { compileHeaderRewrite } from './header-rewrite.js';
import { forbidTogether, requireOneOf, useOnce } from './option-rules.js';
import { requireTable } from './placement.js';
import { hex2, parseXtUint } from './xt-number.js';

const DSCP_MAX = 0x3f;

/** dscp_helper.c's class table, in its order (the first class the argument starts with wins). */
const DSCP_CLASSES: ReadonlyArray<[string, number]> = [
  ['CS0', 0x00], ['CS1', 0x08], ['CS2', 0x10], ['CS3', 0x18], ['CS4', 0x20], ['CS5', 0x28],
  ['CS6', 0x30], ['CS7', 0x38], ['BE', 0x00], ['AF11', 0x0a], ['AF12', 0x0c], ['AF13', 0x0e],
  ['AF21', 0x12], ['AF22', 0x14], ['AF23', 0x16], ['AF31', 0x1a], ['AF32', 0x1c], ['AF33', 0x1e],
  ['AF41', 0x22], ['AF42', 0x24], ['AF43', 0x26], ['EF', 0x2e],
];

export interface DscpOptions {
  dscp: number;
  given: string[];
}

export function dscpForClass(name: string): number | undefined {
  const upper = name.toUpperCase();
  return DSCP_CLASSES.find(([cls]) => upper.startsWith(cls))?.[1];
}

export const DSCP: TargetModule<DscpOptions> = {
  name: 'DSCP',
  options: [{ name: 'set-dscp', args: 1 }, { name: 'set-dscp-class', args: 1 }],
  init: () => ({ dscp: 0, given: [] }),
  parse(opts, option, args, _invert, ctx: ParseCtx) {
    useOnce(opts.given, option, 'DSCP', ctx);
    forbidTogether(opts.given, ['set-dscp', 'set-dscp-class'], 'DSCP', ctx);
    const dscp = option === 'set-dscp' ? parseXtUint(args[0], DSCP_MAX) : dscpForClass(args[0]);
    if (dscp === undefined) ctx.fail(`DSCP: Invalid DSCP value "${args[0]}"`);
    opts.dscp = dscp;
  },
  finalize(opts, ctx) {
    requireOneOf(opts.given, ['set-dscp', 'set-dscp-class'], 'DSCP target: Parameter --set-dscp is required', ctx);
    requireTable(ctx, 'DSCP', 'mangle');
  },
  save: (opts) => `--set-dscp ${hex2(opts.dscp)}`,
  list: (opts) => `DSCP set ${hex2(opts.dscp)}`,
  compile: (_opts, ctx) => compileHeaderRewrite('DSCP', 'DSCP', ctx),
};
