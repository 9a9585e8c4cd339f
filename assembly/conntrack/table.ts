// The conntrack index (NETFILTER.md §4.3, WASM-NOTES.md §4): open addressing with linear probing
// over a power-of-two number of CT_SLOT_SIZE slots, load factor <= 0.5 (the host gives >= 4 slots
// per conntrack, two keys each), a multiply hash, and backward-shift deletion (no tombstones).
// Each confirmed conntrack has two keys, its ORIGINAL and REPLY tuples, so either direction finds it.
//
// A slot holds no tuple, only a 32-bit fingerprint of it (the upper half of the 64-bit hash, whose
// low bits are the home slot) and the entry handle: the lookup verifies the tuple on the entry,
// which it reads anyway (zone, timer). Half the bytes of a slot with the whole key: less memory per
// connection and fewer cache and TLB misses at a million flows. Equal fingerprints imply the same
// home slot, so a false match (checked on an entry that is not the one) is rare at this load.
//
// The slots in use grow with the peak of live entries (index-size.ts), up to the host's reservation
// once the table can be full. Growing must not change what early_drop sees then: it scans the slots
// after a new tuple's home, so the victim depends on where each key sits. Linear probing with
// backward-shift deletion leaves every key where inserting the live keys in their insertion order
// would have put it (as if deleted keys never were), so a table of a given size has one layout for
// its live keys and their order. Keys enter the index at confirm, in the order of their ids (an
// entry gets its id at creation, and at most one entry is unconfirmed at a time: the packet's
// own); a rebuild reproduces that order by letting an older key take the slot of a younger one it
// meets while probing, the younger one moving on (the result does not depend on the order the
// entries are visited in). So at full size the index is slot for slot the one a never-grown index
// would hold (test/ct-index-growth.test.ts checks it against a model).
//
// Both keys of an ASSURED conntrack carry ASSURED_BIT in their handle, so early_drop, which with
// the table full runs for every packet of a connection that got no entry, finds an unassured
// entry near a tuple's home from the slots alone instead of reading up to 16 scattered entries.
import {
  CFG_CT_HIGH, CFG_CT_NEXT_ID, CT_EXPIRES, CT_ID, CT_ORIG_DST, CT_ORIG_SRC, CT_PROTO, CTSTATUS_ASSURED, CTSTATUS_CONFIRMED,
} from '../shared/layout';
import { cfgWord, entryCapacity, indexBase, indexReserved, indexSlots, setIndexSlots } from './config';
import { entryAt, entryIndex } from './entries';
import { addStatus, hasStatus, idOf } from './fields';
import { indexSlotsFor } from './index-size';
import { origPorts, replyDst, replyPorts, replySrc, zoneOf } from './tuple';

const SLOT_SHIFT = 3; // CT_SLOT_SIZE
const FINGERPRINT = 0; // u32
const HANDLE = 4; // u32: dir << 31 | assured << 30 | (entry index + 1); 0 = empty slot
const DIR_BIT: u32 = 1 << 31;
const ASSURED_BIT: u32 = 1 << 30; // entry indexes stay below 2^23 (MAX_CONNTRACK_ENTRIES, src/compile/conntrack.ts)
const ENTRY_MASK: u32 = ASSURED_BIT - 1;

/** Result of the last lookup(): the entry address (0 = none) and the direction it was found in. */
export let foundEntry: usize = 0;
export let foundDir: i32 = 0;

@inline function fingerprintOf(src: u32, dst: u32, ports: u32, proto: u8): u32 {
  let h = ((<u64>src << 32) | dst) * 0x9e3779b97f4a7c15;
  h ^= (((<u64>ports << 8) | proto) + 0x632be59bd9b4e019) * 0xc2b2ae3d27d4eb4f;
  h ^= h >> 31;
  h *= 0xff51afd7ed558ccd;
  return <u32>(h >> 32);
}

@inline function homeOf(fingerprint: u32): u32 {
  return fingerprint & (indexSlots - 1);
}

@inline function slotAddress(slot: u32): usize {
  return indexBase + (<usize>slot << SLOT_SHIFT);
}

@inline function handleEntry(handle: u32): usize {
  return entryAt(<i32>(handle & ENTRY_MASK) - 1);
}

/** The slot where the probe for this tuple starts. */
export function homeSlotOf(src: u32, dst: u32, ports: u32, proto: u8): u32 {
  return homeOf(fingerprintOf(src, dst, ports, proto));
}

/** The entry a slot names when it is not ASSURED; 0 when it is, or the slot is empty. */
export function unassuredInSlot(slot: u32): usize {
  const handle = load<u32>(slotAddress(slot & (indexSlots - 1)), HANDLE);
  return handle == 0 || (handle & ASSURED_BIT) != 0 ? 0 : handleEntry(handle);
}

