// What the compact-batch encoders (compact-msgpack.ts, compact-jsonl.ts, compact-csv.ts) share: a
// cache of encoded fragments by code, and the fields of one compact result read out of its
// record bytes (assembly/shared/layout.ts "Results") into a reused object, no object per packet.
import {
  RES_CT_ID, RES_CT_NOTE, RES_CT_REASON, RES_CTDIR, RES_CTSTATE, RES_CTSTATUS, RES_ENTRY, RES_FLAGS, RES_HELPER,
  RES_HOOK, RES_MARK, RES_PATH, RES_SIZE, RES_TCP_STATE, RES_VERDICT, RF_NAT_SKIPPED,
} from '../../assembly/shared/layout.js';
import type { CompactBatch } from '../engine/compact.js';
import { ctstateName, HELPER_NAMES, HOOK_NAMES, VERDICT_NAMES } from '../engine/names.js';
import { ctNoteNames, ctReasonText, ctStatusNames, TCP_STATE_NAMES } from '../conntrack/names.js';

/**
 * Values encoded on first use and kept by their code: codes below 65536 in an array (a lookup,
 * not a hash), larger ones in a Map (an array indexed by them would turn into a dictionary).
 */
export class Fragments<T> {
  private readonly small: (T | undefined)[] = [];
  private readonly large = new Map<number, T>();
  constructor(private readonly encode: (code: number) => T) {}
  get(code: number): T {
    if (code < 0x10000) return this.small[code] ?? (this.small[code] = this.encode(code));
    let value = this.large.get(code);
    if (value === undefined) this.large.set(code, (value = this.encode(code)));
    return value;
  }
}

/** The four head codes (verdict, ctstate, hook, path) as one key: below 65536 for the values the core writes. */
export function packHead(verdict: number, ctstate: number, hook: number, path: number): number {
  if (verdict < 16 && ctstate < 64 && hook < 8 && path < 8) return verdict | (ctstate << 4) | (hook << 10) | (path << 13);
  return 0x10000 + ((verdict | (ctstate << 8) | (hook << 16) | (path << 24)) >>> 0);
}

export function unpackHead(key: number): [number, number, number, number] {
  if (key < 0x10000) return [key & 15, (key >>> 4) & 63, (key >>> 10) & 7, key >>> 13];
  const code = key - 0x10000;
  return [code & 0xff, (code >>> 8) & 0xff, (code >>> 16) & 0xff, code >>> 24];
}

/** tcp_state, ct_dir and ct_status codes of a tracked packet as one key. */
export function packCtState(tcp: number, dir: number, status: number): number {
  return tcp | (dir << 8) | (status << 9);
}

export function unpackCtState(key: number): [number, number, number] {
  return [key & 0xff, (key >>> 8) & 1, key >>> 9];
}

export function uint32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

export function int32(bytes: Uint8Array, at: number): number {
  return bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24);
}

function nonEmpty(list: string[]): string[] | undefined {
  return list.length ? list : undefined;
}

/**
 * Each field's value by its code, as outputRecord (record.ts) has it after decodeRecord
 * (src/engine/result.ts); undefined: the record leaves the field out.
 */
export const fieldValue = {
  verdict: (code: number): string => VERDICT_NAMES[code] ?? 'DROP',
  ctstate: (code: number): string | undefined => ctstateName(code),
  hook: (code: number): string | undefined => HOOK_NAMES[code],
  helper: (id: number): string | undefined => (id !== 0 ? (HELPER_NAMES[id] ?? `helper-${id}`) : undefined),
  tcpState: (code: number): string | undefined => (code !== 0 ? (TCP_STATE_NAMES[code] ?? `state-${code}`) : undefined),
  ctDir: (dir: number): string => (dir ? 'REPLY' : 'ORIGINAL'),
  ctStatus: (bits: number): string[] | undefined => nonEmpty(ctStatusNames(bits)),
  ctNote: (bits: number): string[] | undefined => nonEmpty(ctNoteNames(bits)),
  ctReason: (code: number): string | undefined => ctReasonText(code),
};

/**
 * The codes of one compact result that is not decoded in full (compact.ts `special`), as
 * decodeRecord and decodeConntrack (src/engine/result.ts) read them. One object, refilled by read().
 */
export class CompactResultFields {
  /** packHead of verdict, ctstate, hook and path. */
  head = 0;
  /** The deciding entry, or -1. */
  entry = -1;
  /** The counted rules are batch.matchedEntries[matchedFrom .. matchedTo). */
  matchedFrom = 0;
  matchedTo = 0;
  /** The only counted rule is the deciding one (the usual shape of a rule's verdict). */
  soleMatch = false;
  mark = 0;
  /** The out-interface name, '' for none. */
  out = '';
  helper = 0;
  /** Conntrack id, 0: no conntrack (then ctState means nothing). */
  ctId = 0;
  /** packCtState of tcp_state, ct_dir and ct_status. */
  ctState = 0;
  ctNote = 0;
  ctReason = 0;
  natSkipped = false;

  constructor(private readonly conntrackEnabled: boolean) {}

  read(batch: CompactBatch, i: number): this {
    const r = batch.results;
    const at = i * RES_SIZE;
    this.head = packHead(r[at + RES_VERDICT], r[at + RES_CTSTATE], r[at + RES_HOOK], r[at + RES_PATH]);
    this.entry = int32(r, at + RES_ENTRY);
    this.matchedFrom = batch.matchedStart[i];
    this.matchedTo = batch.matchedStart[i + 1];
    this.soleMatch = this.matchedTo - this.matchedFrom === 1 && batch.matchedEntries[this.matchedFrom] === this.entry;
    this.mark = uint32(r, at + RES_MARK);
    this.out = batch.ifaces[batch.outIface[i]];
    this.helper = r[at + RES_HELPER];
    this.natSkipped = (r[at + RES_FLAGS] & RF_NAT_SKIPPED) !== 0;
    if (this.conntrackEnabled) {
      this.ctId = uint32(r, at + RES_CT_ID);
      this.ctState = packCtState(r[at + RES_TCP_STATE], r[at + RES_CTDIR] !== 0 ? 1 : 0, r[at + RES_CTSTATUS] | (r[at + RES_CTSTATUS + 1] << 8));
      this.ctNote = r[at + RES_CT_NOTE] | (r[at + RES_CT_NOTE + 1] << 8);
      this.ctReason = r[at + RES_CT_REASON];
    } else {
      this.ctId = this.ctState = this.ctNote = this.ctReason = 0;
    }
    return this;
  }
}
