// The TCP connection tracker (nf_conntrack_proto_tcp.c, 6.12-era; NETFILTER.md §4.4): error
// checks, which packets may create a conntrack, and per packet the state tables with their
// special cases, window tracking (tcp-window.ts), timeouts and ASSURED.
import {
  CT_EXPIRES, CTF_TCP_IGNORE_INVALID_RST, CTF_TCP_LOOSE, CTN_IGNORED,
  CTN_WINDOW_UNJUDGED, CTO_TCP_CLOSE, CTO_TCP_RETRANS, CTO_TCP_UNACK, CTR_NONE,
  CTR_TCP_BAD_FLAGS, CTR_TCP_CANNOT_CREATE, CTR_TCP_INVALID_RST, CTR_TCP_STATE, CTR_TRUNCATED,
  CTSTATUS_ASSURED, CTSTATUS_SEEN_REPLY, PF2_TRUNCATED_L4, PF_L4, PKT_FLAGS, PKT_FLAGS2, PKT_TCPFLAGS,
  TCP_CLOSE, TCP_CLOSE_WAIT, TCP_ESTABLISHED, TCP_FIN_WAIT, TCP_LAST_ACK, TCP_NONE, TCP_SYN_RECV,
  TCP_SYN_SENT, TCP_SYN_SENT2, TCP_TIME_WAIT, TDF_BE_LIBERAL, TDF_CLOSE_INIT,
  TDF_DATA_UNACKNOWLEDGED, TDF_MAXACK_SET, TDF_SACK_PERM, TDF_WINDOW_SCALE,
} from '../../shared/layout';
import { ctFlags, nowMs, timeoutMs } from '../clock';
import { maxRetrans } from '../config';
import * as core from '../core';
import { DIR_ORIGINAL, DIR_REPLY, TRK_ACCEPT, TRK_IGNORE, TRK_INVALID, TRK_REPEAT } from '../ctinfo';
import { hasStatus, setTcpState, statusOf, tcpStateOf } from '../fields';
import { markAssured } from '../table';
import { setExpires } from '../timer-blocks';
import { checksumError } from './checksum';
import {
  addSideFlags, ignoredAck, ignoredSynFlags, ignoredSynScale, ignoredSynWindow, lastClass,
  lastDir, lastEnd, lastFlag, LF_CHALLENGE_ACK, LF_SIMULTANEOUS_OPEN, LF_SYN_RECORD,
  LF_WINDOW_ZERO, maxAck, recordIgnoredSyn, rememberSegment, resetConnection, retransmissions,
  setIgnoredAck, setLast, setLastFlag, setSideFlags, setTdEnd, setTdMaxEnd, setTdMaxWin,
  setWindowScale, sideFlags,
} from './tcp-conn';
import * as seg from './tcp-segment';
import {
  CLASS_ACK, CLASS_FIN, CLASS_NONE, CLASS_RST, CLASS_SYN, CLASS_SYNACK, nextState, STATE_IGNORE,
  STATE_INVALID, validFlagCombination,
} from './tcp-states';
import { before, inWindow, takeOptions, WINDOW_ACCEPT, WINDOW_IGNORE } from './tcp-window';

/** nf_tcp_handle_invalid shortens no timer with less than this left (120 s, hard-wired). */
const SHORTEN_ONLY_ABOVE_MS: u32 = 120_000;

/** tcp_error: truncated header, bad checksum (where verified), invalid flag combination. */
export function tcpError(rec: usize, hook: i32): u32 {
  if ((load<u8>(rec, PKT_FLAGS) & PF_L4) == 0 || (load<u8>(rec, PKT_FLAGS2) & PF2_TRUNCATED_L4) != 0) return CTR_TRUNCATED;
  const checksum = checksumError(rec, hook);
  if (checksum != CTR_NONE) return checksum;
  if (!validFlagCombination(load<u8>(rec, PKT_TCPFLAGS))) return CTR_TCP_BAD_FLAGS;
  return CTR_NONE;
}

/**
 * tcp_new: only a SYN, or with nf_conntrack_tcp_loose a segment of the ACK class (mid-stream
 * pickup: both sides liberal, SACK assumed), may create a conntrack. The state stays NONE here;
 * tcpPacket moves it to SYN_SENT or ESTABLISHED.
 */
