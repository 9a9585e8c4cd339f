// --format msgpack straight from compact batches (src/engine/compact.ts): the bytes
// `recordEncoder('msgpack')` writes for outputRecord(n, result), without building the result, the
// record or any per-packet object. Every key with its value is encoded once and kept (verdicts,
// hooks, rule labels, conntrack status sets, …); a record is then a map header, its number and a
// few copies. Packets decoded in full (compact.ts `special`) and records of frames that were not
// evaluated go through outputRecord and the generic writer. Field order and presence follow
// outputRecord (record.ts); test/fastpath-equivalence.test.ts holds the two to the same bytes.
import { RES_CT_ID, RES_CT_NOTE, RES_CT_REASON, RES_CTDIR, RES_CTSTATE, RES_CTSTATUS, RES_ENTRY, RES_FLAGS, RES_HELPER, RES_HOOK, RES_MARK, RES_PATH, RES_SIZE, RES_TCP_STATE, RES_VERDICT, RF_NAT_SKIPPED } from '../../assembly/shared/layout.js';
import type { CompactBatch, CompactLabels } from '../engine/compact.js';
import { fieldValue, Fragments, int32, packCtState, packHead, uint32, unpackCtState, unpackHead } from './compact-fields.js';
import { msgpackBytes, MsgpackWriter } from './msgpack-writer.js';
import { NAT_SKIPPED_NOTE, outputRecord, type OutputRecord } from './record.js';

/** `key` with the value `valueOf` gives for a code (empty when undefined: the field is absent). */
function keyed(key: string, valueOf: (code: number) => unknown): (code: number) => Uint8Array {
  return (code) => {
    const value = valueOf(code);
    return value === undefined ? new Uint8Array(0) : msgpackBytes(key, value);
  };
}

/** The keys around numbers and lists, and the fixed fields. */
export const MSGPACK_KEYS = {
  n: msgpackBytes('n'),
  matched: msgpackBytes('matched'),
  mark: msgpackBytes('mark'),
  ctId: msgpackBytes('ct_id'),
  natNotes: msgpackBytes('notes', [NAT_SKIPPED_NOTE]),
  nothingMatched: msgpackBytes('matched', []),
};

/** A fragment holding several fields (or none). */
export interface MsgpackFields {
  bytes: Uint8Array;
  fields: number;
}

/**
 * The encoded fragments a record is made of, by the codes they stand for (each a key with its
 * value, but ruleLabel: an item of the matched list); encoders keep what they make.
 */
export function msgpackFragments(labels: CompactLabels) {
  const tcpState = keyed('tcp_state', fieldValue.tcpState);
  const ctDir = keyed('ct_dir', fieldValue.ctDir);
  const ctStatus = keyed('ct_status', fieldValue.ctStatus);
  return {
    /** verdict, ctstate, hook and path, which every record has (4 fields). */
    head: (verdict: number, ctstate: number, hook: number, path: number): Uint8Array =>
      msgpackBytes('verdict', fieldValue.verdict(verdict), 'ctstate', fieldValue.ctstate(ctstate), 'hook', fieldValue.hook(hook), 'path', fieldValue.hook(path)),
    ruleLabel: (entry: number): Uint8Array => msgpackBytes(labels.ruleLabel[entry]),
    decided: keyed('decided_by', (entry) => labels.decidedLabel[entry]),
    /** "matched": [rule], "decided_by": rule (2 fields). */
    decidedBySole: (entry: number): Uint8Array => msgpackBytes('matched', [labels.ruleLabel[entry]], 'decided_by', labels.decidedLabel[entry]),
    /** "matched": [], "decided_by": entry (2 fields; policies). */
    decidedByNone: (entry: number): Uint8Array => msgpackBytes('matched', [], 'decided_by', labels.decidedLabel[entry]),
    out: (name: string): Uint8Array => msgpackBytes('out', name),
    helper: keyed('helper', fieldValue.helper),
    /** tcp_state, ct_dir and ct_status of a tracked packet. */
    ctState: (tcp: number, dir: number, status: number): MsgpackFields => {
      const parts = [tcp !== 0 ? tcpState(tcp) : new Uint8Array(0), ctDir(dir), ctStatus(status)];
      const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
      let offset = 0;
      for (const part of parts) {
        bytes.set(part, offset);
        offset += part.length;
      }
      return { bytes, fields: parts.filter((part) => part.length > 0).length };
    },
    ctNote: keyed('ct_note', fieldValue.ctNote),
    ctReason: keyed('ct_reason', fieldValue.ctReason),
  };
}

const { n: KEY_N, matched: KEY_MATCHED, mark: KEY_MARK, ctId: KEY_CT_ID, natNotes: NAT_NOTES, nothingMatched: NOTHING_MATCHED } = MSGPACK_KEYS;

