// Builders for the capture tests and the fixture generator: IPv4 packets with TCP/UDP/ICMP
// headers (checksums computed here, independently of the WASM parser, or deliberately wrong),
// link-layer headers, and whole pcap / pcapng files, all from plain numbers. Also a helper that
// runs bytes through the parser and collects every batch.
import { PKT_PAYLOAD_LEN, PKT_PAYLOAD_PTR, PKT_SIZE } from '../assembly/shared/layout.js';
import { parseIPv4 } from '../src/ruleset/names.js';
import { CaptureParser, type CaptureBatch, type CaptureOptions } from '../src/capture/parser.js';
import type { FrameInfo } from '../src/capture/frames.js';
import { concatBytes } from '../src/capture/pcapng-blocks.js';

export const ip = (text: string): number => parseIPv4(text)!;

export const concat = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts);

/** RFC 1071 one's-complement sum of big-endian words, complemented. */
export function internetChecksum(...parts: Uint8Array[]): number {
  const bytes = concat(...parts);
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

class Writer {
  private bytes: number[] = [];
  constructor(private readonly little = false) {}
  u8(v: number): this {
    this.bytes.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.little ? this.u8(v).u8(v >>> 8) : this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    return this.little ? this.u16(v & 0xffff).u16(v >>> 16) : this.u16(v >>> 16).u16(v & 0xffff);
  }
  u64(v: bigint): this {
    const hi = Number(v >> 32n);
    const lo = Number(v & 0xffffffffn);
    return this.little ? this.u32(lo).u32(hi) : this.u32(hi).u32(lo);
  }
  raw(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.bytes.push(b[i]);
    return this;
  }
  pad4(): this {
    while (this.bytes.length % 4) this.bytes.push(0);
    return this;
  }
  get length(): number {
    return this.bytes.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function pseudoHeader(src: number, dst: number, proto: number, length: number): Uint8Array {
  return new Writer().u32(src).u32(dst).u8(0).u8(proto).u16(length).done();
}

// ---------------------------------------------------------------------------------------------
// Transport headers. `src`/`dst` are only for the pseudo header.
export interface TcpSpec {
  src: number;
  dst: number;
  sport: number;
  dport: number;
  seq?: number;
  ack?: number;
  flags: number;
  window?: number;
  urgent?: number;
  reserved?: number;
  /** Option bytes (padded to 4 by the builder). */
  options?: number[];
  payload?: Uint8Array;
  /** Data offset in words when it must lie. */
  dataOffsetWords?: number;
  badChecksum?: boolean;
}

export function tcp(s: TcpSpec): Uint8Array {
  const options = new Writer().raw(s.options ?? []).pad4().done();
  const words = s.dataOffsetWords ?? (20 + options.length) / 4;
  const header = new Writer()
    .u16(s.sport).u16(s.dport).u32(s.seq ?? 0).u32(s.ack ?? 0)
    .u8((words << 4) | (s.reserved ?? 0)).u8(s.flags).u16(s.window ?? 64240).u16(0).u16(s.urgent ?? 0)
    .raw(options).done();
  const segment = concat(header, s.payload ?? new Uint8Array());
  const sum = internetChecksum(pseudoHeader(s.src, s.dst, 6, segment.length), segment);
  new DataView(segment.buffer).setUint16(16, s.badChecksum ? sum ^ 0x5a5a : sum);
  return segment;
}

export interface UdpSpec {
  src: number;
  dst: number;
  sport: number;
  dport: number;
  payload?: Uint8Array;
  /** Length field when it must lie. */
  lengthField?: number;
  noChecksum?: boolean;
  badChecksum?: boolean;
  /** 17 (UDP) or 136 (UDP-Lite, whose length field is the checksum coverage). */
  proto?: number;
}

export function udp(s: UdpSpec): Uint8Array {
  const payload = s.payload ?? new Uint8Array();
  const segment = concat(new Writer().u16(s.sport).u16(s.dport).u16(s.lengthField ?? 8 + payload.length).u16(0).done(), payload);
  if (!s.noChecksum) {
    const covered = s.proto === 136 && s.lengthField ? segment.subarray(0, s.lengthField) : segment;
    let sum = internetChecksum(pseudoHeader(s.src, s.dst, s.proto ?? 17, segment.length), covered);
    if (sum === 0) sum = 0xffff;
    new DataView(segment.buffer).setUint16(6, s.badChecksum ? sum ^ 0x0101 : sum);
  }
  return segment;
}

export interface IcmpSpec {
  type: number;
  code?: number;
  /** Bytes 4..7: identifier << 16 | sequence, gateway, pointer, MTU... */
  rest?: number;
  body?: Uint8Array;
  badChecksum?: boolean;
}

export function icmp(s: IcmpSpec): Uint8Array {
  const message = concat(new Writer().u8(s.type).u8(s.code ?? 0).u16(0).u32(s.rest ?? 0).done(), s.body ?? new Uint8Array());
  const sum = internetChecksum(message);
  new DataView(message.buffer).setUint16(2, s.badChecksum ? sum ^ 0x00ff : sum);
  return message;
}

// ---------------------------------------------------------------------------------------------
export interface Ipv4Spec {
  src: number;
  dst: number;
  proto: number;
  payload: Uint8Array;
  ttl?: number;
  tos?: number;
  id?: number;
  df?: boolean;
  mf?: boolean;
  fragOffset?: number;
  /** Option bytes (padded to 4). */
  options?: number[];
  /** Total length field when it must lie. */
  totalLength?: number;
  headerLengthWords?: number;
  version?: number;
  badChecksum?: boolean;
}

export function ipv4(s: Ipv4Spec): Uint8Array {
  const options = new Writer().raw(s.options ?? []).pad4().done();
  const headerLength = 20 + options.length;
  const frag = (s.df ? 0x4000 : 0) | (s.mf ? 0x2000 : 0) | (s.fragOffset ?? 0);
  const header = new Writer()
    .u8(((s.version ?? 4) << 4) | (s.headerLengthWords ?? headerLength / 4)).u8(s.tos ?? 0)
    .u16(s.totalLength ?? headerLength + s.payload.length).u16(s.id ?? 0x1234).u16(frag)
    .u8(s.ttl ?? 64).u8(s.proto).u16(0).u32(s.src).u32(s.dst).raw(options).done();
  const sum = internetChecksum(header);
  new DataView(header.buffer).setUint16(10, s.badChecksum ? sum ^ 0x1111 : sum);
  return concat(header, s.payload);
}

/** A minimal IPv6 header (40 bytes) carrying `payload`. */
export function ipv6(payload: Uint8Array, nextHeader = 59): Uint8Array {
  const w = new Writer().u32(0x60000000).u16(payload.length).u8(nextHeader).u8(64);
  for (let i = 0; i < 32; i++) w.u8(i);
  return concat(w.done(), payload);
}

// ---------------------------------------------------------------------------------------------
// Link layers
export const MAC_A = [0x02, 0x00, 0x00, 0x00, 0x00, 0x0a];
export const MAC_B = [0x02, 0x00, 0x00, 0x00, 0x00, 0x0b];
export const BROADCAST_MAC = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

export function ethernet(payload: Uint8Array, opts: { dst?: number[]; src?: number[]; type?: number; vlans?: Array<{ tpid: number; vid: number }> } = {}): Uint8Array {
  const w = new Writer().raw(opts.dst ?? MAC_B).raw(opts.src ?? MAC_A);
  for (const tag of opts.vlans ?? []) w.u16(tag.tpid).u16(tag.vid);
  w.u16(opts.type ?? 0x0800);
  return concat(w.done(), payload);
}

export function sll(payload: Uint8Array, opts: { packetType?: number; hatype?: number; address?: number[]; protocol?: number } = {}): Uint8Array {
  const address = opts.address ?? MAC_A;
  const w = new Writer().u16(opts.packetType ?? 0).u16(opts.hatype ?? 1).u16(address.length).raw(address);
  for (let i = address.length; i < 8; i++) w.u8(0);
  return concat(w.u16(opts.protocol ?? 0x0800).done(), payload);
}

export function sll2(payload: Uint8Array, opts: { packetType?: number; ifindex: number; protocol?: number; address?: number[] }): Uint8Array {
  const address = opts.address ?? MAC_A;
  const w = new Writer().u16(opts.protocol ?? 0x0800).u16(0).u32(opts.ifindex).u16(1).u8(opts.packetType ?? 0).u8(address.length).raw(address);
  for (let i = address.length; i < 8; i++) w.u8(0);
  return concat(w.done(), payload);
}

/** DLT_NULL (host byte order: little here) or DLT_LOOP (network order). */
export function loopback(payload: Uint8Array, family: number, networkOrder = false): Uint8Array {
  return concat(new Writer(!networkOrder).u32(family).done(), payload);
}

export interface NflogSpec {
  family?: number;
  hook?: number;
  prefix?: string;
  mark?: number;
  indev?: number;
  outdev?: number;
  uid?: number;
  gid?: number;
  hwHeader?: number[];
  payload?: Uint8Array;
  /** TLV headers in little-endian (the capturing machine's order); false = big-endian file. */
  little?: boolean;
}

export function nflog(s: NflogSpec): Uint8Array {
  const little = s.little ?? true;
  const w = new Writer().u8(s.family ?? 2).u8(0).u16(0);
  const tlv = (type: number, value: Uint8Array) => {
    const head = new Writer(little).u16(4 + value.length).u16(type).done();
    w.raw(head).raw(value).pad4();
  };
  if (s.hook !== undefined) tlv(1, new Writer().u16(0x0800).u8(s.hook).u8(0).done());
  if (s.mark !== undefined) tlv(2, new Writer().u32(s.mark).done());
  if (s.indev !== undefined) tlv(4, new Writer().u32(s.indev).done());
  if (s.outdev !== undefined) tlv(5, new Writer().u32(s.outdev).done());
  if (s.prefix !== undefined) tlv(10, concat(new TextEncoder().encode(s.prefix), new Uint8Array([0])));
  if (s.uid !== undefined) tlv(11, new Writer().u32(s.uid).done());
  if (s.gid !== undefined) tlv(14, new Writer().u32(s.gid).done());
  if (s.hwHeader) {
    tlv(15, new Writer().u16(1).done());
    tlv(16, Uint8Array.from(s.hwHeader));
  }
  if (s.payload) tlv(9, s.payload);
  return w.done();
}

// ---------------------------------------------------------------------------------------------
// Files
export interface PcapPacket {
  ts: number; // seconds
  sub?: number; // micro/nanoseconds, given exactly
  data: Uint8Array;
  /** Original length (default: data length). */
  length?: number;
}

export function pcapFile(opts: { linkType: number; packets: PcapPacket[]; nanos?: boolean; bigEndian?: boolean; snaplen?: number; magic?: number }): Uint8Array {
  const little = !opts.bigEndian;
  const magic = opts.magic ?? (opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4);
  const w = new Writer(little).u32(magic).u16(2).u16(4).u32(0).u32(0).u32(opts.snaplen ?? 65535).u32(opts.linkType);
  const modified = magic === 0xa1b2cd34;
  for (const p of opts.packets) {
    w.u32(Math.floor(p.ts)).u32(p.sub ?? 0).u32(p.data.length).u32(p.length ?? p.data.length);
    if (modified) w.u32(0).u16(0).u8(0).u8(0);
    w.raw(p.data);
  }
  return w.done();
}

export interface NgInterface {
  linkType: number;
  name?: string;
  tsresol?: number;
  tsoffset?: bigint;
  snaplen?: number;
}

export type NgBlock =
  | { kind: 'idb'; iface: NgInterface }
  | { kind: 'epb'; iface: number; ticks: bigint; data: Uint8Array; length?: number; flags?: number }
  | { kind: 'spb'; data: Uint8Array; length?: number }
  | { kind: 'pb'; iface: number; ticks: bigint; data: Uint8Array }
  | { kind: 'raw'; type: number; body: Uint8Array };

function block(little: boolean, type: number, body: Uint8Array): Uint8Array {
  const padded = new Writer(little).raw(body).pad4().done();
  const total = 12 + padded.length;
  return new Writer(little).u32(type).u32(total).raw(padded).u32(total).done();
}

function options(little: boolean, list: Array<[number, Uint8Array]>): Uint8Array {
  if (list.length === 0) return new Uint8Array();
  const w = new Writer(little);
  for (const [code, value] of list) w.u16(code).u16(value.length).raw(value).pad4();
  return w.u16(0).u16(0).done();
}

export function pcapngSection(opts: { bigEndian?: boolean; blocks: NgBlock[] }): Uint8Array {
  const little = !opts.bigEndian;
  const parts = [block(little, 0x0a0d0d0a, new Writer(little).u32(0x1a2b3c4d).u16(1).u16(0).u64(0xffffffffffffffffn).done())];
  for (const b of opts.blocks) {
    const w = new Writer(little);
    if (b.kind === 'idb') {
      const opts: Array<[number, Uint8Array]> = [];
      if (b.iface.name !== undefined) opts.push([2, new TextEncoder().encode(b.iface.name)]);
      if (b.iface.tsresol !== undefined) opts.push([9, Uint8Array.of(b.iface.tsresol)]);
      if (b.iface.tsoffset !== undefined) opts.push([14, new Writer(little).u64(b.iface.tsoffset).done()]);
      parts.push(block(little, 1, w.u16(b.iface.linkType).u16(0).u32(b.iface.snaplen ?? 0).raw(options(little, opts)).done()));
    } else if (b.kind === 'epb') {
      w.u32(b.iface).u32(Number(b.ticks >> 32n)).u32(Number(b.ticks & 0xffffffffn)).u32(b.data.length).u32(b.length ?? b.data.length).raw(b.data).pad4();
      if (b.flags !== undefined) w.raw(options(little, [[2, new Writer(little).u32(b.flags).done()]]));
      parts.push(block(little, 6, w.done()));
    } else if (b.kind === 'spb') {
      parts.push(block(little, 3, w.u32(b.length ?? b.data.length).raw(b.data).done()));
    } else if (b.kind === 'pb') {
      parts.push(block(little, 2, w.u16(b.iface).u16(0).u32(Number(b.ticks >> 32n)).u32(Number(b.ticks & 0xffffffffn)).u32(b.data.length).u32(b.data.length).raw(b.data).done()));
    } else {
      parts.push(block(little, b.type, b.body));
    }
  }
  return concat(...parts);
}

// ---------------------------------------------------------------------------------------------
export interface Parsed {
  batches: CaptureBatch[];
  frames: FrameInfo[];
  /** Every record, each with its own payload bytes. */
  records: Array<{ view: DataView; payload: Uint8Array }>;
  parser: CaptureParser;
}

/** Runs `bytes` through a parser in chunks of `chunk` bytes (default: one chunk). */
export async function parseBytes(bytes: Uint8Array, options: CaptureOptions = {}, chunk = bytes.length || 1): Promise<Parsed> {
  const parser = await CaptureParser.create(options);
  const batches: CaptureBatch[] = [];
  for (let at = 0; at < bytes.length; at += chunk) batches.push(...parser.feed(bytes.subarray(at, at + chunk)));
  batches.push(...parser.end());
  return { batches, parser, ...flatten(batches) };
}

export function flatten(batches: CaptureBatch[]): Pick<Parsed, 'frames' | 'records'> {
  const frames: FrameInfo[] = [];
  const records: Parsed['records'] = [];
  for (const b of batches) {
    const base = records.length;
    for (let i = 0; i < b.count; i++) {
      const view = new DataView(b.records.buffer, b.records.byteOffset + i * PKT_SIZE, PKT_SIZE);
      const len = view.getUint32(PKT_PAYLOAD_LEN, true);
      const off = view.getUint32(PKT_PAYLOAD_PTR, true);
      records.push({ view, payload: b.payloads.subarray(off, off + len) });
    }
    for (const f of b.frames) frames.push(f.record === undefined ? f : { ...f, record: base + f.record });
  }
  return { frames, records };
}
