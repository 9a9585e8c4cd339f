// The parts of an IPv4 packet the kernel's LOG line prints, read either from a packet record
// (assembly/shared/layout.ts PKT_*) or from raw header bytes (the packet quoted inside an ICMP
// error). Both sources become one IpDump, so the line is written by a single formatter.
import {
  PKT_SRC, PKT_DST, PKT_PROTO, PKT_TOS, PKT_TTL, PKT_FLAGS, PKT_IPLEN, PKT_FRAGOFF, PKT_SPORT,
  PKT_DPORT, PKT_ICMP_TYPE, PKT_ICMP_CODE, PKT_TCPFLAGS, PKT_TCPWIN, PKT_UID, PKT_GID, PKT_SEQ,
  PKT_ACK, PKT_PAYLOAD_PTR, PKT_PAYLOAD_LEN, PKT_IPID, PKT_IPOPT_LEN, PKT_TCPRES, PKT_TCPURGP,
  PF_MF, PF_DF, PF_L4, PF_HAS_OWNER,
} from '../../assembly/shared/layout.js';

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ESP = 50;
export const IPPROTO_AH = 51;
export const IPPROTO_UDPLITE = 136;

export const IP_HEADER_LEN = 20;
export const ICMP_HEADER_LEN = 8;

export interface TcpFields {
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  window: number;
  /** The 4 reserved bits of header byte 12 (the lowest one is AE). */
  reserved: number;
  /** FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32, ECE 64, CWR 128 */
  flags: number;
  urgentPointer: number;
  /** Option bytes after the 20-byte header, when known. */
  options?: Uint8Array;
}

export interface IcmpFields {
  type: number;
  code: number;
  /** Bytes 4..7 of the ICMP header: echo id/sequence, redirect gateway, parameter pointer, MTU. */
  restOfHeader: number;
  /** What follows the 8-byte header (the quoted packet of an error), when known. */
  body?: Uint8Array;
}

export interface IpDump {
  src: number;
  dst: number;
  totalLength: number;
  tos: number;
  ttl: number;
  id: number;
  ce: boolean;
  df: boolean;
  mf: boolean;
  /** Fragment offset in 8-byte units. */
  fragOffset: number;
  /** Bytes of IP options, and the bytes themselves when known. */
  optionsLength: number;
  options?: Uint8Array;
  proto: number;
  /** Bytes the kernel could read from the transport header on (skb->len - offset). */
  l4Bytes: number;
  /** Parsed transport header; undefined when it is not there (truncated) or for other protocols. */
  tcp?: TcpFields;
  udp?: { sport: number; dport: number; length: number };
  icmp?: IcmpFields;
  /** AH/ESP security parameter index, when the bytes are known. */
  spi?: number;
  owner?: { uid: number; gid: number };
}

const LE = true;

/** The L4 payload bytes the host copied next to the record (PKT_PAYLOAD_PTR is a memory address). */
function recordPayload(view: DataView, pktOff: number, given?: Uint8Array): Uint8Array | undefined {
  if (given) return given;
  const ptr = view.getUint32(pktOff + PKT_PAYLOAD_PTR, LE);
  const len = view.getUint32(pktOff + PKT_PAYLOAD_LEN, LE);
  if (ptr === 0 || len === 0 || ptr + len > view.byteLength) return undefined;
  return new Uint8Array(view.buffer, view.byteOffset + ptr, len);
}

/**
 * The packet record at `pktOff`. The record keeps the L4 header fields the LOG line needs except
 * option bytes (IP and TCP options are not recorded, so OPT (...) cannot be printed) and the UDP
 * length field, taken as IP length − header length. For ICMP, PKT_SPORT/PKT_DPORT hold bytes 4–5
 * and 6–7 of the header (identifier and sequence of echo messages, see src/packets/encode.ts).
 */
