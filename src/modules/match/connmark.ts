// -m connmark (kernel xt_connmark.c connmark_mt): the conntrack's mark; a packet without a
// conntrack (INVALID, UNTRACKED) never matches, `!` or not.
import { FD_CTMARK } from '../../../assembly/shared/layout.js';
import { emitHasConntrack } from './ctstate.js';
import { markCompareMatch } from './mark-compare.js';

export const connmarkMatch = markCompareMatch({
  name: 'connmark', field: FD_CTMARK, precondition: emitHasConntrack,
  // connmark_mt_print: " connmark match ", "!" when inverted, " 0x..": two spaces when not
  listPrefix: (invert) => (invert ? 'connmark match !' : 'connmark match '),
});
