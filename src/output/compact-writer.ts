// An EvaluatedRecordWriter (record-writer.ts) over the compact machinery: each run of evaluated
// packets is copied out of the core once (CompactBuilder), tallied and filtered by the codes of
// its results (no record object), and encoded by the compact encoder of the format at take().
// The bytes are those recordEncoder writes for the same records (test/fused-*.test.ts).
import { RES_CTSTATE, RES_ENTRY, RES_SIZE, RES_VERDICT } from '../../assembly/shared/layout.js';
import { CompactBuilder, compactLabels, type CompactBatch, type CompactLabels } from '../engine/compact.js';
import { ctstateName, VERDICT_NAMES } from '../engine/names.js';
import type { ResultDecoder } from '../engine/result.js';
import { compactEncoder, type CompactRecordEncoder } from './compact-encoder.js';
import type { RecordFormat } from './encode.js';
import type { RecordFilter } from './only.js';
import { outputRecord, type OutputRecord } from './record.js';
import type { EvaluatedRecordWriter, RecordTally, RecordWriterOptions } from './record-writer.js';

/** Packets of one packets() call that are to be written: all, or those `kept` marks. */
interface PacketRun {
  batch: CompactBatch;
  firstNumber: number;
  kept?: Uint8Array;
}

export class CompactRecordWriter implements EvaluatedRecordWriter {
  written = 0;
  private readonly labels: CompactLabels;
  private readonly encoder: CompactRecordEncoder;
  /** Packets tallied but not yet passed on, by head key (headKey), in the order first seen. */
  private readonly pending = new Map<number, number>();
  /** Whether --only keeps a (verdict, ctstate) pair: 1 yes, 2 no, 0 not known yet. */
  private readonly keeps = new Uint8Array(1 << 16);
  /** What the chunk holds, in order: runs of packets and records made elsewhere. */
  private pieces: Array<PacketRun | OutputRecord> = [];
  private chunkRecords = 0;

  constructor(
    private readonly format: RecordFormat,
    private readonly decoder: ResultDecoder,
    private readonly options: RecordWriterOptions = {},
  ) {
    this.labels = compactLabels(decoder);
    this.encoder = compactEncoder(format, this.labels);
  }

  begin(): void {
    this.pieces = [];
    this.chunkRecords = 0;
  }

  packets(view: DataView, bytes: Uint8Array, res: number, pkt: number, reply: number, count: number, events: number, firstNumber: number): void {
    const builder = new CompactBuilder(count, this.decoder);
    builder.add(view, bytes, res, pkt, reply, count, events);
    const batch = builder.finish();
    const { tally, only } = this.options;
    const kept = only ? new Uint8Array(count) : undefined;
    const keptCount = tally || only ? this.tallyAndFilter(batch, firstNumber, kept) : count;
    if (keptCount > 0) this.pieces.push({ batch, firstNumber, kept });
    this.chunkRecords += keptCount;
    this.written += keptCount;
  }

  /** Tallies the packets of `batch` and marks in `kept` those --only keeps; returns how many (all without --only). */
  private tallyAndFilter(batch: CompactBatch, firstNumber: number, kept: Uint8Array | undefined): number {
    // The rare packets decoded in full are handled here, out of the hot loop (tallyCodes), which
    // V8 would otherwise deoptimize each time one came along (a branch it has no feedback for).
    // CompactBuilder adds them in index order.
    let keptCount = 0;
    let from = 0;
    for (const [i, full] of batch.special) {
      keptCount += this.tallyCodes(batch, from, i, kept);
      const rec = outputRecord(firstNumber + i, full);
      if (this.options.tally) {
        this.flushTally(this.options.tally);
        this.options.tally.add(rec);
      }
      if (!this.options.only || this.options.only(rec)) {
        if (kept) kept[i] = 1;
        keptCount++;
      }
      from = i + 1;
    }
    keptCount += this.tallyCodes(batch, from, batch.count, kept);
    if (this.options.tally) this.flushTally(this.options.tally);
    return keptCount;
  }