export function tcpNew(ct: usize, rec: usize): u32 {
  seg.readSegment(rec);
  const verdict = nextState(DIR_ORIGINAL, seg.cls, <u8>TCP_NONE);
  if (verdict == STATE_INVALID) return CTR_TCP_CANNOT_CREATE;
  const pickup = verdict != TCP_SYN_SENT;
  if (pickup && (ctFlags() & CTF_TCP_LOOSE) == 0) return CTR_TCP_CANNOT_CREATE;

  resetConnection(ct, <u8>TCP_NONE, CLASS_NONE);
  const window = seg.window == 0 ? 1 : seg.window;
  setTdEnd(ct, DIR_ORIGINAL, seg.end);
  setTdMaxWin(ct, DIR_ORIGINAL, window);
  if (pickup) {
    setTdMaxEnd(ct, DIR_ORIGINAL, seg.end + window);
    setSideFlags(ct, DIR_ORIGINAL, TDF_SACK_PERM | TDF_BE_LIBERAL);
    setSideFlags(ct, DIR_REPLY, TDF_SACK_PERM | TDF_BE_LIBERAL);
  } else {
    setTdMaxEnd(ct, DIR_ORIGINAL, seg.end);
    takeOptions(ct, DIR_ORIGINAL);
  }
  if (seg.noSeq) forgetWindows(ct);
  return CTR_NONE;
}

/**
 * Without sequence numbers the windows cannot be followed: both sides are left unknown, so a later
 * segment that does carry numbers starts them afresh, the way tcp_in_window picks up a side it has
 * not seen (td_maxwin == 0). (Records only: real packets always carry numbers.)
 */
function forgetWindows(ct: usize): void {
  setTdMaxWin(ct, DIR_ORIGINAL, 0);
  setTdMaxWin(ct, DIR_REPLY, 0);
}

/** The kernel's nf_conntrack_tcp_established: ESTABLISHED and ASSURED. */
function establishedAndAssured(ct: usize, state: u8): bool {
  return state == TCP_ESTABLISHED && hasStatus(ct, CTSTATUS_ASSURED);
}

/** tcp_can_early_drop's states: closing, so the tuple may already have been reused. */
function closing(state: u8): bool {
  return state == TCP_FIN_WAIT || state == TCP_CLOSE_WAIT || state == TCP_LAST_ACK || state == TCP_TIME_WAIT || state == TCP_CLOSE;
}

/**
 * A SYN reopening a TIME_WAIT/CLOSE connection (RFC 1122): allowed when either side had started
 * closing or the last packet in this direction was a RST; otherwise it is only ignored.
 */
function mayReopen(ct: usize, dir: i32): bool {
  if (((sideFlags(ct, 0) | sideFlags(ct, 1)) & TDF_CLOSE_INIT) != 0) return true;
  return lastDir(ct) == dir && lastClass(ct) == CLASS_RST;
}

/**
 * A SYN/ACK acknowledging exactly the SYN we last ignored: client and server are in sync and the
 * firewall is not; take the handshake from the remembered SYN (SYN_SENT -> SYN_RECV).
 */
function resyncsIgnoredSyn(ct: usize, dir: i32): bool {
  return seg.cls == CLASS_SYNACK && !seg.noSeq && lastClass(ct) == CLASS_SYN && lastDir(ct) != dir
    && lastFlag(ct, LF_SYN_RECORD) && seg.ack == lastEnd(ct);
}

function resyncFromIgnoredSyn(ct: usize, dir: i32): void {
  const synDir = lastDir(ct);
  const synEnd = lastEnd(ct);
  const window = ignoredSynWindow(ct);
  setTdEnd(ct, synDir, synEnd);
  setTdMaxEnd(ct, synDir, synEnd);
  setTdMaxWin(ct, synDir, window == 0 ? 1 : window);
  setWindowScale(ct, synDir, ignoredSynScale(ct));
  setSideFlags(ct, synDir, ignoredSynFlags(ct));
  setLastFlag(ct, LF_CHALLENGE_ACK, false);
  setLastFlag(ct, LF_SYN_RECORD, false);
  // nf_ct_tcp_state_reset: the SYN/ACK's side starts over from this segment.
  setTdEnd(ct, dir, 0);
  setTdMaxEnd(ct, dir, 0);
  setTdMaxWin(ct, dir, 0);
  setWindowScale(ct, dir, 0);
  setSideFlags(ct, dir, sideFlags(ct, dir) & TDF_BE_LIBERAL);
}

/**
 * Bookkeeping for an ignored packet, so that the answer it provokes can be understood: a SYN/ACK
 * resynchronising, a challenge ACK, a RST deleting a half-open entry.
 */
function rememberIgnored(ct: usize, dir: i32, oldState: u8): void {
  setLast(ct, dir, seg.cls);
  if (!seg.noSeq) rememberSegment(ct, dir, seg.seq, seg.ack, seg.end, seg.window);
  if (seg.cls == CLASS_SYN && dir == DIR_ORIGINAL) {
    // RFC 5961: the server may answer a SYN with a challenge ACK, which in LAST_ACK must not be
    // taken for the ACK of the last FIN.
    setLastFlag(ct, LF_SIMULTANEOUS_OPEN, false);
    setLastFlag(ct, LF_CHALLENGE_ACK, oldState == TCP_LAST_ACK);
    if (seg.noSeq) {
      setLastFlag(ct, LF_SYN_RECORD, false); // nothing to resynchronise from
    } else {
      const optionFlags = (seg.hasWindowScale ? TDF_WINDOW_SCALE : 0) | (seg.sackPermitted ? TDF_SACK_PERM : 0);
      recordIgnoredSyn(ct, seg.window, seg.hasWindowScale ? seg.windowScale : 0, optionFlags);
    }
  }
  if (oldState == TCP_SYN_SENT && seg.cls == CLASS_ACK && dir == DIR_REPLY && !seg.noSeq) setIgnoredAck(ct, seg.ack);
}

