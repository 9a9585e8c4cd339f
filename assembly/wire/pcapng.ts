// The pcapng format: blocks of (type, total length, body, total length again), grouped in
// sections that each start with a Section Header Block giving the byte order of the section.
// Interface Description Blocks describe the interfaces packets refer to by id (link type,
// snapshot length, if_name, if_tsresol, if_tsoffset); Enhanced, Simple and the obsolete Packet
// Blocks carry packets; every other block is skipped.
import {
  DIR_IN, DIR_OUT, DIR_UNKNOWN, IF_FLAGS, IF_LINKTYPE, IF_NAME, IF_NAME_LEN, IF_NAME_MAX,
  IF_RECORD_NAME, IF_SIZE, IF_SNAPLEN, IF_TS_OFFSET, IF_TS_UNITS, IF_TS_UNITS_F64, IF_TSRESOL,
  IFF_NAMED, PCAPNG_MAX_BLOCK, WE_BLOCK_BODY, WE_BLOCK_LENGTH, WE_BYTE_ORDER_MAGIC,
  WE_NO_INTERFACE, WE_PACKET_PAST_BLOCK, WE_PCAPNG_VERSION, WE_SHB_EXPECTED,
  WE_TOO_MANY_INTERFACES, WS_INTERFACE, WS_OUTPUT_FULL, X_IFACE_COUNT, X_SECTION, X_SWAPPED,
} from './abi';
import { file16, file32, file64, setFileBigEndian } from './bytes';
import * as context from './context';
import { decodeFrame } from './decode';

export const BLOCK_SHB: u32 = 0x0a0d0d0a;
const BLOCK_IDB: u32 = 1;
const BLOCK_PB: u32 = 2;
const BLOCK_SPB: u32 = 3;
const BLOCK_EPB: u32 = 6;
const BYTE_ORDER_MAGIC: u32 = 0x1a2b3c4d;
const BLOCK_OVERHEAD: u32 = 12; // type, length, trailing length
const SHB_BODY: u32 = 16; // byte-order magic, version, section length
const IDB_BODY: u32 = 8;
const EPB_BODY: u32 = 20;
const PB_BODY: u32 = 20;
const SPB_BODY: u32 = 4;

const OPT_END: u32 = 0;
const OPT_IF_NAME: u32 = 2;
const OPT_IF_TSRESOL: u32 = 9;
const OPT_IF_TSOFFSET: u32 = 14;
const OPT_EPB_FLAGS: u32 = 2;
const DEFAULT_TSRESOL: u32 = 6; // microseconds
const NAME_MAX: u32 = 15;

@inline function padded(length: u32): u32 {
  return (length + 3) & ~3;
}

@inline function ifaceCount(): u32 {
  return load<u32>(context.ctx + X_IFACE_COUNT);
}

@inline function ifaceEntry(id: u32): usize {
  return context.ifaces + <usize>id * IF_SIZE;
}

// Options of the block being read: (code, length, value) until opt_endofopt or the body's end
let optionCode: u32 = 0;
let optionLength: u32 = 0;
let optionValue: usize = 0;
let optionAt: usize = 0;
let optionsEnd: usize = 0;

function startOptions(from: usize, to: usize): void {
  optionAt = from;
  optionsEnd = to;
}

function nextOption(): bool {
  if (optionAt + 4 > optionsEnd) return false;
  optionCode = file16(optionAt);
  optionLength = file16(optionAt + 2);
  optionValue = optionAt + 4;
  if (optionCode == OPT_END || optionValue + optionLength > optionsEnd) return false;
  optionAt = optionValue + padded(optionLength);
  return true;
}

