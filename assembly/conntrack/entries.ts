// The dense array of conntrack entries (CT_SIZE bytes each, live while CT_ID != 0) and the pool of
// ext records (CT_EXT_SIZE bytes) for the few entries that need more room: master link, zone,
// helper and its state, connmark, NAT binding. Both recycle freed slots through free lists kept in
// the config block, so a long stream never runs out of room while the live count stays below the max.
// An entry has no link field of its own: attaching an ext record moves the id into it and puts the
// record's index in the id's place (CTE_EXT says which), so entries without one pay nothing.
import {
  CFG_CT_COUNT, CFG_CT_EXT_HIGH, CFG_CT_FREE_ENTRY, CFG_CT_FREE_EXT, CFG_CT_HIGH, CFG_CT_NEXT_ID,
  CT_EXPIRES, CT_EXT_SIZE, CT_FLAGS, CT_ID, CT_SIZE, CTE_EXT, CX_ID, CX_MASTER,
} from '../shared/layout';
import { zeroBlocks } from '../inline-memory';
import { cfgWord, entriesBase, entryCapacity, extBase, extCapacity, setCfgWord } from './config';
import { indexFollowPeak } from './table';
import { markEntryChanged } from './timer-blocks';

// A free slot's link to the next free one lives in a field that means nothing once freed.
const FREE_ENTRY_LINK = CT_EXPIRES;
const FREE_EXT_LINK = 0;

@inline export function entryAt(index: i32): usize {
  return entriesBase + <usize>index * CT_SIZE;
}

@inline export function entryIndex(ct: usize): i32 {
  return <i32>((ct - entriesBase) / CT_SIZE);
}

@inline export function extAt(index: i32): usize {
  return extBase + <usize>index * CT_EXT_SIZE;
}

@inline function clearEntry(ct: usize): void {
  zeroBlocks(ct, CT_SIZE);
}

/** A fresh id for a conntrack or an expectation (conntrack -L id=; never 0). */
export function nextId(): u32 {
  let id = cfgWord(CFG_CT_NEXT_ID) + 1;
  if (id == 0) id = 1;
  setCfgWord(CFG_CT_NEXT_ID, id);
  return id;
}

export function liveEntries(): u32 {
  return cfgWord(CFG_CT_COUNT);
}

/** A zeroed entry with a new id and no ext record, or 0 when nf_conntrack_max entries are live. */
export function allocEntry(): usize {
  const count = cfgWord(CFG_CT_COUNT);
  if (count >= entryCapacity) return 0;
  let index: i32;
  const free = cfgWord(CFG_CT_FREE_ENTRY);
  if (free != 0) {
    index = <i32>free - 1;
    setCfgWord(CFG_CT_FREE_ENTRY, load<u32>(entryAt(index), FREE_ENTRY_LINK));
  } else {
    index = <i32>cfgWord(CFG_CT_HIGH);
    setCfgWord(CFG_CT_HIGH, <u32>index + 1);
    indexFollowPeak();
  }
  setCfgWord(CFG_CT_COUNT, count + 1);
  const ct = entryAt(index);
  clearEntry(ct);
  store<u32>(ct, nextId(), CT_ID);
  markEntryChanged(ct);
  return ct;
}

/** Returns the entry (and its ext record) to the free lists. The index must no longer name it. */
export function freeEntry(ct: usize): void {
  releaseExt(ct);
  store<u8>(ct, 0, CT_FLAGS);
  store<u32>(ct, 0, CT_ID);
  store<u32>(ct, cfgWord(CFG_CT_FREE_ENTRY), FREE_ENTRY_LINK);
  setCfgWord(CFG_CT_FREE_ENTRY, <u32>entryIndex(ct) + 1);
  setCfgWord(CFG_CT_COUNT, cfgWord(CFG_CT_COUNT) - 1);
  markEntryChanged(ct);
}

@inline function hasExt(ct: usize): bool {
  return (<u32>load<u8>(ct, CT_FLAGS) & CTE_EXT) != 0;
}

/**
 * The ext record of entry `ct`, 0 when it has none. Inlined: the readers (zone, connmark, helper,
 * id, NAT tuple) run for every packet, and most entries have no record.
 */
@inline export function attachedExt(ct: usize): usize {
  return hasExt(ct) ? extAt(<i32>load<u32>(ct, CT_ID) - 1) : 0;
}

/**
 * The ext record of entry `ct`; when it has none and `create` is set, a zeroed one (no master) is
 * attached. 0 when absent, or when the pool is exhausted.
 */
export function extOf(ct: usize, create: bool): usize {
  if (hasExt(ct)) return extAt(<i32>load<u32>(ct, CT_ID) - 1);
  if (!create) return 0;
  let index: i32;
  const free = cfgWord(CFG_CT_FREE_EXT);
  if (free != 0) {
    index = <i32>free - 1;
    setCfgWord(CFG_CT_FREE_EXT, load<u32>(extAt(index), FREE_EXT_LINK));
  } else {
    const high = cfgWord(CFG_CT_EXT_HIGH);
    if (high >= extCapacity) return 0;
    index = <i32>high;
    setCfgWord(CFG_CT_EXT_HIGH, high + 1);
  }
  const ext = extAt(index);
  zeroBlocks(ext, CT_EXT_SIZE);
  store<i32>(ext, -1, CX_MASTER);
  store<u32>(ext, load<u32>(ct, CT_ID), CX_ID);
  store<u32>(ct, <u32>index + 1, CT_ID);
  store<u8>(ct, load<u8>(ct, CT_FLAGS) | <u8>CTE_EXT, CT_FLAGS);
  return ext;
}

/** Returns the ext record to the pool; the entry is being freed (its id goes with it). */
function releaseExt(ct: usize): void {
  if (!hasExt(ct)) return;
  const index = <i32>load<u32>(ct, CT_ID) - 1;
  store<u32>(extAt(index), cfgWord(CFG_CT_FREE_EXT), FREE_EXT_LINK);
  setCfgWord(CFG_CT_FREE_EXT, <u32>index + 1);
}