function ignored(): i32 {
  core.note |= CTN_IGNORED;
  return TRK_IGNORE;
}

function invalidBecause(why: u32): i32 {
  core.reason = why;
  return TRK_INVALID;
}

// Outcomes of the RST checks: go on to the window check, skip it, or the RST is invalid.
const RST_CHECK_WINDOW = 0;
const RST_SKIP_WINDOW = 1;
const RST_INVALID = 2;

/** New state after a RST judged in `oldState` (CLOSE, or kept to allow a challenge ACK). */
let rstState: u8 = 0;

/**
 * The RST rules on top of the table (§4.4): a RST below what the peer has acknowledged is invalid;
 * in an established connection one not exactly there keeps the state (a challenge ACK may
 * follow) unless it ends a data train; RSTs answering a SYN or ACK we let through skip the
 * window check.
 */
function judgeRst(ct: usize, dir: i32, oldState: u8): i32 {
  rstState = <u8>TCP_CLOSE;
  if (closing(oldState)) return RST_SKIP_WINDOW;
  if (seg.noSeq) return RST_CHECK_WINDOW;
  const peer = dir ^ 1;
  const status = statusOf(ct);
  const last = lastClass(ct);
  if ((sideFlags(ct, peer) & TDF_MAXACK_SET) != 0 && last != CLASS_SYN) {
    const peerMaxAck = maxAck(ct, peer);
    const established = establishedAndAssured(ct, oldState);
    if (seg.seq == 0 && !established) return RST_CHECK_WINDOW; // answers a SYN we let through
    if (before(seg.seq, peerMaxAck) && (ctFlags() & CTF_TCP_IGNORE_INVALID_RST) == 0) return RST_INVALID;
    if (!established || seg.seq == peerMaxAck) return RST_CHECK_WINDOW;
    // The RST right after a data segment of its own direction, at that segment's end.
    if (last == CLASS_ACK && lastDir(ct) == dir && seg.seq == lastEnd(ct)) return RST_CHECK_WINDOW;
    rstState = oldState;
  }
  const seenReply = (status & CTSTATUS_SEEN_REPLY) != 0;
  const assured = (status & CTSTATUS_ASSURED) != 0;
  if (((seenReply && last == CLASS_SYN) || (!assured && last == CLASS_ACK)) && seg.ack == lastEnd(ct)) {
    return RST_SKIP_WINDOW; // RST to a SYN or half-open ACK we let through
  }
  if (oldState == TCP_SYN_SENT && last == CLASS_ACK && lastDir(ct) == DIR_REPLY && seg.seq == ignoredAck(ct)) {
    return RST_SKIP_WINDOW; // RST answering a challenge ACK we let through
  }
  return RST_CHECK_WINDOW;
}

/**
 * nf_tcp_handle_invalid: an out-of-window FIN or RST answering the peer's FIN/RST in an assured
 * connection shortens a long timer to the unacknowledged timeout (dead connections go sooner).
 */
function shortenTimerAfterInvalid(ct: usize, dir: i32): void {
  if (!hasStatus(ct, CTSTATUS_ASSURED)) return;
  if (seg.cls != CLASS_RST && seg.cls != CLASS_FIN) return;
  const last = lastClass(ct);
  if (lastDir(ct) != dir && (last == CLASS_FIN || last == CLASS_RST)) {
    const left = <i32>(load<u32>(ct, CT_EXPIRES) - nowMs);
    if (left < <i32>SHORTEN_ONLY_ABOVE_MS) return;
    const unack = timeoutMs(CTO_TCP_UNACK);
    if (<u32>left > unack) setExpires(ct, nowMs + unack);
  } else {
    setLast(ct, dir, seg.cls);
  }
}

/** The timer for `newState` after this packet (§4.4 "Selection per packet"). */
function timeoutFor(ct: usize, newState: u8): u32 {
  const stateTimeout = timeoutMs(<i32>newState);
  const retransCap = timeoutMs(CTO_TCP_RETRANS);
  if (retransmissions(ct) >= maxRetrans && stateTimeout > retransCap) return retransCap;
  if (seg.cls == CLASS_RST) return timeoutMs(CTO_TCP_CLOSE);
  const unackCap = timeoutMs(CTO_TCP_UNACK);
  if (((sideFlags(ct, 0) | sideFlags(ct, 1)) & TDF_DATA_UNACKNOWLEDGED) != 0 && stateTimeout > unackCap) return unackCap;
  if (lastFlag(ct, LF_WINDOW_ZERO) && stateTimeout > retransCap) return retransCap;
  return stateTimeout;
}

