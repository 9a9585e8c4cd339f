// JSON-lines packet records (docs/packet-records.md): one JSON object per line describing one
// IPv4 packet the way a network engineer reads it off tcpdump. Strict: an unknown field is an
// error, because a typo ("dprot") would otherwise silently change what is simulated.
import { interfaceNameOf } from '../host/ifname.js';
import { PacketFieldError, completePacket, type PacketDraft, type PacketField } from './complete.js';
import { icmpCodeOf, icmpTypeOf } from './icmp-names.js';
import { tcpFlagsOf } from './tcp-flags.js';
import { tcpOptionListOf, wscaleOf } from './tcp-options.js';
import { innerPacketOf } from './inner.js';
import type { PacketInput } from './types.js';
import {
  U16, U32, U8, ValueError, base64Bytes, ctstateOf, didYouMean, integerIn, ipv4Of, macOf,
  pktTypeOf, portOf, protoOf, showValue, timestampOf,
} from './values.js';

/** A record that does not describe a packet. `recordNo` counts from 1 (the line number in a file). */
export class RecordError extends Error {
  readonly recordNo: number;
  constructor(recordNo: number, message: string) {
    super(`record ${recordNo}: ${message}`);
    this.name = 'RecordError';
    this.recordNo = recordNo;
  }
}

type FieldReader = (value: unknown, draft: PacketDraft) => void;

interface JsonField {
  key: string;
  /** The PacketInput field it fills (for messages from completePacket). */
  field: PacketField;
  read: FieldReader;
}

function booleanOf(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValueError(`${showValue(value)} is not true or false`);
  return value;
}

/** "checksum": "bad" marks a packet whose L4 checksum is wrong; "good"/"ok" is the default. */
export function checksumBadOf(value: unknown): boolean {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (text === 'bad') return true;
  if (text === 'good' || text === 'ok') return false;
  throw new ValueError(`${showValue(value)} is not a checksum verdict ("bad" or "good")`);
}

function pktTypeFieldOf(value: unknown): number {
  if (value === 1 || value === 2 || value === 4) return value;
  return pktTypeOf(value);
}

const utf8 = new TextEncoder();

