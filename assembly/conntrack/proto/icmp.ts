// The ICMP tracker (nf_conntrack_proto_icmp.c, NETFILTER.md §4.5). Queries (echo, timestamp,
// info, address mask) create conntracks, their replies are the inverse tuple, other non-error
// types never create one; 30 s. Errors (3, 4, 5, 11, 12) never create one either: the packet they
// quote is looked up inverted and, if it is one of ours and the outer destination is that
// connection's destination in the direction found, the error is RELATED to it.
import {
  CT_ORIG_DST, CTO_ICMP, CTR_ICMP_BAD_TYPE, CTR_ICMP_CANNOT_CREATE,
  CTR_ICMP_ERROR_SPOOFED, CTR_ICMP_ERROR_UNKNOWN, CTR_NONE, CTR_TRUNCATED, PF2_INNER,
  PF2_TRUNCATED_L4, PKT_DST, PKT_FLAGS2, PKT_ICMP_TYPE, PKT_INNER_DPORT, PKT_INNER_DST,
  PKT_INNER_PROTO, PKT_INNER_SPORT, PKT_INNER_SRC, PKT_ZONE,
} from '../../shared/layout';
import { nowMs, timeoutMs } from '../clock';
import * as core from '../core';
import { DIR_ORIGINAL, IP_CT_RELATED, IP_CT_RELATED_REPLY, TRK_ACCEPT } from '../ctinfo';
import { findLive } from '../lifecycle';
import { foundDir, foundEntry } from '../table';
import { setExpires } from '../timer-blocks';
import { hasPorts, icmpInverseType, invertPorts, PROTO_ICMP, replyDst } from '../tuple';
import { checksumError } from './checksum';

const ICMP_MAX_TYPE: u32 = 18; // NR_ICMP_TYPES

export function icmpError(rec: usize, hook: i32): u32 {
  if ((load<u8>(rec, PKT_FLAGS2) & PF2_TRUNCATED_L4) != 0) return CTR_TRUNCATED;
  const bad = checksumError(rec, hook);
  if (bad != CTR_NONE) return bad;
  return <u32>load<u8>(rec, PKT_ICMP_TYPE) > ICMP_MAX_TYPE ? CTR_ICMP_BAD_TYPE : CTR_NONE;
}

/** Destination unreachable, source quench, redirect, time exceeded, parameter problem. */
export function isIcmpError(type: u32): bool {
  return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/** Only queries may create a conntrack (icmp_new's valid_new). */
export function icmpNew(ct: usize, rec: usize): u32 {
  const type = <u32>load<u8>(rec, PKT_ICMP_TYPE);
  return type == 8 || type == 13 || type == 15 || type == 17 ? CTR_NONE : CTR_ICMP_CANNOT_CREATE;
}

export function icmpPacket(ct: usize, rec: usize, dir: i32, ctinfo: i32): i32 {
  setExpires(ct, nowMs + timeoutMs(CTO_ICMP));
  return TRK_ACCEPT;
}

/**
 * nf_conntrack_inet_error for an ICMP error: returns IP_CT_RELATED or IP_CT_RELATED_REPLY with the
 * connection in table.foundEntry, or -1 (INVALID, core.reason says why).
 */
export function icmpErrorRelated(rec: usize): i32 {
  if ((load<u8>(rec, PKT_FLAGS2) & PF2_INNER) == 0) {
    core.reason = CTR_TRUNCATED;
    return -1;
  }
  const proto = load<u8>(rec, PKT_INNER_PROTO);
  let ports: u32 = 0;
  if (hasPorts(proto) || proto == PROTO_ICMP) ports = (<u32>load<u16>(rec, PKT_INNER_SPORT) << 16) | load<u16>(rec, PKT_INNER_DPORT);
  // The quoted packet travelled the other way: its inverted tuple names our side of it.
  if (proto == PROTO_ICMP && icmpInverseType((ports >> 8) & 0xff) < 0) {
    core.reason = CTR_ICMP_ERROR_UNKNOWN;
    return -1;
  }
  const inverted = proto == PROTO_ICMP || hasPorts(proto) ? invertPorts(ports, proto) : 0;
  if (!findLive(load<u32>(rec, PKT_INNER_DST), load<u32>(rec, PKT_INNER_SRC), inverted, proto, load<u16>(rec, PKT_ZONE))) {
    core.reason = CTR_ICMP_ERROR_UNKNOWN;
    return -1;
  }
  const ct = foundEntry;
  const connectionDst = foundDir == DIR_ORIGINAL ? load<u32>(ct, CT_ORIG_DST) : replyDst(ct);
  if (load<u32>(rec, PKT_DST) != connectionDst) {
    core.reason = CTR_ICMP_ERROR_SPOOFED;
    return -1;
  }
  return foundDir == DIR_ORIGINAL ? IP_CT_RELATED : IP_CT_RELATED_REPLY;
}