/** nf_conntrack_tcp_packet: the packet on `ct` travelling in direction `dir`. */
export function tcpPacket(ct: usize, rec: usize, dir: i32, ctinfo: i32): i32 {
  seg.readSegment(rec);
  let oldState = tcpStateOf(ct);
  let newState = nextState(dir, seg.cls, oldState);
  let checkWindow = true;

  if (newState == TCP_SYN_SENT && <i32>oldState >= TCP_TIME_WAIT) {
    if (mayReopen(ct, dir)) return TRK_REPEAT;
    newState = STATE_IGNORE; // not a reopen: ignored like any SYN out of place
  }
  if (newState == STATE_IGNORE) {
    if (!resyncsIgnoredSyn(ct, dir)) {
      rememberIgnored(ct, dir, oldState);
      return ignored();
    }
    resyncFromIgnoredSyn(ct, dir);
    oldState = <u8>TCP_SYN_SENT;
    newState = <u8>TCP_SYN_RECV;
  } else if (newState == STATE_INVALID) {
    return invalidBecause(CTR_TCP_STATE);
  } else if (newState == TCP_TIME_WAIT) {
    if (oldState == TCP_LAST_ACK && seg.cls == CLASS_ACK && lastDir(ct) != dir && lastClass(ct) == CLASS_SYN
      && lastFlag(ct, LF_CHALLENGE_ACK)) {
      // The RFC 5961 challenge ACK to an ignored SYN: not the ACK of the last FIN.
      setLastFlag(ct, LF_CHALLENGE_ACK, false);
      return ignored();
    }
  } else if (newState == TCP_SYN_SENT2) {
    setLastFlag(ct, LF_SIMULTANEOUS_OPEN, true);
  } else if (newState == TCP_SYN_RECV) {
    if (dir == DIR_REPLY && seg.cls == CLASS_ACK && lastFlag(ct, LF_SIMULTANEOUS_OPEN)) newState = <u8>TCP_ESTABLISHED;
  } else if (newState == TCP_CLOSE && seg.cls == CLASS_RST) {
    const rst = judgeRst(ct, dir, oldState);
    if (rst == RST_INVALID) return invalidBecause(CTR_TCP_INVALID_RST);
    if (rst == RST_SKIP_WINDOW) checkWindow = false;
    newState = rstState;
  }

  if (checkWindow) {
    if (seg.noSeq) {
      core.note |= CTN_WINDOW_UNJUDGED;
      // The kernel would have recorded this ACK's window; an unknown one is not a zero window.
      if (seg.cls == CLASS_ACK) setLastFlag(ct, LF_WINDOW_ZERO, false);
    } else {
      // The stored state, not oldState: a resynchronisation pretends SYN_SENT only to the table.
      const judged = inWindow(ct, dir, tcpStateOf(ct));
      if (judged == WINDOW_IGNORE) return ignored();
      if (judged != WINDOW_ACCEPT) {
        shortenTimerAfterInvalid(ct, dir);
        return TRK_INVALID;
      }
    }
  }

  // In window from here on.
  setLast(ct, dir, seg.cls);
  setTcpState(ct, newState);
  if (oldState != newState && newState == TCP_FIN_WAIT) addSideFlags(ct, dir, TDF_CLOSE_INIT);

  let timeout = timeoutFor(ct, newState);
  const status = statusOf(ct);
  if ((status & CTSTATUS_SEEN_REPLY) == 0) {
    if (seg.cls == CLASS_RST) {
      // Only a RST came back (or the opener gave up): no connection worth keeping (§0).
      core.killAfterPacket(ct);
      return TRK_ACCEPT;
    }
    // A retransmitted SYN does not renew the timer: port reuse must not keep it alive forever.
    if (seg.cls == CLASS_SYN && oldState == TCP_SYN_SENT) return TRK_ACCEPT;
    // A picked-up connection without any reply: not the five-day ESTABLISHED timer.
    const unackCap = timeoutMs(CTO_TCP_UNACK);
    if (newState == TCP_ESTABLISHED && timeout > unackCap) timeout = unackCap;
  } else if ((status & CTSTATUS_ASSURED) == 0 && (oldState == TCP_SYN_RECV || oldState == TCP_ESTABLISHED)
    && newState == TCP_ESTABLISHED) {
    markAssured(ct);
  }
  setExpires(ct, nowMs + timeout);
  return TRK_ACCEPT;
}
