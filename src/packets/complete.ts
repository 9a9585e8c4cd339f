// Turns what a record or a one-liner said about a packet into a complete PacketInput: fills the
// defaults (TTL 64, computed IP length, ...) and refuses combinations no real packet has (ports on
// ICMP, TCP flags on UDP, L4 fields on a non-first fragment, socket owner on an arriving packet).
// Both input syntaxes share this so they cannot drift apart.
import type { PacketInput } from './types.js';
import { icmpHasIdSeq } from './icmp-names.js';
import { tcpOptionBytes } from './tcp-options.js';
import { ValueError } from './values.js';

export type PacketField = keyof PacketInput;

/** A problem with one field of a packet description; parsers translate `field` into their own words. */
export class PacketFieldError extends Error {
  readonly field: PacketField;
  constructor(field: PacketField, message: string) {
    super(message);
    this.name = 'PacketFieldError';
    this.field = field;
  }
}

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_DCCP = 33;
export const PROTO_SCTP = 132;
export const PROTO_UDPLITE = 136;

/** Protocols whose header starts with source and destination port (what conntrack and -m multiport read). */
export function hasPorts(proto: number): boolean {
  return proto === PROTO_TCP || proto === PROTO_UDP || proto === PROTO_UDPLITE || proto === PROTO_SCTP || proto === PROTO_DCCP;
}

const IP_HEADER_BYTES = 20;
const FIXED_L4_HEADER_BYTES: Readonly<Record<number, number>> = {
  [PROTO_UDP]: 8, [PROTO_UDPLITE]: 8, [PROTO_ICMP]: 8, [PROTO_SCTP]: 12, [PROTO_DCCP]: 16,
};

/** Linux's initial receive window for a 1460-byte MSS: a plausible value when the record gives none. */
export const DEFAULT_TCP_WINDOW = 64240;
export const DEFAULT_TTL = 64;

const TCP_FIELDS: readonly PacketField[] = ['tcpFlags', 'tcpOptions', 'seq', 'ack', 'window', 'tcpUrgPtr'];
const ICMP_FIELDS: readonly PacketField[] = ['icmpType', 'icmpCode', 'icmpId', 'icmpSeq'];
const PORT_FIELDS: readonly PacketField[] = ['sport', 'dport'];

export type PacketDraft = Partial<PacketInput>;

/** Whether `p`'s TCP sequence and acknowledgement numbers are unknown. */
export function seqUnknown(p: PacketInput): boolean {
  return p.seq === undefined && p.ack === undefined;
}

/** ICMP types whose body quotes the packet that caused them (NETFILTER.md §4.5). */
export const ICMP_ERROR_TYPES: ReadonlySet<number> = new Set([3, 4, 5, 11, 12]);

export function completePacket(d: PacketDraft): PacketInput {
  for (const field of ['src', 'dst', 'proto'] as const) {
    if (d[field] === undefined) throw new PacketFieldError(field, 'is required');
  }
  const proto = d.proto!;
  const localOut = d.localOut ?? d.inIface === undefined;
  if (localOut && d.inIface !== undefined) {
    throw new PacketFieldError('inIface', 'a locally generated packet has no in interface');
  }
  if (!localOut && d.inIface === undefined) {
    throw new PacketFieldError('inIface', 'an arriving packet needs the interface it arrived on (or mark it locally generated)');
  }
  if (!localOut) {
    for (const field of ['uid', 'gid'] as const) {
      if (d[field] !== undefined) {
        throw new PacketFieldError(field, 'only locally generated packets have a socket owner');
      }
    }
  }

  const fragOffset = d.fragOffset ?? 0;
  const firstFragment = fragOffset === 0;
  checkL4Fields(d, proto, firstFragment);

  const p: PacketInput = {
    ts: d.ts ?? 0,
    localOut,
    src: d.src!,
    dst: d.dst!,
    proto,
    length: 0,
    ttl: d.ttl ?? DEFAULT_TTL,
    tos: d.tos ?? 0,
    fragOffset,
    moreFragments: d.moreFragments ?? false,
    dontFragment: d.dontFragment ?? false,
    mark: d.mark ?? 0,
  };
  copyDefined(d, p, [
    'inIface', 'outIface', 'sport', 'dport', 'tcpOptions', 'srcMac', 'dstMac', 'pktType',
    'ctstate', 'ctmark', 'uid', 'gid', 'ipId', 'tcpUrgPtr', 'payload', 'inner', 'checksumBad',
    'tcpWscale', 'tcpSackPerm',
  ]);
  if (firstFragment && proto === PROTO_TCP) {
    p.tcpFlags = d.tcpFlags;
    // Neither seq nor ack given: both stay undefined, and conntrack does not judge windows on
    // them (PF2_NO_SEQ); one given: the other is 0, as the header would carry it.
    if (d.seq !== undefined || d.ack !== undefined) {
      p.seq = d.seq ?? 0;
      p.ack = d.ack ?? 0;
    }
    p.window = d.window ?? DEFAULT_TCP_WINDOW;
  }
  if (firstFragment && proto === PROTO_ICMP) {
    p.icmpType = d.icmpType;
    p.icmpCode = d.icmpCode ?? 0;
    if (icmpHasIdSeq(d.icmpType!)) {
      p.icmpId = d.icmpId ?? 0;
      p.icmpSeq = d.icmpSeq ?? 0;
    }
  }
  p.length = ipLength(d, proto, firstFragment);
  return p;
}

