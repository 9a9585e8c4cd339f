// The conntrack stage (nf_conntrack_in, NETFILTER.md §4.3) after raw in PREROUTING and OUTPUT, and
// the confirm stage (nf_confirm, §4.1) at the end of INPUT and POSTROUTING: the packet's tuple is
// looked up (expired entries deleted first), its tracker judges it, a new connection gets an
// unconfirmed entry that enters the index only if the packet survives every hook.
import {
  CT_ORIG_DPORT, CT_ORIG_DST, CT_ORIG_SPORT, CT_ORIG_SRC,
  CT_PROTO, CTE_DYING, CTE_UNCONFIRMED, CTF_ENABLED, CTF_HELPER_AUTOASSIGN,
  CTN_CREATED, CTN_DISCARDED, CTN_EARLY_DROP, CTN_EXPECTED, CTN_HELPER_DROP, CTN_INVALID,
  CTN_REOPENED, CTN_TABLE_FULL, CTR_FRAGMENT, CTR_ICMP_CANNOT_CREATE, CTR_NONE, CTR_TABLE_FULL,
  CTR_TCP_STATE, CTSTATE_INVALID, CTSTATE_UNTRACKED, CTSTATUS_CONFIRMED, CTSTATUS_EXPECTED,
  CTSTATUS_SEEN_REPLY, CX_FLAGS, CX_MASTER, CX_ZONE, CXF_HAS_MASTER, CXF_HAS_ZONE,
  CXF_MASTER_HELPER_SHIFT, EXP_HELPER, EXP_MASTER, PF_FRAG_NONFIRST, PF_L4, PKT_CT_ORIG_SPORT,
  PKT_CT_ORIG_SRC, PKT_CTDIR, PKT_CTEXPIRE, PKT_CTMARK, PKT_CTPROTO, PKT_CTSTATE, PKT_CTSTATUS,
  PKT_FLAGS, PKT_HELPER, PKT_ICMP_TYPE, PKT_PROTO, PKT_TS, PKT_ZONE, RES_CT_ID, RES_CT_NOTE,
  RES_CT_REASON, RES_CTDIR, RES_CTSTATUS, RES_TCP_STATE,
} from '../shared/layout';
import { setClock } from './clock';
import { ctConfigFlags } from './config';
import * as core from './core';
import {
  DIR_ORIGINAL, DIR_REPLY, IP_CT_ESTABLISHED, IP_CT_ESTABLISHED_REPLY, IP_CT_NEW, IP_CT_RELATED,
  IP_CT_RELATED_REPLY, TRK_ACCEPT, TRK_IGNORE, TRK_REPEAT,
} from './ctinfo';
import { allocEntry, entryAt, extOf } from './entries';
import { expectConsume, expectFind } from './expect';
import {
  addFlags, addStatus, clearFlags, flagsOf, hasFlag, hasStatus, helperOf, idOf, markOf, setHelper, setMark,
  statusOf, tcpStateOf,
} from './fields';
import { helperFor, runHelper } from './helpers/index';
import { collectExpired, deleteEntry, earlyDrop, findLive, noteExpiry } from './lifecycle';
import { icmpErrorRelated, isIcmpError } from './proto/icmp';
import { l4Error, l4New, l4Packet } from './proto/index';
import { publish } from './publish';
import { foundDir, foundEntry, indexInsert } from './table';
import { markEntryChanged } from './timer-blocks';
import {
  PROTO_ICMP, icmpInverseType, setPacketTuple, tupleDst, tuplePorts, tupleProto, tupleSrc,
} from './tuple';

/** The packet's conntrack (0 = none: INVALID, untracked, or not yet looked up). */
export let packetCt: usize = 0;
export let packetDir: i32 = DIR_ORIGINAL;
export let packetCtinfo: i32 = IP_CT_NEW;
/** Raw NOTRACK / CT --notrack: the packet is untracked and conntrack leaves it alone. */
let untracked: bool = false;
/** Entry this packet created, until it is confirmed (freed if the packet dies first). */
let createdCt: usize = 0;

