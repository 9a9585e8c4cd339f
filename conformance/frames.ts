// Building Ethernet/IPv4/TCP/UDP/ICMP frames byte by byte, with correct checksums unless told
// otherwise. Addresses are dotted-quad strings, MACs colon-separated hex.
import { parseIPv4 } from '../src/ruleset/names.js';

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/** The Internet checksum (RFC 1071) of `parts` laid end to end. */
export function internetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  let odd: number | undefined;
  for (const part of parts) {
    for (const byte of part) {
      if (odd === undefined) odd = byte;
      else {
        sum += (odd << 8) | byte;
        odd = undefined;
      }
    }
  }
  if (odd !== undefined) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function addrBytes(addr: string): Uint8Array {
  const v = parseIPv4(addr);
  if (v === undefined) throw new Error(`not an IPv4 address: ${addr}`);
  return new Uint8Array([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
}

function macBytes(mac: string): Uint8Array {
  const parts = mac.split(':').map((h) => parseInt(h, 16));
  if (parts.length !== 6 || parts.some((p) => !(p >= 0 && p <= 255))) throw new Error(`not a MAC address: ${mac}`);
  return new Uint8Array(parts);
}

export function ethernet(dst: string, src: string, ethertype: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(14 + payload.length);
  frame.set(macBytes(dst), 0);
  frame.set(macBytes(src), 6);
  new DataView(frame.buffer).setUint16(12, ethertype);
  frame.set(payload, 14);
  return frame;
}

export interface IPv4Fields {
  src: string;
  dst: string;
  proto: number;
  id: number;
  ttl?: number;
  dontFragment?: boolean;
}

export function ipv4(f: IPv4Fields, payload: Uint8Array): Uint8Array {
  const packet = new Uint8Array(20 + payload.length);
  const v = new DataView(packet.buffer);
  v.setUint8(0, 0x45);
  v.setUint16(2, packet.length);
  v.setUint16(4, f.id & 0xffff);
  v.setUint16(6, f.dontFragment === false ? 0 : 0x4000);
  v.setUint8(8, f.ttl ?? 64);
  v.setUint8(9, f.proto);
  packet.set(addrBytes(f.src), 12);
  packet.set(addrBytes(f.dst), 16);
  v.setUint16(10, internetChecksum(packet.subarray(0, 20)));
  packet.set(payload, 20);
  return packet;
}

function pseudoHeader(src: string, dst: string, proto: number, length: number): Uint8Array {
  const ph = new Uint8Array(12);
  ph.set(addrBytes(src), 0);
  ph.set(addrBytes(dst), 4);
  ph[9] = proto;
  new DataView(ph.buffer).setUint16(10, length);
  return ph;
}

export interface TcpFields {
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
  window?: number;
  /** Whole option bytes (padded to 4 here). */
  options?: Uint8Array;
  /** Add this to the correct checksum (a bad-checksum packet). */
  checksumError?: number;
}

export function tcp(src: string, dst: string, f: TcpFields, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const optLen = Math.ceil((f.options?.length ?? 0) / 4) * 4;
  const header = 20 + optLen;
  const seg = new Uint8Array(header + payload.length);
  const v = new DataView(seg.buffer);
  v.setUint16(0, f.sport);
  v.setUint16(2, f.dport);
  v.setUint32(4, f.seq >>> 0);
  v.setUint32(8, f.flags & TCP_ACK ? f.ack >>> 0 : 0);
  v.setUint8(12, (header / 4) << 4);
  v.setUint8(13, f.flags);
  v.setUint16(14, f.window ?? 64240);
  if (f.options) seg.set(f.options, 20);
  seg.set(payload, header);
  const sum = internetChecksum(pseudoHeader(src, dst, PROTO_TCP, seg.length), seg);
  v.setUint16(16, (sum + (f.checksumError ?? 0)) & 0xffff);
  return seg;
}

export function udp(src: string, dst: string, sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const dgram = new Uint8Array(8 + payload.length);
  const v = new DataView(dgram.buffer);
  v.setUint16(0, sport);
  v.setUint16(2, dport);
  v.setUint16(4, dgram.length);
  dgram.set(payload, 8);
  const sum = internetChecksum(pseudoHeader(src, dst, PROTO_UDP, dgram.length), dgram);
  v.setUint16(6, sum === 0 ? 0xffff : sum);
  return dgram;
}

/** An ICMP message: type, code, the 4 "rest of header" bytes as one u32, and the data. */
export function icmp(type: number, code: number, rest: number, data: Uint8Array): Uint8Array {
  const msg = new Uint8Array(8 + data.length);
  const v = new DataView(msg.buffer);
  v.setUint8(0, type);
  v.setUint8(1, code);
  v.setUint32(4, rest >>> 0);
  msg.set(data, 8);
  v.setUint16(2, internetChecksum(msg));
  return msg;
}

export function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
