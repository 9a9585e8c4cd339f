// One outcome per captured frame, in file order (assembly/wire/abi.ts FR_*): the frames the
// ruleset evaluates point at their packet record; every other frame says why it is not evaluated.
import {
  DIR_IN, DIR_OUT, FF_IFINDEX_IN, FF_IFINDEX_OUT, FF_IP_CSUM_UNSET, FF_MARK, FR_CAPLEN, FR_DETAIL, FR_DIRECTION,
  FR_ETHERTYPE, FR_FLAGS, FR_HOOK, FR_IFACE, FR_IFINDEX_IN, FR_IFINDEX_OUT, FR_IP_CHECKSUM,
  FR_IP_HEADER_CUT, FR_IP_HEADER_LENGTH, FR_IP_TOTAL_LONG, FR_IP_TOTAL_SHORT, FR_IP_VERSION,
  FR_LENGTH, FR_LINK_HEADER_CUT, FR_LINKTYPE, FR_LINKTYPE_UNSUPPORTED, FR_LLC, FR_LOOPBACK_FAMILY,
  FR_MARK, FR_NFLOG_FAMILY, FR_NFLOG_NO_PAYLOAD, FR_NFLOG_TLV, FR_NFLOG_VERSION, FR_OFFSET,
  FR_PREFIX_LEN, FR_PREFIX_OFF, FR_REASON, FR_RECORD, FR_SLL_PROTOCOL, FR_STATUS, FR_TS, FR_VLAN,
  FR_VLAN_COUNT, FR_VLAN_DEPTH, FS_ARP, FS_IPV4, FS_IPV6, FS_MALFORMED, FS_NON_IP, FS_OTHER_HOST,
  FS_TRUNCATED,
} from '../../assembly/wire/abi.js';

export type FrameStatus = 'ipv4' | 'ipv6' | 'arp' | 'non-ip' | 'truncated' | 'malformed' | 'other-host';

export interface NflogInfo {
  /** Netfilter hook the NFLOG rule ran at (HOOK_* numbering); undefined when the record omits it. */
  hook?: number;
  hookName?: string;
  /** --nflog-prefix text ('' when none). */
  prefix: string;
  /** skb mark when the packet was logged. */
  mark?: number;
}

export interface FrameInfo {
  /** Position of the frame in the capture, from 0. */
  index: number;
  /** Byte offset of its pcap record header or pcapng block. */
  offset: number;
  /** Seconds since the epoch (0 for pcapng simple packet blocks, which carry none). */
  ts: number;
  /** Bytes captured and bytes the frame had on the wire. */
  caplen: number;
  length: number;
  linkType: number;
  status: FrameStatus;
  /** Index of its packet record in the batch, for status 'ipv4'. */
  record?: number;
  /** Why the frame is not evaluated (every status but 'ipv4'). */
  reason?: string;
  /** pcapng interface id. */
  interfaceId?: number;
  /** What the capture says about the direction (SLL packet type, pcapng epb_flags, NFLOG hook). */
  direction?: 'in' | 'out';
  /** Outermost 802.1Q/802.1ad VLAN id, and how many tags there were. */
  vlan?: number;
  vlanTags?: number;
  /** Interface indexes the link layer carries (SLL2, NFLOG). */
  ifindexIn?: number;
  ifindexOut?: number;
  nflog?: NflogInfo;
  /** The IPv4 header checksum was 0 (left to the NIC by the capturing host) and was not checked. */
  ipChecksumUnset?: boolean;
}

const STATUS: readonly FrameStatus[] = ['ipv4', 'ipv6', 'arp', 'non-ip', 'truncated', 'malformed', 'other-host'];

/** The status of an FS_* code. */
export function frameStatusName(code: number): FrameStatus {
  return STATUS[code] ?? 'malformed';
}
const HOOK_NAMES = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];
/** FR_RECORD of a frame without a packet record. */
export const NO_RECORD = 0xffffffff;
const NO_INTERFACE = 0xffff;
const NO_HOOK = 0xff;

const ETHERTYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x8035, 'RARP'], [0x809b, 'AppleTalk'], [0x8137, 'IPX'], [0x8847, 'MPLS'], [0x8848, 'MPLS multicast'],
  [0x8863, 'PPPoE discovery'], [0x8864, 'PPPoE session'], [0x888e, 'EAPOL (802.1X)'], [0x88cc, 'LLDP'],
  [0x88e5, 'MACsec'], [0x88f7, 'PTP'], [0x8906, 'FCoE'], [0x8902, 'CFM'], [0x22f0, 'AVTP'], [0x88b5, 'local experimental'],
]);

const hex4 = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;

function ethertypeText(type: number): string {
  const name = ETHERTYPE_NAMES.get(type);
  return `ethertype ${hex4(type)}${name ? ` (${name})` : ''} is not IP`;
}