export function conntrackEnabled(): bool {
  return (ctConfigFlags & CTF_ENABLED) != 0;
}

/** Before the first hook: nothing attached, the record's own conntrack fields cleared. */
export function beginPacket(rec: usize): void {
  core.resetReport();
  packetCt = 0;
  createdCt = 0;
  untracked = false;
  setClock(load<f64>(rec, PKT_TS));
  // Before the conntrack stage (raw) the state match sees no conntrack: INVALID.
  store<u8>(rec, <u8>CTSTATE_INVALID, PKT_CTSTATE);
  store<u8>(rec, 0, PKT_CTDIR);
  store<u8>(rec, 0, PKT_HELPER);
  store<u32>(rec, 0, PKT_CTSTATUS);
  store<u32>(rec, 0, PKT_CTMARK);
  store<u32>(rec, 0, PKT_CTEXPIRE);
  store<u8>(rec, 0, PKT_CTPROTO);
  // The tuples in two stores, the four addresses then the four ports (memory.fill would be a call
  // out of the WASM code in V8: dearer, for every packet).
  v128.store(rec + PKT_CT_ORIG_SRC, i64x2.splat(0));
  store<u64>(rec + PKT_CT_ORIG_SPORT, 0);
}

/** The packet carries a conntrack or the untracked mark: the stage and NOTRACK/CT leave it be. */
export function carriesConntrack(): bool {
  return packetCt != 0 || untracked;
}

export function markUntracked(rec: usize): void {
  untracked = true;
  store<u8>(rec, <u8>CTSTATE_UNTRACKED, PKT_CTSTATE);
}

function invalid(reason: u32): void {
  core.note |= CTN_INVALID;
  if (core.reason == CTR_NONE) core.reason = reason;
}

function attach(rec: usize, ct: usize, dir: i32, ctinfo: i32): void {
  packetCt = ct;
  packetDir = dir;
  packetCtinfo = ctinfo;
  publish(rec, ct, dir, ctinfo);
}

/** A free entry, collecting expired ones and early-dropping an unassured one if it must. */
function allocForTuple(): usize {
  let ct = allocEntry();
  if (ct != 0) return ct;
  collectExpired();
  ct = allocEntry();
  if (ct != 0) return ct;
  if (earlyDrop(tupleSrc, tupleDst, tuplePorts, tupleProto)) {
    core.note |= CTN_EARLY_DROP;
    ct = allocEntry();
  }
  return ct;
}

/**
 * init_conntrack: a new unconfirmed entry for the packet's tuple, RELATED to a master when an
 * expectation is fulfilled, else with the raw template's helper (or the legacy port-21 one).
 * Returns 0 when the table is full (the packet is dropped).
 */
function createEntry(zone: u16, templateHelper: u8): usize {
  const ct = allocForTuple();
  if (ct == 0) {
    core.note |= CTN_TABLE_FULL;
    core.reason = CTR_TABLE_FULL;
    return 0;
  }
  store<u32>(ct, tupleSrc, CT_ORIG_SRC);
  store<u32>(ct, tupleDst, CT_ORIG_DST);
  store<u16>(ct, <u16>(tuplePorts >>> 16), CT_ORIG_SPORT);
  store<u16>(ct, <u16>tuplePorts, CT_ORIG_DPORT);
  store<u8>(ct, tupleProto, CT_PROTO);
  addFlags(ct, CTE_UNCONFIRMED);
  markEntryChanged(ct);
  if (zone != 0) {
    const ext = extOf(ct, true);
    if (ext != 0) {
      store<u16>(ext, zone, CX_ZONE);
      store<u16>(ext, load<u16>(ext, CX_FLAGS) | CXF_HAS_ZONE, CX_FLAGS);
    }
  }
  const exp = expectFind(tupleSrc, tupleDst, tuplePorts, tupleProto, zone);
  if (exp != 0) {
    const masterIndex = load<i32>(exp, EXP_MASTER);
    const master = entryAt(masterIndex);
    addStatus(ct, CTSTATUS_EXPECTED);
    setMark(ct, markOf(master));
    const ext = extOf(ct, true);
    if (ext != 0) {
      store<i32>(ext, masterIndex, CX_MASTER);
      const masterFlags = (<u16>CXF_HAS_MASTER) | (<u16>load<u8>(exp, EXP_HELPER) << <u16>CXF_MASTER_HELPER_SHIFT);
      store<u16>(ext, load<u16>(ext, CX_FLAGS) | masterFlags, CX_FLAGS);
    }
    expectConsume(exp);
    core.note |= CTN_EXPECTED;
  } else {
    let helper = templateHelper;
    if (helper == 0 && (ctConfigFlags & CTF_HELPER_AUTOASSIGN) != 0) helper = helperFor(<u16>tuplePorts, tupleProto);
    setHelper(ct, helper);
  }
  createdCt = ct;
  core.note |= CTN_CREATED;
  return ct;
}

