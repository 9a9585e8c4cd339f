// The FTP helper's text side (NETFILTER.md §4.8 points 4–5): which command or reply a segment
// starts with, and the address/port it announces. Reads raw payload bytes at an absolute address;
// results go to module globals (the core never allocates).

/** Outcome of looking at one segment. */
export const FOUND_NOTHING: i32 = 0; // no pattern at offset 0: accept, nothing to expect
export const FOUND_ARGUMENT: i32 = 1; // a pattern and a well-formed argument: foundAddr/foundPort
export const FOUND_PARTIAL: i32 = 2; // the segment ends inside the keyword or before its argument
export const FOUND_MALFORMED: i32 = 3; // the keyword is there but its argument does not parse

/** The address the argument announced (PORT/EPRT/227), or the default given to findFtpArgument. */
export let foundAddr: u32 = 0;
/** The announced port (EPRT/229 never announce 0; PORT/227 may). */
export let foundPort: u16 = 0;

// The four keywords, one byte per character (first character in the low byte), lower case.
const KEYWORD_LEN: u32 = 4;
const KW_PORT: u32 = 0x74726f70; // "port"
const KW_EPRT: u32 = 0x74727065; // "eprt"
const KW_227: u32 = 0x20373232; // "227 "
const KW_229: u32 = 0x20393232; // "229 "

const CH_CR: u32 = 13;
const CH_SPACE: u32 = 32;
const CH_OPEN_PAREN: u32 = 40;
const CH_COMMA: u32 = 44;
const CH_DOT: u32 = 46;
const CH_0: u32 = 48;
const CH_1: u32 = 49;
const CH_9: u32 = 57;
const NO_TERMINATOR: u32 = 0x100; // not a byte: "any non-digit, non-separator character ends it"

// The numbers readNumbers found (the kernel's array[] of try_number): six u32 at most.
const NUMBERS: usize = memory.data(6 * 4);

@inline function numberAt(i: u32): u32 {
  return load<u32>(NUMBERS + (<usize>i << 2));
}

@inline function setNumber(i: u32, value: u32): void {
  store<u32>(NUMBERS + (<usize>i << 2), value);
}

@inline function byteAt(data: usize, i: u32): u32 {
  return <u32>load<u8>(data + <usize>i);
}

@inline function isDigit(c: u32): bool {
  return c >= CH_0 && c <= CH_9;
}

