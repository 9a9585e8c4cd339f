// The fused capture path for one shard of a sharded run (`--workers N`, src/node/fused-shard.ts).
// Every shard parses the whole capture in its engine's instance with the same batch boundaries
// (its parser skips the records of other shards' packets: CaptureOptions.shard); the core keeps
// the packet records of its own shard (assembly/shard/select.ts: the address-pair hash of
// src/node/shard.ts) and only those are evaluated and written. Frames without a packet record
// (not evaluated, unparsed) belong to shard 0. Each batch comes out as the shard's record bytes
// in frame order, cut into segments (shard-segments.ts) for the merge (merge-shards.ts).
import { PKT_SIZE, REPLY_SIZE, RES_SIZE } from '../../assembly/shared/layout.js';
import { inPlaceFrameInfo, inPlaceInputEnd, type InPlaceBatch } from '../capture/in-place.js';
import type { CaptureParser } from '../capture/parser.js';
import type { Engine, PacketSink } from '../engine/engine.js';
import { inPlaceBatches, type CaptureBytes, type EvaluateCaptureOptions } from './evaluate-capture.js';
import { frameRecord } from './frame-record.js';
import { shardExportsOf, type ShardExports } from './shard-core.js';
import type { FirstFrames } from './shard-first-frames.js';
import type { SegmentWriter } from './shard-segments.js';

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