function discardCreated(): void {
  if (createdCt == 0) return;
  deleteEntry(createdCt);
  createdCt = 0;
  core.note &= ~CTN_CREATED;
}

/** ctinfo of a packet found in direction `dir` (§4.3). */
function ctinfoFound(ct: usize, dir: i32): i32 {
  if (dir == DIR_REPLY) return IP_CT_ESTABLISHED_REPLY;
  const status = statusOf(ct);
  if ((status & CTSTATUS_SEEN_REPLY) != 0) return IP_CT_ESTABLISHED;
  if ((status & CTSTATUS_EXPECTED) != 0) return IP_CT_RELATED;
  return IP_CT_NEW;
}

/**
 * The conntrack stage for the packet at `rec` in `hook`; `templateHelper` is what a raw CT
 * --helper gave it. Returns false when conntrack drops the packet (table full).
 */
@inline export function conntrackIn(rec: usize, hook: i32, templateHelper: u8): bool {
  if (carriesConntrack()) return true;
  const proto = load<u8>(rec, PKT_PROTO);
  const flags = load<u8>(rec, PKT_FLAGS);
  if ((flags & PF_FRAG_NONFIRST) != 0) {
    invalid(CTR_FRAGMENT);
    return true;
  }
  const error = l4Error(proto, rec, hook);
  if (error != CTR_NONE) {
    invalid(error);
    return true;
  }
  const hasL4 = (flags & PF_L4) != 0;
  if (proto == PROTO_ICMP && hasL4) {
    const type = <u32>load<u8>(rec, PKT_ICMP_TYPE);
    if (isIcmpError(type)) {
      const ctinfo = icmpErrorRelated(rec);
      if (ctinfo < 0) invalid(core.reason);
      else attach(rec, foundEntry, ctinfo == IP_CT_RELATED ? DIR_ORIGINAL : DIR_REPLY, ctinfo);
      return true;
    }
    // nf_ct_invert_tuple fails for types without a reply type: untrackable, INVALID (§4.3).
    if (icmpInverseType(type) < 0) {
      invalid(CTR_ICMP_CANNOT_CREATE);
      return true;
    }
  }
  setPacketTuple(rec);
  const zone = load<u16>(rec, PKT_ZONE);
  for (let attempt = 0; attempt < 2; attempt++) {
    let ct: usize;
    let dir: i32;
    let ctinfo: i32;
    if (findLive(tupleSrc, tupleDst, tuplePorts, tupleProto, zone)) {
      ct = foundEntry;
      dir = foundDir;
      ctinfo = ctinfoFound(ct, dir);
    } else {
      ct = createEntry(zone, templateHelper);
      if (ct == 0) return false;
      const refused = l4New(proto, ct, rec);
      if (refused != CTR_NONE) {
        discardCreated();
        invalid(refused);
        return true;
      }
      dir = DIR_ORIGINAL;
      ctinfo = hasStatus(ct, CTSTATUS_EXPECTED) ? IP_CT_RELATED : IP_CT_NEW;
    }
    const verdict = l4Packet(proto, ct, rec, dir, ctinfo);
    if (verdict == TRK_REPEAT && attempt == 0 && ct != createdCt) {
      // A reopened connection (TCP TIME_WAIT/CLOSE): the old entry goes, the packet starts anew.
      core.note |= CTN_REOPENED;
      deleteEntry(ct);
      continue;
    }
    if (verdict != TRK_ACCEPT && verdict != TRK_IGNORE) {
      if (ct == createdCt) discardCreated();
      invalid(CTR_TCP_STATE);
      return true;
    }
    if (dir == DIR_REPLY) addStatus(ct, CTSTATUS_SEEN_REPLY);
    noteExpiry(ct);
    attach(rec, ct, dir, ctinfo);
    return true;
  }
  return true;
}