const FIELDS: readonly JsonField[] = [
  { key: 'ts', field: 'ts', read: (v, d) => { d.ts = timestampOf(v); } },
  { key: 'in', field: 'inIface', read: (v, d) => { d.inIface = interfaceNameOf(v); } },
  { key: 'out', field: 'outIface', read: (v, d) => { d.outIface = interfaceNameOf(v); } },
  { key: 'local', field: 'localOut', read: (v, d) => { d.localOut = booleanOf(v); } },
  { key: 'src', field: 'src', read: (v, d) => { d.src = ipv4Of(v); } },
  { key: 'dst', field: 'dst', read: (v, d) => { d.dst = ipv4Of(v); } },
  { key: 'proto', field: 'proto', read: (v, d) => { d.proto = protoOf(v); } },
  { key: 'sport', field: 'sport', read: (v, d) => { d.sport = portOf(v); } },
  { key: 'dport', field: 'dport', read: (v, d) => { d.dport = portOf(v); } },
  { key: 'flags', field: 'tcpFlags', read: (v, d) => { d.tcpFlags = tcpFlagsOf(v); } },
  { key: 'seq', field: 'seq', read: (v, d) => { d.seq = integerIn(v, 0, U32, 'a TCP sequence number'); } },
  { key: 'ack', field: 'ack', read: (v, d) => { d.ack = integerIn(v, 0, U32, 'a TCP acknowledgement number'); } },
  { key: 'win', field: 'window', read: (v, d) => { d.window = integerIn(v, 0, U16, 'a TCP window'); } },
  { key: 'urg_ptr', field: 'tcpUrgPtr', read: (v, d) => { d.tcpUrgPtr = integerIn(v, 0, U16, 'a TCP urgent pointer'); } },
  {
    key: 'tcp_options', field: 'tcpOptions', read: (v, d) => {
      const list = tcpOptionListOf(v);
      d.tcpOptions = list.kinds;
      if (list.wscale !== undefined && d.tcpWscale === undefined) d.tcpWscale = list.wscale;
    },
  },
  { key: 'wscale', field: 'tcpWscale', read: (v, d) => { d.tcpWscale = wscaleOf(v); } },
  { key: 'sackok', field: 'tcpSackPerm', read: (v, d) => { d.tcpSackPerm = booleanOf(v); } },
  { key: 'checksum', field: 'checksumBad', read: (v, d) => { d.checksumBad = checksumBadOf(v); } },
  { key: 'inner', field: 'inner', read: (v, d) => { d.inner = innerPacketOf(v); } },
  {
    key: 'icmp_type', field: 'icmpType', read: (v, d) => {
      const t = icmpTypeOf(v);
      d.icmpType = t.type;
      if (t.code !== undefined) d.icmpCode = t.code;
    },
  },
  // read after icmp_type (see parseJsonObject), so a code name can be checked against the type
  { key: 'icmp_code', field: 'icmpCode', read: (v, d) => { d.icmpCode = icmpCodeOf(v, d.icmpType); } },
  { key: 'icmp_id', field: 'icmpId', read: (v, d) => { d.icmpId = integerIn(v, 0, U16, 'an ICMP identifier'); } },
  { key: 'icmp_seq', field: 'icmpSeq', read: (v, d) => { d.icmpSeq = integerIn(v, 0, U16, 'an ICMP sequence number'); } },
  { key: 'len', field: 'length', read: (v, d) => { d.length = integerIn(v, 0, U16, 'an IP total length'); } },
  { key: 'ttl', field: 'ttl', read: (v, d) => { d.ttl = integerIn(v, 0, U8, 'a TTL'); } },
  { key: 'tos', field: 'tos', read: (v, d) => { d.tos = integerIn(v, 0, U8, 'a TOS byte'); } },
  { key: 'id', field: 'ipId', read: (v, d) => { d.ipId = integerIn(v, 0, U16, 'an IP identification'); } },
  { key: 'frag_offset', field: 'fragOffset', read: (v, d) => { d.fragOffset = integerIn(v, 0, 0x1fff, 'a fragment offset in 8-byte units'); } },
  { key: 'mf', field: 'moreFragments', read: (v, d) => { d.moreFragments = booleanOf(v); } },
  { key: 'df', field: 'dontFragment', read: (v, d) => { d.dontFragment = booleanOf(v); } },
  { key: 'mark', field: 'mark', read: (v, d) => { d.mark = integerIn(v, 0, U32, 'a mark'); } },
  { key: 'ctstate', field: 'ctstate', read: (v, d) => { d.ctstate = ctstateOf(v); } },
  { key: 'ctmark', field: 'ctmark', read: (v, d) => { d.ctmark = integerIn(v, 0, U32, 'a connection mark'); } },
  { key: 'mac_src', field: 'srcMac', read: (v, d) => { d.srcMac = macOf(v); } },
  { key: 'mac_dst', field: 'dstMac', read: (v, d) => { d.dstMac = macOf(v); } },
  { key: 'pkttype', field: 'pktType', read: (v, d) => { d.pktType = pktTypeFieldOf(v); } },
  { key: 'uid', field: 'uid', read: (v, d) => { d.uid = integerIn(v, 0, U32, 'a user id'); } },
  { key: 'gid', field: 'gid', read: (v, d) => { d.gid = integerIn(v, 0, U32, 'a group id'); } },
  { key: 'payload', field: 'payload', read: (v, d) => { d.payload = base64Bytes(v); } },
  {
    key: 'payload_text', field: 'payload', read: (v, d) => {
      if (typeof v !== 'string') throw new ValueError(`${showValue(v)} is not a string`);
      d.payload = utf8.encode(v);
    },
  },
];

