// How a traversal ended, as results report it: the verdict (ACCEPT when nothing stopped the
// packet) and the entry credited with it.
import { TABLE_FILTER, V_ACCEPT } from '../shared/layout';
import * as packet from './packet';

export let decidedVerdict: u32 = V_ACCEPT;
export let creditedEntry: i32 = -1;
export let creditedTable: i32 = -1;

/** Settles the three values above from the packet's traversal state. */
export function settleDecision(): void {
  decidedVerdict = packet.verdict != 0 ? packet.verdict : V_ACCEPT;
  creditedEntry = packet.decidedEntry;
  creditedTable = packet.decidedTable;
  // An accepted packet is credited to the filter table's ACCEPT when there was one: that is the
  // rule a reader asks about ("which rule let it in"), not a later mangle or nat policy.
  if (decidedVerdict == V_ACCEPT && packet.filterAcceptEntry >= 0) {
    creditedEntry = packet.filterAcceptEntry;
    creditedTable = TABLE_FILTER;
  }
}
