// The fused capture path (issue 6): capture bytes are parsed in the engine's own instance
// (CaptureParser.onEngine) and evaluated where the parser wrote them (Engine.evaluateInPlace);
// a writer (src/output/record-writer.ts) turns the results into output bytes straight from the
// core's memory. Nothing is copied per packet and no object is made per evaluated frame: frame
// infos are read in memory, and only frames without a packet record become FrameInfo objects
// (for their NOT_EVALUATED or UNPARSED record). Host-neutral: the bytes come from a reader
// function or an iterable of chunks. Streaming: one output chunk per parser batch, and the next
// input is read only when the consumer asks for the next chunk.
import { PKT_SIZE, REPLY_SIZE, RES_SIZE } from '../../assembly/shared/layout.js';
import { inPlaceFrameInfo, inPlaceInputEnd, recordOfFrame, type InPlaceBatch } from '../capture/in-place.js';
import type { CaptureParser } from '../capture/parser.js';
import type { Engine, PacketSink } from '../engine/engine.js';
import type { EvaluatedRecordWriter } from '../output/record-writer.js';
import { frameRecord } from './frame-record.js';

/** Reads into `into` (a view of the parser's input buffer); resolves to the bytes read, 0 at the end. */
export type ReadInto = (into: Uint8Array) => number | Promise<number>;

/**
 * Where the capture's bytes come from: read straight into the parser's input buffer (a file
 * descriptor; `head` holds bytes already read from it), or chunks copied in (any stream).
 */
export type CaptureBytes = { readInto: ReadInto; head?: Uint8Array } | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** What one parser batch gave. */
export interface EvaluatedChunk {
  /**
   * The writer's output for the batch (empty when --only kept none of its records); possibly a
   * view the writer reuses: write or copy it before asking for the next chunk.
   */
  output: string | Uint8Array;
  /** Records so far (one per frame of the capture). */
  records: number;
  /** Where in the input the batch ended (its last frame's offset plus captured length). */
  inputOffset?: number;
}

export interface EvaluateCaptureOptions {
  /** Bytes per readInto() call (default 4 MiB; the parser's input buffer bounds it). */
  readSize?: number;
}

const DEFAULT_READ = 4 << 20;

/**
 * The records of a capture, evaluated by `engine` and written by `writer`, one chunk per parser
 * batch, in input order: record n is frame n (from 1). `parser` must be onEngine(engine).
 */
export async function* evaluateCapture(
  engine: Pick<Engine, 'evaluateInPlace'>,
  parser: CaptureParser,
  bytes: CaptureBytes,
  writer: EvaluatedRecordWriter,
  opts: EvaluateCaptureOptions = {},
): AsyncGenerator<EvaluatedChunk> {
  const evaluator = new BatchEvaluator(engine, writer);
  let records = 0;
  for await (const batch of inPlaceBatches(parser, bytes, opts)) {
    writer.begin();
    evaluator.run(batch);
    records += batch.frameCount;
    yield { output: writer.take(), records, inputOffset: inPlaceInputEnd(batch) };
  }
}

/**
 * The capture's batches as `parser` leaves them in its instance, in input order; each is valid
 * until the next is asked for. The next input is read only when the batches read so far are used.
 */
export async function* inPlaceBatches(parser: CaptureParser, bytes: CaptureBytes, opts: EvaluateCaptureOptions = {}): AsyncGenerator<InPlaceBatch> {
  if ('readInto' in bytes) {
    const readSize = Math.max(1, Math.floor(opts.readSize ?? DEFAULT_READ));
    if (bytes.head?.length) yield* parser.feedInPlace(bytes.head);
    for (;;) {
      const space = parser.writable(readSize);
      if (space.length === 0) throw new Error('capture parser: no room in the input buffer');
      const n = await bytes.readInto(space);
      if (n === 0) break;
      yield* parser.commitInPlace(n);
    }
  } else {
    for await (const chunk of bytes) yield* parser.feedInPlace(chunk);
  }
  yield* parser.endInPlace();
}

/**
 * Runs one in-place batch: all its packet records through evaluateInPlace at once, the completed
 * packets handed to the writer in runs that stop at the frames without a packet record, whose
 * records the writer gets in their place between the runs.
 */
class BatchEvaluator {
  /** Frames of the batch (index in the batch) that have no packet record, in order. */
  private gaps = new Int32Array(256);
  private gapCount = 0;
  /** The next gap not written yet. */
  private nextGap = 0;
  /** Packet records of the batch handed to the writer so far. */
  private done = 0;
  private batch: InPlaceBatch | undefined;
  private readonly sink: PacketSink;

  constructor(
    private readonly engine: Pick<Engine, 'evaluateInPlace'>,
    private readonly writer: EvaluatedRecordWriter,
  ) {
    this.sink = (view, bytes, res, pkt, reply, count, events) => this.completed(view, bytes, res, pkt, reply, count, events);
  }

  run(batch: InPlaceBatch): void {
    this.batch = batch;
    this.gapCount = 0;
    this.nextGap = 0;
    this.done = 0;
    const view = new DataView(batch.memory.buffer);
    // a frame without a packet record is a gap; when every frame has one there are none to find
    for (let j = 0; batch.count !== batch.frameCount && j < batch.frameCount; j++) {
      const record = recordOfFrame(batch, view, j);
      if (record < 0) this.addGap(j);
      // Records are written in frame order: a frame's record is the count of evaluated frames before it.
      else if (record !== j - this.gapCount) throw new Error(`capture batch: frame ${batch.firstFrame + j + 1} names packet record ${record}, not ${j - this.gapCount}`);
    }
    if (batch.frameCount - this.gapCount !== batch.count) throw new Error(`capture batch: ${batch.count} packet records for ${batch.frameCount - this.gapCount} evaluated frames`);
    if (batch.count > 0) this.engine.evaluateInPlace(batch.records, batch.count, this.sink);
    this.writeGaps(batch.count);
    this.batch = undefined;
  }

  private completed(view: DataView, bytes: Uint8Array, res: number, pkt: number, reply: number, count: number, events: number): void {
    const first = this.batch!.firstFrame + 1;
    for (let k = 0; k < count; ) {
      this.writeGaps(this.done);
      // Packet records before the next gap; at least one, as the gaps before `done` are written.
      const room = this.nextGap < this.gapCount ? this.gaps[this.nextGap] - this.nextGap - this.done : count;
      const n = Math.min(count - k, room);
      this.writer.packets(view, bytes, res + k * RES_SIZE, pkt + k * PKT_SIZE, reply + k * REPLY_SIZE, n, events, first + this.done + this.nextGap);
      k += n;
      this.done += n;
    }
  }

  /** The records of the frames without a packet record that come before packet record `record`. */
  private writeGaps(record: number): void {
    const batch = this.batch!;
    while (this.nextGap < this.gapCount && this.gaps[this.nextGap] - this.nextGap <= record) {
      const j = this.gaps[this.nextGap++];
      this.writer.record(frameRecord(batch.firstFrame + j + 1, inPlaceFrameInfo(batch, j)));
    }
  }

  private addGap(frame: number): void {
    if (this.gapCount === this.gaps.length) {
      const grown = new Int32Array(this.gaps.length * 2);
      grown.set(this.gaps);
      this.gaps = grown;
    }
    this.gaps[this.gapCount++] = frame;
  }
}
