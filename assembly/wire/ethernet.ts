// Ethernet II header and 802.1Q / 802.1ad (QinQ) tag stacks. followEthertype() is shared with
// the link types whose header ends in an ethertype (SLL, SLL2).
import {
  FR_LINK_HEADER_CUT, FR_LLC, FR_VLAN_DEPTH, FS_MALFORMED, FS_NON_IP, FS_TRUNCATED, MAX_VLAN_TAGS,
} from './abi';
import { be16 } from './bytes';
import * as frame from './frame';
import { UNKNOWN_WIRE_LENGTH } from './ipv4';

export const HEADER: u32 = 14;
const TAG: u32 = 4;
const TPID_8021Q: u32 = 0x8100;
const TPID_8021AD: u32 = 0x88a8;
const TPID_QINQ_LEGACY: u32 = 0x9100;
const MIN_ETHERTYPE: u32 = 0x0600; // smaller values are 802.3 lengths (an LLC header follows)
const PACKET_BROADCAST: u32 = 1;
const PACKET_MULTICAST: u32 = 2;

// View
@inline export function destination(p: usize): usize { return p; }
@inline export function source(p: usize): usize { return p + 6; }
@inline export function typeOf(p: usize): u32 { return be16(p + 12); }

export function isVlanTpid(type: u32): bool {
  return type == TPID_8021Q || type == TPID_8021AD || type == TPID_QINQ_LEGACY;
}

/** `onWire` less what the link layer took, keeping "unknown" unknown. */
export function lessHeader(onWire: u32, bytes: u32): u32 {
  if (onWire == UNKNOWN_WIRE_LENGTH) return onWire;
  return onWire > bytes ? onWire - bytes : 0;
}

export function parseEthernet(p: usize, captured: u32, onWire: u32): void {
  if (captured < HEADER) {
    frame.fail(FS_TRUNCATED, FR_LINK_HEADER_CUT, captured);
    return;
  }
  frame.setMacs(source(p), destination(p));
  const first = <u32>load<u8>(p);
  if ((first & 1) != 0) {
    // group address: all ones is broadcast, anything else multicast (eth_type_trans)
    const allOnes = load<u32>(p) == 0xffffffff && load<u16>(p + 4) == 0xffff;
    frame.setPacketType(allOnes ? PACKET_BROADCAST : PACKET_MULTICAST);
  }
  followEthertype(typeOf(p), p + HEADER, captured - HEADER, lessHeader(onWire, HEADER));
}

/**
 * `type` names what starts at `p` (`captured` bytes there, `onWire` sent): VLAN tags are
 * stepped over, recording their ids, until a network protocol.
 */
export function followEthertype(type: u32, p: usize, captured: u32, onWire: u32): void {
  while (isVlanTpid(type)) {
    if (frame.vlanCount >= <u32>MAX_VLAN_TAGS) {
      frame.fail(FS_MALFORMED, FR_VLAN_DEPTH, frame.vlanCount + 1);
      return;
    }
    if (captured < TAG) {
      frame.fail(FS_TRUNCATED, FR_LINK_HEADER_CUT, captured);
      return;
    }
    frame.pushVlan(be16(p) & 0x0fff);
    type = be16(p + 2);
    p += TAG;
    captured -= TAG;
    onWire = lessHeader(onWire, TAG);
  }
  if (type < MIN_ETHERTYPE) {
    frame.fail(FS_NON_IP, FR_LLC, type);
    return;
  }
  frame.setNetwork(type, p, captured, onWire);
}