/** nat sees a connection's first packet only: one whose conntrack is not confirmed yet (§4.1). */
export function firstPacketOfConnection(): bool {
  return packetCt != 0 && hasFlag(packetCt, CTE_UNCONFIRMED);
}

/**
 * confirm() would do nothing: no conntrack, or a confirmed one without a helper (nearly every
 * packet after a connection's first). Inlined where the hooks ask, to spare them the call.
 */
@inline export function confirmIdle(): bool {
  const ct = packetCt;
  return ct == 0 || (helperOf(ct) == 0 && !hasFlag(ct, CTE_UNCONFIRMED));
}

/**
 * nf_confirm at the end of INPUT/POSTROUTING: the helper (not for RELATED_REPLY), then the new
 * entry enters the index. Returns false when the helper drops the packet.
 */
export function confirm(rec: usize): bool {
  const ct = packetCt;
  if (ct == 0) return true;
  if (packetCtinfo != IP_CT_RELATED_REPLY && helperOf(ct) != 0) {
    if (!runHelper(ct, rec, packetDir, packetCtinfo)) {
      core.note |= CTN_HELPER_DROP;
      return false;
    }
  }
  const flags = flagsOf(ct);
  if ((flags & CTE_UNCONFIRMED) != 0 && (flags & CTE_DYING) == 0) {
    clearFlags(ct, CTE_UNCONFIRMED);
    markEntryChanged(ct);
    addStatus(ct, CTSTATUS_CONFIRMED);
    indexInsert(ct);
    noteExpiry(ct);
    createdCt = 0;
    store<u32>(rec, statusOf(ct), PKT_CTSTATUS);
  }
  return true;
}

/** CONNMARK wrote the packet's connmark: the conntrack keeps it (xt_CONNMARK writes ct->mark). */
export function storeConnmark(mark: u32): void {
  if (packetCt != 0) setMark(packetCt, mark);
}

/**
 * After the packet: an entry it created but never confirmed is discarded (a dropped packet
 * leaves no conntrack, §0), pending kills happen, and the result gets the conntrack fields.
 */
export function finishPacket(res: usize): void {
  const ct = packetCt;
  store<u32>(res, ct != 0 ? idOf(ct) : 0, RES_CT_ID);
  store<u8>(res, ct != 0 ? tcpStateOf(ct) : 0, RES_TCP_STATE);
  store<u8>(res, ct != 0 ? <u8>packetDir : 0, RES_CTDIR);
  store<u16>(res, ct != 0 ? <u16>statusOf(ct) : 0, RES_CTSTATUS);
  if (createdCt != 0) {
    if (core.pendingKill == createdCt) core.pendingKill = 0;
    deleteEntry(createdCt);
    createdCt = 0;
    core.note |= CTN_DISCARDED;
  }
  if (core.pendingKill != 0) {
    deleteEntry(core.pendingKill);
    core.pendingKill = 0;
  }
  store<u16>(res, <u16>core.note, RES_CT_NOTE);
  store<u8>(res, <u8>core.reason, RES_CT_REASON);
}

/** The result fields when conntrack is off. */
export function clearResult(res: usize): void {
  store<u32>(res, 0, RES_CT_ID);
  store<u32>(res, 0, RES_TCP_STATE);
  store<u32>(res, 0, RES_CT_NOTE);
}
