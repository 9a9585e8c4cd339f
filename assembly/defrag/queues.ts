// The reassembly queues (ip_fragment.c's ipq): one per datagram being rebuilt, keyed like the
// kernel's (src, dst, IP id, protocol, defrag user: conntrack in / out), in a fixed table. A full
// table evicts its oldest queue; a queue lives ipfrag_time from its first fragment (its timer is
// never re-armed), measured in packet time.
import {
  DF_LIVE, DF_NEXT_EXPIRY, DF_NEXT_ID, DF_QUEUE_HIGH, DFQ_COUNT, DFQ_CREATED, DFQ_DST, DFQ_ID, DFQ_IPID,
  DFQ_PROTO, DFQ_SIZE, DFQ_SRC, DFQ_USER,
} from '../shared/layout';
import { block, queueMax, queuesBase, setWord, timeoutSeconds, word } from './config';
import { noteEvicted, noteExpired } from './report';

const NO_SLOT: i32 = -1;

@inline export function slotAddress(slot: u32): usize {
  return queuesBase + <usize>slot * DFQ_SIZE;
}

@inline function nextExpiry(): f64 {
  return load<f64>(block + (<usize>DF_NEXT_EXPIRY << 2));
}

@inline function setNextExpiry(t: f64): void {
  store<f64>(block + (<usize>DF_NEXT_EXPIRY << 2), t);
}

/** The live queue for this key, or -1. */
export function findQueue(src: u32, dst: u32, ipId: u32, proto: u32, user: u32): i32 {
  const high = word(DF_QUEUE_HIGH);
  for (let slot: u32 = 0; slot < high; slot++) {
    const q = slotAddress(slot);
    if (load<u32>(q, DFQ_ID) == 0) continue;
    if (load<u32>(q, DFQ_SRC) == src && load<u32>(q, DFQ_DST) == dst && <u32>load<u16>(q, DFQ_IPID) == ipId
      && <u32>load<u8>(q, DFQ_PROTO) == proto && <u32>load<u8>(q, DFQ_USER) == user) return <i32>slot;
  }
  return NO_SLOT;
}

/** Frees the queue in `slot`: its stored fragments become dead space in the ring. */
export function dropQueue(slot: u32): u32 {
  const q = slotAddress(slot);
  const held = <u32>load<u16>(q, DFQ_COUNT);
  store<u32>(q, 0, DFQ_ID);
  setWord(DF_LIVE, word(DF_LIVE) - 1);
  return held;
}

export function evictQueue(slot: u32): void {
  noteEvicted(dropQueue(slot));
}

/** The slot whose queue was made first (ids only grow). */
function oldestSlot(): u32 {
  const high = word(DF_QUEUE_HIGH);
  let best: u32 = 0;
  let bestId: u32 = 0xffffffff;
  for (let slot: u32 = 0; slot < high; slot++) {
    const id = load<u32>(slotAddress(slot), DFQ_ID);
    if (id != 0 && id < bestId) {
      bestId = id;
      best = slot;
    }
  }
  return best;
}

function freeSlot(): u32 {
  const high = word(DF_QUEUE_HIGH);
  for (let slot: u32 = 0; slot < high; slot++) if (load<u32>(slotAddress(slot), DFQ_ID) == 0) return slot;
  if (high < queueMax) {
    setWord(DF_QUEUE_HIGH, high + 1);
    return high;
  }
  const oldest = oldestSlot();
  evictQueue(oldest);
  return oldest;
}

/** A fresh, empty queue for this key, made at packet time `now`. */
export function createQueue(src: u32, dst: u32, ipId: u32, proto: u32, user: u32, now: f64): u32 {
  const slot = freeSlot();
  const q = slotAddress(slot);
  memory.fill(q, 0, DFQ_SIZE);
  let id = word(DF_NEXT_ID);
  if (id == 0) id = 1;
  setWord(DF_NEXT_ID, id + 1 == 0 ? 1 : id + 1);
  store<u32>(q, id, DFQ_ID);
  store<u32>(q, src, DFQ_SRC);
  store<u32>(q, dst, DFQ_DST);
  store<u16>(q, <u16>ipId, DFQ_IPID);
  store<u8>(q, <u8>proto, DFQ_PROTO);
  store<u8>(q, <u8>user, DFQ_USER);
  store<f64>(q, now, DFQ_CREATED);
  setWord(DF_LIVE, word(DF_LIVE) + 1);
  const expiry = now + timeoutSeconds;
  if (word(DF_LIVE) == 1 || expiry < nextExpiry()) setNextExpiry(expiry);
  return slot;
}

/**
 * Drops every queue whose timer ran out by packet time `now` (ip_expire: the conntrack defrag
 * users send no ICMP time-exceeded, the fragments are just freed).
 */
/** Some datagram is being reassembled (a queue holds fragments). */
@inline export function queuesHeld(): bool {
  return word(DF_LIVE) != 0;
}

export function expireQueues(now: f64): void {
  if (word(DF_LIVE) == 0 || now < nextExpiry()) return;
  const high = word(DF_QUEUE_HIGH);
  let soonest: f64 = Infinity;
  for (let slot: u32 = 0; slot < high; slot++) {
    const q = slotAddress(slot);
    if (load<u32>(q, DFQ_ID) == 0) continue;
    const expiry = load<f64>(q, DFQ_CREATED) + timeoutSeconds;
    if (now >= expiry) noteExpired(dropQueue(slot));
    else if (expiry < soonest) soonest = expiry;
  }
  setNextExpiry(soonest);
}
