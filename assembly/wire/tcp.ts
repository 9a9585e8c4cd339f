// TCP header (RFC 9293): ports, sequence numbers, flags, window, and the options the kernel reads:
// which kinds are present (xt_tcpudp's option walk, for -m tcp --tcp-option) and the window
// scale / SACK-permitted options conntrack takes from a SYN (tcp_options(), NETFILTER.md §4.4).
import { be16, be32 } from './bytes';
import { addSums, sumBytes, sumIsValid } from './checksum';
import * as l4 from './l4';

export const MIN_HEADER: u32 = 20;
const MAX_WINDOW_SCALE: u32 = 14; // TCP_MAX_WSCALE: conntrack clamps larger shifts
const OPT_EOL: u32 = 0;
const OPT_NOP: u32 = 1;
const OPT_WINDOW: u32 = 3;
const OPT_SACK_PERM: u32 = 4;
const OPT_WINDOW_LENGTH: u32 = 3;
const OPT_SACK_PERM_LENGTH: u32 = 2;
export const NO_WINDOW_SCALE: u32 = 0xff;

// Repr
export let seq: u32 = 0;
export let ack: u32 = 0;
export let flags: u32 = 0; // header byte 13: FIN 1 ... CWR 128
export let reserved: u32 = 0; // low nibble of byte 12 (its lowest bit is AE)
export let window: u32 = 0;
export let urgentPointer: u32 = 0;
export let options: usize = 0;
export let optionsLength: u32 = 0; // 0 also when the options are not all in memory
export let windowScale: u32 = NO_WINDOW_SCALE;
export let sackPermitted: bool = false;

function resetTcp(): void {
  seq = 0;
  ack = 0;
  flags = 0;
  reserved = 0;
  window = 0;
  urgentPointer = 0;
  options = 0;
  optionsLength = 0;
  windowScale = NO_WINDOW_SCALE;
  sackPermitted = false;
}

/**
 * The segment at `p`: `length` bytes by the IP header, `captured` of them in memory. `whole` is
 * false for a fragment (lengths and checksum then cover the reassembled datagram). `pseudo` is
 * the pseudo-header sum for the checksum.
 */
@inline export function parseTcp(p: usize, length: u32, captured: u32, whole: bool, pseudo: u32): void {
  resetTcp();
  l4.setHeaderLength(MIN_HEADER);
  if (captured < MIN_HEADER) {
    l4.setTruncated();
    return;
  }
  l4.setPresent(be16(p), be16(p + 2));
  seq = be32(p + 4);
  ack = be32(p + 8);
  reserved = <u32>load<u8>(p + 12) & 0x0f;
  flags = load<u8>(p + 13);
  window = be16(p + 14);
  urgentPointer = be16(p + 18);
  const headerLength = (<u32>load<u8>(p + 12) >> 4) << 2;
  // tcp_error(): a data offset below 20 or beyond the segment is a "truncated packet"
  if (headerLength < MIN_HEADER || (whole && headerLength > length) || headerLength > captured) {
    l4.setTruncated();
    return;
  }
  l4.setHeaderLength(headerLength);
  options = p + MIN_HEADER;
  optionsLength = headerLength - MIN_HEADER;
  readHandshakeOptions();
  l4.setPayload(p, headerLength, captured);
  if (l4.verifySums && whole && captured == length && !sumIsValid(addSums(pseudo, sumBytes(p, length)))) l4.setBadChecksum();
}

/** Window scale and SACK-permitted, read the way conntrack's tcp_options() reads them. */
@inline function readHandshakeOptions(): void {
  let i: u32 = 0;
  while (i < optionsLength) {
    const kind = <u32>load<u8>(options + i);
    if (kind == OPT_EOL) return;
    if (kind == OPT_NOP) {
      i++;
      continue;
    }
    if (i + 2 > optionsLength) return;
    const size = <u32>load<u8>(options + i + 1);
    if (size < 2 || i + size > optionsLength) return; // silly or partial option: stop
    if (kind == OPT_SACK_PERM && size == OPT_SACK_PERM_LENGTH) sackPermitted = true;
    else if (kind == OPT_WINDOW && size == OPT_WINDOW_LENGTH) windowScale = min(<u32>load<u8>(options + i + 2), MAX_WINDOW_SCALE);
    i += size;
  }
}

/**
 * Sets bit k (byte k >> 3, bit k & 7) of the 32-byte map at `bitmap` for every option kind k the
 * kernel's --tcp-option walk meets: it steps over EOL and NOP one byte at a time and over other
 * options by their length byte (0 counting as 1), without stopping at EOL.
 */
@inline export function markOptionKinds(bitmap: usize): void {
  let i: u32 = 0;
  while (i < optionsLength) {
    const kind = <u32>load<u8>(options + i);
    const at = bitmap + (kind >> 3);
    store<u8>(at, <u8>(<u32>load<u8>(at) | (<u32>1 << (kind & 7))));
    if (kind < 2) {
      i++;
      continue;
    }
    if (i + 1 >= optionsLength) return;
    const size = <u32>load<u8>(options + i + 1);
    i += size != 0 ? size : 1;
  }
}
