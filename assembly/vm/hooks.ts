// The path of one packet through the hooks (NETFILTER.md §4.1): the tables of each hook in
// priority order, the routing decision between PREROUTING and INPUT/FORWARD, and the second,
// loopback pass of a locally generated packet addressed to this host.
import {
  CFGF_ALL_LOCAL, CFGF_FORWARDING, CTSTATE_INVALID, CTSTATE_NEW, CTSTATE_RELATED, HOOK_FORWARD,
  HOOK_INPUT, HOOK_OUTPUT, HOOK_POSTROUTING, HOOK_PREROUTING, PF_LOCAL_OUT, PF_OUT_GIVEN, PKT_CTSTATE,
  PKT_DST, PKT_FLAGS, PKT_IN_IFACE, PKT_OUT_IFACE, PKT_PKTTYPE, PKTTYPE_BROADCAST, PKTTYPE_MULTICAST,
  PKTTYPE_UNICAST, RT_BLACKHOLE, RT_BROADCAST, RT_LOCAL, RT_MULTICAST, RT_PROHIBIT, RT_UNREACHABLE,
  TABLE_FILTER, TABLE_MANGLE, TABLE_NAT, TABLE_RAW, TABLE_SECURITY, V_DEFRAG, V_DROP, V_NOROUTE,
  V_NOT_FORWARDED, PKT_TTL, V_TTL_EXCEEDED,
} from '../shared/layout';
import {
  carriesConntrack, confirm, confirmIdle, conntrackEnabled, conntrackIn, firstPacketOfConnection,
} from '../conntrack/stage';
import { isMulticastAddress, lookupRoute, routeFlags, routeIfname } from '../route/lookup';
import { configFlags, hasChain } from './config';
import * as packet from './packet';
import { runTable } from './traverse';

const REJECTING_ROUTE = RT_BLACKHOLE | RT_UNREACHABLE | RT_PROHIBIT;
const LIMITED_BROADCAST: u32 = 0xffffffff;

/** The route the packet took (INPUT, FORWARD or OUTPUT) and the last hook it reached. */
export let path: i32 = HOOK_INPUT;
export let lastHook: i32 = HOOK_PREROUTING;
export let routeUsed: i32 = -1;

/**
 * The nat table sees only the first packet of a connection (NEW, or RELATED for an expected
 * one), and on the loopback pass not even that: nf_nat_inet_fn finds the bindings made on the way
 * out ("Seen it before? This can happen for loopback").
 */
function natApplies(): bool {
  if (packet.loopbackPass) return false;
  if (packet.replyAttached) return packet.hook == packet.replyNatHook;
  if (conntrackEnabled()) return firstPacketOfConnection();
  return (<u32>load<u8>(packet.record, PKT_CTSTATE) & (CTSTATE_NEW | CTSTATE_RELATED)) != 0;
}

/**
 * The conntrack stage after raw: from here on the skb carries a conntrack (or "untracked").
 * Without conntrack in the ruleset (§0) the record's ctstate stands. Returns false when conntrack
 * drops the packet (table full).
 */
function conntrackStage(): bool {
  if (packet.replyAttached) {
    // nf_conntrack_in: "Previously seen (loopback or untracked)? Ignore."
    packet.ctAttached = true;
    return true;
  }
  if (!conntrackEnabled()) {
    if ((<u32>load<u8>(packet.record, PKT_CTSTATE) & CTSTATE_INVALID) == 0) packet.ctAttached = true;
    return true;
  }
  const kept = conntrackIn(packet.record, packet.hook, <u8>packet.helper);
  packet.ctAttached = carriesConntrack();
  if (!kept) stoppedByConntrack();
  return kept;
}

