// Finding live conntracks and ending them: lazy expiry (an expired entry a lookup meets is
// deleted first, so results depend only on packet timestamps, NETFILTER.md §4.4 end), deletion
// (index keys, expectations of the master, the entry itself) and the table-full collection.
import {
  CFG_CT_HIGH, CFG_CT_NEXT_EXPIRY, CT_EXPIRES, CT_ID, CTE_UNCONFIRMED,
  CTSTATUS_ASSURED, CTSTATUS_CONFIRMED,
} from '../shared/layout';
import { nowMs, reached } from './clock';
import { cfgWord, setCfgWord } from './config';
import { entryAt, freeEntry } from './entries';
import { expectRemoveMaster } from './expect';
import { hasFlag, hasStatus } from './fields';
import { entryInSlot, foundEntry, homeSlotOf, indexRemove, lookup } from './table';

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
export function findLive(src: u32, dst: u32, ports: u32, proto: u8, zone: u16): bool {
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
 * Deletes every confirmed entry whose timer ran out, unless the bound says none can have; then
 * recomputes the bound. The kernel's GC worker would have reaped them by now.
 */
export function collectExpired(): void {
  if (!reached(cfgWord(CFG_CT_NEXT_EXPIRY))) return;
  const high = cfgWord(CFG_CT_HIGH);
  let next: u32 = nowMs + 0x7fffffff;
  for (let i: u32 = 0; i < high; i++) {
    const ct = entryAt(<i32>i);
    if (load<u32>(ct, CT_ID) == 0 || hasFlag(ct, CTE_UNCONFIRMED)) continue;
    const at = load<u32>(ct, CT_EXPIRES);
    if (reached(at)) deleteEntry(ct);
    else if (<i32>(at - next) < 0) next = at;
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
    const ct = entryInSlot(home + i);
    if (ct != 0 && !hasStatus(ct, CTSTATUS_ASSURED)) {
      deleteEntry(ct);
      return true;
    }
  }
  return false;
}