/** Reads one block; 0 when consumed, else a WS_* status. */
export function readBlock(): u32 {
  if (context.available() < 8) return context.needInput(0);
  const p = context.cursor();
  const offset = context.cursorOffset();
  if (load<u32>(p) == BLOCK_SHB) {
    // the block type reads the same in both byte orders; the magic after the length decides
    if (context.available() < 12) return context.needInput(0);
    const magic = load<u32>(p + 8);
    if (magic != BYTE_ORDER_MAGIC && bswap<u32>(magic) != BYTE_ORDER_MAGIC) return context.fail(WE_BYTE_ORDER_MAGIC, magic, offset);
    const bigEndian = magic != BYTE_ORDER_MAGIC;
    setFileBigEndian(bigEndian);
    store<u32>(context.ctx + X_SWAPPED, bigEndian ? 1 : 0);
  } else if (load<u32>(context.ctx + X_SECTION) == 0) {
    return context.fail(WE_SHB_EXPECTED, load<u32>(p), offset);
  }
  const type = file32(p);
  const length = file32(p + 4);
  if (length < BLOCK_OVERHEAD || (length & 3) != 0 || length > <u32>PCAPNG_MAX_BLOCK) return context.fail(WE_BLOCK_LENGTH, length, offset);
  if (context.available() < length) return context.needInput(length);
  const body = p + 8;
  const bodyLength = length - BLOCK_OVERHEAD;
  let status: u32 = 0;
  if (type == BLOCK_SHB) status = readSectionHeader(body, bodyLength, offset);
  else if (type == BLOCK_IDB) status = readInterface(body, bodyLength, offset);
  else if (type == BLOCK_EPB) status = readEnhancedPacket(body, bodyLength, offset);
  else if (type == BLOCK_SPB) status = readSimplePacket(body, bodyLength, offset);
  else if (type == BLOCK_PB) status = readObsoletePacket(body, bodyLength, offset);
  if (status != 0 && status != WS_INTERFACE) return status; // nothing consumed
  context.consume(length);
  return status;
}

function readSectionHeader(body: usize, bodyLength: u32, offset: f64): u32 {
  if (bodyLength < SHB_BODY) return context.fail(WE_BLOCK_BODY, BLOCK_SHB, offset);
  const major = file16(body + 4);
  const minor = file16(body + 6);
  if (major != 1) return context.fail(WE_PCAPNG_VERSION, (major << 16) | minor, offset);
  const c = context.ctx;
  store<u32>(c + X_SECTION, load<u32>(c + X_SECTION) + 1);
  store<u32>(c + X_IFACE_COUNT, 0); // interface ids are per section
  return 0;
}

function readInterface(body: usize, bodyLength: u32, offset: f64): u32 {
  if (bodyLength < IDB_BODY) return context.fail(WE_BLOCK_BODY, BLOCK_IDB, offset);
  const id = ifaceCount();
  if (id >= context.ifaceCapacity) return context.fail(WE_TOO_MANY_INTERFACES, context.ifaceCapacity, offset);
  const entry = ifaceEntry(id);
  memory.fill(entry, 0, IF_SIZE);
  store<u16>(entry + IF_LINKTYPE, <u16>file16(body));
  store<u32>(entry + IF_SNAPLEN, file32(body + 4));
  let tsresol = DEFAULT_TSRESOL;
  startOptions(body + IDB_BODY, body + bodyLength);
  while (nextOption()) {
    if (optionCode == OPT_IF_NAME) readName(entry);
    else if (optionCode == OPT_IF_TSRESOL && optionLength >= 1) tsresol = load<u8>(optionValue);
    else if (optionCode == OPT_IF_TSOFFSET && optionLength >= 8) store<i64>(entry + IF_TS_OFFSET, <i64>file64(optionValue));
  }
  setResolution(entry, tsresol);
  store<u32>(context.ctx + X_IFACE_COUNT, id + 1);
  return WS_INTERFACE;
}

function readName(entry: usize): void {
  let length = optionLength;
  let text: u32 = 0; // up to a NUL some writers include
  while (text < length && load<u8>(optionValue + text) != 0) text++;
  length = text;
  store<u16>(entry + IF_FLAGS, load<u16>(entry + IF_FLAGS) | <u16>IFF_NAMED);
  store<u16>(entry + IF_NAME_LEN, <u16>min(length, 0xffff));
  memory.copy(entry + IF_NAME, optionValue, min(length, <u32>IF_NAME_MAX));
  memory.copy(entry + IF_RECORD_NAME, optionValue, min(length, NAME_MAX));
}

/** if_tsresol: 10^-n (top bit clear) or 2^-n seconds per unit. */
function setResolution(entry: usize, tsresol: u32): void {
  store<u8>(entry + IF_TSRESOL, <u8>tsresol);
  const exponent = tsresol & 0x7f;
  const binary = (tsresol & 0x80) != 0;
  let units: u64 = 0;
  if (binary && exponent <= 63) units = <u64>1 << exponent;
  else if (!binary && exponent <= 19) {
    units = 1;
    for (let i: u32 = 0; i < exponent; i++) units *= 10;
  }
  store<u64>(entry + IF_TS_UNITS, units);
  store<f64>(entry + IF_TS_UNITS_F64, power(binary ? 2 : 10, exponent));
}

