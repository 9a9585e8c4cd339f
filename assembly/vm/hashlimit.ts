// OP_HASHLIMIT (xt_hashlimit.c hashlimit_mt_common): one token bucket per key (addresses under
// prefix masks, ports), in an open-addressing table of maxEntries buckets inside the rule's state.
// A bucket idle for expireMs is gone (the kernel's garbage collector, applied exactly when due).
import {
  HASHLIMIT_BUCKET_SIZE, HASHLIMIT_HEADER_SIZE, HL_ABOVE, HL_BYTES, HL_DSTIP, HL_DSTPORT, HL_SRCIP,
  HL_SRCPORT, PKT_DPORT, PKT_DST, PKT_IPLEN, PKT_PROTO, PKT_SPORT, PKT_SRC,
} from '../shared/layout';
import { isLaterFragment } from './entry-match';
import { MATCH_FAIL, MATCH_HOTDROP, MATCH_PASS } from './match-result';
import * as packet from './packet';
import { perSecondFromAvg, refilled } from './token-bucket';

// Bucket
const KEY_SRC = 0; // u32
const KEY_DST = 4; // u32
const KEY_PORTS = 8; // u32, sport << 16 | dport
const IN_USE = 12; // u32
const CREDIT = 16; // f64
const LAST = 24; // f64
const EXPIRES = 32; // f64

@inline function prefixMask(prefix: u32): u32 {
  return prefix == 0 ? 0 : 0xffffffff << (32 - (prefix > 32 ? 32 : prefix));
}

/** Protocols whose first L4 word is a port pair (proto_ports_offset == 0 for IPv4). */
@inline function hasPorts(proto: u32): bool {
  return proto == 6 || proto == 17 || proto == 33 || proto == 132 || proto == 136;
}

@inline function mix(src: u32, dst: u32, ports: u32): u32 {
  let h = src * 0x9e3779b1 ^ rotl<u32>(dst * 0x85ebca77, 13) ^ rotl<u32>(ports * 0xc2b2ae3d, 7);
  h ^= h >> 16;
  h *= 0x7feb352d;
  h ^= h >> 15;
  return h;
}

/** The live bucket for the key, or a slot to start one in (0 when the table is full). */
function bucketFor(table: usize, capacity: u32, src: u32, dst: u32, ports: u32, now: f64): usize {
  const home = <u32>((<u64>mix(src, dst, ports) * <u64>capacity) >> 32);
  let reusable: usize = 0;
  for (let k: u32 = 0; k < capacity; k++) {
    let slot = home + k;
    if (slot >= capacity) slot -= capacity;
    const b = table + <usize>slot * HASHLIMIT_BUCKET_SIZE;
    if (load<u32>(b, IN_USE) == 0) return reusable != 0 ? reusable : b;
    if (load<u32>(b, KEY_SRC) == src && load<u32>(b, KEY_DST) == dst && load<u32>(b, KEY_PORTS) == ports) return b;
    // Expired buckets stay in the probe chain (nothing is ever emptied) but may be taken over.
    if (reusable == 0 && now >= load<f64>(b, EXPIRES)) reusable = b;
  }
  return reusable;
}

export function hashlimitMatch(
  state: usize, mode: u32, srcPrefix: u32, dstPrefix: u32, avg: u32, burst: u32, expireMs: u32, maxEntries: u32,
): i32 {
  const rec = packet.record;
  const now = packet.timestamp;
  const src = (mode & HL_SRCIP) != 0 ? load<u32>(rec, PKT_SRC) & prefixMask(srcPrefix) : 0;
  const dst = (mode & HL_DSTIP) != 0 ? load<u32>(rec, PKT_DST) & prefixMask(dstPrefix) : 0;
  let ports: u32 = 0;
  if ((mode & (HL_SRCPORT | HL_DSTPORT)) != 0) {
    // hashlimit_init_dst: ports of a later fragment cannot be read -> the packet is hot-dropped
    if (isLaterFragment(rec)) return MATCH_HOTDROP;
    if (hasPorts(<u32>load<u8>(rec, PKT_PROTO))) {
      if (mode & HL_SRCPORT) ports = <u32>load<u16>(rec, PKT_SPORT) << 16;
      if (mode & HL_DSTPORT) ports |= <u32>load<u16>(rec, PKT_DPORT);
    }
  }

  const byBytes = (mode & HL_BYTES) != 0;
  // Packet mode: avg in 1/10000 s per packet, bucket of `burst` packets. Byte mode: avg in bytes
  // per second, bucket of `burst` bytes (0 = one second's worth), cost = IP total length.
  const perSecond = byBytes ? <f64>avg : perSecondFromAvg(avg);
  const cap = byBytes ? (burst != 0 ? <f64>burst : <f64>avg) : <f64>burst;
  const cost = byBytes ? <f64>load<u16>(rec, PKT_IPLEN) : 1.0;

  const b = bucketFor(state + HASHLIMIT_HEADER_SIZE, maxEntries, src, dst, ports, now);
  if (b == 0) return MATCH_HOTDROP; // dsthash_alloc_init: "max count reached"
  let credit: f64;
  const live = load<u32>(b, IN_USE) != 0 && load<u32>(b, KEY_SRC) == src && load<u32>(b, KEY_DST) == dst
    && load<u32>(b, KEY_PORTS) == ports && now < load<f64>(b, EXPIRES);
  if (live) {
    credit = refilled(load<f64>(b, CREDIT), load<f64>(b, LAST), now, perSecond, cap);
  } else {
    store<u32>(b, src, KEY_SRC);
    store<u32>(b, dst, KEY_DST);
    store<u32>(b, ports, KEY_PORTS);
    store<u32>(b, 1, IN_USE);
    credit = cap;
  }
  if (!live || now > load<f64>(b, LAST)) store<f64>(b, now, LAST);
  store<f64>(b, now + <f64>expireMs / 1000.0, EXPIRES);

  const above = (mode & HL_ABOVE) != 0;
  if (credit >= cost) {
    store<f64>(b, credit - cost, CREDIT);
    return above ? MATCH_FAIL : MATCH_PASS;
  }
  store<f64>(b, credit, CREDIT);
  return above ? MATCH_PASS : MATCH_FAIL;
}
