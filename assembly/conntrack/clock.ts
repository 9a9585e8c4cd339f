// Conntrack time: u32 milliseconds after CFG_CT_TIME_BASE (the first tracked packet's timestamp),
// so timers depend only on packet timestamps and expiry is deterministic (NETFILTER.md §4.4 end).
import { CFG_CT_TIME_BASE, CFG_CT_TIME_BASE_SET } from '../shared/layout';
import { cfgWord, cfgWordAddress, ctConfigFlags, setCfgWord, timeoutsBase } from './config';

/** The current packet's time in ms after the time base. */
export let nowMs: u32 = 0;

/** Timeout `cto` (CTO_*) in ms, from the host's sysctls. */
export function timeoutMs(cto: i32): u32 {
  return load<u32>(timeoutsBase + (<usize>cto << 2));
}

/** CTF_* switches. */
export function ctFlags(): u32 {
  return ctConfigFlags;
}

/** True when `at` (ms) is not later than now, with wrap-around tolerance. */
@inline export function reached(at: u32): bool {
  return <i32>(at - nowMs) <= 0;
}

/**
 * Sets nowMs from a packet timestamp (seconds). The first call fixes the time base; a packet older
 * than the base counts as time 0 (timestamps going backwards never move timers back past it).
 */
export function setClock(ts: f64): void {
  const baseAt = cfgWordAddress(CFG_CT_TIME_BASE);
  if (cfgWord(CFG_CT_TIME_BASE_SET) == 0) {
    store<f64>(baseAt, ts);
    setCfgWord(CFG_CT_TIME_BASE_SET, 1);
  }
  const ms = Math.floor((ts - load<f64>(baseAt)) * 1000);
  nowMs = ms <= 0 ? 0 : ms >= 4294967295.0 ? 0xffffffff : <u32>ms;
}
