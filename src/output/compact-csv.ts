// --format csv straight from compact batches (src/engine/compact.ts): the rows
// `recordEncoder('csv')` writes for outputRecord(n, result), without building the result or the
// record. Each cell is made once per code by csv.ts's own column function on the one field it
// reads, quoted as csvField quotes it, and kept; a row is then the record number and a join.
// Packets decoded in full and records of frames not evaluated go through csvRow as before.
// test/fastpath-equivalence.test.ts holds the two to the same text.
import type { CompactBatch, CompactLabels } from '../engine/compact.js';
import { type CompactResultFields, fieldValue, Fragments } from './compact-fields.js';
import { CompactTextEncoder } from './compact-text.js';
import { csvField, csvRow, CSV_COLUMNS } from './csv.js';
import { NAT_SKIPPED_NOTE, type OutputRecord } from './record.js';

type Column = keyof OutputRecord;

function columnIndex(name: Column): number {
  const index = CSV_COLUMNS.findIndex(([column]) => column === name);
  if (index < 0) throw new Error(`CSV has no column ${name}`);
  return index;
}

/** The quoted cell of column `name` for a record holding only `value` there ('' when absent). */
function cell<K extends Column>(name: K, value: OutputRecord[K] | undefined): string {
  const [, format] = CSV_COLUMNS[columnIndex(name)];
  return csvField(format({ [name]: value } as unknown as OutputRecord));
}

const COLUMN = {
  n: columnIndex('n'),
  verdict: columnIndex('verdict'),
  ctstate: columnIndex('ctstate'),
  hook: columnIndex('hook'),
  path: columnIndex('path'),
  decidedBy: columnIndex('decided_by'),
  matched: columnIndex('matched'),
  mark: columnIndex('mark'),
  out: columnIndex('out'),
  helper: columnIndex('helper'),
  tcpState: columnIndex('tcp_state'),
  ctId: columnIndex('ct_id'),
  ctDir: columnIndex('ct_dir'),
  ctStatus: columnIndex('ct_status'),
  ctNote: columnIndex('ct_note'),
  ctReason: columnIndex('ct_reason'),
  notes: columnIndex('notes'),
};

/** The notes cell of a packet that met a NAT target. */
export const CSV_NAT_NOTES = cell('notes', [NAT_SKIPPED_NOTE]);
const NAT_NOTES = CSV_NAT_NOTES;

/** The cells a row is made of, by the codes they stand for, quoted; encoders keep what they make. */
export function csvFragments(labels: CompactLabels) {
  return {
    /** The verdict, ctstate, hook and path cells. */
    head: (verdict: number, ctstate: number, hook: number, path: number) =>
      [cell('verdict', fieldValue.verdict(verdict)), cell('ctstate', fieldValue.ctstate(ctstate)), cell('hook', fieldValue.hook(hook)), cell('path', fieldValue.hook(path))] as const,
    /** The matched cell of a packet whose one counted rule decided. */
    soleMatched: (entry: number): string => cell('matched', [labels.ruleLabel[entry]]),
    /** The matched cell of several counted rules. */
    matchedList: (entries: readonly number[]): string => cell('matched', entries.map((entry) => labels.ruleLabel[entry])),
    decided: (entry: number): string => cell('decided_by', labels.decidedLabel[entry]),
    out: (name: string): string => cell('out', name),
    helper: (id: number): string => cell('helper', fieldValue.helper(id)),
    /** The tcp_state, ct_dir and ct_status cells. */
    ctState: (tcp: number, dir: number, status: number) => [cell('tcp_state', fieldValue.tcpState(tcp)), cell('ct_dir', fieldValue.ctDir(dir)), cell('ct_status', fieldValue.ctStatus(status))] as const,
    ctNote: (bits: number): string => cell('ct_note', fieldValue.ctNote(bits)),
    ctReason: (code: number): string => cell('ct_reason', fieldValue.ctReason(code)),
  };
}

export class CompactCsvEncoder extends CompactTextEncoder<readonly [string, string, string, string], readonly [string, string, string]> {
  /** The row being made; columns a compact result never fills stay ''. */
  private readonly cells: string[] = CSV_COLUMNS.map(() => '');
  private readonly soleMatched: Fragments<string>;
  private readonly matchedList: (entries: readonly number[]) => string;

  constructor(labels: CompactLabels) {
    const make = csvFragments(labels);
    super(labels, make);
    this.soleMatched = new Fragments(make.soleMatched);
    this.matchedList = make.matchedList;
  }

  protected line(n: number, batch: CompactBatch, f: CompactResultFields): string {
    const cells = this.cells;
    cells[COLUMN.n] = String(n);
    const head = this.head.get(f.head);
    cells[COLUMN.verdict] = head[0];
    cells[COLUMN.ctstate] = head[1];
    cells[COLUMN.hook] = head[2];
    cells[COLUMN.path] = head[3];
    cells[COLUMN.decidedBy] = f.entry >= 0 ? this.decided.get(f.entry) : '';
    cells[COLUMN.matched] = f.soleMatch ? this.soleMatched.get(f.entry) : f.matchedTo === f.matchedFrom ? '' : this.matchedCell(batch.matchedEntries, f.matchedFrom, f.matchedTo);
    cells[COLUMN.mark] = f.mark !== 0 ? String(f.mark) : '';
    cells[COLUMN.out] = f.out !== '' ? this.outIface(f.out) : '';
    cells[COLUMN.helper] = this.helper.get(f.helper);
    if (f.ctId !== 0) {
      const state = this.ctState.get(f.ctState);
      cells[COLUMN.ctId] = String(f.ctId);
      cells[COLUMN.tcpState] = state[0];
      cells[COLUMN.ctDir] = state[1];
      cells[COLUMN.ctStatus] = state[2];
    } else cells[COLUMN.ctId] = cells[COLUMN.tcpState] = cells[COLUMN.ctDir] = cells[COLUMN.ctStatus] = '';
    cells[COLUMN.ctNote] = this.ctNote.get(f.ctNote);
    cells[COLUMN.ctReason] = this.ctReason.get(f.ctReason);
    cells[COLUMN.notes] = f.natSkipped ? NAT_NOTES : '';
    return cells.join(',') + '\r\n';
  }

  protected recordText(rec: OutputRecord): string {
    return csvRow(rec);
  }

  private matchedCell(entries: Uint32Array, from: number, to: number): string {
    return this.matchedList(Array.from(entries.subarray(from, to)));
  }
}
