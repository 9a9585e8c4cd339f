// IPv4 header (RFC 791): a view over the bytes and the parsed fields, with the checks
// ip_rcv_core() makes before the packet reaches PREROUTING (NETFILTER.md §4.1): version and header
// length, header checksum, total length against what arrived. A packet failing them never meets
// netfilter, so it is reported, not evaluated.
import {
  FR_IP_CHECKSUM, FR_IP_HEADER_CUT, FR_IP_HEADER_LENGTH, FR_IP_TOTAL_LONG, FR_IP_TOTAL_SHORT,
  FR_IP_VERSION, FR_NONE, FS_IPV4, FS_MALFORMED, FS_TRUNCATED,
} from './abi';
import { be16, be32 } from './bytes';
import { sumIpHeader, sumIsValid } from './checksum';

export const MIN_HEADER: u32 = 20;
export const UNKNOWN_WIRE_LENGTH: u32 = 0xffffffff;

const FLAG_DF: u32 = 0x4000;
const FLAG_MF: u32 = 0x2000;
const OFFSET_MASK: u32 = 0x1fff;

// View: fields at their wire offsets
@inline export function versionOf(p: usize): u32 { return <u32>load<u8>(p) >> 4; }
@inline function headerLengthOf(p: usize): u32 { return (<u32>load<u8>(p) & 0x0f) << 2; }
@inline function totalLengthOf(p: usize): u32 { return be16(p + 2); }

// Repr: the last header parsed
export let header: usize = 0;
export let headerLength: u32 = 0;
export let totalLength: u32 = 0;
export let tos: u32 = 0;
export let id: u32 = 0;
export let ttl: u32 = 0;
export let proto: u32 = 0;
export let src: u32 = 0;
export let dst: u32 = 0;
export let fragOffset: u32 = 0; // 8-byte units
export let moreFragments: bool = false;
export let dontFragment: bool = false;
/** The transport header and what follows, up to the total length. */
export let l4: usize = 0;
export let l4Length: u32 = 0; // by the total length
export let l4Captured: u32 = 0; // bytes of it in memory

/** The header checksum was 0 and taken as not filled in yet (checksum offload). */
export let headerSumUnset: bool = false;

// Why a header was refused (FS_* / FR_* / the number named)
export let failStatus: u32 = FS_IPV4;
export let failReason: u32 = FR_NONE;
export let failDetail: u32 = 0;

function refuse(status: u32, reason: u32, value: u32): u32 {
  failStatus = status;
  failReason = reason;
  failDetail = value;
  return status;
}

/**
 * Parses the header at `p` with `captured` bytes in memory and `onWire` bytes on the link
 * (UNKNOWN_WIRE_LENGTH when the link layer does not say). Returns FS_IPV4, or FS_TRUNCATED /
 * FS_MALFORMED with failReason and failDetail set.
 */
export function parseIpv4(p: usize, captured: u32, onWire: u32, checkHeaderSum: bool): u32 {
  failStatus = FS_IPV4;
  if (captured < 1) return refuse(FS_TRUNCATED, FR_IP_HEADER_CUT, captured);
  const version = versionOf(p);
  if (version != 4) return refuse(FS_MALFORMED, FR_IP_VERSION, version);
  if (captured < MIN_HEADER) return refuse(FS_TRUNCATED, FR_IP_HEADER_CUT, captured);
  const hlen = headerLengthOf(p);
  if (hlen < MIN_HEADER) return refuse(FS_MALFORMED, FR_IP_HEADER_LENGTH, hlen);
  if (captured < hlen) return refuse(FS_TRUNCATED, FR_IP_HEADER_CUT, captured);
  headerSumUnset = false;
  if (checkHeaderSum && !sumIsValid(sumIpHeader(p, hlen))) {
    // A zero field is a checksum the capturing host left to its NIC (offload): the packet on the
    // wire had a good one. Any other wrong value makes ip_rcv drop the packet.
    const field = be16(p + 10);
    if (field != 0) return refuse(FS_MALFORMED, FR_IP_CHECKSUM, field);
    headerSumUnset = true;
  }
  const total = totalLengthOf(p);
  if (onWire != UNKNOWN_WIRE_LENGTH && total > onWire) return refuse(FS_MALFORMED, FR_IP_TOTAL_LONG, total);
  if (total < hlen) return refuse(FS_MALFORMED, FR_IP_TOTAL_SHORT, total);

  header = p;
  headerLength = hlen;
  totalLength = total;
  tos = load<u8>(p + 1);
  id = be16(p + 4);
  const frag = be16(p + 6);
  fragOffset = frag & OFFSET_MASK;
  moreFragments = (frag & FLAG_MF) != 0;
  dontFragment = (frag & FLAG_DF) != 0;
  ttl = load<u8>(p + 8);
  proto = load<u8>(p + 9);
  src = be32(p + 12);
  dst = be32(p + 16);
  l4 = p + hlen;
  l4Length = total - hlen;
  l4Captured = min(captured, total) - hlen;
  return FS_IPV4;
}

/** Part of a fragmented datagram: its L4 checksum and lengths cover the reassembled whole. */
export function isFragment(): bool {
  return moreFragments || fragOffset != 0;
}

/** The whole L4 segment is in memory. */
export function l4Complete(): bool {
  return l4Captured == l4Length;
}