/** The confirm stage at the very end of INPUT and POSTROUTING (nf_confirm, §4.1). */
function confirmStage(): bool {
  // __nf_conntrack_confirm returns at once for a packet in the other direction than the one that
  // created the conntrack: REJECT's attached answers never confirm it.
  if (!conntrackEnabled() || packet.replyAttached) return true;
  if (confirm(packet.record)) return true;
  stoppedByConntrack();
  return false;
}

/** Conntrack itself dropped the packet: no rule decided it. */
function stoppedByConntrack(): void {
  packet.verdict = V_DROP;
  packet.decidedEntry = -1;
  packet.decidedTable = -1;
}

/** The confirm stage, decided inline when conntrack has nothing to do there. */
@inline function passesConfirm(): bool {
  return !conntrackEnabled() || packet.replyAttached || confirmIdle() || confirmStage();
}

/** `table`'s chain in the current hook let the packet go on (an absent chain always does). */
@inline function passes(table: i32): bool {
  return !hasChain(table, packet.hook) || runTable(table);
}

/** nat's chain in the current hook, for the packets nat sees (natApplies) and nothing else. */
@inline function passesNat(): bool {
  return !hasChain(TABLE_NAT, packet.hook) || !natApplies() || runTable(TABLE_NAT);
}

function runHook(hook: i32): bool {
  lastHook = hook;
  packet.enterHook(hook);
  switch (hook) {
    case HOOK_PREROUTING:
      return passes(TABLE_RAW) && conntrackStage() && passes(TABLE_MANGLE) && passesNat();
    case HOOK_INPUT:
      return passes(TABLE_MANGLE) && passes(TABLE_FILTER) && passes(TABLE_SECURITY) && passesNat() && passesConfirm();
    case HOOK_FORWARD:
      return passes(TABLE_MANGLE) && passes(TABLE_FILTER) && passes(TABLE_SECURITY);
    case HOOK_OUTPUT:
      return passes(TABLE_RAW) && conntrackStage() && passes(TABLE_MANGLE) && passesNat() && passes(TABLE_FILTER) && passes(TABLE_SECURITY);
    default: // HOOK_POSTROUTING
      return passes(TABLE_MANGLE) && passesNat() && passesConfirm();
  }
}

function copyIfname(to: usize, from: usize): void {
  v128.store(to, v128.load(from));
}

function derivePacketType(rec: usize, dst: u32, route: i32): void {
  if (load<u8>(rec, PKT_PKTTYPE) != 0) return;
  let type = PKTTYPE_UNICAST;
  if (dst == LIMITED_BROADCAST || (route >= 0 && (routeFlags(route) & RT_BROADCAST) != 0)) type = PKTTYPE_BROADCAST;
  else if (isMulticastAddress(dst)) type = PKTTYPE_MULTICAST;
  store<u8>(rec, <u8>type, PKT_PKTTYPE);
}

/**
 * Input routing: local addresses, broadcasts and (group membership not being modelled) multicast
 * are delivered here; with the assumed single-homed host everything is.
 */
function deliveredLocally(dst: u32, route: i32): bool {
  if ((configFlags & CFGF_ALL_LOCAL) != 0 || dst == LIMITED_BROADCAST || isMulticastAddress(dst)) return true;
  return route >= 0 && (routeFlags(route) & (RT_LOCAL | RT_BROADCAST | RT_MULTICAST)) != 0;
}