const FIELD_BY_KEY = new Map(FIELDS.map((f) => [f.key, f]));
const KEY_BY_FIELD = new Map<PacketField, string>();
for (const f of FIELDS) if (!KEY_BY_FIELD.has(f.field)) KEY_BY_FIELD.set(f.field, f.key);
const READ_LAST = new Set(['icmp_code']);

/** The JSON field name for a PacketInput field (for messages). */
export function jsonKeyOf(field: PacketField): string {
  return KEY_BY_FIELD.get(field) ?? field;
}

export interface JsonRecordOptions {
  /** ts when the record has none (parseJsonLines passes the previous record's). Default 0. */
  defaultTs?: number;
}

/** One JSON-lines record → a complete packet; throws RecordError naming the record and field. */
export function parseJsonRecord(line: string, recordNo: number, opts: JsonRecordOptions = {}): PacketInput {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (e) {
    throw new RecordError(recordNo, `not valid JSON (${(e as Error).message})`);
  }
  return packetFromJsonObject(obj, recordNo, opts);
}

/** Free text for the reader of a capture (e.g. "passive data connection"); not part of the packet. */
const NOTE_KEY = 'note';

/** The same for an already parsed object (a JSON array of records, an API caller). */
export function packetFromJsonObject(obj: unknown, recordNo: number, opts: JsonRecordOptions = {}): PacketInput {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new RecordError(recordNo, `a packet record is a JSON object, not ${showValue(obj)}`);
  }
  const entries = Object.entries(obj as Record<string, unknown>);
  if ('payload' in obj && 'payload_text' in obj) {
    throw new RecordError(recordNo, 'give either "payload" (base64) or "payload_text", not both');
  }
  const draft: PacketDraft = {};
  const ordered = [...entries.filter(([k]) => !READ_LAST.has(k)), ...entries.filter(([k]) => READ_LAST.has(k))];
  for (const [key, value] of ordered) {
    if (key === NOTE_KEY) {
      if (typeof value !== 'string') throw new RecordError(recordNo, fieldMessage(NOTE_KEY, `a note is text, not ${showValue(value)}`));
      continue;
    }
    const field = FIELD_BY_KEY.get(key);
    if (!field) {
      throw new RecordError(recordNo, `unknown field "${key}"${didYouMean(key, FIELD_BY_KEY.keys())}; fields are ${FIELDS.map((f) => f.key).join(', ')}`);
    }
    if (value === null) continue; // exporters write null for "not known"
    try {
      field.read(value, draft);
    } catch (e) {
      if (e instanceof ValueError) throw new RecordError(recordNo, `${key}: ${e.message}`);
      throw e;
    }
  }
  if (draft.ts === undefined && opts.defaultTs !== undefined) draft.ts = opts.defaultTs;
  try {
    return completePacket(draft);
  } catch (e) {
    if (e instanceof PacketFieldError) throw new RecordError(recordNo, fieldMessage(jsonKeyOf(e.field), e.message));
    throw e;
  }
}

/** `"flags" is required ...` or `len: 10 is not ...`. */
function fieldMessage(key: string, message: string): string {
  return message.startsWith('is ') ? `"${key}" ${message}` : `${key}: ${message}`;
}

/**
 * Reads JSON lines one at a time, for callers that stream a file: blank lines and lines starting
 * with '#' or '//' give null; a record without ts happens at the previous record's time, so leaving
 * ts out never makes time run backwards. Pass the line number as recordNo.
 */
export class JsonLinesReader {
  private lastTs = 0;

  read(line: string, recordNo: number): PacketInput | null {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('//')) return null;
    const packet = parseJsonRecord(trimmed, recordNo, { defaultTs: this.lastTs });
    this.lastTs = packet.ts;
    return packet;
  }
}

/** A whole JSON-lines text (see JsonLinesReader); the record number in errors is the line number. */
export function parseJsonLines(text: string): PacketInput[] {
  const reader = new JsonLinesReader();
  const packets: PacketInput[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const packet = reader.read(line, i + 1);
    if (packet) packets.push(packet);
  });
  return packets;
}
