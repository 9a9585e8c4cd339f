// The TCP tracker's packet classes, its two state-transition tables and the valid flag
// combinations (NETFILTER.md §4.4; nf_conntrack_proto_tcp.c tcp_conntracks, tcp_valid_flags).
import {
  TCP_CLOSE, TCP_CLOSE_WAIT, TCP_ESTABLISHED, TCP_FIN_WAIT, TCP_LAST_ACK, TCP_NONE, TCP_SYN_RECV,
  TCP_SYN_SENT, TCP_SYN_SENT2, TCP_TIME_WAIT,
} from '../../shared/layout';

// TCP header flag bits as PKT_TCPFLAGS holds them.
export const TH_FIN: u32 = 1;
export const TH_SYN: u32 = 2;
export const TH_RST: u32 = 4;
export const TH_PSH: u32 = 8;
export const TH_ACK: u32 = 16;
export const TH_URG: u32 = 32;
export const TH_ECE: u32 = 64;
export const TH_CWR: u32 = 128;

// Packet classes (the kernel's enum tcp_bit_set), the row index of the tables.
export const CLASS_SYN = 0;
export const CLASS_SYNACK = 1;
export const CLASS_FIN = 2;
export const CLASS_ACK = 3;
export const CLASS_RST = 4;
export const CLASS_NONE = 5;
const CLASS_COUNT = 6;

/** Table outcomes beyond the ten states: invalid, and ignore (accepted, state unchanged). */
export const STATE_INVALID: u8 = 10;
export const STATE_IGNORE: u8 = 11;
const STATE_COUNT = 10;

/** Class by priority: RST, then SYN (SYN/ACK with ACK), then FIN, then ACK, else none (§4.4). */
export function packetClass(flags: u32): i32 {
  if ((flags & TH_RST) != 0) return CLASS_RST;
  if ((flags & TH_SYN) != 0) return (flags & TH_ACK) != 0 ? CLASS_SYNACK : CLASS_SYN;
  if ((flags & TH_FIN) != 0) return CLASS_FIN;
  if ((flags & TH_ACK) != 0) return CLASS_ACK;
  return CLASS_NONE;
}

const sNO = <u8>TCP_NONE;
const sSS = <u8>TCP_SYN_SENT;
const sSR = <u8>TCP_SYN_RECV;
const sES = <u8>TCP_ESTABLISHED;
const sFW = <u8>TCP_FIN_WAIT;
const sCW = <u8>TCP_CLOSE_WAIT;
const sLA = <u8>TCP_LAST_ACK;
const sTW = <u8>TCP_TIME_WAIT;
const sCL = <u8>TCP_CLOSE;
const sS2 = <u8>TCP_SYN_SENT2;
const sIV = STATE_INVALID;
const sIG = STATE_IGNORE;

// [direction][class][old state], columns NONE SS SR ES FW CW LA TW CL S2, as in §4.4.
const TRANSITIONS: usize = memory.data<u8>([
  // ORIGINAL
  sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2, // syn
  sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR, // synack
  sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV, // fin
  sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV, // ack
  sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, // rst
  sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, // none
  // REPLY
  sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2, // syn
  sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR, // synack
  sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV, // fin
  sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG, // ack
  sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, // rst
  sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, // none
]);

/** The table's verdict for a packet of `cls` in direction `dir` meeting a connection in `state`. */
@inline export function nextState(dir: i32, cls: i32, state: u8): u8 {
  return load<u8>(TRANSITIONS + <usize>((dir * CLASS_COUNT + cls) * STATE_COUNT + <i32>state));
}

// Valid combinations of FIN, SYN, RST, ACK and URG once PSH, ECE and CWR are set aside
// (tcp_valid_flags): bit n of this mask = combination n is valid.
const VALID_FLAG_SETS: u64 = (<u64>1 << TH_SYN) | (<u64>1 << (TH_SYN | TH_URG)) | (<u64>1 << (TH_SYN | TH_ACK))
  | (<u64>1 << TH_RST) | (<u64>1 << (TH_RST | TH_ACK)) | (<u64>1 << (TH_FIN | TH_ACK))
  | (<u64>1 << (TH_FIN | TH_ACK | TH_URG)) | (<u64>1 << TH_ACK) | (<u64>1 << (TH_ACK | TH_URG));

/** tcp_error's flag check: FIN without ACK, SYN+FIN, SYN+RST, NULL scans... are invalid. */
export function validFlagCombination(flags: u32): bool {
  const significant = flags & ~(TH_PSH | TH_ECE | TH_CWR) & 0x3f;
  return ((VALID_FLAG_SETS >> <u64>significant) & 1) != 0;
}
