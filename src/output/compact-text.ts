// What the text encoders of compact batches (compact-jsonl.ts, compact-csv.ts) share: the chunk of
// text, packets decoded in full going through the record encoder, the fields of the others read
// into one reused object, and the fragment caches both formats key the same way. Each format
// says how a record of fields becomes its line, and how a record object does.
import type { CompactBatch, CompactLabels } from '../engine/compact.js';
import { CompactResultFields, Fragments, unpackCtState, unpackHead } from './compact-fields.js';
import { outputRecord, type OutputRecord } from './record.js';

/** The makers of the fragments both text formats cache by the same codes. */
export interface TextFragmentMakers<Head, CtState> {
  head(verdict: number, ctstate: number, hook: number, path: number): Head;
  decided(entry: number): string;
  out(name: string): string;
  helper(id: number): string;
  ctState(tcp: number, dir: number, status: number): CtState;
  ctNote(bits: number): string;
  ctReason(code: number): string;
}

export abstract class CompactTextEncoder<Head, CtState> {
  private text = '';
  private readonly fields: CompactResultFields;
  private readonly outs = new Map<string, string>();
  protected readonly head: Fragments<Head>;
  protected readonly decided: Fragments<string>;
  protected readonly helper: Fragments<string>;
  protected readonly ctState: Fragments<CtState>;
  protected readonly ctNote: Fragments<string>;
  protected readonly ctReason: Fragments<string>;

  constructor(labels: CompactLabels, private readonly makers: TextFragmentMakers<Head, CtState>) {
    this.fields = new CompactResultFields(labels.conntrackEnabled);
    this.head = new Fragments((key) => makers.head(...unpackHead(key)));
    this.decided = new Fragments(makers.decided);
    this.helper = new Fragments(makers.helper);
    this.ctState = new Fragments((key) => makers.ctState(...unpackCtState(key)));
    this.ctNote = new Fragments(makers.ctNote);
    this.ctReason = new Fragments(makers.ctReason);
  }

  /** Starts a chunk (the count matters to msgpack only). */
  begin(_count: number): void {}

  /** Record number `n`: packet `i` of `batch`. */
  packet(n: number, batch: CompactBatch, i: number): void {
    const full = batch.special.get(i);
    this.text += full ? this.recordText(outputRecord(n, full)) : this.line(n, batch, this.fields.read(batch, i));
  }

  /** A record built elsewhere (frames not evaluated, unparsed input, packets decoded in full). */
  record(rec: OutputRecord): void {
    this.text += this.recordText(rec);
  }

  /** The text written since the last take(). */
  take(): string {
    const text = this.text;
    this.text = '';
    return text;
  }

  /** The out-interface fragment, cached by name. */
  protected outIface(name: string): string {
    let text = this.outs.get(name);
    if (text === undefined) this.outs.set(name, (text = this.makers.out(name)));
    return text;
  }

  /** The line (with its end) of packet `f` of `batch`, numbered `n`. */
  protected abstract line(n: number, batch: CompactBatch, f: CompactResultFields): string;

  /** The line (with its end) of a record object, as the record path writes it. */
  protected abstract recordText(rec: OutputRecord): string;
}
