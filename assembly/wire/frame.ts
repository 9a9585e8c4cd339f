// What the link layer said about the frame being decoded: where the network header starts and
// what it is, the addresses, direction and interface the link header carries, and (NFLOG) what
// the log record adds. The link parsers fill it, the record and frame-info writers read it.
// resetFrame() starts every frame.
import { DIR_UNKNOWN, FS_IPV4, FR_NONE, MAX_VLAN_TAGS } from './abi';

export const ETHERTYPE_IPV4: u32 = 0x0800;
export const ETHERTYPE_ARP: u32 = 0x0806;
export const ETHERTYPE_IPV6: u32 = 0x86dd;
/** No network protocol decided yet (also: the link layer failed). */
export const ETHERTYPE_NONE: u32 = 0xffffffff;

export const PKTTYPE_UNKNOWN: u32 = 0xff;
export const HOOK_NONE: u32 = 0xff;

// Outcome so far: FS_IPV4 while nothing is wrong; a link parser that gives up sets the rest.
export let status: u32 = FS_IPV4;
export let reason: u32 = FR_NONE;
export let detail: u32 = 0;

// The network-layer packet
export let ethertype: u32 = ETHERTYPE_NONE;
export let l3: usize = 0;
export let l3Captured: u32 = 0; // bytes of it in memory
export let l3OnWire: u32 = 0; // bytes it had on the wire (0xFFFFFFFF: unknown, trust the IP header)

// Link-layer facts
export let srcMac: usize = 0; // 6 bytes, or 0
export let dstMac: usize = 0;
export let pktType: u32 = PKTTYPE_UNKNOWN; // Linux PACKET_* (SLL), when the link layer says
export let direction: u32 = DIR_UNKNOWN;
export let flags: u32 = 0; // FF_*
export let ifindexIn: u32 = 0;
export let ifindexOut: u32 = 0;
export let vlanCount: u32 = 0;
export const vlanIds: usize = memory.data(MAX_VLAN_TAGS * 2); // u16 each, outermost first

// NFLOG record
export let hook: u32 = HOOK_NONE;
export let mark: u32 = 0;
export let uid: u32 = 0;
export let gid: u32 = 0;
export let prefix: usize = 0;
export let prefixLength: u32 = 0;

export function resetFrame(): void {
  status = FS_IPV4;
  reason = FR_NONE;
  detail = 0;
  ethertype = ETHERTYPE_NONE;
  l3 = 0;
  l3Captured = 0;
  l3OnWire = 0;
  srcMac = 0;
  dstMac = 0;
  pktType = PKTTYPE_UNKNOWN;
  direction = DIR_UNKNOWN;
  flags = 0;
  ifindexIn = 0;
  ifindexOut = 0;
  vlanCount = 0;
  hook = HOOK_NONE;
  mark = 0;
  uid = 0;
  gid = 0;
  prefix = 0;
  prefixLength = 0;
}

/** The frame cannot be evaluated: `st` (FS_*) because of `why` (FR_*), naming `value`. */
export function fail(st: u32, why: u32, value: u32): void {
  status = st;
  reason = why;
  detail = value;
  ethertype = ETHERTYPE_NONE;
}

/** The network header starts at `p`; `captured` bytes are there, `onWire` were sent. */
export function setNetwork(type: u32, p: usize, captured: u32, onWire: u32): void {
  ethertype = type;
  l3 = p;
  l3Captured = captured;
  l3OnWire = onWire;
}

export function setMacs(src: usize, dst: usize): void {
  srcMac = src;
  dstMac = dst;
}

export function setPacketType(type: u32): void {
  pktType = type;
}

export function setDirection(dir: u32): void {
  direction = dir;
}

export function setIfindexIn(index: u32, flag: u32): void {
  ifindexIn = index;
  flags |= flag;
}

export function setIfindexOut(index: u32, flag: u32): void {
  ifindexOut = index;
  flags |= flag;
}

export function addFlags(f: u32): void {
  flags |= f;
}

export function pushVlan(id: u32): void {
  if (vlanCount < <u32>MAX_VLAN_TAGS) store<u16>(vlanIds + (<usize>vlanCount << 1), <u16>id);
  vlanCount++;
}

export function setNflog(h: u32, m: u32, u: u32, g: u32, text: usize, textLength: u32): void {
  hook = h;
  mark = m;
  uid = u;
  gid = g;
  prefix = text;
  prefixLength = textLength;
}
