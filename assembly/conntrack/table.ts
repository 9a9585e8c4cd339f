// The conntrack index (NETFILTER.md §4.3, WASM-NOTES.md §4): open addressing with linear probing
// over a power-of-two number of CT_SLOT_SIZE slots, load factor <= 0.5 (the host gives >= 4 slots
// per conntrack, two keys each), a multiply hash, and backward-shift deletion (no tombstones).
// Each confirmed conntrack has two keys, its ORIGINAL and REPLY tuples, so either direction finds it.
import { CT_ORIG_DST, CT_ORIG_SRC, CT_PROTO } from '../shared/layout';
import { indexBase, indexSlots } from './config';
import { entryAt, entryIndex } from './entries';
import { origPorts, replyDst, replyPorts, replySrc, zoneOf } from './tuple';

const SLOT_SHIFT = 4; // CT_SLOT_SIZE
const DIR_BIT: u32 = 1 << 23;
const ENTRY_MASK: u32 = DIR_BIT - 1;

/** Result of the last lookup(): the entry address (0 = none) and the direction it was found in. */
export let foundEntry: usize = 0;
export let foundDir: i32 = 0;

@inline function homeSlot(src: u32, dst: u32, ports: u32, proto: u8): u32 {
  let h = ((<u64>src << 32) | dst) * 0x9e3779b97f4a7c15;
  h ^= (((<u64>ports << 8) | proto) + 0x632be59bd9b4e019) * 0xc2b2ae3d27d4eb4f;
  h ^= h >> 31;
  h *= 0xff51afd7ed558ccd;
  return <u32>(h >> 32) & (indexSlots - 1);
}

/** The slot where the probe for this tuple starts. */
export function homeSlotOf(src: u32, dst: u32, ports: u32, proto: u8): u32 {
  return homeSlot(src, dst, ports, proto);
}

/**
 * Loads the home slot of a tuple, bringing its cache line in ahead of the lookup (touching the
 * entry too measured slower: it serialises on the slot load). Returns the word read.
 */
export function touchHome(src: u32, dst: u32, ports: u32, proto: u8): u32 {
  const w3 = load<u32>(indexBase + (<usize>homeSlot(src, dst, ports, proto) << SLOT_SHIFT), 12);
  return w3;
}

@inline function slotAddress(slot: u32): usize {
  return indexBase + (<usize>slot << SLOT_SHIFT);
}

/**
 * Finds the conntrack with tuple (src, dst, ports, proto) in `zone` in either direction; sets
 * foundEntry/foundDir and returns whether one was found.
 */
export function lookup(src: u32, dst: u32, ports: u32, proto: u8, zone: u16): bool {
  const mask = indexSlots - 1;
  let slot = homeSlot(src, dst, ports, proto);
  while (true) {
    const at = slotAddress(slot);
    const w3 = load<u32>(at, 12);
    if (w3 == 0) break;
    if (load<u32>(at) == src && load<u32>(at, 4) == dst && load<u32>(at, 8) == ports && <u8>(w3 >>> 24) == proto) {
      const ct = entryAt(<i32>(w3 & ENTRY_MASK) - 1);
      if (zoneOf(ct) == zone) {
        foundEntry = ct;
        foundDir = (w3 & DIR_BIT) != 0 ? 1 : 0;
        return true;
      }
    }
    slot = (slot + 1) & mask;
  }
  foundEntry = 0;
  return false;
}

function insertKey(src: u32, dst: u32, ports: u32, proto: u8, value: u32): void {
  const mask = indexSlots - 1;
  let slot = homeSlot(src, dst, ports, proto);
  while (load<u32>(slotAddress(slot), 12) != 0) slot = (slot + 1) & mask;
  const at = slotAddress(slot);
  store<u32>(at, src);
  store<u32>(at, dst, 4);
  store<u32>(at, ports, 8);
  store<u32>(at, value, 12);
}

function removeKey(value: u32, src: u32, dst: u32, ports: u32, proto: u8): void {
  const mask = indexSlots - 1;
  let hole = homeSlot(src, dst, ports, proto);
  while (load<u32>(slotAddress(hole), 12) != value) hole = (hole + 1) & mask;
  // Backward shift: pull later keys of the same probe run into the hole while that keeps each of
  // them reachable from its home slot.
  let next = (hole + 1) & mask;
  while (true) {
    const at = slotAddress(next);
    const w3 = load<u32>(at, 12);
    if (w3 == 0) break;
    const home = homeSlot(load<u32>(at), load<u32>(at, 4), load<u32>(at, 8), <u8>(w3 >>> 24));
    // The key at `next` may move to `hole` unless its home lies cyclically in (hole, next].
    if (((next - home) & mask) >= ((next - hole) & mask)) {
      v128.store(slotAddress(hole), v128.load(at));
      hole = next;
    }
    next = (next + 1) & mask;
  }
  store<u32>(slotAddress(hole), 0, 12);
}

@inline function keyValue(ct: usize, dir: u32): u32 {
  return (<u32>load<u8>(ct, CT_PROTO) << 24) | (dir << 23) | (<u32>entryIndex(ct) + 1);
}

/** Makes `ct` findable by both its tuples. */
export function indexInsert(ct: usize): void {
  const proto = load<u8>(ct, CT_PROTO);
  insertKey(load<u32>(ct, CT_ORIG_SRC), load<u32>(ct, CT_ORIG_DST), origPorts(ct), proto, keyValue(ct, 0));
  insertKey(replySrc(ct), replyDst(ct), replyPorts(ct), proto, keyValue(ct, 1));
}

/** Removes both keys of a confirmed `ct`. */
export function indexRemove(ct: usize): void {
  const proto = load<u8>(ct, CT_PROTO);
  removeKey(keyValue(ct, 0), load<u32>(ct, CT_ORIG_SRC), load<u32>(ct, CT_ORIG_DST), origPorts(ct), proto);
  removeKey(keyValue(ct, 1), replySrc(ct), replyDst(ct), replyPorts(ct), proto);
}
