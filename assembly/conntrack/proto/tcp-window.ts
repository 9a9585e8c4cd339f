// Window tracking (tcp_in_window, after Guido van Rooij's scheme; NETFILTER.md §4.4). Per
// direction: td_end (highest seq + len sent), td_maxend (highest ack + window the peer allowed),
// td_maxwin (largest scaled window, plus growth), td_scale and flags. A segment must satisfy
//   I.   seq <= sender.td_maxend
//   II.  ack <= receiver.td_end
//   III. end >= sender.td_end - receiver.td_maxwin            (else: retransmission, ignored)
//   IV.  ack >= receiver.td_end - max(sender.td_maxwin, 66000) (else: delayed ACK, ignored)
// A failure is forgiven when the sender is liberal (mid-stream pickup) or
// nf_conntrack_tcp_be_liberal is set: the segment passes, but the windows are not updated.
// The packet records carry no SACK blocks, so the highest SACKed sequence is the ack itself.
import {
  CTF_TCP_BE_LIBERAL, CTR_TCP_ACK_OVER, CTR_TCP_ACK_UNDER, CTR_TCP_SEQ_OVER, CTR_TCP_SEQ_UNDER,
  TCP_SYN_RECV, TCP_SYN_SENT, TDF_BE_LIBERAL, TDF_DATA_UNACKNOWLEDGED, TDF_MAXACK_SET, TDF_SACK_PERM,
  TDF_WINDOW_SCALE,
} from '../../shared/layout';
import { ctFlags } from '../clock';
import * as core from '../core';
import { DIR_REPLY } from '../ctinfo';
import {
  addSideFlags, clearSideFlags, maxAck, rememberSegment, retransmissions, sameAsLast, setMaxAck,
  setRetransmissions, setSideFlags, setTdEnd, setTdMaxEnd, setTdMaxWin, setWindowScale, sideFlags,
  tdEnd, tdMaxEnd, tdMaxWin, windowScaleOf,
} from './tcp-conn';
import * as seg from './tcp-segment';
import { CLASS_ACK, TH_ACK, TH_RST } from './tcp-states';

export const WINDOW_IGNORE = 0;
export const WINDOW_INVALID = 1;
export const WINDOW_ACCEPT = 2;

/** The ACK lower bound's minimum width (MAXACKWINCONST). */
const MAX_ACK_WINDOW_MIN: u32 = 66000;

/** a is after b in sequence space (wrap-around aware). */
@inline export function after(a: u32, b: u32): bool { return <i32>(b - a) < 0; }
/** a is before b in sequence space. */
@inline export function before(a: u32, b: u32): bool { return <i32>(a - b) < 0; }

@inline function maxAckWindow(ct: usize, sender: i32): u32 {
  return max(tdMaxWin(ct, sender), MAX_ACK_WINDOW_MIN);
}

/**
 * The kernel's tcp_options on a side: only a header with options resets the side's scale and
 * option flags (keeping BE_LIBERAL) before taking window scale and SACK-permitted from it.
 */
export function takeOptions(ct: usize, dir: i32): void {
  if (!seg.hasOptions) return;
  let flags = sideFlags(ct, dir) & TDF_BE_LIBERAL;
  if (seg.sackPermitted) flags |= TDF_SACK_PERM;
  if (seg.hasWindowScale) flags |= TDF_WINDOW_SCALE;
  setSideFlags(ct, dir, flags);
  setWindowScale(ct, dir, seg.windowScale);
}

/**
 * tcp_init_sender: a SYN/ACK answering a SYN, or a SYN from the reply direction, (re)starts its
 * side from this segment. Window scaling holds only if both SYN and SYN/ACK offered it.
 */
function initSender(ct: usize, dir: i32): void {
  setTdEnd(ct, dir, seg.end);
  setTdMaxEnd(ct, dir, seg.end);
  setTdMaxWin(ct, dir, seg.window == 0 ? 1 : seg.window);
  takeOptions(ct, dir);
  const peer = dir ^ 1;
  if (dir == DIR_REPLY && ((sideFlags(ct, dir) & sideFlags(ct, peer) & TDF_WINDOW_SCALE) == 0)) {
    setWindowScale(ct, dir, 0);
    setWindowScale(ct, peer, 0);
  }
}

/** nf_tcp_log_invalid: a liberal sender (or the sysctl) turns any failure into ACCEPT. */
function judged(ct: usize, sender: i32, outcome: i32, why: u32): i32 {
  if ((sideFlags(ct, sender) & TDF_BE_LIBERAL) != 0 || (ctFlags() & CTF_TCP_BE_LIBERAL) != 0) return WINDOW_ACCEPT;
  core.reason = why;
  return outcome;
}

