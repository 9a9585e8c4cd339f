// Reads the IPv4 part of a LOG line, SRC= to MARK=, in the order nf_log_syslog.c
// dump_ipv4_packet writes it (NETFILTER.md §4.9), including the packet an ICMP error quotes in
// "[...]" (one level deep, as the kernel recurses once). Fields are checked for their range and
// kept as logged; turning them into a PacketInput is to-packet.ts's job.
//
// Leniency: field order inside a section is not enforced, and the TCP fields RES=, URGP= and
// WINDOW= may be missing (pve-firewall leaves RES= and URGP= out). Unknown fields are errors, so
// a typo cannot silently change the packet.
import { parseIPv4 } from '../ruleset/names.js';
import { tcpFlagsOf } from '../packets/tcp-flags.js';
import { U16, U32, U8 } from '../packets/values.js';
import {
  FieldCursor, LogFieldError, decimalField, fieldValue, hexField, required,
} from './fields.js';

export interface LoggedTcp {
  sport: number;
  dport: number;
  seq?: number;
  ack?: number;
  window: number;
  /** RES=: the reserved bits as the kernel shifts them (0x00..0x3C). */
  reserved?: number;
  /** FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32, ECE 64, CWR 128. */
  flags: number;
  /** The AE word (accurate ECN, the lowest reserved bit). */
  ae: boolean;
  urgentPointer?: number;
  /** Option bytes (--log-tcp-options), or 'truncated' for "OPT (TRUNCATED)". */
  options?: Uint8Array | 'truncated';
}

export interface LoggedIcmp {
  type: number;
  code: number;
  id?: number;
  seq?: number;
  parameter?: number;
  gateway?: number;
  mtu?: number;
  /** The packet an error quotes; 'truncated' for "[TRUNCATED]". */
  quoted?: LoggedIpv4 | 'truncated';
  /** "INCOMPLETE [n bytes]" after TYPE/CODE: too short for the details of this type. */
  incompleteBytes?: number;
}

export interface LoggedIpv4 {
  src: number;
  dst: number;
  length: number;
  /** TOS | PREC: the whole TOS byte except its lowest bit, which the kernel prints nowhere. */
  tos: number;
  ttl: number;
  id: number;
  /** The reserved ("evil") fragment bit. */
  ce: boolean;
  df: boolean;
  mf: boolean;
  /** In 8-byte units, as FRAG: prints it. */
  fragOffset: number;
  ipOptions?: Uint8Array;
  proto: number;
  /** "INCOMPLETE [n bytes]": the transport header was cut short; n bytes followed the IP header. */
  incompleteBytes?: number;
  tcp?: LoggedTcp;
  udp?: { sport: number; dport: number; length?: number };
  icmp?: LoggedIcmp;
  spi?: number;
  uid?: number;
  gid?: number;
  mark?: number;
}

/** A LOG line for a packet that is well-formed but cannot be simulated (see parse-line.ts). */
export class UnsupportedLogLine extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnsupportedLogLine';
  }
}

const PROTO_BY_NAME: Readonly<Record<string, number>> = { ICMP: 1, TCP: 6, UDP: 17, ESP: 50, AH: 51, UDPLITE: 136 };
const PROTO_AH = 51;
/** Destination unreachable, source quench, redirect, time exceeded: the types dump_ipv4_packet recurses into. */
const ICMP_TYPES_QUOTING = new Set([3, 4, 5, 11]);
const TCP_FLAG_WORDS = new Set(['CWR', 'ECE', 'URG', 'ACK', 'PSH', 'RST', 'SYN', 'FIN']);

function ipv4Field(key: string, value: string): number {
  const addr = parseIPv4(value);
  if (addr === undefined) throw new LogFieldError(`${key}: "${value}" is not an IPv4 address`);
  return addr;
}

/** KEY=value fields of one section, any order, each at most once. */
function readKeyed(c: FieldCursor, keys: readonly string[], fields: Map<string, string>, onOther: () => boolean): void {
  for (;;) {
    const key = c.peekKey();
    if (keys.includes(key)) {
      if (fields.has(key)) throw new LogFieldError(`${key}= appears twice`);
      fields.set(key, c.take(key)!);
    } else if (!onOther()) {
      return;
    }
  }
}

const IP_KEYS = ['SRC', 'DST', 'LEN', 'TOS', 'PREC', 'TTL', 'ID'];

const TAIL_KEYS = ['UID', 'GID', 'MARK'];

/** After a transport header: the tail fields, the "]" of a quoted packet, or the end. */
function expectTransportEnd(c: FieldCursor, protocol: string, layout: string): void {
  const word = c.peek();
  if (word === undefined || word === ']' || TAIL_KEYS.includes(c.peekKey())) return;
  throw new LogFieldError(`"${word}" is not a ${protocol} field here (${protocol}: ${layout})`);
}