function power(base: f64, exponent: u32): f64 {
  let value: f64 = 1;
  for (let i: u32 = 0; i < exponent; i++) value *= base;
  return value;
}

/** Seconds since the epoch of a 64-bit timestamp in `entry`'s units. */
function timestamp(entry: usize, high: u32, low: u32): f64 {
  const ticks = (<u64>high << 32) | <u64>low;
  const units = load<u64>(entry + IF_TS_UNITS);
  const shift = <f64>load<i64>(entry + IF_TS_OFFSET);
  if (units == 0) return <f64>ticks / load<f64>(entry + IF_TS_UNITS_F64) + shift;
  // whole seconds and the fraction apart: dividing the u64 by an f64 would lose nanoseconds
  // (the remainder from the quotient: one u64 division per packet instead of two)
  const seconds = ticks / units;
  return <f64>seconds + <f64>(ticks - seconds * units) / <f64>units + shift;
}

@inline function readEnhancedPacket(body: usize, bodyLength: u32, offset: f64): u32 {
  if (bodyLength < EPB_BODY) return context.fail(WE_BLOCK_BODY, BLOCK_EPB, offset);
  const id = file32(body);
  if (id >= ifaceCount()) return context.fail(WE_NO_INTERFACE, id, offset);
  const captured = file32(body + 12);
  if (captured > bodyLength - EPB_BODY) return context.fail(WE_PACKET_PAST_BLOCK, captured, offset);
  if (!context.hasRoomFor(captured)) return WS_OUTPUT_FULL;
  let direction = DIR_UNKNOWN;
  startOptions(body + EPB_BODY + padded(captured), body + bodyLength);
  while (nextOption()) {
    if (optionCode == OPT_EPB_FLAGS && optionLength >= 4) {
      const inbound = file32(optionValue) & 3; // 1 inbound, 2 outbound
      direction = inbound == 1 ? DIR_IN : inbound == 2 ? DIR_OUT : DIR_UNKNOWN;
    }
  }
  const entry = ifaceEntry(id);
  const ts = timestamp(entry, file32(body + 4), file32(body + 8));
  const onWire = max(captured, file32(body + 16));
  decodeFrame(load<u16>(entry + IF_LINKTYPE), body + EPB_BODY, captured, onWire, ts, offset, id, entry, direction);
  return 0;
}

/** No interface id (the section's first interface), no timestamp, captured length implied. */
function readSimplePacket(body: usize, bodyLength: u32, offset: f64): u32 {
  if (bodyLength < SPB_BODY) return context.fail(WE_BLOCK_BODY, BLOCK_SPB, offset);
  if (ifaceCount() == 0) return context.fail(WE_NO_INTERFACE, 0, offset);
  const entry = ifaceEntry(0);
  const onWire = file32(body);
  let captured = min(onWire, bodyLength - SPB_BODY);
  const snaplen = load<u32>(entry + IF_SNAPLEN);
  if (snaplen != 0) captured = min(captured, snaplen);
  if (!context.hasRoomFor(captured)) return WS_OUTPUT_FULL;
  decodeFrame(load<u16>(entry + IF_LINKTYPE), body + SPB_BODY, captured, onWire, 0, offset, 0, entry, DIR_UNKNOWN);
  return 0;
}

function readObsoletePacket(body: usize, bodyLength: u32, offset: f64): u32 {
  if (bodyLength < PB_BODY) return context.fail(WE_BLOCK_BODY, BLOCK_PB, offset);
  const id = file16(body);
  if (id >= ifaceCount()) return context.fail(WE_NO_INTERFACE, id, offset);
  const captured = file32(body + 12);
  if (captured > bodyLength - PB_BODY) return context.fail(WE_PACKET_PAST_BLOCK, captured, offset);
  if (!context.hasRoomFor(captured)) return WS_OUTPUT_FULL;
  const entry = ifaceEntry(id);
  const ts = timestamp(entry, file32(body + 4), file32(body + 8));
  const onWire = max(captured, file32(body + 16));
  decodeFrame(load<u16>(entry + IF_LINKTYPE), body + PB_BODY, captured, onWire, ts, offset, id, entry, DIR_UNKNOWN);
  return 0;
}
