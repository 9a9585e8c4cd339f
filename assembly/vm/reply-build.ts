// The answer the kernel sends for a REJECTed packet, as a packet record: nf_send_reset's TCP RST
// (nf_reject_ipv4.c) or icmp_send's ICMP error (net/ipv4/icmp.c), or why none is sent
// (NETFILTER.md §0; layout.ts "Router-made replies").
import {
  PF2_BAD_CSUM, PF2_INNER, PF2_NO_SEQ, PF_DF, PF_FRAG_NONFIRST, PF_L4, PF_LOCAL_OUT, PKT_ACK,
  PKT_DPORT, PKT_DST, PKT_FLAGS, PKT_FLAGS2, PKT_ICMP_CODE, PKT_ICMP_TYPE, PKT_INNER_DPORT,
  PKT_INNER_DST, PKT_INNER_PROTO, PKT_INNER_SPORT, PKT_INNER_SRC, PKT_IPLEN, PKT_LENGTH_L4,
  PKT_PKTTYPE, PKT_PROTO, PKT_SEQ, PKT_SIZE, PKT_SPORT, PKT_SRC, PKT_TCP_WSCALE, PKT_TCPFLAGS,
  PKT_TOS, PKT_TS, PKT_TTL, PKTTYPE_UNICAST, R_FLAGS, R_IFNAME, REJ_ICMP_ADMIN_PROHIBITED,
  REJ_ICMP_ECHOREPLY, REJ_ICMP_HOST_PROHIBITED, REJ_ICMP_HOST_UNREACHABLE, REJ_ICMP_NET_PROHIBITED,
  REJ_ICMP_NET_UNREACHABLE, REJ_ICMP_PORT_UNREACHABLE, REJ_ICMP_PROT_UNREACHABLE, REJ_TCP_RESET,
  RK_ICMP, RK_NONE, RK_TCP_RESET, RN_BAD_CHECKSUM, RN_BROADCAST, RN_ECHO_REPLY, RN_FRAGMENT,
  RN_ICMP_ERROR, RN_NO_HEADER, RN_RATE_LIMITED, RN_RST, RN_SENT, ROUTE_SIZE, RT_BROADCAST, RT_LOCAL,
} from '../shared/layout';
import { lookupRoute, routeFlags, routeIfname, sameIfname } from '../route/lookup';
import { cfgBase, routeCount, routesBase } from './config';
import { icmpErrorAllowed } from './icmp-ratelimit';

const PROTO_ICMP: u8 = 1;
const PROTO_TCP: u8 = 6;
const TCP_FIN: u8 = 1;
const TCP_SYN: u8 = 2;
const TCP_RST: u8 = 4;
const TCP_ACK: u8 = 16;
const ICMP_DEST_UNREACH: u8 = 3;
const ICMP_TIME_EXCEEDED: u8 = 11;
const ICMP_EXC_TTL: u8 = 0;
const NR_ICMP_TYPES: u32 = 18;
/** sysctl net.ipv4.ip_default_ttl: what ip4_dst_hoplimit gives a route without its own hoplimit. */
const DEFAULT_TTL: u8 = 64;
const IP_HEADER = 20;
const TCP_HEADER = 20;
const ICMP_HEADER = 8;
/** icmp_send quotes as much of the original as fits in a 576-byte datagram (RFC 1812 4.3.2.3). */
const ICMP_ERROR_MAX = 576;
const IPTOS_TOS_MASK: u8 = 0x1e;
const IPTOS_PREC_INTERNETCONTROL: u8 = 0xc0;

/** What buildReply decided: RK_* and, for RK_NONE, the RN_* reason. */
export let replyKind: u32 = RK_NONE;
export let noReplyReason: u32 = RN_SENT;

