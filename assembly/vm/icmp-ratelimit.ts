// The kernel's per-destination rate limit on the ICMP errors it sends (icmp_send →
// icmpv4_xrlim_allow → inet_peer_xrlim_allow): every destination has a credit of at most
// XRLIM_BURST_FACTOR × icmp_ratelimit ms, full for a destination not seen before, growing by the
// time that passes; an error costs icmp_ratelimit ms. Only the types in icmp_ratemask are limited
// (default: destination unreachable, source quench, time exceeded, parameter problem), never
// "fragmentation needed" (PMTU discovery) nor errors sent through loopback. A refused error is
// never built, so it never reaches OUTPUT. Times are packet timestamps.
import {
  CFG_ICMP_RATELIMIT_MS, CFG_ICMP_RATEMASK, CFG_ICMP_RL_PTR, ICMP_RL_PEER_SIZE, ICMP_RL_SLOTS,
} from '../shared/layout';

const XRLIM_BURST_FACTOR: f64 = 6;
const ICMP_DEST_UNREACH: u32 = 3;
const ICMP_FRAG_NEEDED: u32 = 4;
const NR_ICMP_TYPES: u32 = 18;

const P_ADDR = 0;
const P_USED = 4;
const P_CREDIT = 8;
const P_LAST = 16;

@inline function peerSlot(table: usize, dst: u32): usize {
  // Fibonacci hashing of the address to a slot of the direct-mapped table
  return table + <usize>(((dst * 0x9e3779b1) >>> 16) & (ICMP_RL_SLOTS - 1)) * ICMP_RL_PEER_SIZE;
}

/** Whether an ICMP error of `type`/`code` to `dst` may be sent at `now` (seconds); spends credit if so. */
export function icmpErrorAllowed(cfg: usize, dst: u32, type: u32, code: u32, viaLoopback: bool, now: f64): bool {
  const timeout = <f64>load<u32>(cfg + <usize>CFG_ICMP_RATELIMIT_MS * 4);
  const mask = load<u32>(cfg + <usize>CFG_ICMP_RATEMASK * 4);
  if (timeout == 0 || type > NR_ICMP_TYPES || ((1 << type) & mask) == 0) return true;
  if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) return true;
  if (viaLoopback) return true;
  const table = <usize>load<u32>(cfg + <usize>CFG_ICMP_RL_PTR * 4);
  const peer = peerSlot(table, dst);
  const cap = XRLIM_BURST_FACTOR * timeout;
  let credit = cap; // inet_getpeer: a new peer's last time lies far enough back to fill it
  if (load<u32>(peer, P_USED) != 0 && load<u32>(peer, P_ADDR) == dst) {
    credit = min<f64>(cap, load<f64>(peer, P_CREDIT) + max<f64>(0, (now - load<f64>(peer, P_LAST)) * 1000));
  }
  const allowed = credit >= timeout;
  if (allowed) credit -= timeout;
  store<u32>(peer, dst, P_ADDR);
  store<u32>(peer, 1, P_USED);
  store<f64>(peer, credit, P_CREDIT);
  store<f64>(peer, now, P_LAST);
  return allowed;
}
