// One captured frame, whatever the file format: the link layer of its link type, then IPv4 and
// its transport layer, then exactly one frame info (in file order) and, for an IPv4 packet
// netfilter would see, one packet record with its payload copied into the arena.
import {
  DIR_OUT, FF_IFINDEX_IN, FF_IFINDEX_OUT, FF_IP_CSUM_UNSET, FR_CAPLEN, FR_DETAIL, FR_DIRECTION, FR_ETHERTYPE,
  FR_FLAGS, FR_HOOK, FR_IFACE, FR_IFINDEX_IN, FR_IFINDEX_OUT, FR_IP_VERSION, FR_LENGTH,
  FR_LINKTYPE, FR_LINKTYPE_UNSUPPORTED, FR_LINK_HEADER_CUT, FR_MARK, FR_OFFSET, FR_PKTTYPE,
  FR_PREFIX_LEN, FR_PREFIX_OFF, FR_REASON, FR_RECORD, FR_STATUS, FR_TS, FR_VLAN, FR_VLAN_COUNT,
  FS_ARP, FS_IPV4, FS_IPV6, FS_MALFORMED, FS_NON_IP, FS_OTHER_HOST, FS_TRUNCATED,
  OTHER_SHARD_RECORD, XO_IGNORE_IP_CSUM,
} from './abi';
import { shardOfPair } from '../shard/select';
import { PROTO_ICMP } from './proto';
import * as context from './context';
import { parseEthernet } from './ethernet';
import * as frame from './frame';
import { frameName, mappedName } from './iface';
import * as ipv4 from './ipv4';
import * as l4 from './l4';
import { parseLoopback } from './loopback';
import { parseNflog } from './nflog';
import { place, writeRecord } from './record';
import { PACKET_OTHERHOST, parseSll, parseSll2 } from './sll';
import { parseTransport } from './transport';

export const LINKTYPE_NULL: u32 = 0;
export const LINKTYPE_ETHERNET: u32 = 1;
export const LINKTYPE_RAW_BSD: u32 = 12; // DLT_RAW's value on most BSDs and Linux
export const LINKTYPE_RAW_OPENBSD: u32 = 14;
export const LINKTYPE_RAW: u32 = 101;
export const LINKTYPE_LOOP: u32 = 108;
export const LINKTYPE_LINUX_SLL: u32 = 113;
export const LINKTYPE_IPV4: u32 = 228;
export const LINKTYPE_IPV6: u32 = 229;
export const LINKTYPE_NFLOG: u32 = 239;
export const LINKTYPE_LINUX_SLL2: u32 = 276;

const NO_RECORD: u32 = 0xffffffff;
export const NO_INTERFACE: u32 = 0xffff;

/** Raw IP: the version nibble says which IP it is. */
function parseRawIp(p: usize, captured: u32, onWire: u32, onlyVersion: u32): void {
  if (captured < 1) {
    frame.fail(FS_TRUNCATED, FR_LINK_HEADER_CUT, 0);
    return;
  }
  const version = ipv4.versionOf(p);
  if ((version != 4 && version != 6) || (onlyVersion != 0 && version != onlyVersion)) {
    frame.fail(FS_MALFORMED, FR_IP_VERSION, version);
    return;
  }
  frame.setNetwork(version == 4 ? frame.ETHERTYPE_IPV4 : frame.ETHERTYPE_IPV6, p, captured, onWire);
}

@inline function parseLink(linkType: u32, p: usize, captured: u32, onWire: u32): void {
  if (linkType == LINKTYPE_ETHERNET) parseEthernet(p, captured, onWire);
  else if (linkType == LINKTYPE_LINUX_SLL) parseSll(p, captured, onWire);
  else if (linkType == LINKTYPE_LINUX_SLL2) parseSll2(p, captured, onWire);
  else if (linkType == LINKTYPE_RAW || linkType == LINKTYPE_RAW_BSD || linkType == LINKTYPE_RAW_OPENBSD) parseRawIp(p, captured, onWire, 0);
  else if (linkType == LINKTYPE_IPV4) parseRawIp(p, captured, onWire, 4);
  else if (linkType == LINKTYPE_IPV6) parseRawIp(p, captured, onWire, 6);
  else if (linkType == LINKTYPE_NULL) parseLoopback(p, captured, onWire, false);
  else if (linkType == LINKTYPE_LOOP) parseLoopback(p, captured, onWire, true);
  else if (linkType == LINKTYPE_NFLOG) parseNflog(p, captured, onWire);
  else frame.fail(FS_NON_IP, FR_LINKTYPE_UNSUPPORTED, linkType);
}

/** The network layer named by the link layer: IPv4 parsed, anything else classified. */
function parseNetwork(outgoing: bool): void {
  const type = frame.ethertype;
  if (type == frame.ETHERTYPE_IPV6) frame.fail(FS_IPV6, 0, 0);
  else if (type == frame.ETHERTYPE_ARP) frame.fail(FS_ARP, 0, 0);
  else if (type != frame.ETHERTYPE_IPV4) frame.fail(FS_NON_IP, FR_ETHERTYPE, type);
  else if (frame.pktType == PACKET_OTHERHOST) frame.fail(FS_OTHER_HOST, 0, 0);
  else {
    // ip_rcv_core's checks apply to what arrives; what this host sent it built itself.
    const checkSum = !outgoing && (context.options & XO_IGNORE_IP_CSUM) == 0;
    const st = ipv4.parseIpv4(frame.l3, frame.l3Captured, frame.l3OnWire, checkSum);
    if (st != FS_IPV4) frame.fail(st, ipv4.failReason, ipv4.failDetail);
    else if (ipv4.headerSumUnset) frame.addFlags(FF_IP_CSUM_UNSET);
  }
}

