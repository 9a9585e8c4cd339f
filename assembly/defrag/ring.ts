// The fragment store: a ring of stored fragments (DFF_* header + data) in arrival order. Making
// room advances the tail over the oldest fragments; one whose queue is still there takes that
// whole queue with it, so under memory pressure the oldest queues go first (the kernel before
// 4.17 evicted the oldest queues past ipfrag_high_thresh; see docs/fragments.md). Fragments of
// finished queues are dead space, passed over when the tail reaches them.
import {
  DF_RING_COUNT, DF_RING_HEAD, DF_RING_TAIL, DF_RING_WRAP, DFF_HEADER, DFF_KNOWN_LEN, DFF_QUEUE_ID,
  DFF_SLOT, DFQ_ID,
} from '../shared/layout';
import { ringBase, ringSize, setWord, word } from './config';
import { evictQueue, slotAddress } from './queues';

@inline function align8(n: u32): u32 {
  return (n + 7) & ~7;
}

/** Bytes a fragment with `known` data bytes takes in the ring. */
@inline export function storedSize(known: u32): u32 {
  return DFF_HEADER + align8(known);
}

@inline export function entryAddress(ref: u32): usize {
  return ringBase + <usize>(ref - 1);
}

function reset(): void {
  setWord(DF_RING_HEAD, 0);
  setWord(DF_RING_TAIL, 0);
  setWord(DF_RING_WRAP, ringSize);
  setWord(DF_RING_COUNT, 0);
}

function dropTail(): void {
  let tail = word(DF_RING_TAIL);
  const e = ringBase + <usize>tail;
  const slot = load<u32>(e, DFF_SLOT);
  const id = load<u32>(e, DFF_QUEUE_ID);
  if (load<u32>(slotAddress(slot), DFQ_ID) == id) evictQueue(slot);
  tail += storedSize(load<u32>(e, DFF_KNOWN_LEN));
  const count = word(DF_RING_COUNT) - 1;
  setWord(DF_RING_COUNT, count);
  if (count == 0) {
    reset();
    return;
  }
  if (tail >= word(DF_RING_WRAP)) {
    tail = 0;
    setWord(DF_RING_WRAP, ringSize);
  }
  setWord(DF_RING_TAIL, tail);
}

/**
 * Room for a fragment of `known` data bytes, evicting the oldest queues as needed. Returns its
 * reference (ring offset + 1), or 0 when it is larger than the whole store.
 */
export function allocate(known: u32): u32 {
  const size = storedSize(known);
  if (size > ringSize) return 0;
  if (word(DF_RING_COUNT) == 0) reset();
  while (true) {
    const head = word(DF_RING_HEAD);
    const tail = word(DF_RING_TAIL);
    const count = word(DF_RING_COUNT);
    if (count == 0 || head > tail) {
      // free: [head, ringSize) and [0, tail)
      if (ringSize - head >= size) return take(head, size);
      if (count == 0) {
        reset();
        continue;
      }
      setWord(DF_RING_WRAP, head);
      setWord(DF_RING_HEAD, 0);
      continue;
    }
    // head <= tail with fragments stored: free is [head, tail)
    if (tail - head >= size) return take(head, size);
    dropTail();
  }
  return 0;
}

function take(at: u32, size: u32): u32 {
  setWord(DF_RING_HEAD, at + size);
  setWord(DF_RING_COUNT, word(DF_RING_COUNT) + 1);
  return at + 1;
}
