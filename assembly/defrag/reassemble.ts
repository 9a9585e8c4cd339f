// The completed datagram (ip_frag_reasm): rebuilt in the completing fragment's record from the
// first fragment's record (skb_morph: its header fields, mark, addresses), with the completing
// fragment's time and in-device, the whole length, and the transport header parsed from the
// reassembled bytes by the capture parser's own code when every byte is known.
import {
  DFF_END, DFF_HEADER, DFF_KNOWN_AT, DFF_KNOWN_LEN, DFF_NEXT, DFF_OFFSET, DFQ_FIRST, DFQ_HEAD_RECORD,
  DFQ_LEN, DFQ_MAX_DF_SIZE, DFQ_MAX_SIZE, PF_DF, PF_FRAG_NONFIRST, PF_L4, PF_MF, PKT_FLAGS, PKT_FLAGS2,
  PKT_FRAGOFF, PKT_IN_IFACE, PKT_IPID, PKT_IPLEN, PKT_IPOPT_LEN, PKT_LENGTH_L4, PKT_PAYLOAD_LEN,
  PKT_PAYLOAD_PTR, PKT_PROTO, PKT_SIZE, PKT_SRC, PKT_DST, PKT_TOS, PKT_TS, PKT_TTL,
  PKT_SPORT, PKT_TCPFLAGS, PKT_CT_ORIG_SRC, PKT_TCPWIN, PKT_TCPOPT, PKT_SEQ, PKT_TCPRES, PKT_INNER_SRC,
  PKT_TCP_SACKPERM,
} from '../shared/layout';
import * as ipv4 from '../wire/ipv4';
import * as l4 from '../wire/l4';
import { place as placeInterfaces, writeRecord } from '../wire/record';
import { parseTransport } from '../wire/transport';
import { scratch } from './config';
import { entryAddress } from './ring';

const IP_MIN_HEADER: u32 = 20;
export const MAX_DATAGRAM: u32 = 65535;
const ECN_CE: u32 = 3;

/** The transport fields the wire parser writes, copied from its record into the datagram's. */
const parsed: usize = memory.data(PKT_SIZE, 16);

/** IP header bytes of a record (options included). */
@inline export function headerBytes(rec: usize): u32 {
  return IP_MIN_HEADER + <u32>load<u8>(rec, PKT_IPOPT_LEN);
}

/** Bytes of transport header a record's IP length covers beyond its L4 payload length. */
export function transportHeaderBytes(rec: usize): u32 {
  const ipLen = <u32>load<u16>(rec, PKT_IPLEN);
  const ihl = headerBytes(rec);
  const data = ipLen > ihl ? ipLen - ihl : 0;
  const payload = <u32>load<u16>(rec, PKT_LENGTH_L4);
  return data > payload ? data - payload : 0;
}

// How much of the datagram's bytes the stored fragments hold
const BYTES_NONE: u32 = 0;
const BYTES_AFTER_HEADER: u32 = 1; // all but the transport header (JSON: the first fragment's payload)
const BYTES_ALL: u32 = 2;

/** Copies the known bytes of queue `q`'s fragments behind an `ihl`-byte header in the scratch buffer. */
function gatherBytes(q: usize, ihl: u32): u32 {
  let all = true;
  let afterHeader = true;
  let ref = load<u32>(q, DFQ_FIRST);
  while (ref != 0) {
    const e = entryAddress(ref);
    const offset = load<u32>(e, DFF_OFFSET);
    const end = load<u32>(e, DFF_END);
    const at = load<u32>(e, DFF_KNOWN_AT);
    const known = load<u32>(e, DFF_KNOWN_LEN);
    if (known != 0) memory.copy(scratch + ihl + at, e + DFF_HEADER, known);
    const reachesEnd = at + known == end;
    if (at != offset || !reachesEnd) all = false;
    if (!reachesEnd || (offset != 0 && at != offset)) afterHeader = false;
    ref = load<u32>(e, DFF_NEXT);
  }
  return all ? BYTES_ALL : afterHeader ? BYTES_AFTER_HEADER : BYTES_NONE;
}

@inline function storeBe16(p: usize, v: u32): void {
  store<u16>(p, bswap<u16>(<u16>v));
}

@inline function storeBe32(p: usize, v: u32): void {
  store<u32>(p, bswap<u32>(v));
}