/**
 * Decodes the frame of `captured` bytes at `p` (`onWire` bytes on the link) and writes its
 * outputs. `ifaceEntry` is its pcapng interface entry (0 for pcap), `ifaceId` that interface's id
 * (NO_INTERFACE for pcap), `direction` what the capture format says (pcapng epb_flags), DIR_UNKNOWN
 * otherwise. The caller checked context.hasRoomFor(captured).
 */
export function decodeFrame(
  linkType: u32, p: usize, captured: u32, onWire: u32, ts: f64, offset: f64,
  ifaceId: u32, ifaceEntry: usize, direction: u32,
): void {
  frame.resetFrame();
  if (direction != 0) frame.setDirection(direction);
  parseLink(linkType, p, captured, onWire);
  const outgoing = frame.direction == DIR_OUT;
  if (frame.status == FS_IPV4) parseNetwork(outgoing);

  const info = context.nextFrame();
  let recordIndex = NO_RECORD;
  if (frame.status == FS_IPV4 && isOtherShards()) {
    l4.setVerifySums(false);
    parseTransport();
    l4.setVerifySums(true);
    context.skipRecord(l4.payloadLength);
    recordIndex = OTHER_SHARD_RECORD;
  } else if (frame.status == FS_IPV4) {
    parseTransport();
    const rec = context.nextRecord();
    placePacket(ifaceEntry, outgoing);
    const payload = l4.payloadLength != 0 ? context.copyToArena(l4.payload, l4.payloadLength) : 0;
    writeRecord(rec, ts, payload);
    recordIndex = context.takeRecord();
  }
  writeFrameInfo(info, linkType, captured, onWire, ts, offset, ifaceId, recordIndex);
  context.takeFrame();
}

/** A sharded parser (X_SHARDS): the IPv4 packet just parsed is another shard's (not ICMP: an error goes where the packet it quotes goes). */
@inline function isOtherShards(): bool {
  return context.shards > 1 && ipv4.proto != PROTO_ICMP && shardOfPair(ipv4.src, ipv4.dst, context.shards) != context.shard;
}

/** In and out interface names, and whether the packet was generated here. */
function placePacket(ifaceEntry: usize, outgoing: bool): void {
  const hasIn = (frame.flags & FF_IFINDEX_IN) != 0;
  const hasOut = (frame.flags & FF_IFINDEX_OUT) != 0;
  if (outgoing) {
    const name = frameName(ifaceEntry, hasOut ? frame.ifindexOut : frame.ifindexIn, hasOut || hasIn);
    place(0, load<u8>(name) != 0 ? name : 0, true, false);
    return;
  }
  const inName = frameName(ifaceEntry, frame.ifindexIn, hasIn);
  // A forwarded packet logged by NFLOG names its out device too: kept when the host knows its name.
  const outName = hasOut ? mappedName(frame.ifindexOut) : 0;
  place(load<u8>(inName) != 0 ? inName : 0, outName, false, true);
}

function writeFrameInfo(
  info: usize, linkType: u32, captured: u32, onWire: u32, ts: f64, offset: f64, ifaceId: u32, recordIndex: u32,
): void {
  store<u8>(info + FR_STATUS, <u8>frame.status);
  store<u8>(info + FR_REASON, <u8>frame.reason);
  store<u16>(info + FR_IFACE, <u16>ifaceId);
  store<u32>(info + FR_RECORD, recordIndex);
  store<f64>(info + FR_OFFSET, offset);
  store<f64>(info + FR_TS, ts);
  store<u32>(info + FR_CAPLEN, captured);
  store<u32>(info + FR_LENGTH, onWire);
  store<u32>(info + FR_DETAIL, frame.detail);
  store<u16>(info + FR_LINKTYPE, <u16>linkType);
  store<u8>(info + FR_VLAN_COUNT, <u8>min(frame.vlanCount, 255));
  store<u8>(info + FR_HOOK, <u8>frame.hook);
  store<u16>(info + FR_VLAN, frame.vlanCount > 0 ? load<u16>(frame.vlanIds) : 0);
  store<u8>(info + FR_DIRECTION, <u8>frame.direction);
  store<u8>(info + FR_FLAGS, <u8>frame.flags);
  context.frameFlags |= frame.flags;
  store<u32>(info + FR_IFINDEX_IN, frame.ifindexIn);
  store<u32>(info + FR_IFINDEX_OUT, frame.ifindexOut);
  store<u32>(info + FR_MARK, frame.mark);
  let prefixOffset: u32 = 0;
  if (frame.prefixLength != 0) prefixOffset = context.arenaOffset(context.copyToArena(frame.prefix, frame.prefixLength));
  store<u32>(info + FR_PREFIX_OFF, prefixOffset);
  store<u16>(info + FR_PREFIX_LEN, <u16>frame.prefixLength);
  store<u8>(info + FR_PKTTYPE, <u8>frame.pktType);
}
