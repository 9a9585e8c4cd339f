// Where the TCP tracker keeps a connection's state (the kernel's struct ip_ct_tcp, NETFILTER.md
// §4.4): all of it in the entry, so a TCP connection costs CT_SIZE bytes like any other.
//
// CT_PRIV (40 bytes, as layout.ts describes): per direction d at d*16: td_end, td_maxend,
// td_maxwin, td_maxack; at 32: last_end; at 36 a u16 with both directions' td_flags (TDF_*, 6 bits
// each), last_dir (bit 12) and the last packet class (last_index, bits 13..15); at 38 the
// retransmission counter (CT_TCP_RETRANS); at 39 a one-byte digest of the last ACK's
// seq/ack/window (with its exact end, the identity the retransmission counter compares).
// CT_STATE keeps the state in its low nibble and the LF_* flags below in its high one;
// CT_TCP_SCALE both directions' td_scale.
//
// The kernel's last_seq, last_ack, last_win, last_wscale and last_flags are not kept whole: the
// digest stands for the first three, LF_WINDOW_ZERO for what the timeouts read of last_win, and
// the td_maxack slots hold, while they mean nothing, what an ignored packet leaves to compare:
//   td_maxack of ORIGINAL (valid while TDF_MAXACK_SET) | an ignored SYN's u16 window, u8 scale,
//                                                        u8 TDF_WINDOW_SCALE|TDF_SACK_PERM
//                                                        (valid while LF_SYN_RECORD)
//   td_maxack of REPLY (valid while TDF_MAXACK_SET)    | the ack of a REPLY ACK ignored in
//                                                        SYN_SENT (no REPLY max ack exists yet)
// Recording an ignored SYN forgets both max acks (the kernel does not consult them while that SYN
// is the last packet; they are learnt again from the next ACKs).
import { CT_PRIV, CT_STATE, CT_TCP_RETRANS, CT_TCP_SCALE, TDF_MAXACK_SET } from '../../shared/layout';

const SIDE_SIZE = 16;
const TD_END = 0;
const TD_MAXEND = 4;
const TD_MAXWIN = 8;
const TD_MAXACK = 12;
const LAST_END = 32;
const BITS = 36; // u16: td_flags[0] | td_flags[1] << 6 | last_dir << 12 | last_index << 13
const DIGEST = 39;
const PRIV_SIZE = 40;

const SYN_WINDOW = 0; // in ORIGINAL's td_maxack slot
const SYN_SCALE = 2;
const SYN_FLAGS = 3;

const SIDE_FLAGS_BITS: u32 = 6;
const SIDE_FLAGS_MASK: u32 = (1 << SIDE_FLAGS_BITS) - 1;
const LAST_DIR_BIT: u32 = 1 << 12;
const LAST_CLASS_SHIFT: u32 = 13;
const LAST_CLASS_MASK: u32 = 7 << LAST_CLASS_SHIFT;

// CT_STATE's high nibble: the kernel's last_win == 0 and last_flags' bits.
const STATE_MASK: u32 = 0xf;
/** The last recorded window was 0 (a timeout rule, §4.4). */
export const LF_WINDOW_ZERO: u32 = 16;
/** IP_CT_TCP_SIMULTANEOUS_OPEN: a SYN came from the reply direction (SYN_SENT2). */
export const LF_SIMULTANEOUS_OPEN: u32 = 32;
/** IP_CT_EXP_CHALLENGE_ACK: a SYN was ignored in LAST_ACK; the next reply ACK may be a challenge ACK. */
export const LF_CHALLENGE_ACK: u32 = 64;
/** ORIGINAL's td_maxack slot holds an ignored SYN's window, scale and option flags. */
export const LF_SYN_RECORD: u32 = 128;

@inline function side(ct: usize, dir: i32): usize {
  return ct + CT_PRIV + <usize>(dir * SIDE_SIZE);
}

