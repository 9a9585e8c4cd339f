// Router-made replies (NETFILTER.md §0, §4.5; layout.ts "Router-made replies"): the answer to a
// REJECTed packet leaves this host as a locally generated packet, through OUTPUT and POSTROUTING,
// counted and traced like any other. It carries the original's conntrack as RELATED in the other
// direction (nf_ct_attach); without one it meets conntrack in OUTPUT like any local packet.
import {
  CTSTATE_ESTABLISHED, CTSTATE_INVALID, CTSTATE_NEW, CTSTATE_RELATED, HOOK_POSTROUTING, PKT_CTSTATE,
  PKT_ICMP_CODE, PKT_ICMP_TYPE, PKT_IPLEN, PKT_PROTO, RK_ICMP, RPL_CODE, RPL_ENTRY, RPL_EVENT_COUNT,
  RPL_EVENT_FIRST, RPL_FLAGS, RPL_HOOK, RPL_KIND, RPL_LENGTH, RPL_NONE, RPL_RECORD, RPL_TABLE,
  RPL_TYPE, RPL_VERDICT, V_REJECT, V_TTL_EXCEEDED,
} from '../shared/layout';
import * as core from '../conntrack/core';
import { DIR_ORIGINAL, DIR_REPLY, IP_CT_RELATED, IP_CT_RELATED_REPLY } from '../conntrack/ctinfo';
import { publish } from '../conntrack/publish';
import * as stage from '../conntrack/stage';
import { creditedEntry, creditedTable, decidedVerdict, settleDecision } from './decision';
import { eventsUsed } from './events';
import * as hooks from './hooks';
import * as packet from './packet';
import { buildReply, buildTimeExceeded, noReplyReason, replyKind } from './reply-build';

const HAS_CONNTRACK = CTSTATE_NEW | CTSTATE_ESTABLISHED | CTSTATE_RELATED;
const PROTO_ICMP: u8 = 1;

/**
 * nf_nat_ipv4_fn hands RELATED ICMP to the ICMP translation, never to the nat table; a RST runs
 * the table where its conntrack has no binding yet: not in OUTPUT (the original passed a
 * destination-nat hook before any REJECT could see it), in POSTROUTING only when the original
 * was its connection's first packet (the source binding is made after filter).
 */
function natHookFor(reply: usize, originalWasFirst: bool): i32 {
  if (load<u8>(reply, PKT_PROTO) == PROTO_ICMP || !originalWasFirst) return -1;
  return HOOK_POSTROUTING;
}

/** With conntrack: the original's conntrack, turned around, or none (conntrack meets the reply in OUTPUT). */
function attachTracked(reply: usize): void {
  const ct = stage.packetCt;
  if (ct == 0) {
    // No conntrack to attach (INVALID or untracked original): the stage looks the reply up itself.
    stage.beginPacket(reply);
    return;
  }
  const dir = stage.packetDir == DIR_ORIGINAL ? DIR_REPLY : DIR_ORIGINAL;
  const ctinfo = dir == DIR_REPLY ? IP_CT_RELATED_REPLY : IP_CT_RELATED;
  const first = stage.firstPacketOfConnection();
  stage.packetDir = dir;
  stage.packetCtinfo = ctinfo;
  publish(reply, ct, dir, ctinfo);
  packet.replyAttached = true;
  packet.replyNatHook = natHookFor(reply, first);
}

/** Without conntrack the records' ctstate stands: a reply is RELATED to an original that had one. */
function attachClaimed(orig: usize, reply: usize): void {
  const state = <u32>load<u8>(orig, PKT_CTSTATE);
  if ((state & HAS_CONNTRACK) == 0) {
    store<u8>(reply, <u8>CTSTATE_INVALID, PKT_CTSTATE);
    return;
  }
  store<u8>(reply, <u8>CTSTATE_RELATED, PKT_CTSTATE);
  packet.replyAttached = true;
  packet.replyNatHook = natHookFor(reply, (state & (CTSTATE_NEW | CTSTATE_RELATED)) != 0);
}

function writeReply(slot: usize, reply: usize, firstEvent: u32): void {
  settleDecision();
  store<u8>(slot, <u8>replyKind, RPL_KIND);
  if (replyKind == RK_ICMP) {
    store<u8>(slot, load<u8>(reply, PKT_ICMP_TYPE), RPL_TYPE);
    store<u8>(slot, load<u8>(reply, PKT_ICMP_CODE), RPL_CODE);
  }
  store<u8>(slot, <u8>decidedVerdict, RPL_VERDICT);
  store<i32>(slot, creditedEntry, RPL_ENTRY);
  store<u8>(slot, creditedTable < 0 ? 0xff : <u8>creditedTable, RPL_TABLE);
  store<u8>(slot, <u8>hooks.lastHook, RPL_HOOK);
  store<u8>(slot, <u8>packet.flags, RPL_FLAGS);
  store<u16>(slot, load<u16>(reply, PKT_IPLEN), RPL_LENGTH);
  store<u32>(slot, firstEvent, RPL_EVENT_FIRST);
  store<u32>(slot, eventsUsed - firstEvent, RPL_EVENT_COUNT);
}

/**
 * After the original packet at `orig` was walked and its result written: if it was REJECTed (or its
 * TTL ran out), builds the answer in `slot` (REPLY_SIZE bytes) and walks it. The packet state
 * (packet.*, hooks.*) is the reply's afterwards; the conntrack stage is handed back as the original
 * left it, so finishPacket reports the original.
 */
export function sendReply(orig: usize, slot: usize, tracking: bool): void {
  // The host reads a reply slot only for an answered verdict (src/engine/reply.ts answered()), so
  // the slots of all other packets are not written at all.
  if (packet.verdict != V_REJECT && packet.verdict != V_TTL_EXCEEDED) return;
  memory.fill(slot, 0, RPL_RECORD);
  store<i32>(slot, -1, RPL_ENTRY);
  store<u8>(slot, 0xff, RPL_TABLE);
  const reply = slot + RPL_RECORD;
  const built = packet.verdict == V_REJECT ? buildReply(orig, packet.rejectKind, reply) : buildTimeExceeded(orig, reply);
  if (!built) {
    store<u8>(slot, <u8>noReplyReason, RPL_NONE);
    return;
  }
  const origDir = stage.packetDir;
  const origCtinfo = stage.packetCtinfo;
  const origNote = core.note;
  const origReason = core.reason;
  const origKill = core.pendingKill;
  packet.resetPacket(reply, packet.index);
  if (tracking) attachTracked(reply);
  else attachClaimed(orig, reply);
  const firstEvent = eventsUsed;
  hooks.walkReply(reply);
  writeReply(slot, reply, firstEvent);
  if (!tracking) return;
  if (packet.replyAttached) {
    stage.packetDir = origDir;
    stage.packetCtinfo = origCtinfo;
    return;
  }
  // The reply met conntrack on its own; what it did to a connection (a RST closing it) stays.
  stage.packetCt = 0;
  const replyKill = core.pendingKill;
  core.note = origNote;
  core.reason = origReason;
  core.pendingKill = origKill != 0 ? origKill : replyKill;
}
