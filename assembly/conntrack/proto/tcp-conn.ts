// Where the TCP tracker keeps a connection's state (the kernel's struct ip_ct_tcp, NETFILTER.md
// §4.4) in the 28 bytes of CT_PRIV, CT_TCP_SCALE, CT_TCP_RETRANS and the ext record's 12 bytes at
// CX_TCP_LAST.
//
// Entry (CT_PRIV, as layout.ts describes): per direction d at d*12: td_end, td_maxend, td_maxwin;
// at 24 + d: td_flags (TDF_*); at 26: last_dir (bit 0) | last packet class << 1 (bits 1..3) | LF_*
// bits; at 27: a one-byte digest of the last ACK's seq/ack/window (with its exact end, the identity
// the retransmission counter compares).
//
// The kernel keeps more per connection than fits there (td_maxack per direction, last_seq,
// last_ack, last_end, last_win, last_wscale, last_flags): the ext record's 12 bytes hold what is
// needed exactly, sharing slots whose uses never overlap in time:
//   +0  td_maxack of ORIGINAL (valid while TDF_MAXACK_SET)  | an ignored SYN's u16 window, u8 scale,
//                                                             u8 TDF_WINDOW_SCALE|TDF_SACK_PERM
//                                                             (valid while LF_SYN_RECORD)
//   +4  td_maxack of REPLY (valid while TDF_MAXACK_SET)     | the ack of a REPLY ACK ignored in
//                                                             SYN_SENT (no REPLY max ack exists yet)
//   +8  last_end
// Recording an ignored SYN forgets both max acks (the kernel does not consult them while that SYN
// is the last packet; they are learnt again from the next ACKs). Without an ext record (pool
// exhausted) max acks are unknown, last_end reads 0 and ignored SYNs cannot be resynchronised from.
import { CT_PRIV, CT_TCP_RETRANS, CT_TCP_SCALE, CX_TCP_LAST, TDF_MAXACK_SET } from '../../shared/layout';
import { extOf } from '../entries';

const SIDE_SIZE = 12;
const TD_END = 0;
const TD_MAXEND = 4;
const TD_MAXWIN = 8;
const TD_FLAGS = 24;
const LAST = 26;
const DIGEST = 27;
const PRIV_SIZE = 28;

const X_MAXACK = 0; // + 4 * direction
const X_SYN_WINDOW = 0;
const X_SYN_SCALE = 2;
const X_SYN_FLAGS = 3;
const X_IGNORED_ACK = 4;
const X_LAST_END = 8;
const X_SIZE = 12;

// LAST byte: the kernel's last_dir/last_index, and last_win == 0 plus last_flags' two bits.
const LAST_DIR_BIT: u32 = 1;
const LAST_CLASS_SHIFT = 1;
const LAST_CLASS_MASK: u32 = 7 << LAST_CLASS_SHIFT;
/** The last recorded window was 0 (a timeout rule, §4.4). */
export const LF_WINDOW_ZERO: u32 = 16;
/** IP_CT_TCP_SIMULTANEOUS_OPEN: a SYN came from the reply direction (SYN_SENT2). */
export const LF_SIMULTANEOUS_OPEN: u32 = 32;
/** IP_CT_EXP_CHALLENGE_ACK: a SYN was ignored in LAST_ACK; the next reply ACK may be a challenge ACK. */
export const LF_CHALLENGE_ACK: u32 = 64;
/** The ext record's slot +0 holds an ignored SYN's window, scale and option flags. */
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

@inline export function sideFlags(ct: usize, dir: i32): u32 {
  return load<u8>(ct + CT_PRIV + TD_FLAGS + <usize>dir);
}

@inline export function setSideFlags(ct: usize, dir: i32, v: u32): void {
  store<u8>(ct + CT_PRIV + TD_FLAGS + <usize>dir, <u8>v);
}

@inline export function addSideFlags(ct: usize, dir: i32, bits: u32): void {
  setSideFlags(ct, dir, sideFlags(ct, dir) | bits);
}