@inline export function tdEnd(ct: usize, dir: i32): u32 { return load<u32>(side(ct, dir), TD_END); }
@inline export function setTdEnd(ct: usize, dir: i32, v: u32): void { store<u32>(side(ct, dir), v, TD_END); }
@inline export function tdMaxEnd(ct: usize, dir: i32): u32 { return load<u32>(side(ct, dir), TD_MAXEND); }
@inline export function setTdMaxEnd(ct: usize, dir: i32, v: u32): void { store<u32>(side(ct, dir), v, TD_MAXEND); }
@inline export function tdMaxWin(ct: usize, dir: i32): u32 { return load<u32>(side(ct, dir), TD_MAXWIN); }
@inline export function setTdMaxWin(ct: usize, dir: i32, v: u32): void { store<u32>(side(ct, dir), v, TD_MAXWIN); }

@inline function bits(ct: usize): u32 { return load<u16>(ct + CT_PRIV + BITS); }
@inline function setBits(ct: usize, v: u32): void { store<u16>(ct + CT_PRIV + BITS, <u16>v); }

@inline export function sideFlags(ct: usize, dir: i32): u32 {
  return (bits(ct) >> (<u32>dir * SIDE_FLAGS_BITS)) & SIDE_FLAGS_MASK;
}

export function setSideFlags(ct: usize, dir: i32, v: u32): void {
  const shift = <u32>dir * SIDE_FLAGS_BITS;
  setBits(ct, (bits(ct) & ~(SIDE_FLAGS_MASK << shift)) | ((v & SIDE_FLAGS_MASK) << shift));
}

@inline export function addSideFlags(ct: usize, dir: i32, flags: u32): void {
  setSideFlags(ct, dir, sideFlags(ct, dir) | flags);
}

@inline export function clearSideFlags(ct: usize, dir: i32, flags: u32): void {
  setSideFlags(ct, dir, sideFlags(ct, dir) & ~flags);
}

/** td_scale of direction `dir` (CT_TCP_SCALE: ORIGINAL low nibble, REPLY high nibble). */
@inline export function windowScaleOf(ct: usize, dir: i32): u32 {
  return (<u32>load<u8>(ct, CT_TCP_SCALE) >> (<u32>dir << 2)) & 0xf;
}

export function setWindowScale(ct: usize, dir: i32, scale: u32): void {
  const shift = <u32>dir << 2;
  const both = <u32>load<u8>(ct, CT_TCP_SCALE) & ~(<u32>0xf << shift);
  store<u8>(ct, <u8>(both | ((scale & 0xf) << shift)), CT_TCP_SCALE);
}

@inline export function retransmissions(ct: usize): u32 { return load<u8>(ct, CT_TCP_RETRANS); }
@inline export function setRetransmissions(ct: usize, n: u32): void { store<u8>(ct, <u8>n, CT_TCP_RETRANS); }

// --- last packet bookkeeping ---------------------------------------------------------------

@inline export function lastDir(ct: usize): i32 { return (bits(ct) & LAST_DIR_BIT) != 0 ? 1 : 0; }
@inline export function lastClass(ct: usize): i32 { return <i32>((bits(ct) & LAST_CLASS_MASK) >> LAST_CLASS_SHIFT); }

@inline function setLastDir(ct: usize, dir: i32): void {
  setBits(ct, (bits(ct) & ~LAST_DIR_BIT) | (dir != 0 ? LAST_DIR_BIT : 0));
}

/** The kernel's `last_dir = dir; last_index = cls`. */
export function setLast(ct: usize, dir: i32, cls: i32): void {
  const keep = bits(ct) & ~(LAST_DIR_BIT | LAST_CLASS_MASK);
  setBits(ct, keep | (dir != 0 ? LAST_DIR_BIT : 0) | (<u32>cls << LAST_CLASS_SHIFT));
}

@inline function stateByte(ct: usize): u32 { return load<u8>(ct, CT_STATE); }

@inline export function lastFlag(ct: usize, bit: u32): bool { return (stateByte(ct) & bit) != 0; }

export function setLastFlag(ct: usize, bit: u32, on: bool): void {
  const v = stateByte(ct);
  store<u8>(ct, <u8>(on ? v | bit : v & ~bit), CT_STATE);
}

/**
 * A fresh connection's bookkeeping (tcp_new's memset, then last_index = `cls`) in state `state`:
 * last_win is 0.
 */
