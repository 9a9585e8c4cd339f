// ICMP (RFC 792): type, code, the four bytes after the checksum (identifier and sequence of the
// query messages, gateway, pointer or MTU of the others), and for the error types the packet they
// quote: its IPv4 header and the first L4 bytes, whose tuple conntrack inverts to find the
// connection the error belongs to (NETFILTER.md §4.5).
import { be16, be32 } from './bytes';
import { sumBytes, sumIsValid } from './checksum';
import * as l4 from './l4';
import { PROTO_ICMP, hasPorts } from './proto';

export const HEADER: u32 = 8;
const IP_MIN_HEADER: u32 = 20;

export let type: u32 = 0;
export let code: u32 = 0;

// The quoted packet, when enough of it is there to build its tuple
export let innerPresent: bool = false;
export let innerSrc: u32 = 0;
export let innerDst: u32 = 0;
export let innerProto: u32 = 0;
export let innerSport: u32 = 0; // ICMP inside: identifier
export let innerDport: u32 = 0; // ICMP inside: type << 8 | code

/** Destination unreachable, source quench, redirect, time exceeded, parameter problem. */
export function isErrorType(t: u32): bool {
  return t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
}

/** See tcp.ts parseTcp for the arguments. */
export function parseIcmp(p: usize, length: u32, captured: u32, whole: bool): void {
  type = 0;
  code = 0;
  innerPresent = false;
  l4.setHeaderLength(HEADER);
  if (captured < HEADER) {
    l4.setTruncated();
    return;
  }
  type = load<u8>(p);
  code = load<u8>(p + 1);
  l4.setPresent(be16(p + 4), be16(p + 6));
  l4.setPayload(p, HEADER, captured);
  if (whole && captured == length && !sumIsValid(sumBytes(p, length))) l4.setBadChecksum();
  if (isErrorType(type)) parseQuoted(p + HEADER, captured - HEADER);
}

/**
 * The quoted packet's tuple, as nf_ct_get_tuplepr() reads it: a complete IPv4 header that is not
 * a later fragment, then the ports (4 bytes) or the quoted ICMP header (8 bytes).
 */
function parseQuoted(p: usize, captured: u32): void {
  innerSrc = 0;
  innerDst = 0;
  innerProto = 0;
  innerSport = 0;
  innerDport = 0;
  if (captured < IP_MIN_HEADER || <u32>load<u8>(p) >> 4 != 4) return;
  const headerLength = (<u32>load<u8>(p) & 0x0f) << 2;
  if (headerLength < IP_MIN_HEADER || headerLength > captured) return;
  if ((be16(p + 6) & 0x1fff) != 0) return;
  innerProto = load<u8>(p + 9);
  innerSrc = be32(p + 12);
  innerDst = be32(p + 16);
  const q = p + headerLength;
  const rest = captured - headerLength;
  if (hasPorts(innerProto)) {
    if (rest < 4) return;
    innerSport = be16(q);
    innerDport = be16(q + 2);
  } else if (innerProto == PROTO_ICMP) {
    if (rest < HEADER) return;
    innerSport = be16(q + 4);
    innerDport = (<u32>load<u8>(q) << 8) | <u32>load<u8>(q + 1);
  }
  innerPresent = true;
}