/** Destination unreachable, source quench, redirect, time exceeded, parameter problem. */
function isIcmpErrorType(type: u32): bool {
  return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/** ICMP destination-unreachable code of an icmp-* --reject-with (ipt_REJECT reject_tg). */
function unreachCode(kind: u32): i32 {
  switch (kind) {
    case REJ_ICMP_NET_UNREACHABLE: return 0;
    case REJ_ICMP_HOST_UNREACHABLE: return 1;
    case REJ_ICMP_PROT_UNREACHABLE: return 2;
    case REJ_ICMP_PORT_UNREACHABLE: return 3;
    case REJ_ICMP_NET_PROHIBITED: return 9;
    case REJ_ICMP_HOST_PROHIBITED: return 10;
    case REJ_ICMP_ADMIN_PROHIBITED: return 13;
  }
  return -1;
}

function refuse(reason: u32): bool {
  replyKind = RK_NONE;
  noReplyReason = reason;
  return false;
}

/** icmp_send's own checks: only the first fragment, only unicast packets are answered. */
function icmpAnswerable(orig: usize): u32 {
  if ((load<u8>(orig, PKT_FLAGS) & PF_FRAG_NONFIRST) != 0) return RN_FRAGMENT;
  if ((<u32>load<u8>(orig, PKT_PKTTYPE) & PKTTYPE_UNICAST) == 0) return RN_BROADCAST;
  return RN_SENT;
}

/** Checks shared by nf_send_reset and nf_send_unreach: icmp_send's, and a good checksum (REJECT verifies it). */
function answerable(orig: usize): u32 {
  const why = icmpAnswerable(orig);
  if (why != RN_SENT) return why;
  if ((load<u8>(orig, PKT_FLAGS2) & PF2_BAD_CSUM) != 0) return RN_BAD_CHECKSUM;
  return RN_SENT;
}

/**
 * The source address of an ICMP error: the original's destination when that is this host,
 * else the router's address on the interface the error leaves by (the route lookup
 * icmp_route_lookup makes with saddr 0 picks the device's address).
 */
function icmpSource(orig: usize): u32 {
  const dst = load<u32>(orig, PKT_DST);
  const toUs = lookupRoute(dst);
  if (toUs >= 0 && (routeFlags(toUs) & RT_LOCAL) != 0) return dst;
  const back = lookupRoute(load<u32>(orig, PKT_SRC));
  if (back < 0) return dst;
  const ifname = routeIfname(back);
  for (let i: u32 = 0; i < routeCount; i++) {
    const r = routesBase + <usize>i * ROUTE_SIZE;
    const flags = load<u32>(r, R_FLAGS);
    if ((flags & RT_LOCAL) != 0 && (flags & RT_BROADCAST) == 0 && sameIfname(r + R_IFNAME, ifname)) {
      return load<u32>(r, 0);
    }
  }
  return dst;
}

/** The header fields every reply shares: a fresh local packet from this host back to the sender. */
function startReply(orig: usize, at: usize, proto: u8, length: u32, src: u32): void {
  memory.fill(at, 0, PKT_SIZE);
  store<f64>(at, load<f64>(orig, PKT_TS), PKT_TS);
  store<u32>(at, src, PKT_SRC);
  store<u32>(at, load<u32>(orig, PKT_SRC), PKT_DST);
  store<u8>(at, proto, PKT_PROTO);
  store<u8>(at, DEFAULT_TTL, PKT_TTL);
  store<u16>(at, <u16>length, PKT_IPLEN);
  store<u8>(at, PF_LOCAL_OUT | PF_L4, PKT_FLAGS);
  store<u8>(at, 0xff, PKT_TCP_WSCALE);
}

/** nf_reject_iphdr_put + nf_reject_ip_tcphdr_put (RFC 793 reset generation). */
function buildReset(orig: usize, at: usize): bool {
  if ((load<u8>(orig, PKT_FLAGS) & PF_L4) == 0) return refuse(RN_NO_HEADER);
  const flags = load<u8>(orig, PKT_TCPFLAGS);
  if ((flags & TCP_RST) != 0) return refuse(RN_RST);
  startReply(orig, at, PROTO_TCP, IP_HEADER + TCP_HEADER, load<u32>(orig, PKT_DST));
  store<u8>(at, load<u8>(at, PKT_FLAGS) | PF_DF, PKT_FLAGS);
  store<u16>(at, load<u16>(orig, PKT_DPORT), PKT_SPORT);
  store<u16>(at, load<u16>(orig, PKT_SPORT), PKT_DPORT);
  if ((flags & TCP_ACK) != 0) {
    // The segment acknowledged something: the reset takes that as its sequence number.
    store<u32>(at, load<u32>(orig, PKT_ACK), PKT_SEQ);
    store<u8>(at, TCP_RST, PKT_TCPFLAGS);
  } else {
    // Sequence 0, acknowledging everything the segment occupied (SYN and FIN count one each).
    let covered = <u32>load<u16>(orig, PKT_LENGTH_L4);
    if ((flags & TCP_SYN) != 0) covered++;
    if ((flags & TCP_FIN) != 0) covered++;
    store<u32>(at, load<u32>(orig, PKT_SEQ) + covered, PKT_ACK);
    store<u8>(at, TCP_RST | TCP_ACK, PKT_TCPFLAGS);
  }
  if ((load<u8>(orig, PKT_FLAGS2) & PF2_NO_SEQ) != 0) store<u8>(at, PF2_NO_SEQ, PKT_FLAGS2);
  return true;
}

/** The quoted packet's tuple, as the ICMP error carries it (what conntrack looks up inverted). */
function quoteOriginal(orig: usize, at: usize): void {
  const proto = load<u8>(orig, PKT_PROTO);
  store<u32>(at, load<u32>(orig, PKT_SRC), PKT_INNER_SRC);
  store<u32>(at, load<u32>(orig, PKT_DST), PKT_INNER_DST);
  store<u8>(at, proto, PKT_INNER_PROTO);
  if ((load<u8>(orig, PKT_FLAGS) & PF_L4) != 0) {
    store<u16>(at, load<u16>(orig, PKT_SPORT), PKT_INNER_SPORT);
    const dport = proto == PROTO_ICMP
      ? <u16>((<u32>load<u8>(orig, PKT_ICMP_TYPE) << 8) | load<u8>(orig, PKT_ICMP_CODE))
      : load<u16>(orig, PKT_DPORT);
    store<u16>(at, dport, PKT_INNER_DPORT);
  }
  store<u8>(at, PF2_INNER, PKT_FLAGS2);
}

/** icmp_send(skb_in, type, code, 0): an ICMP error quoting the original, rate limited per destination. */
function buildIcmpError(orig: usize, at: usize, type: u8, code: u8): bool {
  if (load<u8>(orig, PKT_PROTO) == PROTO_ICMP) {
    if ((load<u8>(orig, PKT_FLAGS) & PF_L4) == 0) return refuse(RN_NO_HEADER);
    // "Assume any unknown ICMP type is an error."
    const type = <u32>load<u8>(orig, PKT_ICMP_TYPE);
    if (type > NR_ICMP_TYPES || isIcmpErrorType(type)) return refuse(RN_ICMP_ERROR);
  }
  const peer = load<u32>(orig, PKT_SRC);
  const back = lookupRoute(peer);
  const viaLoopback = back >= 0 && (routeFlags(back) & RT_LOCAL) != 0;
  if (!icmpErrorAllowed(cfgBase, peer, type, code, viaLoopback, load<f64>(orig, PKT_TS))) return refuse(RN_RATE_LIMITED);
  const quoted = min<u32>(load<u16>(orig, PKT_IPLEN), ICMP_ERROR_MAX - IP_HEADER - ICMP_HEADER);
  startReply(orig, at, PROTO_ICMP, IP_HEADER + ICMP_HEADER + quoted, icmpSource(orig));
  store<u8>(at, (load<u8>(orig, PKT_TOS) & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL, PKT_TOS);
  store<u8>(at, type, PKT_ICMP_TYPE);
  store<u8>(at, code, PKT_ICMP_CODE);
  store<u16>(at, <u16>quoted, PKT_LENGTH_L4);
  quoteOriginal(orig, at);
  return true;
}

/**
 * Builds at `at` the reply to the packet record `orig` that a REJECT of kind `rejectKind` ended.
 * Returns false (replyKind RK_NONE, noReplyReason set) when the kernel sends nothing.
 */
export function buildReply(orig: usize, rejectKind: u32, at: usize): bool {
  replyKind = RK_NONE;
  noReplyReason = RN_SENT;
  if (rejectKind == REJ_ICMP_ECHOREPLY) return refuse(RN_ECHO_REPLY);
  const why = answerable(orig);
  if (why != RN_SENT) return refuse(why);
  if (rejectKind == REJ_TCP_RESET) {
    if (!buildReset(orig, at)) return false;
    replyKind = RK_TCP_RESET;
    return true;
  }
  const code = unreachCode(rejectKind);
  if (code < 0 || !buildIcmpError(orig, at, ICMP_DEST_UNREACH, <u8>code)) return false;
  replyKind = RK_ICMP;
  return true;
}

/**
 * Builds at `at` the ICMP time exceeded (TTL expired in transit) that ip_forward sends for a
 * packet it drops because its TTL would run out (conformance case ttl-expire: it leaves through
 * OUTPUT, RELATED to the dropped packet's connection). Returns false when nothing is sent.
 */
export function buildTimeExceeded(orig: usize, at: usize): bool {
  replyKind = RK_NONE;
  noReplyReason = RN_SENT;
  const why = icmpAnswerable(orig);
  if (why != RN_SENT) return refuse(why);
  if (!buildIcmpError(orig, at, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL)) return false;
  replyKind = RK_ICMP;
  return true;
}
