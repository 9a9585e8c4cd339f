// Expectations (NETFILTER.md §4.6): a helper announces a connection to come (FTP data); a new
// connection whose original tuple matches one is RELATED to its master. EXP_SIZE records in a
// small table scanned linearly (nf_conntrack_expect_max is small, and the scan only happens while
// expectations exist, as the kernel looks only when expect_count > 0).
import {
  CFG_CT_EXP_COUNT, CFG_CT_EXP_HIGH, CTN_EXPECT_CREATED, CTSTATUS_CONFIRMED, EXP_DPORT,
  EXP_DST, EXP_EXPIRES, EXP_HELPER, EXP_ID, EXP_MASTER, EXP_PROTO, EXP_SIZE, EXP_SPORT,
  EXP_SPORT_MASK, EXP_SRC, EXP_SRC_MASK,
} from '../shared/layout';
import { nowMs, reached } from './clock';
import { cfgWord, expBase, expCapacity, setCfgWord } from './config';
import * as core from './core';
import { entryAt, entryIndex, nextId } from './entries';
import { hasStatus } from './fields';
import { zoneOf } from './tuple';

@inline export function expectationAt(slot: u32): usize {
  return expBase + <usize>slot * EXP_SIZE;
}

export function liveExpectations(): u32 {
  return cfgWord(CFG_CT_EXP_COUNT);
}

function removeExpectation(exp: usize): void {
  store<u32>(exp, 0, EXP_ID);
  setCfgWord(CFG_CT_EXP_COUNT, cfgWord(CFG_CT_EXP_COUNT) - 1);
}

/** Deletes `exp` if its timer ran out; returns whether it is still live. */
function aliveNow(exp: usize): bool {
  if (load<u32>(exp, EXP_ID) == 0) return false;
  if (!reached(load<u32>(exp, EXP_EXPIRES))) return true;
  removeExpectation(exp);
  return false;
}

/**
 * Same tuple on the part both masks cover (expect_clash / nf_ct_tuple_mask_cmp): source address
 * and port under the intersected masks, destination and protocol exactly.
 */
function overlaps(exp: usize, src: u32, srcMask: u32, dst: u32, dport: u16, sport: u16, sportMask: u16, proto: u8): bool {
  const addrMask = load<u32>(exp, EXP_SRC_MASK) & srcMask;
  const portMask = load<u16>(exp, EXP_SPORT_MASK) & sportMask;
  return ((load<u32>(exp, EXP_SRC) ^ src) & addrMask) == 0
    && ((load<u16>(exp, EXP_SPORT) ^ sport) & portMask) == 0
    && load<u32>(exp, EXP_DST) == dst && load<u16>(exp, EXP_DPORT) == dport && load<u8>(exp, EXP_PROTO) == proto;
}

function identical(exp: usize, src: u32, srcMask: u32, dst: u32, dport: u16, sport: u16, sportMask: u16, proto: u8): bool {
  return load<u32>(exp, EXP_SRC) == (src & srcMask) && load<u32>(exp, EXP_SRC_MASK) == srcMask
    && load<u16>(exp, EXP_SPORT) == (sport & sportMask) && load<u16>(exp, EXP_SPORT_MASK) == sportMask
    && load<u32>(exp, EXP_DST) == dst && load<u16>(exp, EXP_DPORT) == dport && load<u8>(exp, EXP_PROTO) == proto;
}

/**
 * Registers an expectation for `master` (nf_ct_expect_related): an identical one from the same
 * master is replaced; one overlapping another master's is refused; a master already holding
 * `maxPerMaster` loses its oldest; a full table refuses. The timer starts now. Returns whether it
 * was registered (a helper drops the packet otherwise).
 */