/** SRC= .. PROTO=, then the transport header; `outer` false for the packet inside "[...]". */
export function readIpv4(c: FieldCursor, outer: boolean): LoggedIpv4 {
  const fields = new Map<string, string>();
  let ce = false;
  let df = false;
  let mf = false;
  let fragOffset = 0;
  let ipOptions: Uint8Array | undefined;
  if (c.peekKey() !== 'SRC') throw new LogFieldError(`expected SRC= ${outer ? 'after the interfaces' : 'after "["'}, found "${c.peek() ?? 'the end of the line'}"`);
  readKeyed(c, IP_KEYS, fields, () => {
    const word = c.peek();
    if (word === 'CE') ce = true;
    else if (word === 'DF') df = true;
    else if (word === 'MF') mf = true;
    else if (word !== undefined && /^FRAG:/.test(word)) fragOffset = decimalField('FRAG', word.slice(5), 0x1fff, 'a fragment offset in 8-byte units');
    else if (word === 'OPT') {
      const bytes = c.takeOptionBytes();
      if (bytes === 'truncated') throw new LogFieldError('"OPT (TRUNCATED)" is only written for TCP options');
      ipOptions = bytes;
      return true;
    } else if (word === 'TRUNCATED') {
      throw new UnsupportedLogLine('the IPv4 options were cut short (TRUNCATED), so the line names no protocol');
    } else return false;
    c.next();
    return true;
  });
  const where = outer ? 'from the IPv4 header' : 'from the quoted packet';
  const d: LoggedIpv4 = {
    src: ipv4Field('SRC', required('SRC', fields.get('SRC'), where)),
    dst: ipv4Field('DST', required('DST', fields.get('DST'), where)),
    length: decimalField('LEN', required('LEN', fields.get('LEN'), where), U16, 'an IP total length'),
    tos: hexField('TOS', required('TOS', fields.get('TOS'), where), 0x1e, 'TOS bits')
      | hexField('PREC', required('PREC', fields.get('PREC'), where), 0xe0, 'precedence bits'),
    ttl: decimalField('TTL', required('TTL', fields.get('TTL'), where), U8, 'a TTL'),
    id: decimalField('ID', required('ID', fields.get('ID'), where), U16, 'an IP identification'),
    ce, df, mf, fragOffset, ipOptions, proto: 0,
  };
  if (d.length < 20) throw new LogFieldError(`LEN: ${d.length} is shorter than an IPv4 header (20 bytes)`);
  readTransport(c, d, outer);
  if (outer) readTail(c, d);
  return d;
}

function readProto(c: FieldCursor, d: LoggedIpv4): boolean {
  const value = c.take('PROTO');
  if (value === undefined) {
    // AH is the one protocol the kernel names nowhere on a non-first fragment
    if (d.fragOffset > 0) {
      d.proto = PROTO_AH;
      return false;
    }
    throw new LogFieldError(`PROTO= is missing after the IPv4 header (found "${c.peek() ?? 'the end of the line'}")`);
  }
  const byName = PROTO_BY_NAME[value.toUpperCase()];
  d.proto = byName ?? decimalField('PROTO', value, U8, 'a protocol (TCP, UDP, UDPLITE, ICMP, AH, ESP or a number 0..255)');
  // the kernel writes a number only for protocols it does not decode
  return byName !== undefined;
}

function readTransport(c: FieldCursor, d: LoggedIpv4, outer: boolean): void {
  if (!readProto(c, d) || d.fragOffset > 0) return;
  const incomplete = c.takeIncomplete();
  if (incomplete !== undefined) {
    d.incompleteBytes = incomplete;
    return;
  }
  switch (d.proto) {
    case PROTO_BY_NAME.TCP:
      d.tcp = readTcp(c);
      break;
    case PROTO_BY_NAME.UDP:
    case PROTO_BY_NAME.UDPLITE:
      d.udp = readUdp(c);
      break;
    case PROTO_BY_NAME.ICMP:
      d.icmp = readIcmp(c, outer);
      break;
    default: {
      const spi = c.take('SPI');
      if (spi !== undefined) d.spi = hexField('SPI', spi, U32, 'a security parameter index');
    }
  }
}

