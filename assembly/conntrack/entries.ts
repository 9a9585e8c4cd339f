// The dense array of conntrack entries (CT_SIZE bytes each, live while CT_ID != 0) and the pool of
// ext records (CT_EXT_SIZE bytes) for the entries that need more room: master link, zone, helper
// state, TCP bookkeeping, NAT binding. Both recycle freed slots through free lists kept in the
// config block, so a long stream never runs out of room while the live count stays below the max.
import {
  CFG_CT_COUNT, CFG_CT_EXT_HIGH, CFG_CT_FREE_ENTRY, CFG_CT_FREE_EXT, CFG_CT_HIGH, CFG_CT_NEXT_ID,
  CT_EXPIRES, CT_EXT, CT_EXT_SIZE, CT_ID, CT_SIZE, CX_MASTER,
} from '../shared/layout';
import { cfgWord, entriesBase, entryCapacity, extBase, extCapacity, setCfgWord } from './config';

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
  }
  setCfgWord(CFG_CT_COUNT, count + 1);
  const ct = entryAt(index);
  memory.fill(ct, 0, CT_SIZE);
  store<i32>(ct, -1, CT_EXT);
  store<u32>(ct, nextId(), CT_ID);
  return ct;
}

/** Returns the entry (and its ext record) to the free lists. The index must no longer name it. */
export function freeEntry(ct: usize): void {
  releaseExt(ct);
  store<u32>(ct, 0, CT_ID);
  store<u32>(ct, cfgWord(CFG_CT_FREE_ENTRY), FREE_ENTRY_LINK);
  setCfgWord(CFG_CT_FREE_ENTRY, <u32>entryIndex(ct) + 1);
  setCfgWord(CFG_CT_COUNT, cfgWord(CFG_CT_COUNT) - 1);
}

/**
 * The ext record of entry `ct`; when it has none and `create` is set, a zeroed one (no master) is
 * attached. 0 when absent, or when the pool is exhausted.
 */
export function extOf(ct: usize, create: bool): usize {
  const have = load<i32>(ct, CT_EXT);
  if (have >= 0) return extAt(have);
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
  memory.fill(ext, 0, CT_EXT_SIZE);
  store<i32>(ext, -1, CX_MASTER);
  store<i32>(ct, index, CT_EXT);
  return ext;
}

function releaseExt(ct: usize): void {
  const index = load<i32>(ct, CT_EXT);
  if (index < 0) return;
  store<u32>(extAt(index), cfgWord(CFG_CT_FREE_EXT), FREE_EXT_LINK);
  setCfgWord(CFG_CT_FREE_EXT, <u32>index + 1);
  store<i32>(ct, -1, CT_EXT);
}
