// How many index slots are in use (NETFILTER.md §4.3 table sizing; table.ts): the host reserves
// CFG_CT_INDEX_SLOTS (>= 4 per nf_conntrack_max), but a capture with a few thousand live flows
// would spread its lookups over the whole reservation, a cache and TLB miss each. The index in use
// grows instead with CFG_CT_HIGH, the peak of live entries, keeping the same load bound (4 slots per
// entry, 2 keys each); untouched pages of the reservation cost nothing.
//
// Once CFG_CT_HIGH reaches nf_conntrack_max, the only time the table can be full (allocEntry fails,
// so early_drop runs, §4.3), the index is the whole reservation, as it always was.

/** Smallest index in use: one 4 KiB page of slots; rebuilding below that buys nothing. */
const MIN_SLOTS: u32 = 512;

/**
 * Index slots in use once `high` entries have been live at once, for a table of `max` entries
 * whose index reservation is `reserved` slots (a power of two).
 */
export function indexSlotsFor(high: u32, max: u32, reserved: u32): u32 {
  if (high >= max) return reserved;
  let slots = MIN_SLOTS;
  while (slots < reserved && <u64>slots < 4 * <u64>high) slots <<= 1;
  return min(slots, reserved);
}
