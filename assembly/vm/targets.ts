// Targets that change the packet or its conntrack and let the traversal continue: MARK, CONNMARK,
// NOTRACK, CT, TRACE. The verdict-giving ones live in traverse.ts.
import {
  CM_RESTORE, CM_SAVE, CM_SET, CTSTATE_ESTABLISHED, CTSTATE_NEW, CTSTATE_RELATED, CTSTATE_UNTRACKED,
  CTT_HELPER, CTT_NOTRACK, CTT_ZONE, E_ARG0, E_ARG1, E_ARG2, PKT_CTMARK, PKT_CTSTATE, PKT_MARK,
  PKT_ZONE, RF_TRACED, T_CONNMARK, T_CT, T_MARK, T_NOTRACK, T_TRACE,
} from '../shared/layout';
import { conntrackEnabled, markUntracked, storeConnmark } from '../conntrack/stage';
import * as packet from './packet';

const HAS_CONNTRACK = CTSTATE_NEW | CTSTATE_ESTABLISHED | CTSTATE_RELATED;

function markTarget(e: usize): void {
  // xt_MARK: mark = (mark & ~mask) ^ value
  const rec = packet.record;
  store<u32>(rec, (load<u32>(rec, PKT_MARK) & ~load<u32>(e, E_ARG0)) ^ load<u32>(e, E_ARG1), PKT_MARK);
}

function connmarkTarget(e: usize): void {
  const rec = packet.record;
  // xt_CONNMARK: no conntrack (INVALID) or untracked -> nothing to mark
  if ((<u32>load<u8>(rec, PKT_CTSTATE) & HAS_CONNTRACK) == 0) return;
  const mode = load<u32>(e, E_ARG0);
  const a1 = load<u32>(e, E_ARG1);
  const a2 = load<u32>(e, E_ARG2);
  const mark = load<u32>(rec, PKT_MARK);
  const ctmark = load<u32>(rec, PKT_CTMARK);
  if (mode == CM_RESTORE) {
    store<u32>(rec, (mark & ~a2) ^ (ctmark & a1), PKT_MARK);
    return;
  }
  let next = ctmark;
  if (mode == CM_SET) next = (ctmark & ~a2) ^ a1;
  else if (mode == CM_SAVE) next = (ctmark & ~a1) ^ (mark & a2);
  store<u32>(rec, next, PKT_CTMARK);
  // The mark belongs to the conntrack: it stays even if this packet is dropped later.
  if (conntrackEnabled()) storeConnmark(next);
}

function untrack(): void {
  if (conntrackEnabled()) markUntracked(packet.record);
  else store<u8>(packet.record, <u8>CTSTATE_UNTRACKED, PKT_CTSTATE);
}

function ctTarget(e: usize): void {
  const flags = load<u32>(e, E_ARG0);
  if (flags & CTT_NOTRACK) {
    untrack();
    return;
  }
  // The template's helper and zone are what conntrack gives a connection it creates from this packet.
  if (flags & CTT_HELPER) packet.helper = load<u32>(e, E_ARG1);
  if (flags & CTT_ZONE) store<u16>(packet.record, <u16>load<u32>(e, E_ARG2), PKT_ZONE);
}

/** Applies a non-terminal target; returns false for kinds that are not handled here. */
export function applyPacketTarget(kind: u32, e: usize): bool {
  switch (kind) {
    case T_MARK: {
      markTarget(e);
      return true;
    }
    case T_CONNMARK: {
      connmarkTarget(e);
      return true;
    }
    case T_NOTRACK:
    case T_CT: {
      // xt_CT / NOTRACK: "Previously seen (loopback)? Ignore." A packet that already carries a
      // conntrack (the second, loopback pass of a local -> local packet) is left alone.
      if (!packet.ctAttached) {
        if (kind == T_NOTRACK) untrack();
        else ctTarget(e);
      }
      return true;
    }
    case T_TRACE: {
      packet.flags |= RF_TRACED;
      return true;
    }
  }
  return false;
}
