// The fused capture path for one shard of a sharded run (`--workers N`, src/node/fused-shard.ts).
// Every shard parses the whole capture in its engine's instance with the same batch boundaries;
// the core keeps the packet records of its own shard (assembly/shard/select.ts: the address-pair
// hash of src/node/shard.ts) and only those are evaluated and written. Frames without a packet
// record (not evaluated, unparsed) belong to shard 0. Each batch comes out as the shard's record
// bytes in frame order, cut into segments — maximal runs of consecutive frames the shard owns —
// so that whoever merges the shards copies whole segments in input order (mergeShardChunks).
import { PKT_SIZE, REPLY_SIZE, RES_CTSTATE, RES_SIZE, RES_VERDICT } from '../../assembly/shared/layout.js';
import { inPlaceFrameInfo, inPlaceInputEnd, type InPlaceBatch } from '../capture/in-place.js';
import type { CaptureParser } from '../capture/parser.js';
import type { Engine, PacketSink } from '../engine/engine.js';
import type { RecordFormat } from '../output/encode.js';
import type { EvaluatedRecordWriter } from '../output/record-writer.js';
import { inPlaceBatches, type CaptureBytes, type EvaluateCaptureOptions } from './evaluate-capture.js';
import { frameRecord } from './frame-record.js';
import { shardExportsOf, type ShardExports } from './shard-core.js';

/** Which shard this is, of how many. */
export interface ShardOf {
  shard: number;
  shards: number;
}

/** One batch of one shard. */
export interface ShardChunk {
  /** Index of the batch in the capture (from 0): every shard has the same batches. */
  batch: number;
  /** Index in the capture of the batch's first frame, and its frames. */
  firstFrame: number;
  frameCount: number;
  /**
   * The records of the shard's frames, in frame order, after --only; msgpack: without the array
   * header. A view of the core's memory, valid until the next chunk is asked for: copy it to keep it.
   */
  bytes: Uint8Array;
  /** Per segment, three u32: its first frame (index in the batch), its frames, its bytes. */
  segments: Uint32Array;
  /** Records in `bytes`. */
  written: number;
  /** Where in the input the batch ended, for progress. */
  inputOffset?: number;
}

/** The engine as a shard uses it: the fused path's in-place evaluation, and the instance it shares with the parser. */
export type ShardEngine = Pick<Engine, 'evaluateInPlace' | 'reserve' | 'coreExports'>;

/** Frames per batch the frame table is made for; a larger batch grows it (CaptureParser's MAX_BATCH). */
const FRAME_TABLE = 65536;

/**
 * The shard's chunks of the capture, one per parser batch, in input order. `parser` must be
 * onEngine(engine), and `out` cut what a writer into the same engine writes (CoreRecordWriter);
 * `firstFrames` learns where each verdict and ctstate first appeared.
 */
export async function* evaluateCaptureShard(
  engine: ShardEngine,
  parser: CaptureParser,
  bytes: CaptureBytes,
  out: SegmentWriter,
  of: ShardOf,
  firstFrames: FirstFrames,
  opts: EvaluateCaptureOptions = {},
): AsyncGenerator<ShardChunk> {
  if (!Number.isInteger(of.shards) || of.shards < 1 || !Number.isInteger(of.shard) || of.shard < 0 || of.shard >= of.shards) {
    throw new RangeError(`shard ${of.shard} of ${of.shards}`);
  }
  const evaluator = new ShardBatchEvaluator(engine, out, of, firstFrames);
  let index = 0;
  for await (const batch of inPlaceBatches(parser, bytes, opts)) yield evaluator.run(batch, index++);
}

/** A record writer that says how many bytes it wrote since its last take() (CoreRecordWriter). */
export type SegmentableWriter = EvaluatedRecordWriter & { readonly pendingBytes: number };

/**
 * Cuts a batch's output into segments of consecutive frames: the writer writes the whole batch as
 * one chunk, and each segment's length is read off its byte count as the segment closes.
 */