/** An IPv4 header for the datagram in front of its data, for the wire parser (options zeroed). */
function writeHeader(rec: usize, ihl: u32, total: u32): void {
  const p = scratch;
  memory.fill(p, 0, ihl);
  store<u8>(p, <u8>(0x40 | (ihl >> 2)));
  store<u8>(p + 1, load<u8>(rec, PKT_TOS));
  storeBe16(p + 2, total);
  storeBe16(p + 4, <u32>load<u16>(rec, PKT_IPID));
  storeBe16(p + 6, (<u32>load<u8>(rec, PKT_FLAGS) & PF_DF) != 0 ? 0x4000 : 0);
  store<u8>(p + 8, load<u8>(rec, PKT_TTL));
  store<u8>(p + 9, load<u8>(rec, PKT_PROTO));
  storeBe32(p + 12, load<u32>(rec, PKT_SRC));
  storeBe32(p + 16, load<u32>(rec, PKT_DST));
}

@inline function copyField(rec: usize, from: i32, to: i32): void {
  memory.copy(rec + <usize>from, parsed + <usize>from, <usize>(to - from));
}

/** The transport layer parsed from the whole datagram replaces what the first fragment showed. */
function parseWhole(rec: usize, ihl: u32, total: u32): void {
  writeHeader(rec, ihl, total);
  ipv4.parseIpv4(scratch, total, ipv4.UNKNOWN_WIRE_LENGTH, false);
  parseTransport();
  placeInterfaces(0, 0, false, false);
  writeRecord(parsed, load<f64>(rec, PKT_TS), l4.payloadLength != 0 ? l4.payload : 0);
  copyField(rec, PKT_SPORT, PKT_TCPFLAGS + 1);
  copyField(rec, PKT_CT_ORIG_SRC, PKT_TCPWIN + 2);
  copyField(rec, PKT_TCPOPT, PKT_TCPOPT + 32);
  copyField(rec, PKT_SEQ, PKT_LENGTH_L4 + 2);
  copyField(rec, PKT_TCPRES, PKT_FLAGS2 + 1);
  copyField(rec, PKT_INNER_SRC, PKT_TCP_SACKPERM + 1);
  const flags = (<u32>load<u8>(rec, PKT_FLAGS) & ~PF_L4) | (<u32>load<u8>(parsed, PKT_FLAGS) & PF_L4);
  store<u8>(rec, <u8>flags, PKT_FLAGS);
}

/**
 * Turns `rec` (the fragment that completed queue `q`) into the datagram of `dataLength` bytes of
 * data. `ce`: some fragment carried ECN CE (the datagram's TOS gets it, ip_frag_ecn_table).
 */
export function buildDatagram(rec: usize, q: usize, ce: bool): void {
  const ts = load<f64>(rec, PKT_TS);
  const inIface = v128.load(rec + PKT_IN_IFACE);
  const head = q + DFQ_HEAD_RECORD;
  const dataLength = load<u32>(q, DFQ_LEN);
  const hdr = transportHeaderBytes(head);
  memory.copy(rec, head, PKT_SIZE);
  store<f64>(rec, ts, PKT_TS);
  v128.store(rec + PKT_IN_IFACE, inIface);

  const ihl = headerBytes(rec);
  const total = ihl + dataLength;
  let flags = <u32>load<u8>(rec, PKT_FLAGS) & ~(PF_MF | PF_FRAG_NONFIRST | PF_DF);
  // DF survives only when the largest fragment had it (ip_frag_reasm: max_df_size == max_size)
  if (load<u32>(q, DFQ_MAX_DF_SIZE) == load<u32>(q, DFQ_MAX_SIZE)) flags |= PF_DF;
  store<u8>(rec, <u8>flags, PKT_FLAGS);
  store<u16>(rec, <u16>total, PKT_IPLEN);
  store<u16>(rec, 0, PKT_FRAGOFF);
  if (ce) store<u8>(rec, <u8>(<u32>load<u8>(rec, PKT_TOS) | ECN_CE), PKT_TOS);

  const bytes = gatherBytes(q, ihl);
  if (bytes == BYTES_ALL) {
    parseWhole(rec, ihl, total);
    return;
  }
  store<u16>(rec, <u16>(dataLength > hdr ? dataLength - hdr : 0), PKT_LENGTH_L4);
  if (bytes == BYTES_AFTER_HEADER && dataLength > hdr) {
    store<u32>(rec, <u32>(scratch + ihl + hdr), PKT_PAYLOAD_PTR);
    store<u32>(rec, dataLength - hdr, PKT_PAYLOAD_LEN);
  } else {
    store<u32>(rec, 0, PKT_PAYLOAD_PTR);
    store<u32>(rec, 0, PKT_PAYLOAD_LEN);
  }
}
