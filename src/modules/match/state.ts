// -m state (the conntrack match's "state" alias, libxt_conntrack.c state_ct23_parse): the
// packet's connection state, NETFILTER.md §4.3.
import type { MatchModule, ParseCtx } from '../module.js';
import { FD_CTSTATE, OP_ANYBIT } from '../../../assembly/shared/layout.js';
import { CTSTATE_PRINT_ORDER, STATE_KEYWORDS } from './ctstate.js';
import { formatKeywords, parseKeywordList } from './keyword-list.js';

export interface StateOptions {
  mask?: number;
  invert: boolean;
}

export const stateMatch: MatchModule<StateOptions> = {
  name: 'state',
  options: [{ name: 'state', args: 1, invertible: true }],
  init: () => ({ invert: false }),
  parse(opts, _option, args, invert, ctx: ParseCtx) {
    if (opts.mask !== undefined) ctx.fail('state: "--state" option may only be specified once');
    if (args[0] === '' || args[0].endsWith(',')) {
      ctx.fail('"--state" requires a list of states with no spaces, e.g. ESTABLISHED,RELATED');
    }
    const parsed = parseKeywordList(args[0], STATE_KEYWORDS);
    if ('bad' in parsed) ctx.fail(`state: Bad state "${parsed.bad}"`);
    opts.mask = parsed.bits;
    opts.invert = invert;
  },
  finalize(opts, ctx: ParseCtx) {
    if (opts.mask === undefined) ctx.fail('state: option "--state" must be specified');
  },
  save: (opts) => `${opts.invert ? '! ' : ''}--state ${formatKeywords(opts.mask!, CTSTATE_PRINT_ORDER)}`,
  list: (opts) => `${opts.invert ? '! ' : ''}state ${formatKeywords(opts.mask!, CTSTATE_PRINT_ORDER)}`,
  compile(opts, em) {
    em.op(OP_ANYBIT, [FD_CTSTATE, opts.mask!], opts.invert);
  },
};