export class SegmentWriter {
  private segments = new Uint32Array(3 * 256);
  private segmentCount = 0;
  /** The open segment's frames: [start, end) in the batch; empty when start === end. */
  private start = 0;
  private end = 0;
  private bytesAtStart = 0;
  private writtenAtBegin = 0;

  constructor(
    readonly writer: SegmentableWriter,
    private readonly format: RecordFormat,
  ) {}

  begin(): void {
    this.writer.begin();
    this.segmentCount = 0;
    this.start = this.end = 0;
    this.bytesAtStart = 0;
    this.writtenAtBegin = this.writer.written;
  }

  /** The records of frames [frame, frame + frames) of the batch come next (call before writing them). */
  frames(frame: number, frames: number): void {
    if (frame !== this.end) {
      this.close();
      this.start = frame;
    }
    this.end = frame + frames;
  }

  /**
   * The batch's bytes (msgpack: without the array header; a view the writer reuses: valid until
   * the next call on it), its segments (a copy) and the records written.
   */
  finish(): { bytes: Uint8Array; segments: Uint32Array; written: number } {
    this.close();
    const written = this.writer.written - this.writtenAtBegin;
    const taken = this.writer.take();
    const chunk = typeof taken === 'string' ? new TextEncoder().encode(taken) : taken;
    const header = written > 0 && this.format === 'msgpack' ? msgpackArrayHeaderLength(written) : 0;
    if (chunk.length - header !== this.bytesAtStart) throw new Error(`record writer: ${chunk.length - header} bytes in the chunk, ${this.bytesAtStart} in its segments`);
    return { bytes: chunk.subarray(header), segments: this.segments.slice(0, 3 * this.segmentCount), written };
  }

  private close(): void {
    if (this.start === this.end) return;
    const bytes = this.writer.pendingBytes;
    if (3 * (this.segmentCount + 1) > this.segments.length) {
      const grown = new Uint32Array(2 * this.segments.length);
      grown.set(this.segments);
      this.segments = grown;
    }
    const at = 3 * this.segmentCount++;
    this.segments[at] = this.start;
    this.segments[at + 1] = this.end - this.start;
    this.segments[at + 2] = bytes - this.bytesAtStart;
    this.bytesAtStart = bytes;
    this.start = this.end;
  }
}

/**
 * The first frame (index in the capture) at which each verdict and each ctstate code appeared in
 * the shard's evaluated packets, read off their results: the summary lists them in the order of
 * first appearance, which the shards' bulk tallies (Summary.addCounts) do not carry.
 */
export class FirstFrames {
  readonly verdict = new Float64Array(256).fill(Infinity);
  readonly ctstate = new Float64Array(256).fill(Infinity);

  /** `count` results at `res` (RES_SIZE apart), of the packets of frames firstFrame + frameOf[from + k]. */
  note(bytes: Uint8Array, res: number, count: number, frameOf: Uint32Array, from: number, firstFrame: number): void {
    for (let k = 0; k < count; k++) {
      const r = res + k * RES_SIZE;
      const verdict = bytes[r + RES_VERDICT];
      const ctstate = bytes[r + RES_CTSTATE];
      if (this.verdict[verdict] === Infinity) this.verdict[verdict] = firstFrame + frameOf[from + k];
      if (this.ctstate[ctstate] === Infinity) this.ctstate[ctstate] = firstFrame + frameOf[from + k];
    }
  }
}

/** Bytes of the msgpack array header of `count` items (fixarray, array 16, array 32). */
export function msgpackArrayHeaderLength(count: number): number {
  return count < 16 ? 1 : count < 0x10000 ? 3 : 5;
}

/** One shard's work on one batch: select its records in the core, evaluate them, write them by runs of consecutive frames. */
class ShardBatchEvaluator {
  private readonly core: ShardExports;
  /** Where the core lists the selected records' frames and the frames without a record (u32 each), for batches of up to `tableFrames` frames. */
  private frameTable = 0;
  private gapTable = 0;
  private tableFrames = 0;
  /** The frame (index in the batch) of each selected record, while a batch runs. */
  private frameOf: Uint32Array = new Uint32Array(0);
  /** Shard 0: the frames of the batch without a packet record, and the next one to write. */
  private gaps: Uint32Array = new Uint32Array(0);
  private nextGap = 0;
  /** Selected records handed to the writer so far. */
  private done = 0;
  private batch: InPlaceBatch | undefined;
  private readonly sink: PacketSink;

