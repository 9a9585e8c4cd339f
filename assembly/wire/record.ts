// Writes the packet record (assembly/shared/layout.ts PKT_*) of the IPv4 packet just parsed, the
// same record src/packets/encode.ts writes for the same packet described as JSON, plus what only
// the wire shows (IP options length, TCP reserved bits, window scale, checksum, quoted packet).
import {
  CTSTATE_NEW, PF2_BAD_CSUM, PF2_INNER, PF2_TRUNCATED_L4, PF_DF, PF_FRAG_NONFIRST, PF_HAS_MAC,
  PF_HAS_OWNER, PF_L4, PF_LOCAL_OUT, PF_MF, PF_OUT_GIVEN, PKT_ACK, PKT_CT_ORIG_DPORT, PKT_CT_ORIG_DST,
  PKT_CT_ORIG_SPORT, PKT_CT_ORIG_SRC, PKT_CT_REPL_DPORT, PKT_CT_REPL_DST, PKT_CT_REPL_SPORT,
  PKT_CT_REPL_SRC, PKT_CTPROTO, PKT_CTSTATE, PKT_DPORT, PKT_DST, PKT_DSTMAC, PKT_FLAGS, PKT_FLAGS2,
  PKT_FRAGOFF, PKT_GID, PKT_ICMP_CODE, PKT_ICMP_TYPE, PKT_IN_IFACE, PKT_INNER_DPORT, PKT_INNER_DST,
  PKT_INNER_PROTO, PKT_INNER_SPORT, PKT_INNER_SRC, PKT_IPID, PKT_IPLEN, PKT_IPOPT_LEN, PKT_LENGTH_L4,
  PKT_OUT_IFACE, PKT_PAYLOAD_LEN, PKT_PAYLOAD_PTR, PKT_PKTTYPE, PKT_PROTO, PKT_SEQ, PKT_SIZE,
  PKT_SPORT, PKT_SRC, PKT_SRCMAC, PKT_TCP_SACKPERM, PKT_TCP_WSCALE, PKT_TCPFLAGS, PKT_TCPOPT,
  PKT_TCPRES, PKT_TCPURGP, PKT_TCPWIN, PKT_TOS, PKT_TS, PKT_TTL, PKT_UID, PKTTYPE_BROADCAST,
  PKTTYPE_MULTICAST,
} from '../shared/layout';
import { copy16, copy6, zeroBlocks } from '../inline-memory';
import { FF_UID } from './abi';
import * as frame from './frame';
import * as icmp from './icmp';
import * as ipv4 from './ipv4';
import * as l4 from './l4';
import * as tcp from './tcp';
import { PROTO_ICMP, PROTO_TCP, hasPorts } from './proto';

const PACKET_BROADCAST: u32 = 1; // Linux skb->pkt_type values (SLL packet types)
const PACKET_MULTICAST: u32 = 2;

// Where the packet went in or out, settled by the caller for each frame (place()).
let inName: usize = 0; // 16-byte name, 0 = none
let outName: usize = 0; // 0 = routing decides
let localOut: bool = false;
let withMacs: bool = false;

export function place(inIface: usize, outIface: usize, generatedHere: bool, macs: bool): void {
  inName = inIface;
  outName = outIface;
  localOut = generatedHere;
  withMacs = macs;
}

export function writeRecord(rec: usize, ts: f64, payload: usize): void {
  zeroBlocks(rec, PKT_SIZE);
  store<f64>(rec + PKT_TS, ts);
  store<u32>(rec + PKT_SRC, ipv4.src);
  store<u32>(rec + PKT_DST, ipv4.dst);
  store<u8>(rec + PKT_PROTO, <u8>ipv4.proto);
  store<u8>(rec + PKT_TOS, <u8>ipv4.tos);
  store<u8>(rec + PKT_TTL, <u8>ipv4.ttl);
  store<u16>(rec + PKT_IPLEN, <u16>ipv4.totalLength);
  store<u16>(rec + PKT_FRAGOFF, <u16>ipv4.fragOffset);
  store<u16>(rec + PKT_IPID, <u16>ipv4.id);
  store<u8>(rec + PKT_IPOPT_LEN, <u8>(ipv4.headerLength - ipv4.MIN_HEADER));
  store<u8>(rec + PKT_FLAGS, <u8>packetFlags());
  store<u8>(rec + PKT_FLAGS2, <u8>packetFlags2());
  store<u8>(rec + PKT_PKTTYPE, <u8>linkPacketType());
  store<u8>(rec + PKT_TCP_WSCALE, <u8>tcp.NO_WINDOW_SCALE);
  store<u16>(rec + PKT_LENGTH_L4, <u16>announcedPayload());

  if (l4.present) writeTransport(rec);
  if (hasOwner()) {
    store<u32>(rec + PKT_UID, frame.uid);
    store<u32>(rec + PKT_GID, frame.gid);
  }
  if (withMacs) {
    if (frame.srcMac != 0) copy6(rec + PKT_SRCMAC, frame.srcMac);
    if (frame.dstMac != 0) copy6(rec + PKT_DSTMAC, frame.dstMac);
  }
  if (inName != 0) copy16(rec + PKT_IN_IFACE, inName);
  if (outName != 0) copy16(rec + PKT_OUT_IFACE, outName);
  if (payload != 0) {
    store<u32>(rec + PKT_PAYLOAD_PTR, <u32>payload);
    store<u32>(rec + PKT_PAYLOAD_LEN, l4.payloadLength);
  }
  writeProvisionalConntrack(rec);
}