function checkL4Fields(d: PacketDraft, proto: number, firstFragment: boolean): void {
  const present = (fields: readonly PacketField[]) => fields.find((f) => d[f] !== undefined);
  if (!firstFragment) {
    const field = present([...PORT_FIELDS, ...TCP_FIELDS, ...ICMP_FIELDS]);
    if (field) throw new PacketFieldError(field, 'a non-first fragment carries no transport header');
    return;
  }
  const portField = present(PORT_FIELDS);
  if (!hasPorts(proto) && portField) {
    throw new PacketFieldError(portField, `protocol ${proto} has no ports (only tcp, udp, udplite, sctp, dccp)`);
  }
  const tcpField = present(TCP_FIELDS);
  if (proto !== PROTO_TCP && tcpField) throw new PacketFieldError(tcpField, 'only TCP packets have this field');
  const icmpField = present(ICMP_FIELDS);
  if (proto !== PROTO_ICMP && icmpField) throw new PacketFieldError(icmpField, 'only ICMP packets have this field');

  if (hasPorts(proto)) {
    for (const field of PORT_FIELDS) if (d[field] === undefined) throw new PacketFieldError(field, 'is required for this protocol');
  }
  if (proto === PROTO_TCP && d.tcpFlags === undefined) {
    throw new PacketFieldError('tcpFlags', 'is required for TCP (e.g. SYN, SYN,ACK, ACK, FIN,ACK, RST; or S, S., ., F., R)');
  }
  if (d.inner !== undefined && !(proto === PROTO_ICMP && ICMP_ERROR_TYPES.has(d.icmpType ?? -1))) {
    throw new PacketFieldError('inner', 'only ICMP errors (destination-unreachable, source-quench, redirect, time-exceeded, parameter-problem) quote a packet');
  }
  if (d.inner !== undefined) checkInner(d.inner);
  const tcpOnly = (['tcpWscale', 'tcpSackPerm'] as const).find((f) => d[f] !== undefined);
  if (tcpOnly && proto !== PROTO_TCP) throw new PacketFieldError(tcpOnly, 'only TCP packets have this field');
  if (proto === PROTO_ICMP) {
    if (d.icmpType === undefined) throw new PacketFieldError('icmpType', 'is required for ICMP (e.g. echo-request)');
    if (!icmpHasIdSeq(d.icmpType)) {
      const idField = present(['icmpId', 'icmpSeq']);
      if (idField) throw new PacketFieldError(idField, `ICMP type ${d.icmpType} carries no identifier or sequence number`);
    }
  }
}

function checkInner(inner: NonNullable<PacketInput['inner']>): void {
  if (hasPorts(inner.proto) && (inner.sport === undefined || inner.dport === undefined)) {
    throw new PacketFieldError('inner', `the quoted ${inner.proto === PROTO_TCP ? 'TCP' : 'packet'} header needs sport and dport`);
  }
  if (!hasPorts(inner.proto) && (inner.sport !== undefined || inner.dport !== undefined)) {
    throw new PacketFieldError('inner', `protocol ${inner.proto} has no ports`);
  }
  if (inner.proto === PROTO_ICMP && inner.icmpType === undefined) {
    throw new PacketFieldError('inner', 'the quoted ICMP header needs icmp_type');
  }
  if (inner.proto !== PROTO_ICMP && (inner.icmpType ?? inner.icmpCode ?? inner.icmpId) !== undefined) {
    throw new PacketFieldError('inner', 'only a quoted ICMP packet has icmp_type, icmp_code, icmp_id');
  }
}

function l4HeaderBytes(d: PacketDraft, proto: number, firstFragment: boolean): number {
  if (!firstFragment) return 0;
  if (proto === PROTO_TCP) {
    try {
      return 20 + tcpOptionBytes(d.tcpOptions ?? []);
    } catch (e) {
      if (e instanceof ValueError) throw new PacketFieldError('tcpOptions', e.message);
      throw e;
    }
  }
  return FIXED_L4_HEADER_BYTES[proto] ?? 0;
}

/**
 * Bytes of L4 payload the IP length announces (what TCP sequence space a segment covers), whether
 * or not the payload bytes themselves are known.
 */
export function l4PayloadBytes(p: PacketInput): number {
  const firstFragment = p.fragOffset === 0;
  return Math.max(0, p.length - IP_HEADER_BYTES - l4HeaderBytes(p, p.proto, firstFragment));
}

/** The IP total length: as given, else header sizes plus the payload. */
function ipLength(d: PacketDraft, proto: number, firstFragment: boolean): number {
  const headers = IP_HEADER_BYTES + l4HeaderBytes(d, proto, firstFragment);
  const minimum = headers + (d.payload?.length ?? 0);
  if (d.length === undefined) {
    if (minimum > 0xffff) throw new PacketFieldError('payload', `makes the packet ${minimum} bytes, more than an IP packet can hold (65535)`);
    return minimum;
  }
  if (d.length < minimum || d.length > 0xffff) {
    throw new PacketFieldError('length', `${d.length} is not a possible IP total length here (${minimum}..65535: ${headers} header bytes${d.payload ? ` + ${d.payload.length} payload bytes` : ''})`);
  }
  return d.length;
}

function copyDefined(from: PacketDraft, to: PacketInput, fields: readonly PacketField[]): void {
  const target = to as unknown as Record<string, unknown>;
  for (const f of fields) if (from[f] !== undefined) target[f] = from[f];
}