@inline export function clearSideFlags(ct: usize, dir: i32, bits: u32): void {
  setSideFlags(ct, dir, sideFlags(ct, dir) & ~bits);
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

@inline function lastByte(ct: usize): u32 { return load<u8>(ct + CT_PRIV + LAST); }
@inline function setLastByte(ct: usize, v: u32): void { store<u8>(ct + CT_PRIV + LAST, <u8>v); }

@inline export function lastDir(ct: usize): i32 { return <i32>(lastByte(ct) & LAST_DIR_BIT); }
@inline export function lastClass(ct: usize): i32 { return <i32>((lastByte(ct) & LAST_CLASS_MASK) >> LAST_CLASS_SHIFT); }

/** The kernel's `last_dir = dir; last_index = cls`. */
export function setLast(ct: usize, dir: i32, cls: i32): void {
  const keep = lastByte(ct) & ~(LAST_DIR_BIT | LAST_CLASS_MASK);
  setLastByte(ct, keep | <u32>dir | (<u32>cls << LAST_CLASS_SHIFT));
}

@inline export function lastFlag(ct: usize, bit: u32): bool { return (lastByte(ct) & bit) != 0; }

export function setLastFlag(ct: usize, bit: u32, on: bool): void {
  const v = lastByte(ct);
  setLastByte(ct, on ? v | bit : v & ~bit);
}

/** A fresh connection's bookkeeping (tcp_new's memset, then last_index = `cls`): last_win is 0. */
export function resetConnection(ct: usize, cls: i32): void {
  memory.fill(ct + CT_PRIV, 0, PRIV_SIZE);
  store<u8>(ct, 0, CT_TCP_SCALE);
  store<u8>(ct, 0, CT_TCP_RETRANS);
  setLastByte(ct, (<u32>cls << LAST_CLASS_SHIFT) | LF_WINDOW_ZERO);
  const ext = extOf(ct, false);
  if (ext != 0) memory.fill(ext + CX_TCP_LAST, 0, X_SIZE);
}

@inline function tcpExt(ct: usize, create: bool): usize {
  const ext = extOf(ct, create);
  return ext == 0 ? 0 : ext + CX_TCP_LAST;
}

export function lastEnd(ct: usize): u32 {
  const x = tcpExt(ct, false);
  return x == 0 ? 0 : load<u32>(x, X_LAST_END);
}

export function setLastEnd(ct: usize, end: u32): void {
  const x = tcpExt(ct, true);
  if (x != 0) store<u32>(x, end, X_LAST_END);
}

/** td_maxack of `dir`; meaningful only while TDF_MAXACK_SET is in its flags. */
export function maxAck(ct: usize, dir: i32): u32 {
  const x = tcpExt(ct, false);
  return x == 0 ? 0 : load<u32>(x + X_MAXACK + (<usize>dir << 2));
}

/** Records td_maxack of `dir` and sets TDF_MAXACK_SET, unless there is no room to keep it. */
export function setMaxAck(ct: usize, dir: i32, v: u32): void {
  const x = tcpExt(ct, true);
  if (x == 0) return;
  store<u32>(x + X_MAXACK + (<usize>dir << 2), v);
  addSideFlags(ct, dir, TDF_MAXACK_SET);
  if (dir == 0) setLastFlag(ct, LF_SYN_RECORD, false);
}

/** The ack of a REPLY ACK ignored in SYN_SENT (last_ack for the challenge-ACK RST rule). */
export function ignoredAck(ct: usize): u32 {
  const x = tcpExt(ct, false);
  return x == 0 ? 0 : load<u32>(x, X_IGNORED_ACK);
}

export function setIgnoredAck(ct: usize, v: u32): void {
  // The slot is REPLY's max ack, which does not exist before the reply's first accepted ACK.
  if ((sideFlags(ct, 1) & TDF_MAXACK_SET) != 0) return;
  const x = tcpExt(ct, true);
  if (x != 0) store<u32>(x, v, X_IGNORED_ACK);
}

/** Remembers an ignored SYN's window, scale and options, for a later SYN/ACK resynchronisation. */
export function recordIgnoredSyn(ct: usize, window: u32, scale: u32, optionFlags: u32): void {
  clearSideFlags(ct, 0, TDF_MAXACK_SET);
  clearSideFlags(ct, 1, TDF_MAXACK_SET);
  const x = tcpExt(ct, true);
  if (x == 0) {
    setLastFlag(ct, LF_SYN_RECORD, false);
    return;
  }
  store<u16>(x, <u16>window, X_SYN_WINDOW);
  store<u8>(x, <u8>scale, X_SYN_SCALE);
  store<u8>(x, <u8>optionFlags, X_SYN_FLAGS);
  setLastFlag(ct, LF_SYN_RECORD, true);
}

export function ignoredSynWindow(ct: usize): u32 { return load<u16>(tcpExt(ct, false), X_SYN_WINDOW); }
export function ignoredSynScale(ct: usize): u32 { return load<u8>(tcpExt(ct, false), X_SYN_SCALE); }
export function ignoredSynFlags(ct: usize): u32 { return load<u8>(tcpExt(ct, false), X_SYN_FLAGS); }

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
  const keep = lastByte(ct) & ~LAST_DIR_BIT;
  setLastByte(ct, keep | <u32>dir);
}