/** Judges the current segment against the windows of `ct` in state `state`, updating them. */
@inline export function inWindow(ct: usize, dir: i32, state: u8): i32 {
  const sender = dir;
  const receiver = dir ^ 1;
  let seq = seg.seq;
  let ack = seg.ack;
  let end = seg.end;
  let win = seg.window;
  const syn = seg.hasSyn();
  const ackFlag = seg.hasAck();

  if (tdMaxWin(ct, sender) == 0) {
    if (syn) {
      initSender(ct, sender);
      if (!ackFlag) return WINDOW_ACCEPT; // simultaneous open: nothing to check yet
    } else {
      // First segment seen from this side, in the middle of a connection: take it as it is.
      setTdEnd(ct, sender, end);
      const scaled = win << windowScaleOf(ct, sender);
      setTdMaxWin(ct, sender, scaled == 0 ? 1 : scaled);
      setTdMaxEnd(ct, sender, end + tdMaxWin(ct, sender));
      if (tdMaxWin(ct, receiver) == 0) {
        // Nothing seen from the peer yet: let II and IV pass until it speaks.
        setTdEnd(ct, receiver, ack);
        setTdMaxEnd(ct, receiver, ack);
      } else if (ack == tdEnd(ct, receiver) + 1) {
        setTdEnd(ct, receiver, tdEnd(ct, receiver) + 1); // likely the answer to a keepalive
      }
    }
  } else if (syn && after(end, tdEnd(ct, sender)) && (state == TCP_SYN_SENT || state == TCP_SYN_RECV)) {
    // A reinitialised endpoint may reuse the tuple with a higher sequence (RFC 793).
    initSender(ct, sender);
    if (dir == DIR_REPLY && !ackFlag) return WINDOW_ACCEPT;
  }

  const receiverEnd = tdEnd(ct, receiver);
  if (!ackFlag || ((seg.flags & (TH_ACK | TH_RST)) == (TH_ACK | TH_RST) && ack == 0)) {
    // No ACK (or a broken stack's RST+ACK with ack 0): pretend it acknowledges everything.
    ack = receiverEnd;
  }
  if (seg.hasRst() && seq == 0 && state == TCP_SYN_SENT) {
    // A RST answering a SYN: its sequence is the SYN sender's end.
    seq = tdEnd(ct, sender);
    end = seq;
  }

  const senderEnd = tdEnd(ct, sender);
  const senderMaxEnd = tdMaxEnd(ct, sender);
  const receiverMaxWin = tdMaxWin(ct, receiver);
  const ackLowerBound = receiverEnd - maxAckWindow(ct, sender) - 1;

  if (!before(seq, senderMaxEnd + 1)) {
    const overshot = end - senderMaxEnd + 1;
    const inReceiverWindow = receiverMaxWin != 0 && after(end, senderEnd - receiverMaxWin - 1);
    if (inReceiverWindow && after(ack, ackLowerBound) && overshot <= receiverMaxWin && before(ack, receiverEnd + 1)) {
      // More than the window allowed, but otherwise fine: keep the data so its ACK passes later.
      setTdEnd(ct, sender, end);
      addSideFlags(ct, sender, TDF_DATA_UNACKNOWLEDGED);
      return judged(ct, sender, WINDOW_IGNORE, CTR_TCP_SEQ_OVER);
    }
    return judged(ct, sender, WINDOW_INVALID, CTR_TCP_SEQ_OVER);
  }
  if (!before(ack, receiverEnd + 1)) return judged(ct, sender, WINDOW_INVALID, CTR_TCP_ACK_OVER);
  if (receiverMaxWin != 0 && !after(end, senderEnd - receiverMaxWin - 1)) {
    return judged(ct, sender, WINDOW_IGNORE, CTR_TCP_SEQ_UNDER);
  }
  if (!after(ack, ackLowerBound)) return judged(ct, sender, WINDOW_IGNORE, CTR_TCP_ACK_UNDER);

  updateWindows(ct, sender, seq, ack, end, syn ? win : win << windowScaleOf(ct, sender), ackFlag);
  return WINDOW_ACCEPT;
}

@inline function updateWindows(ct: usize, sender: i32, seq: u32, ack: u32, end: u32, win: u32, ackFlag: bool): void {
  const receiver = sender ^ 1;
  if (tdMaxWin(ct, sender) < win) setTdMaxWin(ct, sender, win);
  if (after(end, tdEnd(ct, sender))) {
    setTdEnd(ct, sender, end);
    addSideFlags(ct, sender, TDF_DATA_UNACKNOWLEDGED);
  }
  if (ackFlag && ((sideFlags(ct, sender) & TDF_MAXACK_SET) == 0 || after(ack, maxAck(ct, sender)))) {
    setMaxAck(ct, sender, ack);
  }

  const senderMaxEnd = tdMaxEnd(ct, sender);
  if (tdMaxWin(ct, receiver) != 0 && after(end, senderMaxEnd)) {
    setTdMaxWin(ct, receiver, tdMaxWin(ct, receiver) + (end - senderMaxEnd));
  }
  if (after(ack + win, tdMaxEnd(ct, receiver) - 1)) {
    setTdMaxEnd(ct, receiver, win == 0 ? ack + 1 : ack + win);
  }
  if (ack == tdEnd(ct, receiver)) clearSideFlags(ct, receiver, TDF_DATA_UNACKNOWLEDGED);

  if (seg.cls == CLASS_ACK) {
    if (sameAsLast(ct, sender, seq, ack, end, seg.window)) {
      setRetransmissions(ct, (retransmissions(ct) + 1) & 0xff);
    } else {
      rememberSegment(ct, sender, seq, ack, end, seg.window);
      setRetransmissions(ct, 0);
    }
  }
}
