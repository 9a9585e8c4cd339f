// Conntrack defrag (nf_defrag_ipv4 at priority -400, NETFILTER.md §4.1) for one packet record:
// a fragment is queued (ip_defrag / ip_frag_queue) and stolen, unless it completes its datagram,
// which then goes on through the hooks in its place. Dropped fragments are reported with the
// kernel's reason; so are queues that time out or are evicted meanwhile.
import {
  DFQ_COUNT, DFQ_ECN, DFQ_FLAGS, DFQ_HEAD_RECORD, DFQ_ID, DFQ_LEN, DFQ_MAX_DF_SIZE, DFQ_MAX_SIZE,
  DFQ_MEAT, DFF_END, DFF_KNOWN_AT, DFF_KNOWN_LEN, DFF_OFFSET, DFF_QUEUE_ID, DFF_SLOT, DFQF_FIRST_IN,
  DFQF_LAST_IN, DFR_BAD_END, DFR_BEYOND_END, DFR_DUPLICATE, DFR_ECN, DFR_EMPTY, DFR_NONE, DFR_OVERLAP,
  DFR_OVERSIZE, DFS_DROPPED, DFS_HELD, DFS_NONE, DFS_REASSEMBLED, DFF_HEADER, PF_DF, PF_LOCAL_OUT, PF_MF,
  PKT_DST, PKT_FLAGS, PKT_FRAGOFF, PKT_IPID, PKT_IPLEN, PKT_PAYLOAD_LEN, PKT_PAYLOAD_PTR, PKT_PROTO,
  PKT_SIZE, PKT_SRC, PKT_TOS, PKT_TS,
} from '../shared/layout';
import { buildDatagram, headerBytes, MAX_DATAGRAM, transportHeaderBytes } from './reassemble';
import { createQueue, dropQueue, expireQueues, findQueue, queuesHeld, slotAddress } from './queues';
import { resetReport, settle } from './report';
import { allocate, entryAddress } from './ring';
import { link, place, PLACE_DUPLICATE, PLACE_OVERLAP } from './runs';

const USER_CONNTRACK_IN: u32 = 0;
const USER_CONNTRACK_OUT: u32 = 1;
const OFFSET_UNIT: u32 = 8;

// IPFRAG_ECN_* (inet_frag.h): one bit per ECN codepoint seen among the fragments
const ECN_NOT_ECT: u32 = 1;
const ECN_CE: u32 = 8;

// The fragment being gathered
let src: u32 = 0;
let dst: u32 = 0;
let ipId: u32 = 0;
let proto: u32 = 0;
let user: u32 = 0;
let offset: u32 = 0;
let end: u32 = 0;
let last: bool = false;

/** The fragment dropped; the queue discarded with it unless it was only a duplicate. */
function reject(slot: i32, why: u32): u32 {
  let id: u32 = 0;
  let discarded: u32 = 0;
  if (slot >= 0) {
    id = load<u32>(slotAddress(<u32>slot), DFQ_ID);
    if (why != DFR_DUPLICATE) discarded = dropQueue(<u32>slot);
  }
  settle(DFS_DROPPED, why, id, discarded);
  return DFS_DROPPED;
}

/** ip_frag_queue's checks of the fragment against its queue, before it is stored. */
function check(q: usize): u32 {
  const known = load<u32>(q, DFQ_LEN);
  const lastIn = (<u32>load<u8>(q, DFQ_FLAGS) & DFQF_LAST_IN) != 0;
  if (last) {
    if (end < known || (lastIn && end != known)) return DFR_BAD_END;
  } else if (end > known && lastIn) {
    return DFR_BEYOND_END;
  }
  if (end == offset) return DFR_EMPTY;
  const how = place(q, offset, end);
  if (how == PLACE_DUPLICATE) return DFR_DUPLICATE;
  if (how == PLACE_OVERLAP) return DFR_OVERLAP;
  return DFR_NONE;
}

// Where the fragment's known bytes start in the datagram, and how many there are
let knownAt: u32 = 0;
let known: u32 = 0;

/**
 * The bytes the record holds: its payload from the fragment's first byte when that payload is its
 * whole IP payload (captures), else - a first fragment described without its transport header
 * (JSON) - from the end of that header. None without a payload (JSON, LOG lines).
 */
function measureKnown(rec: usize): void {
  const ipLen = <u32>load<u16>(rec, PKT_IPLEN);
  const ipData = ipLen > headerBytes(rec) ? ipLen - headerBytes(rec) : 0;
  const payloadLength = load<u32>(rec, PKT_PAYLOAD_LEN);
  const payload = <usize>load<u32>(rec, PKT_PAYLOAD_PTR);
  knownAt = offset;
  if (offset == 0 && payloadLength != ipData) knownAt = transportHeaderBytes(rec);
  known = payload != 0 && knownAt < end ? min(payloadLength, end - knownAt) : 0;
}

function storeFragment(rec: usize, ref: u32, slot: u32): void {
  const e = entryAddress(ref);
  store<u32>(e, load<u32>(slotAddress(slot), DFQ_ID), DFF_QUEUE_ID);
  store<u32>(e, slot, DFF_SLOT);
  store<u32>(e, offset, DFF_OFFSET);
  store<u32>(e, end, DFF_END);
  store<u32>(e, knownAt, DFF_KNOWN_AT);
  store<u32>(e, known, DFF_KNOWN_LEN);
  if (known != 0) memory.copy(e + DFF_HEADER, <usize>load<u32>(rec, PKT_PAYLOAD_PTR), known);
}

