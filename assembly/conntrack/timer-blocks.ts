// A summary of the conntrack timers by block of entries, so the table-full collection
// (lifecycle.ts collectExpired, NETFILTER.md §4.3) reads only the entries of blocks that may hold
// an expired one or changed since it last looked, instead of every entry. With the table full
// (a 10M-packet capture at nf_conntrack_max 262,144) the collection runs each time the earliest
// timer has passed and a new connection finds no room: thousands of times, each a walk over
// 16 MiB of entries, when it was a full scan.
//
// The entries are split into at most MAX_BLOCKS blocks of 2^blockShift (>= 16) consecutive
// entries. A block's word holds the smallest CT_EXPIRES of its collectable entries (live and not
// unconfirmed: the ones collectExpired looks at), NO_TIMER when it has none, or UNKNOWN (0) once
// one of its entries changed (allocated, freed, confirmed, timer set): every such change goes
// through markEntryChanged. 0 is also what a fresh instance's memory holds, so every block starts
// unknown. Comparing timers as plain numbers is what the kernel's wrap-around comparison gives
// while the clock and every timer stay below 2^31 ms (24.8 days after the first packet); past
// that the collection falls back to reading every entry (timersOutsidePlainRange).
import { CT_EXPIRES } from '../shared/layout';
import { entriesBase, entryCapacity } from './config';

/** Enough blocks that each holds 16 entries up to nf_conntrack_max 262,144; 64 KiB. */
const MAX_BLOCKS_LOG2: u32 = 14;
const MIN_BLOCK_SHIFT: u32 = 4;
const ENTRY_SHIFT: u32 = 6; // CT_SIZE
export const UNKNOWN: u32 = 0;
export const NO_TIMER: u32 = 0xffffffff;
/** Timers and clock readings from here on are compared with wrap-around only (reached()). */
export const PLAIN_RANGE_END: u32 = 0x80000000;

const blockWords: usize = memory.data(<i32>(4 << MAX_BLOCKS_LOG2), 16);

/** Set for good once a timer at or beyond PLAIN_RANGE_END was written. */
export let timersOutsidePlainRange: bool = false;

/** log2 of the entries per block for this table's nf_conntrack_max. */
@inline export function blockShift(): u32 {
  const capacityLog2: u32 = entryCapacity <= 1 ? 0 : 32 - clz(entryCapacity - 1);
  return max(MIN_BLOCK_SHIFT, capacityLog2 > MAX_BLOCKS_LOG2 ? capacityLog2 - MAX_BLOCKS_LOG2 : 0);
}

@inline export function blockWordAddress(block: u32): usize {
  return blockWords + (<usize>block << 2);
}

/** Call whenever `ct` is allocated, freed, confirmed or its timer changes. */
@inline export function markEntryChanged(ct: usize): void {
  const index = <u32>((ct - entriesBase) >> ENTRY_SHIFT);
  store<u32>(blockWordAddress(index >> blockShift()), UNKNOWN);
}

/** The one way to set a conntrack's timer (CT_EXPIRES, ms after the time base). */
@inline export function setExpires(ct: usize, at: u32): void {
  store<u32>(ct, at, CT_EXPIRES);
  if (at >= PLAIN_RANGE_END) timersOutsidePlainRange = true;
  markEntryChanged(ct);
}
