// DLT_NFLOG (link type 239): what the kernel's NFLOG target sent to userspace. A 4-byte header
// (family, version, resource id) and TLVs whose length and type are in the byte order of the
// capturing machine (the file's) while their values are in network order
// (linux/netfilter/nfnetlink_log.h). The packet is the NFULA_PAYLOAD value; the hook it was
// logged at, the prefix, marks, devices and socket owner come along.
import {
  DIR_IN, DIR_OUT, FF_IFINDEX_IN, FF_IFINDEX_OUT, FF_MARK, FF_UID, FR_LINK_HEADER_CUT,
  FR_NFLOG_FAMILY, FR_NFLOG_NO_PAYLOAD, FR_NFLOG_TLV, FR_NFLOG_VERSION, FS_MALFORMED, FS_NON_IP,
  FS_TRUNCATED,
} from './abi';
import { be16, be32, file16, textLength } from './bytes';
import * as frame from './frame';
import { UNKNOWN_WIRE_LENGTH } from './ipv4';

const HEADER: u32 = 4;
const TLV_HEADER: u32 = 4;
const AF_INET: u32 = 2;
const AF_INET6: u32 = 10;
const HOOK_OUTPUT: u32 = 3; // NF_INET_LOCAL_OUT
const HOOK_POSTROUTING: u32 = 4;
const ARPHRD_ETHER: u32 = 1;

const NFULA_PACKET_HDR: u32 = 1;
const NFULA_MARK: u32 = 2;
const NFULA_IFINDEX_INDEV: u32 = 4;
const NFULA_IFINDEX_OUTDEV: u32 = 5;
const NFULA_HWADDR: u32 = 8;
const NFULA_PAYLOAD: u32 = 9;
const NFULA_PREFIX: u32 = 10;
const NFULA_UID: u32 = 11;
const NFULA_GID: u32 = 14;
const NFULA_HWTYPE: u32 = 15;
const NFULA_HWHEADER: u32 = 16;

// Repr of the record being read
let hook: u32 = frame.HOOK_NONE;
let mark: u32 = 0;
let hasMark: bool = false;
let uid: u32 = 0;
let gid: u32 = 0;
let hasOwner: bool = false;
let hasIndev: bool = false;
let indev: u32 = 0;
let hasOutdev: bool = false;
let outdev: u32 = 0;
let prefix: usize = 0;
let prefixLength: u32 = 0;
let payload: usize = 0;
let payloadLength: u32 = 0;
let hwType: u32 = 0;
let hwAddress: usize = 0;
let hwHeader: usize = 0;
let hwHeaderLength: u32 = 0;

function resetRecord(): void {
  hook = frame.HOOK_NONE;
  mark = 0;
  hasMark = false;
  uid = 0;
  gid = 0;
  hasOwner = false;
  hasIndev = false;
  indev = 0;
  hasOutdev = false;
  outdev = 0;
  prefix = 0;
  prefixLength = 0;
  payload = 0;
  payloadLength = 0;
  hwType = 0;
  hwAddress = 0;
  hwHeader = 0;
  hwHeaderLength = 0;
}

/** `onWire` (the record's original length) tells a record cut by the snapshot length from a corrupt one. */
export function parseNflog(p: usize, captured: u32, onWire: u32): void {
  resetRecord();
  if (captured < HEADER) {
    frame.fail(FS_TRUNCATED, FR_LINK_HEADER_CUT, captured);
    return;
  }
  const family = <u32>load<u8>(p);
  const version = <u32>load<u8>(p + 1);
  if (version != 0) {
    frame.fail(FS_MALFORMED, FR_NFLOG_VERSION, version);
    return;
  }
  const cut = captured < onWire;
  let at: u32 = HEADER;
  while (at + TLV_HEADER <= captured) {
    const length = file16(p + at);
    const type = file16(p + at + 2);
    if (length < TLV_HEADER) {
      frame.fail(FS_MALFORMED, FR_NFLOG_TLV, length);
      return;
    }
    let valueLength = length - TLV_HEADER;
    if (at + length > captured) {
      if (!cut) {
        frame.fail(FS_MALFORMED, FR_NFLOG_TLV, length);
        return;
      }
      valueLength = captured - at - TLV_HEADER; // the snapshot length cut this TLV: use what is there
    }
    readAttribute(type, p + at + TLV_HEADER, valueLength);
    at += (length + 3) & ~3;
  }
  settle(family);
}

function readAttribute(type: u32, value: usize, length: u32): void {
  if (type == NFULA_PACKET_HDR && length >= 4) hook = load<u8>(value + 2);
  else if (type == NFULA_MARK && length >= 4) {
    mark = be32(value);
    hasMark = true;
  } else if (type == NFULA_IFINDEX_INDEV && length >= 4) {
    indev = be32(value);
    hasIndev = true;
  } else if (type == NFULA_IFINDEX_OUTDEV && length >= 4) {
    outdev = be32(value);
    hasOutdev = true;
  } else if (type == NFULA_HWADDR && length >= 10) {
    if (be16(value) == 6) hwAddress = value + 4; // nfulnl_msg_packet_hw: be16 length, pad, address
  } else if (type == NFULA_PAYLOAD) {
    payload = value;
    payloadLength = length;
  } else if (type == NFULA_PREFIX) {
    prefix = value;
    prefixLength = textLength(value, length);
  } else if (type == NFULA_UID && length >= 4) {
    uid = be32(value);
    hasOwner = true;
  } else if (type == NFULA_GID && length >= 4) {
    gid = be32(value);
    hasOwner = true;
  } else if (type == NFULA_HWTYPE && length >= 2) hwType = be16(value);
  else if (type == NFULA_HWHEADER) {
    hwHeader = value;
    hwHeaderLength = length;
  }
}

/** Hands what the record said to the frame. */
function settle(family: u32): void {
  let flags: u32 = 0;
  if (hasMark) flags |= FF_MARK;
  if (hasOwner) flags |= FF_UID;
  frame.addFlags(flags);
  if (hasIndev) frame.setIfindexIn(indev, FF_IFINDEX_IN);
  if (hasOutdev) frame.setIfindexOut(outdev, FF_IFINDEX_OUT);
  frame.setNflog(hook, mark, hasOwner ? uid : 0, hasOwner ? gid : 0, prefix, prefixLength);
  // Logged on the way out of this host: OUTPUT, or POSTROUTING of a packet that came in nowhere.
  const outgoing = hook == HOOK_OUTPUT || (hook == HOOK_POSTROUTING && !hasIndev);
  if (hook != frame.HOOK_NONE || hasIndev) frame.setDirection(outgoing ? DIR_OUT : DIR_IN);
  if (hwType == ARPHRD_ETHER && hwHeaderLength >= 12) frame.setMacs(hwHeader + 6, hwHeader);
  else if (hwAddress != 0) frame.setMacs(hwAddress, 0);

  if (family != AF_INET && family != AF_INET6) {
    frame.fail(FS_NON_IP, FR_NFLOG_FAMILY, family);
    return;
  }
  if (payload == 0) {
    frame.fail(FS_TRUNCATED, FR_NFLOG_NO_PAYLOAD, 0);
    return;
  }
  // The copy range may have cut the packet: the IP header's own length is the truth.
  frame.setNetwork(family == AF_INET ? frame.ETHERTYPE_IPV4 : frame.ETHERTYPE_IPV6, payload, payloadLength, UNKNOWN_WIRE_LENGTH);
}
