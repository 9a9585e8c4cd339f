// TCP option kinds (IANA numbers) by the names tcpdump prints, and the header bytes they take,
// so a record that lists options gets the IP length a real segment would have.
import { ValueError, showValue } from './values.js';

interface OptionKind {
  kind: number;
  names: string[];
  /** Bytes on the wire (SACK: one block; kinds not listed: kind + length byte). */
  bytes: number;
}

const OPTION_KINDS: readonly OptionKind[] = [
  { kind: 0, names: ['eol'], bytes: 1 },
  { kind: 1, names: ['nop'], bytes: 1 },
  { kind: 2, names: ['mss'], bytes: 4 },
  { kind: 3, names: ['wscale', 'window-scale', 'ws'], bytes: 3 },
  { kind: 4, names: ['sackok', 'sack-permitted', 'sack-perm', 'sack_perm'], bytes: 2 },
  { kind: 5, names: ['sack'], bytes: 10 },
  { kind: 8, names: ['ts', 'timestamp', 'timestamps'], bytes: 10 },
  { kind: 19, names: ['md5', 'md5sig'], bytes: 18 },
  { kind: 28, names: ['uto', 'user-timeout'], bytes: 4 },
  { kind: 29, names: ['ao', 'tcp-ao'], bytes: 16 },
  { kind: 30, names: ['mptcp'], bytes: 12 },
  { kind: 34, names: ['tfo', 'fastopen'], bytes: 10 },
];

const KIND_BY_NAME = new Map<string, number>();
for (const k of OPTION_KINDS) for (const name of k.names) KIND_BY_NAME.set(name, k.kind);
const BYTES_BY_KIND = new Map(OPTION_KINDS.map((k) => [k.kind, k.bytes]));

const MAX_OPTION_BYTES = 40; // data offset is 4 bits: at most 60-byte TCP header

/** A list of option kinds (numbers 0..255 or names like "mss", "sackOK", "TS", "wscale"). */
export function tcpOptionKindsOf(value: unknown): number[] {
  if (!Array.isArray(value)) {
    throw new ValueError(`${showValue(value)} is not a list of TCP option kinds (e.g. ["mss", "sackOK", "TS", "nop", "wscale"] or [2, 4, 8, 1, 3])`);
  }
  return value.map(tcpOptionKindOf);
}

/** Kind 3, window scale: its value matters to conntrack's window tracking. */
export const TCP_OPTION_WSCALE = 3;
/** Kind 4, SACK permitted. */
export const TCP_OPTION_SACK_PERM = 4;
/** RFC 7323: a shift above 14 is used as 14 (the kernel clamps it too). */
export const MAX_WSCALE = 14;

/** "wscale 7" as tcpdump prints it: the value of an option written with one. */
const OPTION_WITH_VALUE = /^([a-z][a-z0-9_-]*)\s+(\S.*)$/;

export interface TcpOptionList {
  kinds: number[];
  /** The window-scale shift when the list wrote it ("wscale 7"). */
  wscale?: number;
}

/** Like tcpOptionKindsOf, also reading values written after the name: ["mss 1460", "wscale 7"]. */
export function tcpOptionListOf(value: unknown): TcpOptionList {
  const kinds = tcpOptionKindsOf(value);
  const list: TcpOptionList = { kinds };
  for (const item of value as unknown[]) {
    if (typeof item !== 'string') continue;
    const m = OPTION_WITH_VALUE.exec(item.trim().toLowerCase());
    if (m && KIND_BY_NAME.get(m[1]) === TCP_OPTION_WSCALE) list.wscale = wscaleOf(m[2]);
  }
  return list;
}

/** A window-scale shift 0..255 (values above 14 act as 14, as in the kernel). */
export function wscaleOf(value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 255) {
    throw new ValueError(`${showValue(value)} is not a window-scale shift (0..14)`);
  }
  return n;
}

export function tcpOptionKindOf(item: unknown): number {
  if (typeof item === 'number' && Number.isInteger(item) && item >= 0 && item <= 255) return item;
  if (typeof item === 'string') {
    const withValue = OPTION_WITH_VALUE.exec(item.trim().toLowerCase());
    const text = withValue && KIND_BY_NAME.has(withValue[1]) ? withValue[1] : item.trim().toLowerCase();
    if (/^\d+$/.test(text) && Number(text) <= 255) return Number(text);
    const kind = KIND_BY_NAME.get(text);
    if (kind !== undefined) return kind;
  }
  throw new ValueError(`${showValue(item)} is not a TCP option kind (0..255 or one of ${OPTION_KINDS.map((k) => k.names[0]).join(', ')})`);
}

/** TCP header option bytes for this set of kinds, padded to 32-bit words as senders do. */
export function tcpOptionBytes(kinds: readonly number[]): number {
  let bytes = 0;
  for (const kind of new Set(kinds)) bytes += BYTES_BY_KIND.get(kind) ?? 2;
  const padded = Math.ceil(bytes / 4) * 4;
  if (padded > MAX_OPTION_BYTES) {
    throw new ValueError(`TCP options [${kinds.join(', ')}] need ${padded} bytes, more than the ${MAX_OPTION_BYTES} a TCP header can carry`);
  }
  return padded;
}