/** Words for a frame that is not evaluated. */
export function frameReason(status: number, reason: number, detail: number): string {
  switch (reason) {
    case FR_ETHERTYPE: return ethertypeText(detail);
    case FR_LLC: return `802.3 frame with an LLC header (length field ${detail}), not IP`;
    case FR_LINKTYPE_UNSUPPORTED: return `link type ${detail} is not one nfwasm reads`;
    case FR_LINK_HEADER_CUT: return `the capture ends inside the link-layer header (${detail} bytes)`;
    case FR_IP_HEADER_CUT: return `the capture ends inside the IPv4 header (${detail} bytes)`;
    case FR_IP_VERSION: return `IP version ${detail} where IPv4 was announced`;
    case FR_IP_HEADER_LENGTH: return `IPv4 header length ${detail} is below 20: the kernel drops it before netfilter`;
    case FR_IP_TOTAL_SHORT: return `IPv4 total length ${detail} is shorter than its header: the kernel drops it before netfilter`;
    case FR_IP_TOTAL_LONG: return `IPv4 total length ${detail} is longer than the frame: the kernel drops it before netfilter`;
    case FR_IP_CHECKSUM: return `bad IPv4 header checksum (${hex4(detail)}): the kernel drops it before netfilter`;
    case FR_LOOPBACK_FAMILY: return `loopback address family ${detail} is not IP`;
    case FR_NFLOG_FAMILY: return `NFLOG record of address family ${detail}, not IP`;
    case FR_NFLOG_TLV: return `NFLOG attribute length ${detail} runs outside the record`;
    case FR_NFLOG_NO_PAYLOAD: return 'NFLOG record without the packet (copy range 0?)';
    case FR_NFLOG_VERSION: return `NFLOG record version ${detail} (only 0 exists)`;
    case FR_SLL_PROTOCOL: return `Linux cooked capture protocol ${hex4(detail & 0xffff)} (hardware type ${detail >>> 16}) is not IP`;
    case FR_VLAN_DEPTH: return `${detail} stacked VLAN tags`;
  }
  switch (status) {
    case FS_IPV6: return 'IPv6: not evaluated by an IPv4 ruleset';
    case FS_ARP: return 'ARP: not IP';
    case FS_OTHER_HOST: return 'addressed to another host (packet type OTHERHOST): the kernel drops it before netfilter';
    case FS_TRUNCATED: return 'the capture ends before the network header';
    case FS_MALFORMED: return 'malformed';
    case FS_NON_IP: return 'not IP';
    default: return '';
  }
}

const utf8 = new TextDecoder();

/** The frame info at `at` in `view`; `arena` holds NFLOG prefixes. `index` is the frame's number. */
export function decodeFrameInfo(view: DataView, at: number, index: number, arena: Uint8Array): FrameInfo {
  // Runs once per frame: plain DataView reads, no helper closures.
  const status = view.getUint8(at + FR_STATUS);
  const info: FrameInfo = {
    index,
    offset: view.getFloat64(at + FR_OFFSET, true),
    ts: view.getFloat64(at + FR_TS, true),
    caplen: view.getUint32(at + FR_CAPLEN, true),
    length: view.getUint32(at + FR_LENGTH, true),
    linkType: view.getUint16(at + FR_LINKTYPE, true),
    status: frameStatusName(status),
  };
  const record = view.getUint32(at + FR_RECORD, true);
  if (status === FS_IPV4 && record !== NO_RECORD) info.record = record;
  else info.reason = frameReason(status, view.getUint8(at + FR_REASON), view.getUint32(at + FR_DETAIL, true));
  const iface = view.getUint16(at + FR_IFACE, true);
  if (iface !== NO_INTERFACE) info.interfaceId = iface;
  const direction = view.getUint8(at + FR_DIRECTION);
  if (direction === DIR_IN) info.direction = 'in';
  else if (direction === DIR_OUT) info.direction = 'out';
  const tags = view.getUint8(at + FR_VLAN_COUNT);
  if (tags > 0) {
    info.vlan = view.getUint16(at + FR_VLAN, true);
    info.vlanTags = tags;
  }
  const flags = view.getUint8(at + FR_FLAGS);
  if (flags !== 0) {
    if (flags & FF_IFINDEX_IN) info.ifindexIn = view.getUint32(at + FR_IFINDEX_IN, true);
    if (flags & FF_IFINDEX_OUT) info.ifindexOut = view.getUint32(at + FR_IFINDEX_OUT, true);
    if (flags & FF_IP_CSUM_UNSET) info.ipChecksumUnset = true;
  }
  const hook = view.getUint8(at + FR_HOOK);
  const prefixLength = view.getUint16(at + FR_PREFIX_LEN, true);
  if (hook !== NO_HOOK || prefixLength > 0 || flags & FF_MARK) info.nflog = nflogInfo(view, at, hook, prefixLength, flags, arena);
  return info;
}

function nflogInfo(view: DataView, at: number, hook: number, prefixLength: number, flags: number, arena: Uint8Array): NflogInfo {
  const start = view.getUint32(at + FR_PREFIX_OFF, true);
  const nflog: NflogInfo = { prefix: prefixLength > 0 ? utf8.decode(arena.subarray(start, start + prefixLength)) : '' };
  if (hook !== NO_HOOK) {
    nflog.hook = hook;
    nflog.hookName = HOOK_NAMES[hook] ?? `hook ${hook}`;
  }
  if (flags & FF_MARK) nflog.mark = view.getUint32(at + FR_MARK, true);
  return nflog;
}