/** ASCII lower case (the keywords are ASCII, so other bytes can never match anyway). */
@inline function lower(c: u32): u32 {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/**
 * Reads `count` decimal numbers separated by `sep` from data[0..len), as the kernel's try_number:
 * the last one must be followed by `term` (NO_TERMINATOR: by any character that is neither a digit
 * nor `sep`); the text running out first fails. Empty numbers count as 0 (the kernel accepts
 * "1,,2"). Numbers are not limited to 255: like the kernel's u32 array (6.18, checked in the
 * conformance case ftp-number-overflow) a large one spills into the neighbouring byte when the
 * address is assembled by shifts and ORs — NETFILTER.md §4.8 point 5 says otherwise and is wrong
 * for this kernel. Returns the terminator's offset, 0 on failure.
 */
function readNumbers(data: usize, len: u32, count: u32, sep: u32, term: u32): u32 {
  let index: u32 = 0;
  let value: u32 = 0;
  for (let at: u32 = 0; at < len; at++) {
    const c = byteAt(data, at);
    if (isDigit(c)) {
      value = value * 10 + (c - CH_0); // wraps at 2^32, as the kernel's u_int32_t
    } else if (c == sep) {
      setNumber(index, value);
      value = 0;
      index++;
      if (index == count) return 0; // one separator too many
    } else {
      if ((c == term || term == NO_TERMINATOR) && index == count - 1) {
        setNumber(index, value);
        return at;
      }
      return 0;
    }
  }
  return 0;
}

@inline function quadAddress(): u32 {
  return (numberAt(0) << 24) | (numberAt(1) << 16) | (numberAt(2) << 8) | numberAt(3);
}

/**
 * A port in decimal from data[start..) up to `delim` (get_port): 1..65535, digits only. Returns
 * the offset after the delimiter, 0 on failure.
 */
function readDelimitedPort(data: usize, start: u32, len: u32, delim: u32): u32 {
  let port: u32 = 0;
  for (let at = start; at < len; at++) {
    const c = byteAt(data, at);
    if (c == delim) {
      if (port == 0) return 0;
      foundPort = <u16>port;
      return at + 1;
    }
    if (!isDigit(c)) return 0;
    port = port * 10 + (c - CH_0);
    if (port > 65535) return 0;
  }
  return 0;
}

/** RFC 959 "h1,h2,h3,h4,p1,p2" followed by `term` (PORT: CR; 227: anything). */
function parseHostPort(data: usize, len: u32, term: u32): bool {
  if (readNumbers(data, len, 6, CH_COMMA, term) == 0) return false;
  foundAddr = quadAddress();
  foundPort = <u16>((numberAt(4) << 8) | numberAt(5));
  return true;
}

/** 227: RFC 1123 says clients must scan for the first digit; parentheses are optional. */
function parsePassiveReply(data: usize, len: u32): bool {
  let first: u32 = 0;
  while (first < len && !isDigit(byteAt(data, first))) first++;
  if (first == len) return false;
  return parseHostPort(data + <usize>first, len - first, NO_TERMINATOR);
}

/** A delimiter of EPRT/EPSV (RFC 2428): printable ASCII, not a digit. */
@inline function isDelimiter(c: u32): bool {
  return c >= 33 && c <= 126 && !isDigit(c);
}

/** EPRT "|1|a.b.c.d|port|"; the control connection is IPv4, so protocol "2" is a failure. */
function parseExtendedPort(data: usize, len: u32): bool {
  if (len <= 3) return false;
  const delim = byteAt(data, 0);
  if (!isDelimiter(delim) || byteAt(data, 2) != delim) return false;
  if (byteAt(data, 1) != CH_1) return false;
  const addrEnd = readNumbers(data + 3, len - 3, 4, CH_DOT, delim);
  if (addrEnd == 0) return false;
  foundAddr = quadAddress();
  return readDelimitedPort(data, 3 + addrEnd + 1, len, delim) != 0;
}

/** 229 "(|||port|)" after the parenthesis: three equal delimiters, the port, the delimiter. */
function parseExtendedPassiveReply(data: usize, len: u32): bool {
  if (len <= 3) return false;
  const delim = byteAt(data, 0);
  if (!isDelimiter(delim) || byteAt(data, 1) != delim || byteAt(data, 2) != delim) return false;
  return readDelimitedPort(data, 3, len, delim) != 0;
}

/**
 * Does the segment start with `keyword` (case-insensitive)? FOUND_PARTIAL when the whole segment
 * is a prefix of it (the rest may follow in the next segment: find_pattern's "short packet").
 */
function keywordAt(data: usize, len: u32, keyword: u32): i32 {
  const n = len < KEYWORD_LEN ? len : KEYWORD_LEN;
  for (let i: u32 = 0; i < n; i++) {
    if (lower(byteAt(data, i)) != ((keyword >> (i * 8)) & 0xff)) return FOUND_NOTHING;
  }
  return len <= KEYWORD_LEN ? FOUND_PARTIAL : FOUND_ARGUMENT;
}

/** Offset just after the first `skip` character at or after the keyword, 0 when none. */
function skipPast(data: usize, len: u32, skip: u32): u32 {
  for (let at = KEYWORD_LEN; at < len; at++) {
    if (byteAt(data, at) == skip) return at + 1;
  }
  return 0;
}

const ARG_HOST_PORT: i32 = 0;
const ARG_EXTENDED_PORT: i32 = 1;
const ARG_PASSIVE: i32 = 2;
const ARG_EXTENDED_PASSIVE: i32 = 3;

function parseArgument(kind: i32, arg: usize, len: u32): bool {
  switch (kind) {
    case ARG_HOST_PORT: return parseHostPort(arg, len, CH_CR);
    case ARG_EXTENDED_PORT: return parseExtendedPort(arg, len);
    case ARG_PASSIVE: return parsePassiveReply(arg, len);
    default: return parseExtendedPassiveReply(arg, len);
  }
}

/** One pattern of the kernel's search table: keyword, then (skip character), then the argument. */
function tryPattern(data: usize, len: u32, keyword: u32, skip: u32, kind: i32): i32 {
  const head = keywordAt(data, len, keyword);
  if (head != FOUND_ARGUMENT) return head;
  let argStart = KEYWORD_LEN;
  if (skip != 0) {
    argStart = skipPast(data, len, skip);
    if (argStart == 0) return FOUND_PARTIAL;
  }
  return parseArgument(kind, data + <usize>argStart, len - argStart) ? FOUND_ARGUMENT : FOUND_MALFORMED;
}

/**
 * Looks for the commands (ORIGINAL: PORT, then EPRT) or replies (REPLY: "227 ", then "229 ") at
 * the very start of the segment, as nf_conntrack_ftp's search table (NETFILTER.md §4.8 point 4).
 * `sourceAddr` is the sender's address on the control connection: what 229 (which names no
 * address) leaves in foundAddr.
 */
export function findFtpArgument(data: usize, len: u32, fromClient: bool, sourceAddr: u32): i32 {
  foundAddr = sourceAddr;
  foundPort = 0;
  if (len == 0) return FOUND_NOTHING;
  if (fromClient) {
    const port = tryPattern(data, len, KW_PORT, CH_SPACE, ARG_HOST_PORT);
    if (port != FOUND_NOTHING) return port;
    return tryPattern(data, len, KW_EPRT, CH_SPACE, ARG_EXTENDED_PORT);
  }
  const passive = tryPattern(data, len, KW_227, 0, ARG_PASSIVE);
  if (passive != FOUND_NOTHING) return passive;
  return tryPattern(data, len, KW_229, CH_OPEN_PAREN, ARG_EXTENDED_PASSIVE);
}
