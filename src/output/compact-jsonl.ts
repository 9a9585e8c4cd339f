// --format jsonl straight from compact batches (src/engine/compact.ts): the text
// `recordEncoder('jsonl')` writes for outputRecord(n, result), without building the result or the
// record. Keys with their values are JSON text made once per code (rule labels, verdicts, …) and
// kept; a line is the record number and a few concatenations. Free text (LOG lines, notes of
// REJECT, errors) only comes with packets decoded in full and records of frames not evaluated,
// which go through JSON.stringify as before. Key order follows outputRecord (record.ts);
// test/fastpath-equivalence.test.ts holds the two to the same text.
import type { CompactBatch, CompactLabels } from '../engine/compact.js';
import { type CompactResultFields, fieldValue, Fragments } from './compact-fields.js';
import { CompactTextEncoder } from './compact-text.js';
import { NAT_SKIPPED_NOTE, type OutputRecord } from './record.js';

/** `,"key":value` as JSON.stringify writes a member after the first; '' when the value is absent. */
function member(key: string, value: unknown): string {
  return value === undefined ? '' : `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
}

/** The text before numbers and lists, and the fixed members. */
export const JSONL_KEYS = {
  /** What a record starts with, up to its number. */
  n: '{"n":',
  /** Up to the first item of a matched list. */
  matched: ',"matched":[',
  mark: ',"mark":',
  ctId: ',"ct_id":',
  natNotes: member('notes', [NAT_SKIPPED_NOTE]),
  nothingMatched: member('matched', []),
};

const { natNotes: NAT_NOTES, nothingMatched: NOTHING_MATCHED } = JSONL_KEYS;

/**
 * The JSON text of each fragment a record is made of, by the codes they stand for (each one or
 * more members, but ruleLabel: an item of the matched list); encoders keep what they make.
 */
export function jsonlFragments(labels: CompactLabels) {
  return {
    head: (verdict: number, ctstate: number, hook: number, path: number): string =>
      member('verdict', fieldValue.verdict(verdict)) + member('ctstate', fieldValue.ctstate(ctstate)) + member('hook', fieldValue.hook(hook)) + member('path', fieldValue.hook(path)),
    ruleLabel: (entry: number): string => JSON.stringify(labels.ruleLabel[entry]),
    decided: (entry: number): string => member('decided_by', labels.decidedLabel[entry]),
    /** "matched": [rule], "decided_by": rule. */
    decidedBySole: (entry: number): string => member('matched', [labels.ruleLabel[entry]]) + member('decided_by', labels.decidedLabel[entry]),
    /** "matched": [], "decided_by": entry (policies). */
    decidedByNone: (entry: number): string => NOTHING_MATCHED + member('decided_by', labels.decidedLabel[entry]),
    out: (name: string): string => member('out', name),
    helper: (id: number): string => member('helper', fieldValue.helper(id)),
    ctState: (tcp: number, dir: number, status: number): string =>
      member('tcp_state', fieldValue.tcpState(tcp)) + member('ct_dir', fieldValue.ctDir(dir)) + member('ct_status', fieldValue.ctStatus(status)),
    ctNote: (bits: number): string => member('ct_note', fieldValue.ctNote(bits)),
    ctReason: (code: number): string => member('ct_reason', fieldValue.ctReason(code)),
  };
}

export class CompactJsonlEncoder extends CompactTextEncoder<string, string> {
  /** JSON string of each entry's "table:chain:N", for matched lists. */
  private readonly ruleLabel: Fragments<string>;
  /** "matched": [rule], "decided_by": rule, by entry. */
  private readonly decidedBySole: Fragments<string>;
  /** "matched": [], "decided_by": entry, by entry (policies). */
  private readonly decidedByNone: Fragments<string>;

  constructor(labels: CompactLabels) {
    const make = jsonlFragments(labels);
    super(labels, make);
    this.ruleLabel = new Fragments(make.ruleLabel);
    this.decidedBySole = new Fragments(make.decidedBySole);
    this.decidedByNone = new Fragments(make.decidedByNone);
  }

  protected line(n: number, batch: CompactBatch, f: CompactResultFields): string {
    let line = `${JSONL_KEYS.n}${n}${this.head.get(f.head)}`;
    if (f.soleMatch) line += this.decidedBySole.get(f.entry);
    else if (f.matchedTo === f.matchedFrom) line += f.entry >= 0 ? this.decidedByNone.get(f.entry) : NOTHING_MATCHED;
    else {
      line += JSONL_KEYS.matched;
      for (let m = f.matchedFrom; m < f.matchedTo; m++) line += (m > f.matchedFrom ? ',' : '') + this.ruleLabel.get(batch.matchedEntries[m]);
      line += ']';
      if (f.entry >= 0) line += this.decided.get(f.entry);
    }
    if (f.mark !== 0) line += `${JSONL_KEYS.mark}${f.mark}`;
    if (f.out !== '') line += this.outIface(f.out);
    if (f.helper !== 0) line += this.helper.get(f.helper);
    if (f.ctId !== 0) line += `${JSONL_KEYS.ctId}${f.ctId}${this.ctState.get(f.ctState)}`;
    if (f.ctNote !== 0) line += this.ctNote.get(f.ctNote);
    if (f.ctReason !== 0) line += this.ctReason.get(f.ctReason);
    if (f.natSkipped) line += NAT_NOTES;
    return line + '}\n';
  }

  protected recordText(rec: OutputRecord): string {
    return JSON.stringify(rec) + '\n';
  }
}
