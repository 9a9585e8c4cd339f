// Writes one packet record (assembly/shared/layout.ts PKT_*) for the core. When the ruleset does
// not turn conntrack on, the record also carries what conntrack would have attached: the ctstate
// the input claims (NEW when it says nothing) and the tuple read off the packet itself, direction
// ORIGINAL; with conntrack on, the core replaces all of that with what its tables say.
import {
  CTSTATE_NEW, PF_DF, PF_FRAG_NONFIRST, PF_HAS_MAC, PF_HAS_OWNER, PF_L4, PF_LOCAL_OUT, PF_MF,
  PF_OUT_GIVEN, PKT_ACK, PKT_CT_ORIG_DPORT, PKT_CT_ORIG_DST, PKT_CT_ORIG_SPORT, PKT_CT_ORIG_SRC,
  PKT_CT_REPL_DPORT, PKT_CT_REPL_DST, PKT_CT_REPL_SPORT, PKT_CT_REPL_SRC, PKT_CTDIR, PKT_CTMARK,
  PKT_CTPROTO, PKT_CTSTATE, PKT_DPORT, PKT_DST, PKT_DSTMAC, PKT_FLAGS, PKT_FRAGOFF, PKT_GID,
  PKT_ICMP_CODE, PKT_ICMP_TYPE, PKT_IN_IFACE, PKT_IPID, PKT_IPLEN, PKT_MARK, PKT_OUT_IFACE,
  PKT_PKTTYPE, PKT_PROTO, PKT_SEQ, PKT_SIZE, PKT_SPORT, PKT_SRC, PKT_SRCMAC, PKT_TCPFLAGS,
  PKT_TCPOPT, PKT_TCPURGP, PKT_TCPWIN, PKT_TOS, PKT_TS, PKT_TTL, PKT_UID, PF2_BAD_CSUM, PF2_INNER,
  PF2_NO_SEQ, PKT_FLAGS2, PKT_INNER_DPORT, PKT_INNER_DST, PKT_INNER_PROTO, PKT_INNER_SPORT,
  PKT_INNER_SRC, PKT_LENGTH_L4, PKT_PAYLOAD_LEN, PKT_PAYLOAD_PTR, PKT_TCP_SACKPERM, PKT_TCP_WSCALE,
} from '../../assembly/shared/layout.js';
import { interfaceNameBytes } from '../host/ifname.js';
import { PROTO_ICMP, PROTO_TCP, hasPorts, l4PayloadBytes, seqUnknown } from './complete.js';
import { MAX_WSCALE, TCP_OPTION_SACK_PERM, TCP_OPTION_WSCALE } from './tcp-options.js';
import { icmpHasIdSeq, icmpReplyType } from './icmp-names.js';
import type { InnerPacket, PacketInput } from './types.js';

const IFACE_FIELD_BYTES = 16;

// Field widths in the record: a value that does not fit would be silently truncated by DataView.
const FIELD_MAX: ReadonlyArray<[keyof PacketInput, number]> = [
  ['proto', 0xff], ['tos', 0xff], ['ttl', 0xff], ['length', 0xffff], ['fragOffset', 0x1fff],
  ['ipId', 0xffff], ['sport', 0xffff], ['dport', 0xffff], ['icmpType', 0xff], ['icmpCode', 0xff],
  ['icmpId', 0xffff], ['icmpSeq', 0xffff], ['tcpFlags', 0xff], ['window', 0xffff],
  ['tcpUrgPtr', 0xffff], ['pktType', 0xff], ['ctstate', 0xff], ['src', 0xffffffff],
  ['dst', 0xffffffff], ['mark', 0xffffffff], ['ctmark', 0xffffffff], ['seq', 0xffffffff],
  ['ack', 0xffffffff], ['uid', 0xffffffff], ['gid', 0xffffffff],
];

function checkFieldRanges(p: PacketInput): void {
  for (const [field, max] of FIELD_MAX) {
    const v = p[field];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max)) {
      throw new RangeError(`packet field ${field}: ${String(v)} is not an integer 0..${max}`);
    }
  }
}

