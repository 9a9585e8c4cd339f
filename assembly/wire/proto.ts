// IP protocol numbers the parser treats specially.
export const PROTO_ICMP: u32 = 1;
export const PROTO_TCP: u32 = 6;
export const PROTO_UDP: u32 = 17;
export const PROTO_DCCP: u32 = 33;
export const PROTO_SCTP: u32 = 132;
export const PROTO_UDPLITE: u32 = 136;

/** Protocols whose header starts with the two ports conntrack reads (NETFILTER.md §4.3). */
export function hasPorts(proto: u32): bool {
  return proto == PROTO_TCP || proto == PROTO_UDP || proto == PROTO_DCCP || proto == PROTO_SCTP || proto == PROTO_UDPLITE;
}