export class CompactMsgpackEncoder {
  private readonly writer = new MsgpackWriter();
  /** verdict, ctstate, hook and path, which every record has, as one fragment by their four codes. */
  private readonly head: Fragments<Uint8Array>;
  private readonly decided: Fragments<Uint8Array>;
  private readonly out = new Map<string, Uint8Array>();
  private readonly helper: Fragments<Uint8Array>;
  private readonly ctNote: Fragments<Uint8Array>;
  private readonly ctReason: Fragments<Uint8Array>;
  /** Encoded "table:chain:N" strings by entry, for matched lists. */
  private readonly ruleLabel: Fragments<Uint8Array>;
  /** "matched": [rule], "decided_by": rule, by entry. */
  private readonly decidedBySole: Fragments<Uint8Array>;
  /** "matched": [], "decided_by": entry, by entry (policies). */
  private readonly decidedByNone: Fragments<Uint8Array>;
  /** tcp_state, ct_dir and ct_status by packCtState of their codes. */
  private readonly ctStates: Fragments<MsgpackFields>;
  private readonly make: ReturnType<typeof msgpackFragments>;
  private readonly conntrackEnabled: boolean;

  constructor(labels: CompactLabels) {
    const make = (this.make = msgpackFragments(labels));
    this.head = new Fragments((key) => make.head(...unpackHead(key)));
    this.decided = new Fragments(make.decided);
    this.helper = new Fragments(make.helper);
    this.ctNote = new Fragments(make.ctNote);
    this.ctReason = new Fragments(make.ctReason);
    this.ruleLabel = new Fragments(make.ruleLabel);
    this.decidedBySole = new Fragments(make.decidedBySole);
    this.decidedByNone = new Fragments(make.decidedByNone);
    this.ctStates = new Fragments((key) => make.ctState(...unpackCtState(key)));
    this.conntrackEnabled = labels.conntrackEnabled;
  }

  /** Starts a chunk of `count` records (one msgpack array, as one pack() of the record list writes). */
  begin(count: number): void {
    this.writer.arrayHeader(count);
  }

  /** Record number `n`: packet `i` of `batch`. */
  packet(n: number, batch: CompactBatch, i: number): void {
    const full = batch.special.get(i);
    if (full) return this.record(outputRecord(n, full));
    const w = this.writer;
    const r = batch.results;
    const at = i * RES_SIZE;
    const map = w.beginMap();
    w.raw(KEY_N);
    w.number(n);
    w.raw(this.head.get(packHead(r[at + RES_VERDICT], r[at + RES_CTSTATE], r[at + RES_HOOK], r[at + RES_PATH])));
    const from = batch.matchedStart[i];
    const to = batch.matchedStart[i + 1];
    const entry = int32(r, at + RES_ENTRY);
    let fields = 6; // n, verdict, ctstate, hook, path, matched
    // The usual shapes, matched and decided_by as one fragment: the deciding rule the only one
    // counted, or no rule counted and a policy (or nothing) decided.
    if (to - from === 1 && batch.matchedEntries[from] === entry) {
      w.raw(this.decidedBySole.get(entry));
      fields++;
    } else if (to === from) {
      w.raw(entry >= 0 ? this.decidedByNone.get(entry) : NOTHING_MATCHED);
      if (entry >= 0) fields++;
    } else {
      w.raw(KEY_MATCHED);
      w.arrayHeader(to - from);
      for (let m = from; m < to; m++) w.raw(this.ruleLabel.get(batch.matchedEntries[m]));
      if (entry >= 0) {
        w.raw(this.decided.get(entry));
        fields++;
      }
    }
    const mark = uint32(r, at + RES_MARK);
    if (mark !== 0) {
      w.raw(KEY_MARK);
      w.number(mark);
      fields++;
    }
    if (batch.outIface[i] !== 0) {
      w.raw(this.outIface(batch.ifaces[batch.outIface[i]]));
      fields++;
    }
    if (r[at + RES_HELPER] !== 0) {
      w.raw(this.helper.get(r[at + RES_HELPER]));
      fields++;
    }
    if (this.conntrackEnabled) fields += this.conntrack(r, at);
    if (r[at + RES_FLAGS] & RF_NAT_SKIPPED) {
      w.raw(NAT_NOTES);
      fields++;
    }
    w.endMap(map, fields);
  }

  /** A record built elsewhere (frames not evaluated, unparsed input, packets decoded in full). */
  record(rec: OutputRecord): void {
    this.writer.value(rec);
  }

  /** The chunk written since begin(). */
  take(): Uint8Array {
    return this.writer.take();
  }

  /** The conntrack fields of the result at `at` (decodeConntrack in result.ts); how many were written. */
  private conntrack(r: Uint8Array, at: number): number {
    const w = this.writer;
    let fields = 0;
    const id = uint32(r, at + RES_CT_ID);
    if (id !== 0) {
      w.raw(KEY_CT_ID);
      w.number(id);
      fields++;
      const state = this.ctStates.get(packCtState(r[at + RES_TCP_STATE], r[at + RES_CTDIR] !== 0 ? 1 : 0, r[at + RES_CTSTATUS] | (r[at + RES_CTSTATUS + 1] << 8)));
      w.raw(state.bytes);
      fields += state.fields;
    }
    fields += this.optional(this.ctNote.get(r[at + RES_CT_NOTE] | (r[at + RES_CT_NOTE + 1] << 8)));
    fields += this.optional(this.ctReason.get(r[at + RES_CT_REASON]));
    return fields;
  }

  /** Writes a fragment that may be empty (an absent field); 1 when it was a field. */
  private optional(fragment: Uint8Array): number {
    if (fragment.length === 0) return 0;
    this.writer.raw(fragment);
    return 1;
  }

  private outIface(name: string): Uint8Array {
    let bytes = this.out.get(name);
    if (bytes === undefined) this.out.set(name, (bytes = this.make.out(name)));
    return bytes;
  }
}
