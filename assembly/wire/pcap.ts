// The pcap savefile format: a 24-byte file header (magic, version, snapshot length, link type)
// in the writer's byte order, then per packet a record header (seconds, micro- or nanoseconds,
// captured length, original length) and the captured bytes. The "modified" format of old
// Linux tcpdump patches adds 8 bytes to every record header.
import {
  FMT_PCAP, PCAP_MAX_CAPLEN, WE_CAPLEN_ABSURD, WE_PCAP_VERSION, WS_OUTPUT_FULL, X_FORMAT,
  X_LINKTYPE, X_PCAP_NSEC, X_PCAP_RECORD_HEADER, X_SNAPLEN, X_SWAPPED,
} from './abi';
import { file16, file32, setFileBigEndian } from './bytes';
import * as context from './context';
import { NO_INTERFACE, decodeFrame } from './decode';

export const FILE_HEADER: u32 = 24;
const RECORD_HEADER: u32 = 16;
const MODIFIED_RECORD_HEADER: u32 = 24;
const MAGIC_MICROSECONDS: u32 = 0xa1b2c3d4;
const MAGIC_NANOSECONDS: u32 = 0xa1b23c4d;
const MAGIC_MODIFIED: u32 = 0xa1b2cd34;
const LINKTYPE_MASK: u32 = 0x03ffffff; // the bits above carry FCS information

function isMagic(m: u32): bool {
  return m == MAGIC_MICROSECONDS || m == MAGIC_NANOSECONDS || m == MAGIC_MODIFIED;
}

/** A pcap magic in either byte order (`first` = the file's first 4 bytes read little-endian). */
export function isPcapMagic(first: u32): bool {
  return isMagic(first) || isMagic(bswap<u32>(first));
}

// Per-file state, kept in the context block between calls
@inline function ctxWord(offset: u32): u32 {
  return load<u32>(context.ctx + offset);
}

/** Reads the file header; 0 when consumed, else a WS_* status. */
export function readFileHeader(): u32 {
  if (context.available() < FILE_HEADER) return context.needInput(FILE_HEADER);
  const p = context.cursor();
  const first = load<u32>(p);
  const bigEndian = !isMagic(first);
  setFileBigEndian(bigEndian);
  const magic = file32(p);
  const major = file16(p + 4);
  const minor = file16(p + 6);
  // libpcap reads 2.x and the 543.0 of some old writers
  if (major != 2 && !(major == 543 && minor == 0)) return context.fail(WE_PCAP_VERSION, (major << 16) | minor, context.cursorOffset());
  const c = context.ctx;
  store<u32>(c + X_SWAPPED, bigEndian ? 1 : 0);
  store<u32>(c + X_PCAP_NSEC, magic == MAGIC_NANOSECONDS ? 1 : 0);
  store<u32>(c + X_PCAP_RECORD_HEADER, magic == MAGIC_MODIFIED ? MODIFIED_RECORD_HEADER : RECORD_HEADER);
  store<u32>(c + X_SNAPLEN, file32(p + 16));
  store<u32>(c + X_LINKTYPE, file32(p + 20) & LINKTYPE_MASK);
  store<u32>(c + X_FORMAT, FMT_PCAP);
  context.consume(FILE_HEADER);
  return 0;
}

/** Reads one packet record; 0 when consumed, else a WS_* status. */
export function readRecord(): u32 {
  const header = ctxWord(X_PCAP_RECORD_HEADER);
  if (context.available() < header) return context.needInput(header);
  const p = context.cursor();
  const captured = file32(p + 8);
  const onWire = file32(p + 12);
  if (captured > <u32>PCAP_MAX_CAPLEN) return context.fail(WE_CAPLEN_ABSURD, captured, context.cursorOffset());
  const unit = header + captured;
  if (context.available() < unit) return context.needInput(unit);
  if (!context.hasRoomFor(captured)) return WS_OUTPUT_FULL;
  const fraction = ctxWord(X_PCAP_NSEC) != 0 ? 1e9 : 1e6;
  const ts = <f64>file32(p) + <f64>file32(p + 4) / fraction;
  decodeFrame(ctxWord(X_LINKTYPE), p + header, captured, max(captured, onWire), ts, context.cursorOffset(), NO_INTERFACE, 0, 0);
  context.consume(unit);
  return 0;
}
