// -m mark (kernel xt_mark.c mark_mt): the packet's skb mark.
import { FD_MARK } from '../../../assembly/shared/layout.js';
import { markCompareMatch } from './mark-compare.js';

export const markMatch = markCompareMatch({
  name: 'mark', field: FD_MARK,
  // mark_mt_print: " mark match", " !" when inverted, " 0x.."
  listPrefix: (invert) => (invert ? 'mark match !' : 'mark match'),
});
