// The protocol trackers behind one interface (NETFILTER.md §4.3–§4.5): error checks before the
// lookup, "may this packet create a conntrack", and the per-packet state update. TCP, UDP (and
// UDP-Lite, which the kernel tracks the same way), ICMP; every other protocol is generic.
import { CTR_NONE } from '../../shared/layout';
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP, PROTO_UDPLITE } from '../tuple';
import { genericNew, genericPacket } from './generic';
import { icmpError, icmpNew, icmpPacket } from './icmp';
import { tcpError, tcpNew, tcpPacket } from './tcp';
import { udpError, udpNew, udpPacket } from './udp';

/** CTR_* for a packet the tracker rejects before any lookup, CTR_NONE otherwise. */
export function l4Error(proto: u8, rec: usize, hook: i32): u32 {
  switch (proto) {
    case PROTO_TCP: return tcpError(rec, hook);
    case PROTO_UDP:
    case PROTO_UDPLITE: return udpError(rec, hook);
    case PROTO_ICMP: return icmpError(rec, hook);
  }
  return CTR_NONE;
}

/** CTR_NONE when the packet may create conntrack `ct` (and its tracker state is initialised). */
export function l4New(proto: u8, ct: usize, rec: usize): u32 {
  switch (proto) {
    case PROTO_TCP: return tcpNew(ct, rec);
    case PROTO_UDP:
    case PROTO_UDPLITE: return udpNew(ct, rec);
    case PROTO_ICMP: return icmpNew(ct, rec);
  }
  return genericNew(ct, rec);
}

/** TRK_* for the packet on `ct` in direction `dir` with `ctinfo`. */
export function l4Packet(proto: u8, ct: usize, rec: usize, dir: i32, ctinfo: i32): i32 {
  switch (proto) {
    case PROTO_TCP: return tcpPacket(ct, rec, dir, ctinfo);
    case PROTO_UDP:
    case PROTO_UDPLITE: return udpPacket(ct, rec, dir, ctinfo);
    case PROTO_ICMP: return icmpPacket(ct, rec, dir, ctinfo);
  }
  return genericPacket(ct, rec, dir, ctinfo);
}
