// -m helper (libxt_helper.c, kernel xt_helper.c): the helper of the connection's *master*, so it
// matches the FTP data connections, not the control connection (NETFILTER.md §0, §4.7). The
// kernel compares only strlen(helper name) characters: "ftp", "ftp-21" and "ftpx" all name ftp,
// and "" names any helper.
import type { MatchModule, ParseCtx } from '../module.js';
import { FD_HELPER, HELPER_FTP, OP_FAIL, OP_RANGE } from '../../../assembly/shared/layout.js';
import { saveString } from '../target/xt-string.js';

/** char name[30] including the NUL. */
const MAX_HELPER_NAME = 29;

export interface HelperOptions {
  name?: string;
  invert: boolean;
}

export const helperMatch: MatchModule<HelperOptions> = {
  name: 'helper',
  options: [{ name: 'helper', args: 1, invertible: true }],
  init: () => ({ invert: false }),
  parse(opts, _option, args, invert, ctx: ParseCtx) {
    if (opts.name !== undefined) ctx.fail('helper: "--helper" option may only be specified once');
    if (args[0].length > MAX_HELPER_NAME) ctx.fail(`helper: helper name too long (max ${MAX_HELPER_NAME})`);
    opts.name = args[0];
    opts.invert = invert;
  },
  finalize(opts, ctx: ParseCtx) {
    if (opts.name === undefined) ctx.fail('helper: option "--helper" must be specified');
  },
  save: (opts) => `${opts.invert ? '! ' : ''}--helper ${saveString(opts.name!)}`,
  list: (opts) => `helper match ${opts.invert ? '! ' : ''}"${opts.name}"`,
  compile(opts, em) {
    const name = opts.name!;
    if (name === '') em.op(OP_RANGE, [FD_HELPER, 1, 0xff], opts.invert);
    else if (name.startsWith('ftp')) em.op(OP_RANGE, [FD_HELPER, HELPER_FTP, HELPER_FTP], opts.invert);
    else {
      // nfwasm simulates the ftp helper only: no connection can have another one, so the test
      // never holds and its negation always does (nothing to emit)
      em.warn(`helper "${name}" is not simulated (only ftp is): ${opts.invert ? '! ' : ''}--helper ${name} ${opts.invert ? 'always' : 'never'} matches`);
      if (!opts.invert) em.op(OP_FAIL, []);
    }
  },
};