// Captures repeat a handful of interface names millions of times: encode each name once.
const ifaceBytesCache = new Map<string, Uint8Array>();

function ifaceBytes(name: string): Uint8Array {
  let bytes = ifaceBytesCache.get(name);
  if (!bytes) {
    bytes = interfaceNameBytes(name); // throws for names longer than 15 bytes
    if (ifaceBytesCache.size < 4096) ifaceBytesCache.set(name, bytes);
  }
  return bytes;
}

function l4Known(p: PacketInput): boolean {
  if (p.fragOffset !== 0) return false;
  if (hasPorts(p.proto)) return p.sport !== undefined && p.dport !== undefined;
  if (p.proto === PROTO_ICMP) return p.icmpType !== undefined;
  return true; // no L4 fields the core reads: nothing can be missing
}

function packetFlags(p: PacketInput): number {
  let flags = 0;
  if (p.fragOffset > 0) flags |= PF_FRAG_NONFIRST;
  if (p.moreFragments) flags |= PF_MF;
  if (p.dontFragment) flags |= PF_DF;
  if (l4Known(p)) flags |= PF_L4;
  if (p.srcMac || p.dstMac) flags |= PF_HAS_MAC;
  if (p.localOut || p.inIface === undefined) flags |= PF_LOCAL_OUT;
  if (p.uid !== undefined || p.gid !== undefined) flags |= PF_HAS_OWNER;
  if (p.outIface !== undefined) flags |= PF_OUT_GIVEN;
  return flags;
}

/**
 * The two 16-bit words after the addresses, as the packet and its conntrack tuple hold them.
 * ICMP query messages put identifier and sequence there (the LOG formatter prints ID=/SEQ= from
 * PKT_SPORT/PKT_DPORT); conntrack's ICMP tuple is (id, type<<8|code) — nf_conntrack_tuple's
 * src.u.icmp.id and dst.u.icmp.{type,code} read as big-endian 16-bit words.
 */
function portWords(p: PacketInput): { sport: number; dport: number; ctSport: number; ctDport: number; replyDport: number } {
  if (p.proto === PROTO_ICMP && p.icmpType !== undefined) {
    const hasIdSeq = icmpHasIdSeq(p.icmpType);
    const id = hasIdSeq ? (p.icmpId ?? 0) : 0;
    const code = p.icmpCode ?? 0;
    const replyType = icmpReplyType(p.icmpType) ?? p.icmpType;
    return {
      sport: id,
      dport: hasIdSeq ? (p.icmpSeq ?? 0) : 0,
      ctSport: id,
      ctDport: (p.icmpType << 8) | code,
      replyDport: (replyType << 8) | code,
    };
  }
  const sport = p.sport ?? 0;
  const dport = p.dport ?? 0;
  return { sport, dport, ctSport: sport, ctDport: dport, replyDport: sport };
}

function writeBytes(view: DataView, at: number, bytes: Uint8Array, max: number): void {
  if (bytes.length > max) throw new RangeError(`${bytes.length} bytes do not fit in a ${max}-byte record field`);
  new Uint8Array(view.buffer, view.byteOffset + at, bytes.length).set(bytes);
}

function writeTcpOptionBitmap(view: DataView, at: number, kinds: readonly number[]): void {
  // bit k of the 256-bit map = option kind k: byte k>>3, bit k&7 (least significant first)
  for (const kind of kinds) {
    if (!Number.isInteger(kind) || kind < 0 || kind > 255) throw new RangeError(`TCP option kind ${kind} is not 0..255`);
    const byte = at + (kind >> 3);
    view.setUint8(byte, view.getUint8(byte) | (1 << (kind & 7)));
  }
}

