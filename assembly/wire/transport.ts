// The transport layer of the IPv4 packet just parsed (ipv4.ts): the parser for its protocol, or
// for a later fragment none (L4 matches never match it, NETFILTER.md §4.2).
//
// Every fragment's payload is its whole IP payload (a first fragment's L4 header included), so
// that defragmentation can rebuild the datagram from the records.
import * as icmp from './icmp';
import * as ipv4 from './ipv4';
import * as l4 from './l4';
import { pseudoHeaderSum } from './checksum';
import { be16 } from './bytes';
import { parseTcp } from './tcp';
import { parseUdp } from './udp';
import { PROTO_DCCP, PROTO_ICMP, PROTO_SCTP, PROTO_TCP, PROTO_UDP, PROTO_UDPLITE } from './proto';

const SCTP_COMMON_HEADER: u32 = 12;
const DCCP_MIN_HEADER: u32 = 12;
const DCCP_OFFSET_BYTE: u32 = 4; // data offset, in 32-bit words

export function parseTransport(): void {
  l4.resetL4();
  const p = ipv4.l4;
  const length = ipv4.l4Length;
  const captured = ipv4.l4Captured;
  if (ipv4.fragOffset != 0) {
    l4.setPayload(p, 0, captured);
    return;
  }
  const whole = !ipv4.isFragment();
  const proto = ipv4.proto;
  if (proto == PROTO_TCP) parseTcp(p, length, captured, whole, pseudo(proto, length));
  else if (proto == PROTO_UDP) parseUdp(p, length, captured, whole, pseudo(proto, length), false);
  else if (proto == PROTO_UDPLITE) parseUdp(p, length, captured, whole, pseudo(proto, length), true);
  else if (proto == PROTO_ICMP) icmp.parseIcmp(p, length, captured, whole);
  else if (proto == PROTO_SCTP) parsePortsOnly(p, captured, SCTP_COMMON_HEADER);
  else if (proto == PROTO_DCCP) parsePortsOnly(p, captured, dccpHeaderLength(p, captured));
  else {
    // Nothing the core reads follows the IP header (AH/ESP SPIs are read from the payload).
    l4.setPresent(0, 0);
    l4.setPayload(p, 0, captured);
  }
  if (!whole) l4.setPayload(p, 0, captured);
}

@inline function pseudo(proto: u32, length: u32): u32 {
  return pseudoHeaderSum(ipv4.src, ipv4.dst, proto, length);
}

/** DCCP's data offset when it is there and sane, else the fixed header. */
function dccpHeaderLength(p: usize, captured: u32): u32 {
  if (captured <= DCCP_OFFSET_BYTE) return DCCP_MIN_HEADER;
  const bytes = <u32>load<u8>(p + DCCP_OFFSET_BYTE) << 2;
  return bytes >= DCCP_MIN_HEADER && bytes <= captured ? bytes : DCCP_MIN_HEADER;
}

/** SCTP and DCCP: the ports, once the fixed header the kernel's matches read is there. */
function parsePortsOnly(p: usize, captured: u32, header: u32): void {
  l4.setHeaderLength(header);
  if (captured < header) {
    l4.setTruncated();
    return;
  }
  l4.setPresent(be16(p), be16(p + 2));
  l4.setPayload(p, header, captured);
}
