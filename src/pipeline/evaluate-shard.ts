// The fused capture path for one shard of a sharded run (`--workers N`, src/node/fused-shard.ts).
// Every shard parses the whole capture in its engine's instance with the same batch boundaries;
// the core keeps the packet records of its own shard (assembly/shard/select.ts: the address-pair
// hash of src/node/shard.ts) and only those are evaluated and written. Frames without a packet
// record (not evaluated, unparsed) belong to shard 0. Each batch comes out as the shard's record
// bytes in frame order, cut into segments — maximal runs of consecutive frames the shard owns —
// so that whoever merges the shards copies whole segments in input order (mergeShardChunks).
import { PKT_SIZE, REPLY_SIZE, RES_SIZE } from '../../assembly/shared/layout.js';
import { inPlaceFrameInfo, inPlaceInputEnd, type InPlaceBatch } from '../capture/in-place.js';
import type { CaptureParser } from '../capture/parser.js';
import type { Engine, PacketSink } from '../engine/engine.js';
import type { RecordFormat } from '../output/encode.js';
import type { EvaluatedRecordWriter } from '../output/record-writer.js';
import { FrameGaps, inPlaceBatches, type CaptureBytes, type EvaluateCaptureOptions } from './evaluate-capture.js';
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
  /** The records of the shard's frames, in frame order, after --only; msgpack: without the array header. */
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
 * onEngine(engine), and `out` cut what a writer into the same engine writes (CoreRecordWriter).
 */
export async function* evaluateCaptureShard(
  engine: ShardEngine,
  parser: CaptureParser,
  bytes: CaptureBytes,
  out: SegmentWriter,
  of: ShardOf,
  opts: EvaluateCaptureOptions = {},
): AsyncGenerator<ShardChunk> {
  if (!Number.isInteger(of.shards) || of.shards < 1 || !Number.isInteger(of.shard) || of.shard < 0 || of.shard >= of.shards) {
    throw new RangeError(`shard ${of.shard} of ${of.shards}`);
  }
  const evaluator = new ShardBatchEvaluator(engine, out, of);
  let index = 0;
  for await (const batch of inPlaceBatches(parser, bytes, opts)) yield evaluator.run(batch, index++);
}

/**
 * Cuts what a record writer writes into segments of consecutive frames (take() at each segment's
 * end) and gathers a batch's segments into one buffer.
 */
export class SegmentWriter {
  private bytes = new Uint8Array(1 << 16);
  private length = 0;
  private segments = new Uint32Array(3 * 256);
  private segmentCount = 0;
  /** The open segment's frames: [start, end) in the batch; empty when start === end. */
  private start = 0;
  private end = 0;
  private writtenAtStart = 0;
  private writtenInBatch = 0;
  private batchFirstFrame = 0;

  constructor(
    readonly writer: EvaluatedRecordWriter,
    private readonly format: RecordFormat,
  ) {}

  /** Starts the batch whose first frame is frame `firstFrame` of the capture (from 0). */
  begin(firstFrame: number): void {
    this.batchFirstFrame = firstFrame;
    this.writer.begin();
    this.length = 0;
    this.segmentCount = 0;
    this.start = this.end = 0;
    this.writtenInBatch = 0;
    this.writtenAtStart = this.writer.written;
  }

  /**
   * The first frame (index in the capture) of the segment being written: what the writer tallies
   * now belongs to it (take() at a segment's end folds the writer's tally).
   */
  get segmentFrame(): number {
    return this.batchFirstFrame + this.start;
  }

  /** The records of frames [frame, frame + frames) of the batch come next (call before writing them). */
  frames(frame: number, frames: number): void {
    if (frame !== this.end) {
      this.close();
      this.start = frame;
    }
    this.end = frame + frames;
  }

  /** The batch's bytes and segments (copies the caller owns). */
  finish(): { bytes: Uint8Array; segments: Uint32Array; written: number } {
    this.close();
    return { bytes: this.bytes.slice(0, this.length), segments: this.segments.slice(0, 3 * this.segmentCount), written: this.writtenInBatch };
  }

