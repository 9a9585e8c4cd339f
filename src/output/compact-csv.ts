// --format csv straight from compact batches (src/engine/compact.ts): the rows
// `recordEncoder('csv')` writes for outputRecord(n, result), without building the result or the
// record. Each cell is made once per code by csv.ts's own column function on the one field it
// reads, quoted as csvField quotes it, and kept; a row is then the record number and a join.
// Packets decoded in full and records of frames not evaluated go through csvRow as before.
// test/fastpath-equivalence.test.ts holds the two to the same text.
import type { CompactBatch, CompactLabels } from '../engine/compact.js';
import { CompactResultFields, fieldValue, Fragments, unpackCtState, unpackHead } from './compact-fields.js';
import { csvField, csvRow, CSV_COLUMNS } from './csv.js';
import { NAT_SKIPPED_NOTE, outputRecord, type OutputRecord } from './record.js';

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

const NAT_NOTES = cell('notes', [NAT_SKIPPED_NOTE]);

export class CompactCsvEncoder {
  private text = '';
  private readonly fields: CompactResultFields;
  /** The row being made; columns a compact result never fills stay ''. */
  private readonly cells: string[] = CSV_COLUMNS.map(() => '');
  private readonly head = new Fragments((key) => {
    const [verdict, ctstate, hook, path] = unpackHead(key);
    return [cell('verdict', fieldValue.verdict(verdict)), cell('ctstate', fieldValue.ctstate(ctstate)), cell('hook', fieldValue.hook(hook)), cell('path', fieldValue.hook(path))] as const;
  });
  private readonly ruleLabel: readonly string[];
  private readonly soleMatched: Fragments<string>;
  private readonly decided: Fragments<string>;
  private readonly out = new Map<string, string>();
  private readonly helper = new Fragments((id) => cell('helper', fieldValue.helper(id)));
  private readonly ctState = new Fragments((key) => {
    const [tcp, dir, status] = unpackCtState(key);
    return [cell('tcp_state', fieldValue.tcpState(tcp)), cell('ct_dir', fieldValue.ctDir(dir)), cell('ct_status', fieldValue.ctStatus(status))] as const;
  });
  private readonly ctNote = new Fragments((bits) => cell('ct_note', fieldValue.ctNote(bits)));
  private readonly ctReason = new Fragments((code) => cell('ct_reason', fieldValue.ctReason(code)));

  constructor(labels: CompactLabels) {
    this.fields = new CompactResultFields(labels.conntrackEnabled);
    this.ruleLabel = labels.ruleLabel;
    this.soleMatched = new Fragments((entry) => cell('matched', [labels.ruleLabel[entry]]));
    this.decided = new Fragments((entry) => cell('decided_by', labels.decidedLabel[entry]));
  }

  /** Starts a chunk (the count matters to msgpack only). */
  begin(_count: number): void {}

  /** Record number `n`: packet `i` of `batch`. */
  packet(n: number, batch: CompactBatch, i: number): void {
    const full = batch.special.get(i);
    if (full) return this.record(outputRecord(n, full));
    const f = this.fields.read(batch, i);
    const cells = this.cells;
    cells[COLUMN.n] = String(n);
    const head = this.head.get(f.head);
    cells[COLUMN.verdict] = head[0];
    cells[COLUMN.ctstate] = head[1];
    cells[COLUMN.hook] = head[2];
    cells[COLUMN.path] = head[3];
    cells[COLUMN.decidedBy] = f.entry >= 0 ? this.decided.get(f.entry) : '';
    cells[COLUMN.matched] = f.soleMatch ? this.soleMatched.get(f.entry) : f.matchedTo === f.matchedFrom ? '' : this.matchedList(batch.matchedEntries, f.matchedFrom, f.matchedTo);
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
    this.text += cells.join(',') + '\r\n';
  }

  /** A record built elsewhere (frames not evaluated, unparsed input, packets decoded in full). */
  record(rec: OutputRecord): void {
    this.text += csvRow(rec);
  }

  /** The rows written since the last take(). */
  take(): string {
    const text = this.text;
    this.text = '';
    return text;
  }

  private matchedList(entries: Uint32Array, from: number, to: number): string {
    const labels: string[] = [];
    for (let m = from; m < to; m++) labels.push(this.ruleLabel[entries[m]]);
    return cell('matched', labels);
  }

  private outIface(name: string): string {
    let text = this.out.get(name);
    if (text === undefined) this.out.set(name, (text = cell('out', name)));
    return text;
  }
}
