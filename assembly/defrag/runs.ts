// Where a fragment goes among those a queue holds, by inet_frag_queue_insert()'s rules: fragments
// that arrive back to back at the tail form a "run"; a fragment lying wholly inside one run is a
// duplicate (dropped, the queue kept), any other overlap poisons the queue (RFC 5722 as the kernel
// applies it to IPv4 too, since 4.19: the whole datagram is discarded).
import {
  DFF_END, DFF_NEXT, DFF_OFFSET, DFF_RUN_END, DFQ_FIRST, DFQ_LAST, DFQ_LAST_RUN,
} from '../shared/layout';
import { entryAddress } from './ring';

export const PLACE_NEW_RUN: u32 = 1;
export const PLACE_APPEND_RUN: u32 = 2;
export const PLACE_DUPLICATE: u32 = 3;
export const PLACE_OVERLAP: u32 = 4;

/** After place(): the fragment that will precede the new one in offset order (0 = first). */
let after: u32 = 0;

/** Where [offset, end) goes in queue `q`: PLACE_*. */
export function place(q: usize, offset: u32, end: u32): u32 {
  const last = load<u32>(q, DFQ_LAST);
  after = 0;
  if (last == 0) return PLACE_NEW_RUN;
  const lastEnd = load<u32>(entryAddress(last), DFF_END);
  if (lastEnd < end) {
    // the common case: it goes to the end
    if (offset < lastEnd) return PLACE_OVERLAP;
    after = last;
    return offset == lastEnd ? PLACE_APPEND_RUN : PLACE_NEW_RUN;
  }
  let ref = load<u32>(q, DFQ_FIRST);
  while (ref != 0) {
    const e = entryAddress(ref);
    const runEnd = load<u32>(e, DFF_RUN_END);
    if (runEnd != 0) {
      const start = load<u32>(e, DFF_OFFSET);
      if (end <= start) return PLACE_NEW_RUN;
      if (offset < runEnd) return offset >= start && end <= runEnd ? PLACE_DUPLICATE : PLACE_OVERLAP;
    }
    after = ref;
    ref = load<u32>(e, DFF_NEXT);
  }
  return PLACE_NEW_RUN;
}

/** Links the stored fragment `ref` (its DFF_OFFSET/DFF_END set) where the last place() said. */
export function link(q: usize, ref: u32, how: u32): void {
  const e = entryAddress(ref);
  const end = load<u32>(e, DFF_END);
  if (how == PLACE_APPEND_RUN) {
    store<u32>(e, 0, DFF_RUN_END);
    store<u32>(entryAddress(load<u32>(q, DFQ_LAST_RUN)), end, DFF_RUN_END);
  } else {
    store<u32>(e, end, DFF_RUN_END);
  }
  if (after == 0) {
    store<u32>(e, load<u32>(q, DFQ_FIRST), DFF_NEXT);
    store<u32>(q, ref, DFQ_FIRST);
  } else {
    const prev = entryAddress(after);
    store<u32>(e, load<u32>(prev, DFF_NEXT), DFF_NEXT);
    store<u32>(prev, ref, DFF_NEXT);
  }
  if (load<u32>(e, DFF_NEXT) == 0) {
    store<u32>(q, ref, DFQ_LAST);
    if (how != PLACE_APPEND_RUN) store<u32>(q, ref, DFQ_LAST_RUN);
  }
}