  /** tallyAndFilter for packets `from` .. `to` of `batch`, none of them decoded in full: by the codes of their results. */
  private tallyCodes(batch: CompactBatch, from: number, to: number, kept: Uint8Array | undefined): number {
    const { tally, only } = this.options;
    const r = batch.results;
    let keptCount = 0;
    // Consecutive packets mostly share their head: counted as a run, put in `pending` when it ends.
    let runKey = -1;
    let runLength = 0;
    for (let i = from; i < to; i++) {
      const at = i * RES_SIZE;
      const verdict = r[at + RES_VERDICT];
      const ctstate = r[at + RES_CTSTATE];
      if (tally) {
        const entry = r[at + RES_ENTRY] | (r[at + RES_ENTRY + 1] << 8) | (r[at + RES_ENTRY + 2] << 16) | (r[at + RES_ENTRY + 3] << 24);
        const key = headKey(verdict, ctstate, entry < 0 ? -1 : entry);
        if (key !== runKey) {
          this.countRun(runKey, runLength);
          runKey = key;
          runLength = 0;
        }
        runLength++;
      }
      if (!only || this.keptHead(only, verdict, ctstate)) {
        if (kept) kept[i] = 1;
        keptCount++;
      }
    }
    this.countRun(runKey, runLength);
    return keptCount;
  }

  private countRun(key: number, length: number): void {
    if (length > 0) this.pending.set(key, (this.pending.get(key) ?? 0) + length);
  }

  record(rec: OutputRecord): void {
    this.options.tally?.add(rec);
    if (this.options.only && !this.options.only(rec)) return;
    this.pieces.push(rec);
    this.chunkRecords++;
    this.written++;
  }

  take(): Uint8Array | string {
    if (this.chunkRecords === 0) return this.format === 'msgpack' ? new Uint8Array(0) : '';
    const encoder = this.encoder;
    encoder.begin(this.chunkRecords);
    for (const piece of this.pieces) {
      if (!('batch' in piece)) {
        encoder.record(piece);
        continue;
      }
      const { batch, firstNumber, kept } = piece;
      for (let i = 0; i < batch.count; i++) if (!kept || kept[i]) encoder.packet(firstNumber + i, batch, i);
    }
    this.pieces = [];
    this.chunkRecords = 0;
    return encoder.take();
  }

  /** Passes the pending counts on, in the order their heads were first seen (so the summary lists them as record by record). */
  private flushTally(tally: RecordTally): void {
    if (this.pending.size === 0) return;
    for (const [key, count] of this.pending) {
      const entry = Math.floor(key / HEAD_ENTRY) - 1;
      tally.addCounts(verdictName(key & 0xff), ctstateName((key >>> 8) & 0xff), entry >= 0 ? this.labels.decidedLabel[entry] : undefined, count);
    }
    this.pending.clear();
  }

  /** Whether --only keeps a packet of these codes (what the filter says of its record's verdict and ctstate). */
  private keptHead(only: RecordFilter, verdict: number, ctstate: number): boolean {
    const code = (verdict << 8) | ctstate;
    if (this.keeps[code] === 0) {
      const keep = only.verdicts.has(verdictName(verdict)) || only.ctstates.has(ctstateName(ctstate) ?? '');
      this.keeps[code] = keep ? 1 : 2;
    }
    return this.keeps[code] === 1;
  }
}

/** Multiplier of the entry in a head key: below it, the verdict and ctstate codes (a byte each). */
const HEAD_ENTRY = 1 << 16;

/** Verdict, ctstate and deciding entry (-1: none) as one number (a small integer for rulesets of any real size). */
function headKey(verdict: number, ctstate: number, entry: number): number {
  return (entry + 1) * HEAD_ENTRY + (ctstate << 8) + verdict;
}

/** The verdict a record states for the core's code (compactRecordHead's reading). */
function verdictName(code: number): string {
  return VERDICT_NAMES[code] ?? 'DROP';
}