/** Does `ct`'s tuple in direction `dir` equal (src, dst, ports, proto)? */
@inline function tupleIs(ct: usize, dir: bool, src: u32, dst: u32, ports: u32, proto: u8): bool {
  if (load<u8>(ct, CT_PROTO) != proto) return false;
  if (!dir) return load<u32>(ct, CT_ORIG_SRC) == src && load<u32>(ct, CT_ORIG_DST) == dst && origPorts(ct) == ports;
  return replySrc(ct) == src && replyDst(ct) == dst && replyPorts(ct) == ports;
}

/**
 * Loads the home slot of a tuple, bringing its cache line in ahead of the lookup. Returns the word
 * read (callers keep it observable so the load stays).
 */
export function touchHome(src: u32, dst: u32, ports: u32, proto: u8): u32 {
  return load<u32>(slotAddress(homeSlotOf(src, dst, ports, proto)), HANDLE);
}

/**
 * Second prefetch stage, once touchHome brought the slots in: loads a byte of the entry the first
 * slot with the tuple's fingerprint names, so the lookup that follows finds that line in cache too.
 * Touching the entry in the same pass as the slot measured slower: it waits on the slot load.
 * Returns 0 when no slot has the fingerprint (the tuple is certainly absent), else 1 + the byte.
 */
export function touchEntry(src: u32, dst: u32, ports: u32, proto: u8): u32 {
  const fingerprint = fingerprintOf(src, dst, ports, proto);
  const mask = indexSlots - 1;
  let slot = homeOf(fingerprint);
  while (true) {
    const at = slotAddress(slot);
    const handle = load<u32>(at, HANDLE);
    if (handle == 0) return 0;
    if (load<u32>(at, FINGERPRINT) == fingerprint) return 1 + <u32>load<u8>(handleEntry(handle), CT_EXPIRES);
    slot = (slot + 1) & mask;
  }
}

/**
 * Finds the conntrack with tuple (src, dst, ports, proto) in `zone` in either direction; sets
 * foundEntry/foundDir and returns whether one was found.
 */
@inline export function lookup(src: u32, dst: u32, ports: u32, proto: u8, zone: u16): bool {
  const fingerprint = fingerprintOf(src, dst, ports, proto);
  const mask = indexSlots - 1;
  let slot = homeOf(fingerprint);
  while (true) {
    const at = slotAddress(slot);
    const handle = load<u32>(at, HANDLE);
    if (handle == 0) break;
    if (load<u32>(at, FINGERPRINT) == fingerprint) {
      const ct = handleEntry(handle);
      const reply = (handle & DIR_BIT) != 0;
      if (tupleIs(ct, reply, src, dst, ports, proto) && zoneOf(ct) == zone) {
        foundEntry = ct;
        foundDir = reply ? 1 : 0;
        return true;
      }
    }
    slot = (slot + 1) & mask;
  }
  foundEntry = 0;
  return false;
}

function insertKey(fingerprint: u32, handle: u32): void {
  const mask = indexSlots - 1;
  let slot = homeOf(fingerprint);
  while (load<u32>(slotAddress(slot), HANDLE) != 0) slot = (slot + 1) & mask;
  store<u64>(slotAddress(slot), (<u64>handle << 32) | fingerprint);
}

/** The slot holding the key with `handle` (without ASSURED_BIT); the key must be in the index. */
function slotOfKey(fingerprint: u32, handle: u32): u32 {
  const mask = indexSlots - 1;
  let slot = homeOf(fingerprint);
  while ((load<u32>(slotAddress(slot), HANDLE) & ~ASSURED_BIT) != handle) slot = (slot + 1) & mask;
  return slot;
}

function removeKey(fingerprint: u32, handle: u32): void {
  const mask = indexSlots - 1;
  let hole = slotOfKey(fingerprint, handle);
  // Backward shift: pull later keys of the same probe run into the hole while that keeps each of
  // them reachable from its home slot (which its fingerprint gives, without touching its entry).
  let next = (hole + 1) & mask;
  while (true) {
    const at = slotAddress(next);
    const slot = load<u64>(at);
    if ((slot >>> 32) == 0) break;
    const home = homeOf(<u32>slot);
    // The key at `next` may move to `hole` unless its home lies cyclically in (hole, next].
    if (((next - home) & mask) >= ((next - hole) & mask)) {
      store<u64>(slotAddress(hole), slot);
      hole = next;
    }
    next = (next + 1) & mask;
  }
  store<u64>(slotAddress(hole), 0);
}

/** The handle naming `ct` in direction `dir`, without ASSURED_BIT. */
@inline function handleOf(ct: usize, dir: u32): u32 {
  return (dir << 31) | (<u32>entryIndex(ct) + 1);
}