export function expectRegister(
  master: usize, src: u32, srcMask: u32, dst: u32, dport: u16, sport: u16, sportMask: u16,
  proto: u8, helper: u8, maxPerMaster: i32, timeoutMs: u32,
): bool {
  const masterIndex = entryIndex(master);
  const masterZone = zoneOf(master);
  const high = cfgWord(CFG_CT_EXP_HIGH);
  let mine = 0;
  let oldest: usize = 0;
  let free: usize = 0;
  for (let slot: u32 = 0; slot < high; slot++) {
    const exp = expectationAt(slot);
    if (!aliveNow(exp)) {
      if (free == 0) free = exp;
      continue;
    }
    const sameMaster = load<i32>(exp, EXP_MASTER) == masterIndex;
    if (sameMaster && identical(exp, src, srcMask, dst, dport, sport, sportMask, proto)) {
      removeExpectation(exp);
      if (free == 0) free = exp;
      continue;
    }
    if (overlaps(exp, src, srcMask, dst, dport, sport, sportMask, proto) && zoneOf(entryAt(load<i32>(exp, EXP_MASTER))) == masterZone) return false;
    if (sameMaster) {
      mine++;
      if (oldest == 0 || load<u32>(exp, EXP_ID) < load<u32>(oldest, EXP_ID)) oldest = exp;
    }
  }
  if (maxPerMaster > 0 && mine >= maxPerMaster && oldest != 0) {
    removeExpectation(oldest);
    if (free == 0 || oldest < free) free = oldest;
  }
  if (cfgWord(CFG_CT_EXP_COUNT) >= expCapacity) return false;
  if (free == 0) {
    free = expectationAt(high);
    setCfgWord(CFG_CT_EXP_HIGH, high + 1);
  }
  store<u32>(free, src & srcMask, EXP_SRC);
  store<u32>(free, srcMask, EXP_SRC_MASK);
  store<u32>(free, dst, EXP_DST);
  store<u16>(free, dport, EXP_DPORT);
  store<u16>(free, sport & sportMask, EXP_SPORT);
  store<u16>(free, sportMask, EXP_SPORT_MASK);
  store<u8>(free, proto, EXP_PROTO);
  store<u8>(free, helper, EXP_HELPER);
  store<i32>(free, masterIndex, EXP_MASTER);
  store<u32>(free, nowMs + timeoutMs, EXP_EXPIRES);
  store<u32>(free, nextId(), EXP_ID);
  setCfgWord(CFG_CT_EXP_COUNT, cfgWord(CFG_CT_EXP_COUNT) + 1);
  core.note |= CTN_EXPECT_CREATED;
  return true;
}

/**
 * The live expectation a new connection with this original tuple (in `zone`) fulfils, or 0
 * (nf_ct_find_expectation): only one whose master is confirmed.
 */
export function expectFind(src: u32, dst: u32, ports: u32, proto: u8, zone: u16): usize {
  if (cfgWord(CFG_CT_EXP_COUNT) == 0) return 0;
  const sport = <u16>(ports >>> 16);
  const dport = <u16>(ports & 0xffff);
  const high = cfgWord(CFG_CT_EXP_HIGH);
  for (let slot: u32 = 0; slot < high; slot++) {
    const exp = expectationAt(slot);
    if (!aliveNow(exp)) continue;
    if (load<u8>(exp, EXP_PROTO) != proto || load<u32>(exp, EXP_DST) != dst || load<u16>(exp, EXP_DPORT) != dport) continue;
    if ((src & load<u32>(exp, EXP_SRC_MASK)) != load<u32>(exp, EXP_SRC)) continue;
    if ((sport & load<u16>(exp, EXP_SPORT_MASK)) != load<u16>(exp, EXP_SPORT)) continue;
    const master = entryAt(load<i32>(exp, EXP_MASTER));
    if (!hasStatus(master, CTSTATUS_CONFIRMED) || zoneOf(master) != zone) continue;
    return exp;
  }
  return 0;
}

/** Consumes a fulfilled expectation (it is not PERMANENT: FTP's never are). */
export function expectConsume(exp: usize): void {
  removeExpectation(exp);
}

/** Expectations die with their master (§4.6). */
export function expectRemoveMaster(master: usize): void {
  if (cfgWord(CFG_CT_EXP_COUNT) == 0) return;
  const masterIndex = entryIndex(master);
  const high = cfgWord(CFG_CT_EXP_HIGH);
  for (let slot: u32 = 0; slot < high; slot++) {
    const exp = expectationAt(slot);
    if (load<u32>(exp, EXP_ID) != 0 && load<i32>(exp, EXP_MASTER) == masterIndex) removeExpectation(exp);
  }
}

/** Deletes every expectation whose timer ran out by now. */
export function expectCollect(): void {
  const high = cfgWord(CFG_CT_EXP_HIGH);
  for (let slot: u32 = 0; slot < high; slot++) aliveNow(expectationAt(slot));
}