function writeTransport(rec: usize): void {
  store<u16>(rec + PKT_SPORT, <u16>l4.sport);
  store<u16>(rec + PKT_DPORT, <u16>l4.dport);
  const proto = ipv4.proto;
  if (proto == PROTO_TCP) {
    store<u8>(rec + PKT_TCPFLAGS, <u8>tcp.flags);
    store<u8>(rec + PKT_TCPRES, <u8>tcp.reserved);
    store<u16>(rec + PKT_TCPWIN, <u16>tcp.window);
    store<u32>(rec + PKT_SEQ, tcp.seq);
    store<u32>(rec + PKT_ACK, tcp.ack);
    store<u16>(rec + PKT_TCPURGP, <u16>tcp.urgentPointer);
    store<u8>(rec + PKT_TCP_WSCALE, <u8>tcp.windowScale);
    store<u8>(rec + PKT_TCP_SACKPERM, tcp.sackPermitted ? 1 : 0);
    tcp.markOptionKinds(rec + PKT_TCPOPT);
  } else if (proto == PROTO_ICMP) {
    store<u8>(rec + PKT_ICMP_TYPE, <u8>icmp.type);
    store<u8>(rec + PKT_ICMP_CODE, <u8>icmp.code);
    if (icmp.innerPresent) {
      store<u32>(rec + PKT_INNER_SRC, icmp.innerSrc);
      store<u32>(rec + PKT_INNER_DST, icmp.innerDst);
      store<u16>(rec + PKT_INNER_SPORT, <u16>icmp.innerSport);
      store<u16>(rec + PKT_INNER_DPORT, <u16>icmp.innerDport);
      store<u8>(rec + PKT_INNER_PROTO, <u8>icmp.innerProto);
    }
  }
}

/** NFLOG gave the socket owner of a locally generated packet. */
function hasOwner(): bool {
  return localOut && (frame.flags & FF_UID) != 0;
}

/** The L4 payload bytes the IP total length announces, whatever the capture kept. */
function announcedPayload(): u32 {
  const header: u32 = ipv4.fragOffset != 0 ? 0 : l4.headerLength;
  return ipv4.l4Length > header ? ipv4.l4Length - header : 0;
}

function packetFlags(): u32 {
  let flags: u32 = 0;
  if (ipv4.fragOffset != 0) flags |= PF_FRAG_NONFIRST;
  if (ipv4.moreFragments) flags |= PF_MF;
  if (ipv4.dontFragment) flags |= PF_DF;
  if (l4.present) flags |= PF_L4;
  if (withMacs && (frame.srcMac != 0 || frame.dstMac != 0)) flags |= PF_HAS_MAC;
  if (localOut) flags |= PF_LOCAL_OUT;
  if (hasOwner()) flags |= PF_HAS_OWNER;
  if (outName != 0) flags |= PF_OUT_GIVEN;
  return flags;
}

function packetFlags2(): u32 {
  let flags: u32 = 0;
  if (l4.badChecksum) flags |= PF2_BAD_CSUM;
  if (l4.truncated) flags |= PF2_TRUNCATED_L4;
  if (ipv4.proto == PROTO_ICMP && l4.present && icmp.innerPresent) flags |= PF2_INNER;
  return flags;
}

/** Broadcast / multicast as the link layer delivered it; 0 lets the core derive it from the address. */
function linkPacketType(): u32 {
  if (frame.pktType == PACKET_BROADCAST) return PKTTYPE_BROADCAST;
  if (frame.pktType == PACKET_MULTICAST) return PKTTYPE_MULTICAST;
  return 0;
}

function icmpHasIdSeq(type: u32): bool {
  return type == 0 || type == 8 || (type >= 13 && type <= 18);
}

function icmpReplyType(type: u32): u32 {
  if (type == 8) return 0;
  if (type == 0) return 8;
  if (type >= 13 && type <= 18) return type & 1 ? type + 1 : type - 1;
  return type;
}

/**
 * What src/packets/encode.ts attaches until the conntrack stage exists: ctstate NEW and the
 * tuple read off the packet, direction ORIGINAL (ICMP: id and type << 8 | code).
 */
function writeProvisionalConntrack(rec: usize): void {
  const proto = ipv4.proto;
  store<u8>(rec + PKT_CTSTATE, <u8>CTSTATE_NEW);
  store<u8>(rec + PKT_CTPROTO, <u8>proto);
  store<u32>(rec + PKT_CT_ORIG_SRC, ipv4.src);
  store<u32>(rec + PKT_CT_ORIG_DST, ipv4.dst);
  store<u32>(rec + PKT_CT_REPL_SRC, ipv4.dst);
  store<u32>(rec + PKT_CT_REPL_DST, ipv4.src);
  if (!l4.present) return;
  if (proto == PROTO_ICMP) {
    const id = icmpHasIdSeq(icmp.type) ? l4.sport : 0;
    store<u16>(rec + PKT_CT_ORIG_SPORT, <u16>id);
    store<u16>(rec + PKT_CT_ORIG_DPORT, <u16>((icmp.type << 8) | icmp.code));
    store<u16>(rec + PKT_CT_REPL_SPORT, <u16>id);
    store<u16>(rec + PKT_CT_REPL_DPORT, <u16>((icmpReplyType(icmp.type) << 8) | icmp.code));
  } else if (hasPorts(proto)) {
    store<u16>(rec + PKT_CT_ORIG_SPORT, <u16>l4.sport);
    store<u16>(rec + PKT_CT_ORIG_DPORT, <u16>l4.dport);
    store<u16>(rec + PKT_CT_REPL_SPORT, <u16>l4.dport);
    store<u16>(rec + PKT_CT_REPL_DPORT, <u16>l4.sport);
  }
}