/** The handle as stored in the slot: with ASSURED_BIT when `ct` is ASSURED. */
@inline function keyHandleOf(ct: usize, dir: u32): u32 {
  return handleOf(ct, dir) | (hasStatus(ct, CTSTATUS_ASSURED) ? ASSURED_BIT : 0);
}

@inline function originalFingerprint(ct: usize): u32 {
  return fingerprintOf(load<u32>(ct, CT_ORIG_SRC), load<u32>(ct, CT_ORIG_DST), origPorts(ct), load<u8>(ct, CT_PROTO));
}

@inline function replyFingerprint(ct: usize): u32 {
  return fingerprintOf(replySrc(ct), replyDst(ct), replyPorts(ct), load<u8>(ct, CT_PROTO));
}

/** Makes `ct` findable by both its tuples. */
export function indexInsert(ct: usize): void {
  insertKey(originalFingerprint(ct), keyHandleOf(ct, 0));
  insertKey(replyFingerprint(ct), keyHandleOf(ct, 1));
}

@inline function setAssuredBit(fingerprint: u32, handle: u32): void {
  const at = slotAddress(slotOfKey(fingerprint, handle));
  store<u32>(at, load<u32>(at, HANDLE) | ASSURED_BIT, HANDLE);
}

/** Sets ASSURED on `ct` (status only ever gains it), and on its keys when it is in the index. */
export function markAssured(ct: usize): void {
  if (hasStatus(ct, CTSTATUS_ASSURED)) return;
  addStatus(ct, CTSTATUS_ASSURED);
  if (!hasStatus(ct, CTSTATUS_CONFIRMED)) return; // indexInsert will carry it
  setAssuredBit(originalFingerprint(ct), handleOf(ct, 0));
  setAssuredBit(replyFingerprint(ct), handleOf(ct, 1));
}

/** Removes both keys of a confirmed `ct`. */
export function indexRemove(ct: usize): void {
  removeKey(originalFingerprint(ct), handleOf(ct, 0));
  removeKey(replyFingerprint(ct), handleOf(ct, 1));
}

/**
 * How much older the key with `handle` is than any key yet to come: its entry's age in ids (ids
 * count up, wrapping; the live ones span far less than 2^32), doubled, plus one for the ORIGINAL
 * key, which an entry inserts before its REPLY key.
 */
function seniorityOf(handle: u32, nextId: u32): u64 {
  const age = nextId - idOf(handleEntry(handle));
  return (<u64>age << 1) | <u64>((handle & DIR_BIT) == 0 ? 1 : 0);
}

/** Inserts a key where inserting every key oldest first would have put it. */
function insertBySeniority(fingerprint: u32, handle: u32, nextId: u32): void {
  const mask = indexSlots - 1;
  let slot = homeOf(fingerprint);
  let seniority = seniorityOf(handle, nextId);
  while (true) {
    const at = slotAddress(slot);
    const occupant = load<u64>(at);
    const occupantHandle = <u32>(occupant >>> 32);
    if (occupantHandle == 0) break;
    const occupantSeniority = seniorityOf(occupantHandle, nextId);
    if (occupantSeniority < seniority) {
      // The younger key gives way and probes on from the next slot, as it would have arrived later.
      store<u64>(at, (<u64>handle << 32) | fingerprint);
      fingerprint = <u32>occupant;
      handle = occupantHandle;
      seniority = occupantSeniority;
    }
    slot = (slot + 1) & mask;
  }
  store<u64>(slotAddress(slot), (<u64>handle << 32) | fingerprint);
}

/** Rebuilds the index at `slots` slots from the confirmed entries (the index holds nothing else). */
function rebuild(slots: u32): void {
  setIndexSlots(slots);
  memory.fill(indexBase, 0, <usize>slots << SLOT_SHIFT);
  const nextId = cfgWord(CFG_CT_NEXT_ID);
  const high = cfgWord(CFG_CT_HIGH);
  for (let i: u32 = 0; i < high; i++) {
    const ct = entryAt(<i32>i);
    if (load<u32>(ct, CT_ID) == 0 || !hasStatus(ct, CTSTATUS_CONFIRMED)) continue;
    insertBySeniority(originalFingerprint(ct), keyHandleOf(ct, 0), nextId);
    insertBySeniority(replyFingerprint(ct), keyHandleOf(ct, 1), nextId);
  }
}

/** Grows the index when the peak of live entries (CFG_CT_HIGH) has outgrown it. */
export function indexFollowPeak(): void {
  const slots = indexSlotsFor(cfgWord(CFG_CT_HIGH), entryCapacity, indexReserved);
  if (slots > indexSlots) rebuild(slots);
}