  constructor(
    private readonly engine: ShardEngine,
    private readonly out: SegmentWriter,
    private readonly of: ShardOf,
    private readonly firstFrames: FirstFrames,
  ) {
    this.core = shardExportsOf(engine.coreExports);
    this.reserveTables(FRAME_TABLE);
    this.sink = (view, bytes, res, pkt, reply, count, events) => this.completed(view, bytes, res, pkt, reply, count, events);
  }

  run(batch: InPlaceBatch, index: number): ShardChunk {
    this.batch = batch;
    this.done = 0;
    this.nextGap = 0;
    this.out.begin();
    if (batch.frameCount > this.tableFrames) this.reserveTables(batch.frameCount);
    const kept = this.core.shardSelect(batch.frames, batch.frameCount, batch.records, this.of.shards, this.of.shard, this.frameTable, this.gapTable);
    const buffer = batch.memory.buffer;
    this.frameOf = new Uint32Array(buffer, this.frameTable, kept);
    // shard 0 writes the frames without a packet record
    this.gaps = this.of.shard === 0 ? new Uint32Array(buffer, this.gapTable + 4, new Uint32Array(buffer, this.gapTable, 1)[0]) : new Uint32Array(0);
    if (kept > 0) this.engine.evaluateInPlace(batch.records, kept, this.sink);
    this.writeGapsBefore(batch.frameCount);
    const { bytes, segments, written } = this.out.finish();
    this.batch = undefined;
    return { batch: index, firstFrame: batch.firstFrame, frameCount: batch.frameCount, bytes, segments, written, inputOffset: inPlaceInputEnd(batch) };
  }

  private reserveTables(frames: number): void {
    this.tableFrames = frames;
    this.frameTable = this.engine.reserve(4 * frames);
    this.gapTable = this.engine.reserve(4 * (frames + 1));
  }

  private completed(view: DataView, bytes: Uint8Array, res: number, pkt: number, reply: number, count: number, events: number): void {
    if (this.frameOf.buffer !== view.buffer) this.renewViews(view.buffer);
    const frameOf = this.frameOf;
    const first = this.batch!.firstFrame + 1;
    this.firstFrames.note(bytes, res, count, frameOf, this.done, first - 1);
    for (let k = 0; k < count; ) {
      const frame = frameOf[this.done];
      this.writeGapsBefore(frame);
      // the run of records whose frames follow each other: written with one call, numbered in a row
      let n = 1;
      while (k + n < count && frameOf[this.done + n] === frame + n) n++;
      this.out.frames(frame, n);
      this.out.writer.packets(view, bytes, res + k * RES_SIZE, pkt + k * PKT_SIZE, reply + k * REPLY_SIZE, n, events, first + frame);
      k += n;
      this.done += n;
    }
  }

  /** The core's memory grew: views over the new buffer. */
  private renewViews(buffer: ArrayBufferLike): void {
    this.frameOf = new Uint32Array(buffer, this.frameTable, this.frameOf.length);
    this.gaps = this.gaps.length === 0 ? this.gaps : new Uint32Array(buffer, this.gapTable + 4, this.gaps.length);
  }

  /** Shard 0: the records of the frames without a packet record before frame `frame`. */
  private writeGapsBefore(frame: number): void {
    const batch = this.batch!;
    const gaps = this.gaps;
    while (this.nextGap < gaps.length && gaps[this.nextGap] < frame) {
      const j = gaps[this.nextGap++];
      this.out.frames(j, 1);
      this.out.writer.record(frameRecord(batch.firstFrame + j + 1, inPlaceFrameInfo(batch, j)));
    }
  }
}