function arriving(rec: usize, dst: u32, route: i32): void {
  path = HOOK_FORWARD;
  if (!runHook(HOOK_PREROUTING)) return;
  if (deliveredLocally(dst, route)) {
    path = HOOK_INPUT;
    routeUsed = route;
    runHook(HOOK_INPUT);
    return;
  }
  if ((configFlags & CFGF_FORWARDING) == 0) {
    packet.verdict = V_NOT_FORWARDED;
    return;
  }
  if (route < 0 || (routeFlags(route) & REJECTING_ROUTE) != 0) {
    packet.verdict = V_NOROUTE;
    return;
  }
  routeUsed = route;
  if ((load<u8>(rec, PKT_FLAGS) & PF_OUT_GIVEN) == 0) copyIfname(rec + PKT_OUT_IFACE, routeIfname(route));
  // ip_forward(): a packet whose TTL would run out is dropped before the FORWARD hook; the others
  // have their TTL lowered first, so FORWARD and POSTROUTING rules (-m ttl, LOG's TTL=) see TTL - 1.
  const ttl = <u32>load<u8>(rec, PKT_TTL);
  if (ttl <= 1) {
    packet.verdict = V_TTL_EXCEEDED;
    return;
  }
  store<u8>(rec, <u8>(ttl - 1), PKT_TTL);
  if (runHook(HOOK_FORWARD)) runHook(HOOK_POSTROUTING);
}

function locallyGenerated(rec: usize, route: i32): void {
  path = HOOK_OUTPUT;
  lastHook = HOOK_OUTPUT;
  const outGiven = (load<u8>(rec, PKT_FLAGS) & PF_OUT_GIVEN) != 0;
  const flags = route >= 0 ? routeFlags(route) : 0;
  // A local unicast destination is reached through lo (the kernel's dev_out = loopback_dev).
  const toThisHost = (flags & RT_LOCAL) != 0 && (flags & RT_BROADCAST) == 0;
  if (toThisHost) {
    if (!outGiven) copyIfname(rec + PKT_OUT_IFACE, packet.LOOPBACK_IFACE);
  } else if (!outGiven) {
    if (route < 0 || (flags & REJECTING_ROUTE) != 0) {
      packet.verdict = V_NOROUTE;
      return;
    }
    copyIfname(rec + PKT_OUT_IFACE, routeIfname(route));
  }
  routeUsed = route;
  if (!runHook(HOOK_OUTPUT) || !runHook(HOOK_POSTROUTING)) return;
  if (!toThisHost) return;
  // Back in on lo: PREROUTING then INPUT, with the conntrack made on the way out.
  packet.loopbackPass = true;
  copyIfname(rec + PKT_IN_IFACE, packet.LOOPBACK_IFACE);
  if (runHook(HOOK_PREROUTING)) runHook(HOOK_INPUT);
}

/** Runs one packet through every hook on its path; packet.verdict is 0 if nothing stopped it. */
export function walkPacket(rec: usize): void {
  routeUsed = -1;
  lastHook = HOOK_PREROUTING;
  const dst = load<u32>(rec, PKT_DST);
  const route = lookupRoute(dst);
  derivePacketType(rec, dst, route);
  if ((load<u8>(rec, PKT_FLAGS) & PF_LOCAL_OUT) != 0) locallyGenerated(rec, route);
  else arriving(rec, dst, route);
}

/** Runs a router-made reply (assembly/vm/reply.ts) out through OUTPUT and POSTROUTING like any local packet. */
export function walkReply(rec: usize): void {
  routeUsed = -1;
  const dst = load<u32>(rec, PKT_DST);
  const route = lookupRoute(dst);
  derivePacketType(rec, dst, route);
  locallyGenerated(rec, route);
}

/**
 * A fragment conntrack-defrag kept (held for reassembly) or dropped at priority -400, before raw
 * (NETFILTER.md §4.1): no table sees it. The path is where routing would send its datagram.
 */
export function stolenByDefrag(rec: usize, dropped: bool): void {
  routeUsed = -1;
  const dst = load<u32>(rec, PKT_DST);
  if ((load<u8>(rec, PKT_FLAGS) & PF_LOCAL_OUT) != 0) {
    path = HOOK_OUTPUT;
    lastHook = HOOK_OUTPUT;
  } else {
    path = deliveredLocally(dst, lookupRoute(dst)) ? HOOK_INPUT : HOOK_FORWARD;
    lastHook = HOOK_PREROUTING;
  }
  packet.verdict = dropped ? V_DROP : V_DEFRAG;
}

