// Linux cooked captures ("tcpdump -i any"): SLL (link type 113, 16-byte header) and SLL2 (276,
// 20 bytes, adds the interface index). The packet type says whether the kernel received the
// packet (host, broadcast, multicast, another host's) or sent it (outgoing).
import {
  DIR_IN, DIR_OUT, FF_IFINDEX_IN, FF_IFINDEX_OUT, FR_LINK_HEADER_CUT, FR_SLL_PROTOCOL, FS_NON_IP,
  FS_TRUNCATED,
} from './abi';
import { be16, be32 } from './bytes';
import { followEthertype, lessHeader } from './ethernet';
import * as frame from './frame';

export const SLL_HEADER: u32 = 16;
export const SLL2_HEADER: u32 = 20;
export const PACKET_OTHERHOST: u32 = 3;
export const PACKET_OUTGOING: u32 = 4;
const ARPHRD_ETHER: u32 = 1;
const ARPHRD_NETLINK: u32 = 824; // nlmon: the protocol field is a netlink family
const MIN_ETHERTYPE: u32 = 0x0600; // below: ETH_P_802_3, ETH_P_802_2, CAN, ... (not ethertypes)
const MAC_LENGTH: u32 = 6;

export function parseSll(p: usize, captured: u32, onWire: u32): void {
  if (captured < SLL_HEADER) {
    frame.fail(FS_TRUNCATED, FR_LINK_HEADER_CUT, captured);
    return;
  }
  const packetType = be16(p);
  const hatype = be16(p + 2);
  linkFacts(packetType, hatype, be16(p + 4), p + 6);
  followProtocol(hatype, be16(p + 14), p + SLL_HEADER, captured - SLL_HEADER, lessHeader(onWire, SLL_HEADER));
}

export function parseSll2(p: usize, captured: u32, onWire: u32): void {
  if (captured < SLL2_HEADER) {
    frame.fail(FS_TRUNCATED, FR_LINK_HEADER_CUT, captured);
    return;
  }
  const packetType = <u32>load<u8>(p + 10);
  const hatype = be16(p + 8);
  const index = be32(p + 4);
  if (packetType == PACKET_OUTGOING) frame.setIfindexOut(index, FF_IFINDEX_OUT);
  else frame.setIfindexIn(index, FF_IFINDEX_IN);
  linkFacts(packetType, hatype, <u32>load<u8>(p + 11), p + 12);
  followProtocol(hatype, be16(p), p + SLL2_HEADER, captured - SLL2_HEADER, lessHeader(onWire, SLL2_HEADER));
}

function linkFacts(packetType: u32, hatype: u32, addressLength: u32, address: usize): void {
  frame.setPacketType(packetType);
  frame.setDirection(packetType == PACKET_OUTGOING ? DIR_OUT : DIR_IN);
  // The address is the sender's: an Ethernet source MAC (there is no destination in the header).
  if (hatype == ARPHRD_ETHER && addressLength == MAC_LENGTH) frame.setMacs(address, 0);
}

function followProtocol(hatype: u32, protocol: u32, p: usize, captured: u32, onWire: u32): void {
  if (hatype == ARPHRD_NETLINK || protocol < MIN_ETHERTYPE) {
    frame.fail(FS_NON_IP, FR_SLL_PROTOCOL, (hatype << 16) | protocol);
    return;
  }
  followEthertype(protocol, p, captured, onWire);
}