/** The queue's bookkeeping after the fragment joined it (ip_frag_queue). */
function account(rec: usize, q: usize): void {
  let flags = <u32>load<u8>(q, DFQ_FLAGS);
  if (last) {
    flags |= DFQF_LAST_IN;
    store<u32>(q, end, DFQ_LEN);
  } else if (end > load<u32>(q, DFQ_LEN)) {
    store<u32>(q, end, DFQ_LEN);
  }
  if (offset == 0) {
    flags |= DFQF_FIRST_IN;
    memory.copy(q + DFQ_HEAD_RECORD, rec, PKT_SIZE);
  }
  store<u8>(q, <u8>flags, DFQ_FLAGS);
  store<u32>(q, load<u32>(q, DFQ_MEAT) + end - offset, DFQ_MEAT);
  store<u8>(q, <u8>(<u32>load<u8>(q, DFQ_ECN) | (<u32>1 << (<u32>load<u8>(rec, PKT_TOS) & 3))), DFQ_ECN);
  store<u16>(q, load<u16>(q, DFQ_COUNT) + 1, DFQ_COUNT);
  const size = end - offset + headerBytes(rec);
  if (size > load<u32>(q, DFQ_MAX_SIZE)) store<u32>(q, size, DFQ_MAX_SIZE);
  if ((<u32>load<u8>(rec, PKT_FLAGS) & PF_DF) != 0 && size > load<u32>(q, DFQ_MAX_DF_SIZE)) store<u32>(q, size, DFQ_MAX_DF_SIZE);
}

function complete(q: usize): bool {
  return <u32>load<u8>(q, DFQ_FLAGS) == (DFQF_FIRST_IN | DFQF_LAST_IN) && load<u32>(q, DFQ_MEAT) == load<u32>(q, DFQ_LEN);
}

/** ip_frag_reasm: the checks that can still fail, then the datagram in `rec`. */
function reassemble(rec: usize, slot: u32): u32 {
  const q = slotAddress(slot);
  const id = load<u32>(q, DFQ_ID);
  const count = <u32>load<u16>(q, DFQ_COUNT);
  if (headerBytes(q + DFQ_HEAD_RECORD) + load<u32>(q, DFQ_LEN) > MAX_DATAGRAM) {
    dropQueue(slot);
    settle(DFS_DROPPED, DFR_OVERSIZE, id, count - 1);
    return DFS_DROPPED;
  }
  const ecn = <u32>load<u8>(q, DFQ_ECN);
  if ((ecn & ECN_NOT_ECT) != 0 && ecn != ECN_NOT_ECT) {
    dropQueue(slot);
    settle(DFS_DROPPED, DFR_ECN, id, count - 1);
    return DFS_DROPPED;
  }
  buildDatagram(rec, q, (ecn & ECN_CE) != 0);
  dropQueue(slot);
  settle(DFS_REASSEMBLED, DFR_NONE, id, count);
  return DFS_REASSEMBLED;
}

/**
 * Defragments the packet record at `rec` (DFS_*): DFS_NONE for a whole packet, DFS_HELD when
 * queued, DFS_DROPPED when defrag dropped it, DFS_REASSEMBLED when it completed its datagram and
 * `rec` now holds that datagram.
 */
/**
 * Whether defragPacket has anything to do for the packet at `rec`: it is a fragment, or queues
 * are held (which its timestamp may expire). Most packets are neither, and skip the call.
 */
@inline export function defragConcerns(rec: usize): bool {
  return (load<u8>(rec, PKT_FLAGS) & PF_MF) != 0 || load<u16>(rec, PKT_FRAGOFF) != 0 || queuesHeld();
}

export function defragPacket(rec: usize): u32 {
  resetReport();
  expireQueues(load<f64>(rec, PKT_TS));
  const flags = <u32>load<u8>(rec, PKT_FLAGS);
  const units = <u32>load<u16>(rec, PKT_FRAGOFF);
  if ((flags & PF_MF) == 0 && units == 0) return DFS_NONE;

  src = load<u32>(rec, PKT_SRC);
  dst = load<u32>(rec, PKT_DST);
  ipId = <u32>load<u16>(rec, PKT_IPID);
  proto = <u32>load<u8>(rec, PKT_PROTO);
  user = (flags & PF_LOCAL_OUT) != 0 ? USER_CONNTRACK_OUT : USER_CONNTRACK_IN;
  last = (flags & PF_MF) == 0;
  offset = units * OFFSET_UNIT;
  const ipLen = <u32>load<u16>(rec, PKT_IPLEN);
  const ihl = headerBytes(rec);
  end = offset + (ipLen > ihl ? ipLen - ihl : 0);
  // A fragment that is not the last carries a multiple of 8 bytes; the rest is trimmed off.
  if (!last) end &= ~(OFFSET_UNIT - 1);

  let slot = findQueue(src, dst, ipId, proto, user);
  if (slot >= 0) {
    const why = check(slotAddress(<u32>slot));
    if (why != DFR_NONE) return reject(slot, why);
  } else if (end == offset) {
    return reject(-1, DFR_EMPTY);
  }
  // Making room may evict the oldest queues, this fragment's own among them: look it up again.
  measureKnown(rec);
  const ref = allocate(known);
  slot = findQueue(src, dst, ipId, proto, user);
  if (slot < 0) slot = <i32>createQueue(src, dst, ipId, proto, user, load<f64>(rec, PKT_TS));
  const q = slotAddress(<u32>slot);
  const how = place(q, offset, end);
  storeFragment(rec, ref, <u32>slot);
  link(q, ref, how);
  account(rec, q);
  if (complete(q)) return reassemble(rec, <u32>slot);
  settle(DFS_HELD, DFR_NONE, load<u32>(q, DFQ_ID), <u32>load<u16>(q, DFQ_COUNT));
  return DFS_HELD;
}
