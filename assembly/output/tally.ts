// Packets counted for the end-of-run summary by verdict, ctstate and deciding entry (what
// Summary.addCounts takes), in an open-addressing table the host folds into the summary and
// empties (abi.ts W_TALLY). Kept at most half full so probes stay short.
import { TALLY_CTSTATE_SHIFT, TALLY_ENTRY_SHIFT, TALLY_SLOT_BYTES, W_TALLY, W_TALLY_ORDER, W_TALLY_SLOTS, W_TALLY_USED } from './abi';

let slots: usize = 0;
let order: usize = 0;
let mask: u32 = 0;
let used: u32 = 0;
let lastKey: u32 = 0;
let lastSlot: usize = 0;

export function loadTally(ctl: usize): void {
  slots = load<u32>(ctl + W_TALLY) as usize;
  order = load<u32>(ctl + W_TALLY_ORDER) as usize;
  mask = load<u32>(ctl + W_TALLY_SLOTS) - 1;
  used = load<u32>(ctl + W_TALLY_USED);
  lastKey = 0;
}

export function saveTally(ctl: usize): void {
  store<u32>(ctl + W_TALLY_USED, used);
}

/** The largest entry a tally key holds. */
export const TALLY_ENTRY_MAX: i32 = (1 << (32 - TALLY_ENTRY_SHIFT)) - 3;

/**
 * The slot counting packets of this verdict, ctstate (< 128) and entry (<= TALLY_ENTRY_MAX), taken
 * when new; 0 when the table may not take another key.
 */
export function tallySlot(verdict: u32, ctstate: u32, entry: i32): usize {
  const key = (verdict | (ctstate << TALLY_CTSTATE_SHIFT) | (<u32>(entry + 1) << TALLY_ENTRY_SHIFT)) + 1;
  if (key == lastKey) return lastSlot;
  let i = (key * 0x9e3779b1) >>> 16;
  while (true) {
    const at = slots + (i & mask) * TALLY_SLOT_BYTES;
    const held = load<u32>(at);
    if (held == key) {
      lastKey = key;
      lastSlot = at;
      return at;
    }
    if (held == 0) {
      if (used * 2 >= mask + 1) return 0;
      store<u32>(order + used * 4, <u32>at);
      used++;
      store<u32>(at, key);
      store<u32>(at + 4, 0);
      lastKey = key;
      lastSlot = at;
      return at;
    }
    i++;
  }
  return 0;
}

@inline export function count(slot: usize): void {
  store<u32>(slot + 4, load<u32>(slot + 4) + 1);
}