/** Writes `p` as one PKT_SIZE record at byte `off` of `view` (zeroing it first). */
export function encodePacket(view: DataView, off: number, p: PacketInput): void {
  checkFieldRanges(p);
  new Uint8Array(view.buffer, view.byteOffset + off, PKT_SIZE).fill(0);
  const le = true;
  view.setFloat64(off + PKT_TS, p.ts, le);
  view.setUint32(off + PKT_SRC, p.src >>> 0, le);
  view.setUint32(off + PKT_DST, p.dst >>> 0, le);
  view.setUint8(off + PKT_PROTO, p.proto);
  view.setUint8(off + PKT_TOS, p.tos);
  view.setUint8(off + PKT_TTL, p.ttl);
  view.setUint8(off + PKT_FLAGS, packetFlags(p));
  view.setUint16(off + PKT_IPLEN, p.length, le);
  view.setUint16(off + PKT_FRAGOFF, p.fragOffset, le);
  view.setUint16(off + PKT_IPID, p.ipId ?? 0, le);

  const words = portWords(p);
  view.setUint16(off + PKT_SPORT, words.sport, le);
  view.setUint16(off + PKT_DPORT, words.dport, le);
  view.setUint8(off + PKT_ICMP_TYPE, p.icmpType ?? 0);
  view.setUint8(off + PKT_ICMP_CODE, p.icmpCode ?? 0);

  view.setUint8(off + PKT_TCPFLAGS, p.tcpFlags ?? 0);
  view.setUint16(off + PKT_TCPWIN, p.window ?? 0, le);
  view.setUint32(off + PKT_SEQ, (p.seq ?? 0) >>> 0, le);
  view.setUint32(off + PKT_ACK, (p.ack ?? 0) >>> 0, le);
  view.setUint16(off + PKT_TCPURGP, p.tcpUrgPtr ?? 0, le);
  if (p.tcpOptions) writeTcpOptionBitmap(view, off + PKT_TCPOPT, p.tcpOptions);

  view.setUint8(off + PKT_PKTTYPE, p.pktType ?? 0);
  view.setUint32(off + PKT_MARK, p.mark >>> 0, le);

  view.setUint8(off + PKT_CTSTATE, p.ctstate ?? CTSTATE_NEW);
  view.setUint8(off + PKT_CTDIR, 0);
  view.setUint32(off + PKT_CTMARK, (p.ctmark ?? 0) >>> 0, le);
  view.setUint8(off + PKT_CTPROTO, p.proto);
  view.setUint32(off + PKT_CT_ORIG_SRC, p.src >>> 0, le);
  view.setUint32(off + PKT_CT_ORIG_DST, p.dst >>> 0, le);
  view.setUint32(off + PKT_CT_REPL_SRC, p.dst >>> 0, le);
  view.setUint32(off + PKT_CT_REPL_DST, p.src >>> 0, le);
  if (hasPorts(p.proto) || p.proto === PROTO_ICMP) {
    view.setUint16(off + PKT_CT_ORIG_SPORT, words.ctSport, le);
    view.setUint16(off + PKT_CT_ORIG_DPORT, words.ctDport, le);
    // the reply tuple is the original inverted: for ports swapped, for ICMP the same id and the answer's type
    view.setUint16(off + PKT_CT_REPL_SPORT, p.proto === PROTO_ICMP ? words.ctSport : words.ctDport, le);
    view.setUint16(off + PKT_CT_REPL_DPORT, words.replyDport, le);
  }

  if (p.uid !== undefined) view.setUint32(off + PKT_UID, p.uid >>> 0, le);
  if (p.gid !== undefined) view.setUint32(off + PKT_GID, p.gid >>> 0, le);
  if (p.srcMac) writeBytes(view, off + PKT_SRCMAC, p.srcMac, 6);
  if (p.dstMac) writeBytes(view, off + PKT_DSTMAC, p.dstMac, 6);
  if (p.inIface !== undefined) writeBytes(view, off + PKT_IN_IFACE, ifaceBytes(p.inIface), IFACE_FIELD_BYTES - 1);
  if (p.outIface !== undefined) writeBytes(view, off + PKT_OUT_IFACE, ifaceBytes(p.outIface), IFACE_FIELD_BYTES - 1);
  writeConntrackInputs(view, off, p);
  view.setUint16(off + PKT_LENGTH_L4, l4PayloadBytes(p), le);
  // PKT_PAYLOAD_PTR / PKT_PAYLOAD_LEN stay 0 here: payload bytes live outside the record
  // (encodeBatch gathers them; the engine relocates the pointer into WASM memory).
}

