// Finding live conntracks and ending them: lazy expiry (an expired entry a lookup meets is
// deleted first, so results depend only on packet timestamps, NETFILTER.md §4.4 end), deletion
// (index keys, expectations of the master, the entry itself) and the table-full collection.
import {
  CFG_CT_HIGH, CFG_CT_NEXT_EXPIRY, CT_EXPIRES, CT_ID, CTE_UNCONFIRMED,
  CTSTATUS_CONFIRMED,
} from '../shared/layout';
import { nowMs, reached } from './clock';
import { cfgWord, setCfgWord } from './config';
import { entryAt, freeEntry } from './entries';
import { expectRemoveMaster } from './expect';
import { hasFlag, hasStatus } from './fields';
import { foundEntry, homeSlotOf, indexRemove, lookup, unassuredInSlot } from './table';
import { blockShift, blockWordAddress, NO_TIMER, PLAIN_RANGE_END, timersOutsidePlainRange } from './timer-blocks';

export function isConfirmed(ct: usize): bool {
  return hasStatus(ct, CTSTATUS_CONFIRMED);
}

/** Ends `ct`: out of the index (when confirmed), its expectations gone, its slot free. */
export function deleteEntry(ct: usize): void {
  if (isConfirmed(ct)) indexRemove(ct);
  expectRemoveMaster(ct);
  freeEntry(ct);
}

/** lookup() that deletes an expired entry instead of returning it. */
@inline export function findLive(src: u32, dst: u32, ports: u32, proto: u8, zone: u16): bool {
  if (!lookup(src, dst, ports, proto, zone)) return false;
  if (!reached(load<u32>(foundEntry, CT_EXPIRES))) return true;
  deleteEntry(foundEntry);
  return false;
}

/** Keeps the "nothing expires before" bound below `ct`'s timer (call after a timer changes). */
export function noteExpiry(ct: usize): void {
  const at = load<u32>(ct, CT_EXPIRES);
  if (<i32>(at - cfgWord(CFG_CT_NEXT_EXPIRY)) < 0) setCfgWord(CFG_CT_NEXT_EXPIRY, at);
}

/**
 * Deletes the collectable entries (live, not unconfirmed) of [from, to) whose timer ran out, in
 * index order; returns how far in the future (ms after now) the earliest timer of those kept runs
 * out, NO_TIMER when none is kept.
 */
function sweep(from: u32, to: u32): u32 {
  let soonest: u32 = NO_TIMER;
  for (let i = from; i < to; i++) {
    const ct = entryAt(<i32>i);
    if (load<u32>(ct, CT_ID) == 0 || hasFlag(ct, CTE_UNCONFIRMED)) continue;
    const at = load<u32>(ct, CT_EXPIRES);
    if (reached(at)) deleteEntry(ct);
    else soonest = min(soonest, at - nowMs);
  }
  return soonest;
}

/**
 * sweep() over the blocks whose summary (timer-blocks.ts) says an entry may have expired or is
 * unknown; the others keep their earliest timer. Returns the earliest timer kept (absolute ms),
 * NO_TIMER when none. Only while the clock and every timer are below PLAIN_RANGE_END.
 */
function sweepByBlock(high: u32): u32 {
  const shift = blockShift();
  const blocks = (high + (1 << shift) - 1) >> shift;
  const now = nowMs;
  let soonest: u32 = NO_TIMER;
  for (let block: u32 = 0; block < blocks; block++) {
    const word = blockWordAddress(block);
    let earliest = load<u32>(word);
    if (earliest <= now) {
      const fromNow = sweep(block << shift, min(high, (block + 1) << shift));
      earliest = fromNow == NO_TIMER ? NO_TIMER : now + fromNow;
      store<u32>(word, earliest);
    }
    soonest = min(soonest, earliest);
  }
  return soonest;
}

/**
 * Deletes every confirmed entry whose timer ran out, unless the bound says none can have; then
 * recomputes the bound. The kernel's GC worker would have reaped them by now. The bound is the
 * earliest timer kept, at most 2^31 - 1 ms ahead (reached() compares with wrap-around).
 */
export function collectExpired(): void {
  if (!reached(cfgWord(CFG_CT_NEXT_EXPIRY))) return;
  const high = cfgWord(CFG_CT_HIGH);
  const horizon: u32 = 0x7fffffff;
  let next: u32;
  if (timersOutsidePlainRange || nowMs >= PLAIN_RANGE_END) {
    next = nowMs + min(horizon, sweep(0, high));
  } else {
    // Kept timers are later than now and below 2^31 here, so the plain minimum is the bound.
    next = min(nowMs + horizon, sweepByBlock(high));
  }
  setCfgWord(CFG_CT_NEXT_EXPIRY, next);
}

/** Slots early_drop looks at around a new tuple's home (the kernel scans 8 hash buckets). */
const EARLY_DROP_SLOTS: u32 = 16;

/**
 * The kernel's early_drop: with the table full, an unassured confirmed conntrack hashed near the
 * new tuple is deleted to make room. Returns whether one was.
 */
export function earlyDrop(src: u32, dst: u32, ports: u32, proto: u8): bool {
  const home = homeSlotOf(src, dst, ports, proto);
  for (let i: u32 = 0; i < EARLY_DROP_SLOTS; i++) {
    const ct = unassuredInSlot(home + i);
    if (ct != 0) {
      deleteEntry(ct);
      return true;
    }
  }
  return false;
}