function readTcp(c: FieldCursor): LoggedTcp {
  const fields = new Map<string, string>();
  const flagWords: string[] = [];
  let ae = false;
  let options: Uint8Array | 'truncated' | undefined;
  readKeyed(c, ['SPT', 'DPT', 'SEQ', 'ACK', 'WINDOW', 'RES', 'URGP'], fields, () => {
    const word = c.peek()!;
    if (TCP_FLAG_WORDS.has(word)) {
      if (flagWords.includes(word)) throw new LogFieldError(`the TCP flag ${word} appears twice`);
      flagWords.push(word);
    } else if (word === 'AE') {
      ae = true;
    } else if (word === 'OPT') {
      options = c.takeOptionBytes();
      return true;
    } else {
      return false;
    }
    c.next();
    return true;
  });
  expectTransportEnd(c, 'TCP', 'SPT= DPT= [SEQ= ACK=] WINDOW= RES= <flags> URGP= [OPT (...)]');
  const where = 'from the TCP header';
  const optional = (key: string, hi: number, what: string) => {
    const v = fields.get(key);
    return v === undefined ? undefined : decimalField(key, v, hi, what);
  };
  if (fields.has('SEQ') !== fields.has('ACK')) throw new LogFieldError('--log-tcp-sequence writes SEQ= and ACK= together; only one is here');
  const res = fields.get('RES');
  return {
    sport: decimalField('SPT', required('SPT', fields.get('SPT'), where), U16, 'a port number'),
    dport: decimalField('DPT', required('DPT', fields.get('DPT'), where), U16, 'a port number'),
    seq: optional('SEQ', U32, 'a TCP sequence number'),
    ack: optional('ACK', U32, 'a TCP acknowledgement number'),
    window: decimalField('WINDOW', required('WINDOW', fields.get('WINDOW'), where), U16, 'a TCP window'),
    reserved: res === undefined ? undefined : hexField('RES', res, 0x3c, 'TCP reserved bits'),
    flags: fieldValue('flags', flagWords.join(','), (v) => tcpFlagsOf(v)),
    ae,
    urgentPointer: optional('URGP', U16, 'a TCP urgent pointer'),
    options,
  };
}

function readUdp(c: FieldCursor): { sport: number; dport: number; length?: number } {
  const fields = new Map<string, string>();
  readKeyed(c, ['SPT', 'DPT', 'LEN'], fields, () => false);
  expectTransportEnd(c, 'UDP', 'SPT= DPT= LEN=');
  const where = 'from the UDP header';
  const length = fields.get('LEN');
  return {
    sport: decimalField('SPT', required('SPT', fields.get('SPT'), where), U16, 'a port number'),
    dport: decimalField('DPT', required('DPT', fields.get('DPT'), where), U16, 'a port number'),
    length: length === undefined ? undefined : decimalField('LEN', length, U16, 'a UDP length'),
  };
}

function readIcmp(c: FieldCursor, outer: boolean): LoggedIcmp {
  const where = 'from the ICMP header';
  const icmp: LoggedIcmp = {
    type: decimalField('TYPE', required('TYPE', c.take('TYPE'), where), U8, 'an ICMP type'),
    code: decimalField('CODE', required('CODE', c.take('CODE'), where), U8, 'an ICMP code'),
  };
  icmp.incompleteBytes = c.takeIncomplete();
  if (icmp.incompleteBytes !== undefined) return icmp;
  const fields = new Map<string, string>();
  readKeyed(c, ['ID', 'SEQ', 'PARAMETER', 'GATEWAY', 'MTU'], fields, () => {
    if (!outer || !c.takeWord('[')) return false;
    if (!ICMP_TYPES_QUOTING.has(icmp.type)) throw new LogFieldError(`the kernel quotes no packet for ICMP type ${icmp.type} (only for types 3, 4, 5, 11)`);
    if (icmp.quoted !== undefined) throw new LogFieldError('an ICMP error quotes one packet, this line has two "[...]"');
    icmp.quoted = c.takeWord('TRUNCATED') ? 'truncated' : readIpv4(c, false);
    if (!c.takeWord(']')) throw new LogFieldError(`the quoted packet must end with "]", found "${c.peek() ?? 'the end of the line'}"`);
    return true;
  });
  expectTransportEnd(c, 'ICMP', 'TYPE= CODE= [ID= SEQ= | PARAMETER= | GATEWAY=] [[quoted packet]] [MTU=]');
  const optional = (key: string, hi: number, what: string) => {
    const v = fields.get(key);
    return v === undefined ? undefined : decimalField(key, v, hi, what);
  };
  icmp.id = optional('ID', U16, 'an ICMP identifier');
  icmp.seq = optional('SEQ', U16, 'an ICMP sequence number');
  icmp.parameter = optional('PARAMETER', U8, 'a parameter-problem pointer');
  icmp.mtu = optional('MTU', U16, 'an MTU');
  const gateway = fields.get('GATEWAY');
  if (gateway !== undefined) icmp.gateway = ipv4Field('GATEWAY', gateway);
  return icmp;
}

/** UID= GID= (--log-uid) and MARK= (when the mark is not 0). */
function readTail(c: FieldCursor, d: LoggedIpv4): void {
  const fields = new Map<string, string>();
  readKeyed(c, TAIL_KEYS, fields, () => false);
  const uid = fields.get('UID');
  const gid = fields.get('GID');
  if ((uid === undefined) !== (gid === undefined)) throw new LogFieldError('--log-uid writes UID= and GID= together; only one is here');
  if (uid !== undefined) d.uid = decimalField('UID', uid, U32, 'a user id');
  if (gid !== undefined) d.gid = decimalField('GID', gid, U32, 'a group id');
  const mark = fields.get('MARK');
  if (mark !== undefined) d.mark = hexField('MARK', mark, U32, 'a mark');
}