/** The header words of a quoted packet: ports, or ICMP id and type << 8 | code. */
function innerPortWords(inner: InnerPacket): { sport: number; dport: number } {
  if (inner.proto === PROTO_ICMP) return { sport: inner.icmpId ?? 0, dport: ((inner.icmpType ?? 0) << 8) | (inner.icmpCode ?? 0) };
  return { sport: inner.sport ?? 0, dport: inner.dport ?? 0 };
}

/** What the conntrack stage reads beyond the headers: PKT_FLAGS2, the quoted packet, TCP options. */
function writeConntrackInputs(view: DataView, off: number, p: PacketInput): void {
  const le = true;
  let flags2 = 0;
  if (p.checksumBad) flags2 |= PF2_BAD_CSUM;
  const tcp = p.proto === PROTO_TCP && p.fragOffset === 0;
  if (tcp && seqUnknown(p)) flags2 |= PF2_NO_SEQ;
  if (p.inner) {
    flags2 |= PF2_INNER;
    const words = innerPortWords(p.inner);
    view.setUint32(off + PKT_INNER_SRC, p.inner.src >>> 0, le);
    view.setUint32(off + PKT_INNER_DST, p.inner.dst >>> 0, le);
    view.setUint16(off + PKT_INNER_SPORT, words.sport, le);
    view.setUint16(off + PKT_INNER_DPORT, words.dport, le);
    view.setUint8(off + PKT_INNER_PROTO, p.inner.proto);
  }
  view.setUint8(off + PKT_FLAGS2, flags2);
  const options = p.tcpOptions ?? [];
  let wscale = 0xff;
  if (p.tcpWscale !== undefined) wscale = Math.min(p.tcpWscale, MAX_WSCALE);
  else if (options.includes(TCP_OPTION_WSCALE)) wscale = 0;
  view.setUint8(off + PKT_TCP_WSCALE, tcp ? wscale : 0xff);
  view.setUint8(off + PKT_TCP_SACKPERM, tcp && (p.tcpSackPerm ?? options.includes(TCP_OPTION_SACK_PERM)) ? 1 : 0);
}

/** Packet records plus their payload bytes; each record's PKT_PAYLOAD_PTR is an offset into `payloads`. */
export interface EncodedBatch {
  records: Uint8Array;
  payloads: Uint8Array;
  /** How many packets claimed a ctstate of their own (ignored when conntrack runs). */
  ctstateGiven: number;
}

/** Records for `packets`, back to back, with their payloads gathered in one buffer. */
export function encodeBatch(packets: readonly PacketInput[]): EncodedBatch {
  const records = new Uint8Array(packets.length * PKT_SIZE);
  const view = new DataView(records.buffer);
  let payloadBytes = 0;
  let ctstateGiven = 0;
  for (const p of packets) payloadBytes += p.payload?.length ?? 0;
  const payloads = new Uint8Array(payloadBytes);
  let at = 0;
  packets.forEach((p, i) => {
    const off = i * PKT_SIZE;
    encodePacket(view, off, p);
    if (p.ctstate !== undefined) ctstateGiven++;
    if (p.payload && p.payload.length > 0) {
      payloads.set(p.payload, at);
      view.setUint32(off + PKT_PAYLOAD_PTR, at, true);
      view.setUint32(off + PKT_PAYLOAD_LEN, p.payload.length, true);
      at += p.payload.length;
    }
  });
  return { records, payloads, ctstateGiven };
}

/** Records for a whole list of packets, back to back. */
export function encodePackets(packets: readonly PacketInput[]): Uint8Array {
  const bytes = new Uint8Array(packets.length * PKT_SIZE);
  const view = new DataView(bytes.buffer);
  packets.forEach((p, i) => encodePacket(view, i * PKT_SIZE, p));
  return bytes;
}
