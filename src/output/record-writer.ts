// The contract between what runs the core over packets and what turns their results into output
// bytes (--format), for writers that read the results where evaluate() left them in the core's
// memory instead of from OutputRecord objects (issue 6: no object per packet). A writer is handed
// every record of the run, in order: runs of evaluated packets straight from the core, and the
// records made elsewhere (frames not evaluated, unparsed input); it tallies all of them for the
// summary and writes those the --only filter keeps.
import type { OutputRecord } from './record.js';
import type { RecordFilter } from './only.js';

/** What the end-of-run summary counts (src/node/summary.ts implements it). */
export interface RecordTally {
  add(rec: OutputRecord): void;
  /** `count` packets sharing verdict, ctstate and deciding rule (tallied without records). */
  addCounts(verdict: string, ctstate: string | undefined, decidedBy: string | undefined, count: number): void;
}

export interface RecordWriterOptions {
  tally?: RecordTally;
  /** --only: records it rejects are tallied but not written. */
  only?: RecordFilter;
}

export interface EvaluatedRecordWriter {
  /** Starts a chunk (msgpack: one array holding the records written until take()). */
  begin(): void;
  /**
   * The `count` packets one evaluate() call completed, as Engine's PacketSink gets them (the
   * results at `res`, records at `pkt`, reply slots at `reply`, at their strides; events at
   * `events`), numbered firstNumber, firstNumber + 1, …. Read before the next evaluate() call.
   */
  packets(view: DataView, bytes: Uint8Array, res: number, pkt: number, reply: number, count: number, events: number, firstNumber: number): void;
  /** A record made elsewhere, in its place among the packets. */
  record(rec: OutputRecord): void;
  /**
   * The chunk written since begin(); empty when no record was written (not even a msgpack array
   * header). It may be a view the writer reuses: valid until the next call on the writer.
   */
  take(): Uint8Array | string;
  /** Records written so far (after --only). */
  readonly written: number;
}