export function resetConnection(ct: usize, state: u8, cls: i32): void {
  // Five u64 stores: memory.fill would be a call out of the WASM code (assembly/inline-memory.ts).
  for (let at: usize = 0; at < <usize>PRIV_SIZE; at += 8) store<u64>(ct + CT_PRIV + at, 0);
  store<u8>(ct, 0, CT_TCP_SCALE);
  store<u8>(ct, <u8>((<u32>state & STATE_MASK) | LF_WINDOW_ZERO), CT_STATE);
  setBits(ct, <u32>cls << LAST_CLASS_SHIFT);
}

@inline export function lastEnd(ct: usize): u32 { return load<u32>(ct + CT_PRIV + LAST_END); }
@inline export function setLastEnd(ct: usize, end: u32): void { store<u32>(ct + CT_PRIV + LAST_END, end); }

/** td_maxack of `dir`; meaningful only while TDF_MAXACK_SET is in its flags. */
@inline export function maxAck(ct: usize, dir: i32): u32 { return load<u32>(side(ct, dir), TD_MAXACK); }

/** Records td_maxack of `dir` and sets TDF_MAXACK_SET. */
export function setMaxAck(ct: usize, dir: i32, v: u32): void {
  store<u32>(side(ct, dir), v, TD_MAXACK);
  addSideFlags(ct, dir, TDF_MAXACK_SET);
  if (dir == 0) setLastFlag(ct, LF_SYN_RECORD, false);
}

/** The ack of a REPLY ACK ignored in SYN_SENT (last_ack for the challenge-ACK RST rule). */
@inline export function ignoredAck(ct: usize): u32 { return maxAck(ct, 1); }

export function setIgnoredAck(ct: usize, v: u32): void {
  // The slot is REPLY's max ack, which does not exist before the reply's first accepted ACK.
  if ((sideFlags(ct, 1) & TDF_MAXACK_SET) != 0) return;
  store<u32>(side(ct, 1), v, TD_MAXACK);
}

/** Remembers an ignored SYN's window, scale and options, for a later SYN/ACK resynchronisation. */
export function recordIgnoredSyn(ct: usize, window: u32, scale: u32, optionFlags: u32): void {
  clearSideFlags(ct, 0, TDF_MAXACK_SET);
  clearSideFlags(ct, 1, TDF_MAXACK_SET);
  const slot = side(ct, 0) + TD_MAXACK;
  store<u16>(slot, <u16>window, SYN_WINDOW);
  store<u8>(slot, <u8>scale, SYN_SCALE);
  store<u8>(slot, <u8>optionFlags, SYN_FLAGS);
  setLastFlag(ct, LF_SYN_RECORD, true);
}

export function ignoredSynWindow(ct: usize): u32 { return load<u16>(side(ct, 0) + TD_MAXACK, SYN_WINDOW); }
export function ignoredSynScale(ct: usize): u32 { return load<u8>(side(ct, 0) + TD_MAXACK, SYN_SCALE); }
export function ignoredSynFlags(ct: usize): u32 { return load<u8>(side(ct, 0) + TD_MAXACK, SYN_FLAGS); }

// --- retransmission identity -----------------------------------------------------------------

function digest(seq: u32, ack: u32, window: u32): u32 {
  let h = seq * 0x9e3779b1 ^ (ack * 0x85ebca77) ^ (window * 0xc2b2ae3d);
  h ^= h >> 15;
  h *= 0x2c1b3c6d;
  return h >> 24;
}

/**
 * Is this the same segment as the last one recorded (last_dir, last_seq, last_ack, last_end,
 * last_win)? The end is compared exactly, seq/ack/window through a one-byte digest.
 */
export function sameAsLast(ct: usize, dir: i32, seq: u32, ack: u32, end: u32, window: u32): bool {
  return lastDir(ct) == dir && <u32>load<u8>(ct + CT_PRIV + DIGEST) == digest(seq, ack, window) && lastEnd(ct) == end;
}

/** last_dir/seq/ack/end/win = this segment's. */
export function rememberSegment(ct: usize, dir: i32, seq: u32, ack: u32, end: u32, window: u32): void {
  store<u8>(ct + CT_PRIV + DIGEST, <u8>digest(seq, ack, window));
  setLastEnd(ct, end);
  setLastFlag(ct, LF_WINDOW_ZERO, window == 0);
  setLastDir(ct, dir);
}
