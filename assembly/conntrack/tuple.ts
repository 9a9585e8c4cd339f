// Conntrack tuples (NETFILTER.md §4.3): addresses, the "ports" word (sport << 16 | dport; ICMP:
// id << 16 | type << 8 | code) and the l4 protocol. The packet's own tuple is computed once into
// these globals; an entry's reply tuple is derived from its original one (or its NAT binding).
import {
  CT_FLAGS, CT_ORIG_DPORT, CT_ORIG_DST, CT_ORIG_SPORT, CT_ORIG_SRC, CT_PROTO, CTE_NAT,
  CX_FLAGS, CX_REPLY_DPORT, CX_REPLY_DST, CX_REPLY_SPORT, CX_REPLY_SRC, CX_ZONE, CXF_HAS_ZONE,
  PKT_DPORT, PKT_DST, PKT_FLAGS, PKT_ICMP_CODE, PKT_ICMP_TYPE, PKT_PROTO, PKT_SPORT, PKT_SRC, PF_L4,
} from '../shared/layout';
import { attachedExt } from './entries';

export const PROTO_ICMP: u8 = 1;
export const PROTO_TCP: u8 = 6;
export const PROTO_UDP: u8 = 17;
export const PROTO_DCCP: u8 = 33;
export const PROTO_SCTP: u8 = 132;
export const PROTO_UDPLITE: u8 = 136;

export let tupleSrc: u32 = 0;
export let tupleDst: u32 = 0;
export let tuplePorts: u32 = 0;
export let tupleProto: u8 = 0;

export function setTuple(src: u32, dst: u32, ports: u32, proto: u8): void {
  tupleSrc = src;
  tupleDst = dst;
  tuplePorts = ports;
  tupleProto = proto;
}

/** Protocols whose tuple carries ports (§4.3); the rest are tracked by address and protocol. */
export function hasPorts(proto: u8): bool {
  return proto == PROTO_TCP || proto == PROTO_UDP || proto == PROTO_UDPLITE || proto == PROTO_SCTP || proto == PROTO_DCCP;
}

/**
 * The reply type of an ICMP query type (nf_conntrack_proto_icmp.c invmap), +1 so that 0 means
 * "no reply type": echo 8 <-> 0, timestamp 13 <-> 14, info 15 <-> 16, address mask 17 <-> 18.
 */
export function icmpInverseType(type: u32): i32 {
  switch (type) {
    case 8: return 0;
    case 0: return 8;
    case 13: return 14;
    case 14: return 13;
    case 15: return 16;
    case 16: return 15;
    case 17: return 18;
    case 18: return 17;
  }
  return -1;
}

/** The packet's own tuple (the outer header), into the tuple globals. */
export function setPacketTuple(rec: usize): void {
  const proto = load<u8>(rec, PKT_PROTO);
  let ports: u32 = 0;
  if ((load<u8>(rec, PKT_FLAGS) & PF_L4) != 0) {
    if (hasPorts(proto)) ports = (<u32>load<u16>(rec, PKT_SPORT) << 16) | load<u16>(rec, PKT_DPORT);
    else if (proto == PROTO_ICMP) ports = icmpPorts(rec);
  }
  setTuple(load<u32>(rec, PKT_SRC), load<u32>(rec, PKT_DST), ports, proto);
}

/** ICMP "ports" word: id << 16 | type << 8 | code (the id travels in PKT_SPORT). */
export function icmpPorts(rec: usize): u32 {
  return (<u32>load<u16>(rec, PKT_SPORT) << 16) | (<u32>load<u8>(rec, PKT_ICMP_TYPE) << 8) | load<u8>(rec, PKT_ICMP_CODE);
}

@inline export function origPorts(ct: usize): u32 {
  return (<u32>load<u16>(ct, CT_ORIG_SPORT) << 16) | load<u16>(ct, CT_ORIG_DPORT);
}

/** Inverts a ports word (nf_ct_invert_tuple): swapped ports, or the ICMP reply type. */
export function invertPorts(ports: u32, proto: u8): u32 {
  if (proto == PROTO_ICMP) {
    const inverse = icmpInverseType((ports >> 8) & 0xff);
    return (ports & 0xffff00ff) | (<u32>(inverse < 0 ? 0 : inverse) << 8);
  }
  return (ports << 16) | (ports >>> 16);
}

@inline function natExt(ct: usize): usize {
  return (load<u8>(ct, CT_FLAGS) & CTE_NAT) != 0 ? attachedExt(ct) : 0;
}

export function replySrc(ct: usize): u32 {
  const ext = natExt(ct);
  return ext != 0 ? load<u32>(ext, CX_REPLY_SRC) : load<u32>(ct, CT_ORIG_DST);
}

export function replyDst(ct: usize): u32 {
  const ext = natExt(ct);
  return ext != 0 ? load<u32>(ext, CX_REPLY_DST) : load<u32>(ct, CT_ORIG_SRC);
}

@inline export function replyPorts(ct: usize): u32 {
  const ext = natExt(ct);
  if (ext != 0) return (<u32>load<u16>(ext, CX_REPLY_SPORT) << 16) | load<u16>(ext, CX_REPLY_DPORT);
  return invertPorts(origPorts(ct), load<u8>(ct, CT_PROTO));
}

/** Conntrack zone of an entry (CT --zone), 0 by default. */
@inline export function zoneOf(ct: usize): u16 {
  const ext = attachedExt(ct);
  if (ext == 0) return 0;
  return (load<u16>(ext, CX_FLAGS) & CXF_HAS_ZONE) != 0 ? load<u16>(ext, CX_ZONE) : 0;
}
