// Small value parsers shared by the JSON packet records, the trace one-liner and the host model.
// Each throws a ValueError that says what was wrong with the value; the caller prefixes where the
// value came from (record number and field, the trace word, the host file's JSON path).
import {
  CTSTATE_ESTABLISHED, CTSTATE_INVALID, CTSTATE_NEW, CTSTATE_RELATED, CTSTATE_UNTRACKED,
  PKTTYPE_BROADCAST, PKTTYPE_MULTICAST, PKTTYPE_UNICAST,
} from '../../assembly/shared/layout.js';
import { parseIPv4, portNumber, protoNumber } from '../ruleset/names.js';

/** A value that could not be understood; the message describes the value, not where it was. */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** A JSON value as it should appear in an error message (strings quoted, long values cut). */
export function showValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** An integer lo..hi given as a JSON number or as decimal / 0x-hex text. */
export function integerIn(value: unknown, lo: number, hi: number, what: string): number {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(value.trim())) n = Number(value.trim());
  else throw new ValueError(`${showValue(value)} is not ${what}`);
  if (!Number.isInteger(n) || n < lo || n > hi) {
    throw new ValueError(`${showValue(value)} is not ${what} (${lo}..${hi})`);
  }
  return n;
}

export const U8 = 0xff;
export const U16 = 0xffff;
export const U32 = 0xffffffff;

export function ipv4Of(value: unknown): number {
  const addr = typeof value === 'string' ? parseIPv4(value.trim()) : undefined;
  if (addr === undefined) throw new ValueError(`${showValue(value)} is not an IPv4 address`);
  return addr;
}

/** `aa:bb:cc:dd:ee:ff` (also with '-' separators) → 6 bytes. */
export function macOf(value: unknown): Uint8Array {
  const m = typeof value === 'string' ? /^([0-9a-f]{2})([:-][0-9a-f]{2}){5}$/i.exec(value.trim()) : null;
  if (!m) throw new ValueError(`${showValue(value)} is not a MAC address (aa:bb:cc:dd:ee:ff)`);
  return Uint8Array.from((value as string).trim().split(/[:-]/), (h) => parseInt(h, 16));
}

const CTSTATES: Readonly<Record<string, number>> = {
  NEW: CTSTATE_NEW, ESTABLISHED: CTSTATE_ESTABLISHED, RELATED: CTSTATE_RELATED,
  INVALID: CTSTATE_INVALID, UNTRACKED: CTSTATE_UNTRACKED,
};

/** One conntrack state name, as `-m state --state` spells it (case-insensitive). */
export function ctstateOf(value: unknown): number {
  const bit = typeof value === 'string' ? CTSTATES[value.trim().toUpperCase()] : undefined;
  if (bit === undefined) {
    throw new ValueError(`${showValue(value)} is not a conntrack state (${Object.keys(CTSTATES).join(', ')})`);
  }
  return bit;
}

const PKTTYPES: Readonly<Record<string, number>> = {
  unicast: PKTTYPE_UNICAST, broadcast: PKTTYPE_BROADCAST, multicast: PKTTYPE_MULTICAST,
};

/** `-m pkttype` names: unicast, broadcast, multicast. */
export function pktTypeOf(value: unknown): number {
  const bit = typeof value === 'string' ? PKTTYPES[value.trim().toLowerCase()] : undefined;
  if (bit === undefined) throw new ValueError(`${showValue(value)} is not a packet type (unicast, broadcast, multicast)`);
  return bit;
}

/**
 * Seconds since the epoch from a number or an ISO 8601 date-time. The text must carry a zone
 * ("Z" or "+02:00"): without one, Date would read it in the machine's local time and results
 * would depend on where nfwasm runs.
 */
export function timestampOf(value: unknown): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new ValueError(`${showValue(value)} is not a timestamp (seconds >= 0)`);
    return value;
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
    const iso = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.exec(text);
    if (iso) {
      const ms = Date.parse(text.replace(' ', 'T'));
      if (!Number.isNaN(ms)) return preciseSeconds(text, ms);
    }
  }
  throw new ValueError(`${showValue(value)} is not a timestamp (seconds since the epoch, or ISO 8601 with a zone such as 2024-05-01T12:00:00.25Z)`);
}

/** Date.parse keeps milliseconds only; captures often carry microseconds. */
function preciseSeconds(text: string, ms: number): number {
  const fraction = /:\d{2}\.(\d+)/.exec(text)?.[1];
  if (!fraction || fraction.length <= 3) return ms / 1000;
  return Math.floor(ms / 1000) + Number(`0.${fraction}`);
}

/** Standard base64 (RFC 4648, padding optional) without Node's Buffer, so it runs in a browser. */
export function base64Bytes(value: unknown): Uint8Array {
  const text = typeof value === 'string' ? value.replace(/\s+/g, '') : undefined;
  if (text === undefined || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
    throw new ValueError(`${showValue(value)} is not base64`);
  }
  const padded = text.replace(/=+$/, '');
  const binary = atob(padded + '='.repeat((4 - (padded.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The candidate closest to a mistyped word (at most two edits away), for "did you mean" hints. */
export function closestWord(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Edits (insert, delete, substitute, swap two neighbours) turning a into b. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** ` (did you mean "x"?)` or ''. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const guess = closestWord(word, candidates);
  return guess ? ` (did you mean "${guess}"?)` : '';
}

/** An IP protocol: a name as in /etc/protocols or a number 0..255. */
export function protoOf(value: unknown): number {
  const num = typeof value === 'number' ? (Number.isInteger(value) && value >= 0 && value <= 255 ? value : undefined)
    : typeof value === 'string' && !/^(all|ip)$/i.test(value.trim()) ? protoNumber(value.trim()) : undefined;
  if (num === undefined) throw new ValueError(`${showValue(value)} is not an IP protocol (a name such as tcp, udp, icmp, gre, or a number 0..255)`);
  return num;
}

/** A port: 0..65535 or a service name. */
export function portOf(value: unknown): number {
  if (typeof value === 'string' && !/^\d+$/.test(value.trim())) {
    const byName = portNumber(value.trim());
    if (byName !== undefined) return byName;
  }
  return integerIn(value, 0, U16, 'a port number');
}