export function ipDumpFromRecord(view: DataView, pktOff: number, payload?: Uint8Array): IpDump {
  const u8 = (f: number) => view.getUint8(pktOff + f);
  const u16 = (f: number) => view.getUint16(pktOff + f, LE);
  const u32 = (f: number) => view.getUint32(pktOff + f, LE);
  const flags = u8(PKT_FLAGS);
  const optionsLength = u8(PKT_IPOPT_LEN);
  const totalLength = u16(PKT_IPLEN);
  const proto = u8(PKT_PROTO);
  const dump: IpDump = {
    src: u32(PKT_SRC), dst: u32(PKT_DST), totalLength, tos: u8(PKT_TOS), ttl: u8(PKT_TTL), id: u16(PKT_IPID),
    ce: false, df: (flags & PF_DF) !== 0, mf: (flags & PF_MF) !== 0, fragOffset: u16(PKT_FRAGOFF),
    optionsLength, proto, l4Bytes: Math.max(0, totalLength - IP_HEADER_LEN - optionsLength),
  };
  if (flags & PF_HAS_OWNER) dump.owner = { uid: u32(PKT_UID), gid: u32(PKT_GID) };
  if (!(flags & PF_L4)) return dump;
  const sport = u16(PKT_SPORT);
  const dport = u16(PKT_DPORT);
  if (proto === IPPROTO_TCP) {
    dump.tcp = {
      sport, dport, seq: u32(PKT_SEQ), ack: u32(PKT_ACK), window: u16(PKT_TCPWIN),
      reserved: u8(PKT_TCPRES) & 0x0f, flags: u8(PKT_TCPFLAGS), urgentPointer: u16(PKT_TCPURGP),
    };
  } else if (proto === IPPROTO_UDP || proto === IPPROTO_UDPLITE) {
    dump.udp = { sport, dport, length: dump.l4Bytes };
  } else if (proto === IPPROTO_ICMP) {
    dump.icmp = {
      type: u8(PKT_ICMP_TYPE), code: u8(PKT_ICMP_CODE), restOfHeader: ((sport << 16) | dport) >>> 0,
      body: recordPayload(view, pktOff, payload),
    };
  } else if (proto === IPPROTO_AH || proto === IPPROTO_ESP) {
    // For protocols without parsed L4 fields the payload starts right after the IP header.
    dump.spi = ipsecSpi(proto, recordPayload(view, pktOff, payload));
  }
  return dump;
}

/**
 * An IPv4 packet from its header bytes on (as quoted in an ICMP error: the kernel reads as far
 * as the outer packet goes, so `bytes` runs to the end of the outer packet).
 * Undefined when not even the 20-byte IP header is there.
 */
export function ipDumpFromBytes(bytes: Uint8Array): IpDump | undefined {
  if (bytes.length < IP_HEADER_LEN) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = (bytes[0] & 0x0f) * 4;
  const fragField = view.getUint16(6);
  const optionsLength = Math.max(0, headerLength - IP_HEADER_LEN);
  const proto = bytes[9];
  const l4 = bytes.subarray(Math.min(headerLength, bytes.length));
  const dump: IpDump = {
    src: view.getUint32(12), dst: view.getUint32(16), totalLength: view.getUint16(2), tos: bytes[1],
    ttl: bytes[8], id: view.getUint16(4), ce: (fragField & 0x8000) !== 0, df: (fragField & 0x4000) !== 0,
    mf: (fragField & 0x2000) !== 0, fragOffset: fragField & 0x1fff, optionsLength,
    options: bytes.subarray(IP_HEADER_LEN, Math.min(headerLength, bytes.length)), proto, l4Bytes: l4.length,
  };
  const l4View = new DataView(l4.buffer, l4.byteOffset, l4.byteLength);
  if (proto === IPPROTO_TCP && l4.length >= 20) {
    const dataOffset = (l4[12] >> 4) * 4;
    dump.tcp = {
      sport: l4View.getUint16(0), dport: l4View.getUint16(2), seq: l4View.getUint32(4), ack: l4View.getUint32(8),
      window: l4View.getUint16(14), reserved: l4[12] & 0x0f, flags: l4[13], urgentPointer: l4View.getUint16(18),
      options: dataOffset > 20 && l4.length >= dataOffset ? l4.subarray(20, dataOffset) : undefined,
    };
  } else if ((proto === IPPROTO_UDP || proto === IPPROTO_UDPLITE) && l4.length >= 8) {
    dump.udp = { sport: l4View.getUint16(0), dport: l4View.getUint16(2), length: l4View.getUint16(4) };
  } else if (proto === IPPROTO_ICMP && l4.length >= ICMP_HEADER_LEN) {
    dump.icmp = { type: l4[0], code: l4[1], restOfHeader: l4View.getUint32(4), body: l4.subarray(ICMP_HEADER_LEN) };
  } else if (proto === IPPROTO_AH || proto === IPPROTO_ESP) {
    dump.spi = ipsecSpi(proto, l4);
  }
  return dump;
}

/** The SPI of an AH header (bytes 4..7 of 12) or an ESP header (bytes 0..3 of 8). */
function ipsecSpi(proto: number, l4: Uint8Array | undefined): number | undefined {
  const at = proto === IPPROTO_AH ? 4 : 0;
  const headerLength = proto === IPPROTO_AH ? 12 : 8;
  if (!l4 || l4.length < headerLength) return undefined;
  return new DataView(l4.buffer, l4.byteOffset, l4.byteLength).getUint32(at);
}
