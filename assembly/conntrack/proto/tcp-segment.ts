// The TCP segment being tracked, read once from its packet record into globals (the tracker's
// per-packet scratch: no allocation on the hot path).
import {
  PF2_NO_SEQ, PKT_ACK, PKT_FLAGS2, PKT_LENGTH_L4, PKT_SEQ, PKT_TCP_SACKPERM, PKT_TCP_WSCALE,
  PKT_TCPFLAGS, PKT_TCPOPT, PKT_TCPWIN,
} from '../../shared/layout';
import { packetClass, TH_ACK, TH_FIN, TH_RST, TH_SYN } from './tcp-states';

/** RFC 7323's largest shift; the kernel clamps bigger window-scale values to it. */
const MAX_WINDOW_SCALE: u8 = 14;
const WSCALE_ABSENT: u8 = 0xff;

export let flags: u32 = 0;
export let cls: i32 = 0;
export let seq: u32 = 0;
export let ack: u32 = 0;
/** seq + payload length + 1 for SYN + 1 for FIN (segment_seq_plus_len). */
export let end: u32 = 0;
/** The window field as sent (unscaled). */
export let window: u32 = 0;
/** The record does not know seq/ack/window (PF2_NO_SEQ): windows cannot be judged. */
export let noSeq: bool = false;
/** The header carries options at all: the kernel's tcp_options resets a side only then. */
export let hasOptions: bool = false;
export let hasWindowScale: bool = false;
export let windowScale: u8 = 0;
export let sackPermitted: bool = false;

@inline export function readSegment(rec: usize): void {
  flags = load<u8>(rec, PKT_TCPFLAGS);
  cls = packetClass(flags);
  seq = load<u32>(rec, PKT_SEQ);
  ack = load<u32>(rec, PKT_ACK);
  window = load<u16>(rec, PKT_TCPWIN);
  end = seq + <u32>load<u16>(rec, PKT_LENGTH_L4) + ((flags & TH_SYN) != 0 ? 1 : 0) + ((flags & TH_FIN) != 0 ? 1 : 0);
  noSeq = (load<u8>(rec, PKT_FLAGS2) & PF2_NO_SEQ) != 0;
  const scale = load<u8>(rec, PKT_TCP_WSCALE);
  hasWindowScale = scale != WSCALE_ABSENT;
  windowScale = hasWindowScale ? min(scale, MAX_WINDOW_SCALE) : 0;
  sackPermitted = load<u8>(rec, PKT_TCP_SACKPERM) != 0;
  hasOptions = hasWindowScale || sackPermitted || anyOptionKind(rec);
}

function anyOptionKind(rec: usize): bool {
  const at = rec + PKT_TCPOPT;
  return (load<u64>(at) | load<u64>(at, 8) | load<u64>(at, 16) | load<u64>(at, 24)) != 0;
}

@inline export function hasAck(): bool {
  return (flags & TH_ACK) != 0;
}

@inline export function hasSyn(): bool {
  return (flags & TH_SYN) != 0;
}

@inline export function hasRst(): bool {
  return (flags & TH_RST) != 0;
}
