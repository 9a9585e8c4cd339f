// OP_RECENT (xt_recent.c recent_mt): a named list of recently seen addresses shared by every rule
// naming it; each entry keeps the timestamps of its last RECENT_MAX_PKTS updates. When the list
// is full the least recently updated entry makes room.
import {
  PF_LOCAL_OUT, PKT_DST, PKT_FLAGS, PKT_SRC, PKT_TTL, RECENT_ENTRY_SIZE, RECENT_MAX_ENTRIES,
  RECENT_MAX_PKTS, RECENT_REMOVE, RECENT_SET, RECENT_UPDATE, RF_RDEST, RF_REAP, RF_RTTL,
} from '../shared/layout';
import * as packet from './packet';

// List header
const LIST_ENTRIES = 0; // u32, live entries
const LIST_CLOCK = 4; // u32, last LRU tick handed out
const LIST_HEADER = 16;
// Entry
const ADDR = 0; // u32 (masked)
const TTL = 4; // u8
const NSTAMPS = 5; // u8, stamps recorded (up to RECENT_MAX_PKTS)
const NEXT = 6; // u8, slot the next update writes (kernel e->index)
const LIVE = 7; // u8
const LRU_TICK = 8; // u32, larger = more recently updated
const STAMPS = 16; // f64 * RECENT_MAX_PKTS

@inline function entryAt(list: usize, slot: i32): usize {
  return list + LIST_HEADER + <usize>slot * RECENT_ENTRY_SIZE;
}

@inline function stampAt(e: usize, i: u32): f64 {
  return load<f64>(e + STAMPS + (<usize>i << 3));
}

/** recent_entry_lookup: an entry for `addr` whose TTL agrees (0 on either side = any). */
function findEntry(list: usize, addr: u32, ttl: u32): usize {
  for (let slot = 0; slot < RECENT_MAX_ENTRIES; slot++) {
    const e = entryAt(list, slot);
    if (load<u8>(e, LIVE) == 0 || load<u32>(e, ADDR) != addr) continue;
    const entryTtl = <u32>load<u8>(e, TTL);
    if (ttl == 0 || entryTtl == 0 || entryTtl == ttl) return e;
  }
  return 0;
}

/** The least recently updated live entry: the kernel's LRU list head. */
function oldestEntry(list: usize): usize {
  let oldest: usize = 0;
  let oldestTick: u32 = 0xffffffff;
  for (let slot = 0; slot < RECENT_MAX_ENTRIES; slot++) {
    const e = entryAt(list, slot);
    if (load<u8>(e, LIVE) != 0 && load<u32>(e, LRU_TICK) <= oldestTick) {
      oldest = e;
      oldestTick = load<u32>(e, LRU_TICK);
    }
  }
  return oldest;
}

function removeEntry(list: usize, e: usize): void {
  store<u8>(e, 0, LIVE);
  store<u32>(list, load<u32>(list, LIST_ENTRIES) - 1, LIST_ENTRIES);
}

function touch(list: usize, e: usize): void {
  const tick = load<u32>(list, LIST_CLOCK) + 1;
  store<u32>(list, tick, LIST_CLOCK);
  store<u32>(e, tick, LRU_TICK);
}

function addEntry(list: usize, addr: u32, ttl: u32, now: f64): void {
  if (load<u32>(list, LIST_ENTRIES) >= <u32>RECENT_MAX_ENTRIES) removeEntry(list, oldestEntry(list));
  let e: usize = 0;
  for (let slot = 0; slot < RECENT_MAX_ENTRIES; slot++) {
    e = entryAt(list, slot);
    if (load<u8>(e, LIVE) == 0) break;
  }
  store<u32>(e, addr, ADDR);
  store<u8>(e, <u8>ttl, TTL);
  store<u8>(e, 1, NSTAMPS);
  store<u8>(e, 1, NEXT);
  store<u8>(e, 1, LIVE);
  store<f64>(e, now, STAMPS);
  touch(list, e);
  store<u32>(list, load<u32>(list, LIST_ENTRIES) + 1, LIST_ENTRIES);
}

function recordStamp(list: usize, e: usize, now: f64): void {
  let next = <u32>load<u8>(e, NEXT) % <u32>RECENT_MAX_PKTS;
  store<f64>(e + STAMPS + (<usize>next << 3), now);
  next++;
  store<u8>(e, <u8>next, NEXT);
  if (next > <u32>load<u8>(e, NSTAMPS)) store<u8>(e, <u8>next, NSTAMPS);
  touch(list, e);
}

/** Whether the entry holds `hitcount` stamps (1 when 0) no older than `since` (any when !windowed). */
function enoughHits(e: usize, windowed: bool, since: f64, hitcount: u32): bool {
  const n = <u32>load<u8>(e, NSTAMPS);
  let hits: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    if (windowed && stampAt(e, i) < since) continue;
    hits++;
    if (hitcount == 0 || hits >= hitcount) return true;
  }
  return false;
}

/** --reap: drop the LRU head when even its newest stamp is older than `since`. */
function reapOldest(list: usize, since: f64, keep: usize): void {
  const e = oldestEntry(list);
  if (e == 0 || e == keep) return;
  const newest = (<u32>load<u8>(e, NEXT) + RECENT_MAX_PKTS - 1) % RECENT_MAX_PKTS;
  if (stampAt(e, newest) < since) removeEntry(list, e);
}

export function recentMatch(list: usize, cmd: u32, flags: u32, seconds: u32, hitcount: u32, mask: u32, invert: bool): bool {
  const rec = packet.record;
  const now = packet.timestamp;
  const addr = ((flags & RF_RDEST) != 0 ? load<u32>(rec, PKT_DST) : load<u32>(rec, PKT_SRC)) & mask;
  let ttl = <u32>load<u8>(rec, PKT_TTL);
  // "use TTL as seen before forwarding": a packet with an out device and no local socket
  if (packet.outName != packet.NO_IFACE && (load<u8>(rec, PKT_FLAGS) & PF_LOCAL_OUT) == 0) ttl = (ttl + 1) & 0xff;

  let ret = invert;
  const e = findEntry(list, addr, (flags & RF_RTTL) != 0 ? ttl : 0);
  if (e == 0) {
    if (cmd != RECENT_SET) return ret;
    addEntry(list, addr, ttl, now);
    return !ret;
  }
  if (cmd == RECENT_SET) {
    ret = !ret;
  } else if (cmd == RECENT_REMOVE) {
    removeEntry(list, e);
    return !ret;
  } else {
    const since = now - <f64>seconds;
    if (enoughHits(e, seconds != 0, since, hitcount)) ret = !ret;
    const updating = cmd == RECENT_UPDATE && ret;
    if ((flags & RF_REAP) != 0) reapOldest(list, since, updating ? e : 0);
  }
  if (cmd == RECENT_SET || (cmd == RECENT_UPDATE && ret)) {
    recordStamp(list, e, now);
    store<u8>(e, <u8>ttl, TTL);
  }
  return ret;
}