  private close(): void {
    if (this.start === this.end) return;
    const written = this.writer.written - this.writtenAtStart;
    const taken = this.writer.take();
    const chunk = typeof taken === 'string' ? new TextEncoder().encode(taken) : taken;
    const records = written === 0 ? chunk : chunk.subarray(this.format === 'msgpack' ? msgpackArrayHeaderLength(written) : 0);
    this.append(records);
    this.writtenAtStart += written;
    this.writtenInBatch += written;
    this.start = this.end;
  }

  private append(records: Uint8Array): void {
    if (this.length + records.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.length + records.length, 2 * this.bytes.length));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(records, this.length);
    this.length += records.length;
    if (3 * (this.segmentCount + 1) > this.segments.length) {
      const grown = new Uint32Array(2 * this.segments.length);
      grown.set(this.segments);
      this.segments = grown;
    }
    const at = 3 * this.segmentCount++;
    this.segments[at] = this.start;
    this.segments[at + 1] = this.end - this.start;
    this.segments[at + 2] = records.length;
  }
}

/** Bytes of the msgpack array header of `count` items (fixarray, array 16, array 32). */
export function msgpackArrayHeaderLength(count: number): number {
  return count < 16 ? 1 : count < 0x10000 ? 3 : 5;
}

/** One shard's work on one batch: select its records in the core, evaluate them, write them by runs of consecutive frames. */
class ShardBatchEvaluator {
  private readonly core: ShardExports;
  private readonly gaps = new FrameGaps();
  private frameTable: number;
  private frameTableSize = FRAME_TABLE;
  /** The frame (index in the batch) of each selected record, while a batch runs. */
  private frameOf: Uint32Array = new Uint32Array(0);
  private nextGap = 0;
  /** Selected records handed to the writer so far. */
  private done = 0;
  private batch: InPlaceBatch | undefined;
  private readonly sink: PacketSink;

  constructor(
    private readonly engine: ShardEngine,
    private readonly out: SegmentWriter,
    private readonly of: ShardOf,
  ) {
    this.core = shardExportsOf(engine.coreExports);
    this.frameTable = engine.reserve(4 * this.frameTableSize);
    this.sink = (view, bytes, res, pkt, reply, count, events) => this.completed(view, bytes, res, pkt, reply, count, events);
  }

  run(batch: InPlaceBatch, index: number): ShardChunk {
    this.batch = batch;
    this.done = 0;
    this.nextGap = 0;
    this.out.begin(batch.firstFrame);
    // shard 0 writes the frames without a packet record, so it alone needs to know them
    if (this.of.shard === 0) this.gaps.scan(batch);
    if (batch.frameCount > this.frameTableSize) {
      this.frameTableSize = batch.frameCount;
      this.frameTable = this.engine.reserve(4 * this.frameTableSize);
    }
    const kept = batch.count === 0 ? 0 : this.core.shardSelect(batch.frames, batch.frameCount, batch.records, this.of.shards, this.of.shard, this.frameTable);
    this.frameOf = new Uint32Array(batch.memory.buffer, this.frameTable, kept);
    if (kept > 0) this.engine.evaluateInPlace(batch.records, kept, this.sink);
    this.writeGapsBefore(batch.frameCount);
    const { bytes, segments, written } = this.out.finish();
    this.batch = undefined;
    return { batch: index, firstFrame: batch.firstFrame, frameCount: batch.frameCount, bytes, segments, written, inputOffset: inPlaceInputEnd(batch) };
  }

  private completed(view: DataView, bytes: Uint8Array, res: number, pkt: number, reply: number, count: number, events: number): void {
    if (this.frameOf.buffer !== view.buffer) this.frameOf = new Uint32Array(view.buffer, this.frameTable, this.frameOf.length);
    const frameOf = this.frameOf;
    const first = this.batch!.firstFrame + 1;
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

  /** Shard 0: the records of the frames without a packet record before frame `frame`. */
  private writeGapsBefore(frame: number): void {
    if (this.of.shard !== 0) return;
    const batch = this.batch!;
    const gaps = this.gaps;
    while (this.nextGap < gaps.count && gaps.frames[this.nextGap] < frame) {
      const j = gaps.frames[this.nextGap++];
      this.out.frames(j, 1);
      this.out.writer.record(frameRecord(batch.firstFrame + j + 1, inPlaceFrameInfo(batch, j)));
    }
  }
}
