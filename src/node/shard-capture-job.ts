// A shard worker's part of a sharded capture run (src/node/fused-shard.ts), in the worker: it
// reads the whole capture file itself, takes the fused path for the frames of its shard and
// sends each batch's record bytes to the main thread as it goes — never more than `window`
// batches ahead of what the main thread has merged (so memory stays bounded when the output is
// slow) and stopping when the main thread says so.
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Engine } from '../engine/engine.js';
import { CoreRecordWriter } from '../output/core-writer.js';
import type { RecordFormat } from '../output/encode.js';
import { parseOnly } from '../output/only.js';
import type { ShardChunk } from '../pipeline/evaluate-shard.js';
import { FirstFrames } from '../pipeline/shard-first-frames.js';
import { SegmentWriter } from '../pipeline/shard-segments.js';
import { classifyCaptureShard } from './fused-capture.js';
import { openInput } from './inputs.js';
import { ShardTally, type SummaryPart } from './shard-tally.js';

/** What the main thread asks of every shard (each with its own `shard`). */
export interface CaptureShardJob {
  /** A regular file: every shard opens it. */
  path: string;
  format: RecordFormat;
  /** --only as the user gave it. */
  only?: string;
  inInterface?: string;
  shard: number;
  shards: number;
  /** Int32 slots shared by all shards (CONTROL_*). */
  control: SharedArrayBuffer;
  /** Batches a shard may send ahead of the main thread. */
  window: number;
  /** Where the main thread hands back the buffers of merged batches, for reuse (fresh ones cost page faults and GC). */
  recycled: MessagePort;
}

/** Slots of the control block: batches the main thread has merged; 1 when the shards should stop. */
export const CONTROL_MERGED = 0;
export const CONTROL_STOP = 1;
export const CONTROL_SLOTS = 2;

/** A batch as sent: the chunk and the engine notices new since the last one. */
export interface ShardChunkMessage extends ShardChunk {
  notices: string[];
}

export interface CaptureShardResult {
  summary: SummaryPart;
  /** The capture parser's warnings (every shard parses the same capture: shard 0's are said). */
  warnings: string[];
}

/** Runs the job on `engine`, handing each batch to `send` (its buffers may be transferred). */
export async function runCaptureShard(engine: Engine, job: CaptureShardJob, send: (message: ShardChunkMessage) => void): Promise<CaptureShardResult> {
  const control = new Int32Array(job.control);
  const input = await openInput(job.path, { inInterface: job.inInterface });
  if (input.kind !== 'capture') {
    throw new Error(`${job.path}: read as ${input.format} by a shard, not as a capture`);
  }
  const firstFrames = new FirstFrames();
  const tally = new ShardTally(firstFrames);
  const writer = new CoreRecordWriter(engine, job.format, { tally, only: job.only !== undefined ? parseOnly(job.only) : undefined });
  const segments = new SegmentWriter(writer, job.format);
  let noticesSent = 0;
  const chunks = classifyCaptureShard(engine, input, segments, { shard: job.shard, shards: job.shards }, firstFrames);
  const buffers = new BufferPool(job.recycled);
  try {
    for await (const chunk of chunks) {
      if (!waitForRoom(control, chunk.batch, job.window)) break;
      const bytes = buffers.take(chunk.bytes.length);
      bytes.set(chunk.bytes);
      send({ ...chunk, bytes, notices: engine.notices.slice(noticesSent) });
      noticesSent = engine.notices.length;
    }
  } finally {
    job.recycled.close();
  }
  return { summary: tally.part(writer.written), warnings: input.warnings };
}

/** Buffers for the batches sent, taken from those the main thread handed back when one is big enough. */
class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  constructor(private readonly recycled: MessagePort) {}

  /** A view of `length` bytes over a buffer of its own (to transfer). */
  take(length: number): Uint8Array {
    // the worker's event loop is busy with the run: handed-back buffers are read off the port here
    for (let got = receiveMessageOnPort(this.recycled); got; got = receiveMessageOnPort(this.recycled)) this.free.push(got.message as ArrayBuffer);
    const fit = this.free.findIndex((buffer) => buffer.byteLength >= length);
    const buffer = fit >= 0 ? this.free.splice(fit, 1)[0] : new ArrayBuffer(Math.max(length + (length >> 2), 1 << 16));
    return new Uint8Array(buffer, 0, length);
  }
}

/** Blocks until batch `batch` is less than `window` ahead of the merged ones; false when told to stop. */
function waitForRoom(control: Int32Array, batch: number, window: number): boolean {
  for (;;) {
    if (Atomics.load(control, CONTROL_STOP) !== 0) return false;
    const merged = Atomics.load(control, CONTROL_MERGED);
    if (batch - merged < window) return true;
    Atomics.wait(control, CONTROL_MERGED, merged);
  }
}
