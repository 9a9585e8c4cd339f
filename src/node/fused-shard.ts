// `--workers N` on a capture file, the fused path in every shard: each worker reads and parses the
// whole capture in its engine's instance, evaluates and writes (in WASM) the records of the frames
// of its shard only (shard-capture-job.ts, src/pipeline/evaluate-shard.ts), and sends each
// batch's bytes here; the main thread only merges them, batch by batch, in input order
// (src/pipeline/merge-shards.ts). The shards are those of the JS sharded path (shard.ts): the same
// packets meet the same engine in the same order, so records, counters and conntrack tables are
// those of that path.
import type { RecordFormat } from '../output/encode.js';
import { MessageChannel } from 'node:worker_threads';
import { ShardMerger } from '../pipeline/merge-shards.js';
import { CONTROL_MERGED, CONTROL_SLOTS, CONTROL_STOP, type CaptureShardResult, type ShardChunkMessage } from './shard-capture-job.js';
import type { ShardPool } from './shard.js';
import { mergeSummaryParts } from './shard-tally.js';
import type { Summary } from './summary.js';

export interface ShardedCaptureOptions {
  /** A regular file (every shard reads it). */
  path: string;
  format: RecordFormat;
  /** --only as given. */
  only?: string;
  inInterface?: string;
  /** Batches a shard may run ahead of the merge (default 4). */
  window?: number;
}

/** One merged batch. */
export interface MergedChunk {
  /** The batch's output bytes (empty when --only kept no record of it); valid until the next chunk is asked for. */
  output: Uint8Array;
  /** Records so far (one per frame of the capture). */
  records: number;
  inputOffset?: number;
}

const DEFAULT_WINDOW = 4;

/** A sharded capture run: its merged batches, then the shards' summaries and the parser's warnings. */
export class ShardedCaptureRun {
  private results: CaptureShardResult[] | undefined;

  constructor(
    private readonly pool: ShardPool,
    private readonly options: ShardedCaptureOptions,
  ) {}

  /** The merged batches in input order; engine notices go to `say` as they come (each once). */
  async *chunks(say: (notice: string) => void): AsyncGenerator<MergedChunk> {
    const shards = this.pool.size;
    const control = new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT);
    const slots = new Int32Array(control);
    const queues = Array.from({ length: shards }, () => new ChunkQueue());
    const { path, format, only, inInterface } = this.options;
    const window = Math.max(1, Math.floor(this.options.window ?? DEFAULT_WINDOW));
    const channels = queues.map(() => new MessageChannel());
    const requests = channels.map(({ port2: recycled }, shard) => ({
      body: { kind: 'capture' as const, path, format, only, inInterface, shard, shards, control, window, recycled },
      transfer: [recycled],
    }));
    const merger = new ShardMerger(format);
    const answers = this.pool.stream<CaptureShardResult>(requests, (shard, chunk) => queues[shard].push(chunk as ShardChunkMessage));
    answers.forEach((answer, shard) => answer.then(() => queues[shard].end(), (err: Error) => queues[shard].fail(err)));
    const said = new Set<string>();
    let records = 0;
    try {
      for (let batch = 0; ; batch++) {
        const chunks = await Promise.all(queues.map((queue) => queue.next()));
        const ended = chunks.filter((chunk) => chunk === undefined).length;
        if (ended === shards) break;
        if (ended > 0) throw new Error(`--workers: shard ${chunks.indexOf(undefined)} ended after ${batch} batches while the others went on`);
        const whole = chunks as ShardChunkMessage[];
        for (const notice of whole.flatMap((chunk) => chunk.notices)) {
          if (said.has(notice)) continue;
          said.add(notice);
          say(notice);
        }
        records += whole[0].frameCount;
        yield { output: merger.merge(whole), records, inputOffset: whole[0].inputOffset };
        whole.forEach((chunk, shard) => channels[shard].port1.postMessage(chunk.bytes.buffer, [chunk.bytes.buffer as ArrayBuffer]));
        Atomics.store(slots, CONTROL_MERGED, batch + 1);
        Atomics.notify(slots, CONTROL_MERGED);
      }
    } finally {
      // stopped early (the output closed, an error): no shard waits for room any more
      Atomics.store(slots, CONTROL_STOP, 1);
      Atomics.notify(slots, CONTROL_MERGED);
      const settled = await Promise.allSettled(answers);
      for (const { port1 } of channels) port1.close();
      if (settled.every((s) => s.status === 'fulfilled')) this.results = settled.map((s) => (s as PromiseFulfilledResult<CaptureShardResult>).value);
    }
  }

  /** After chunks() ended (or was left early): the shards' tallies added to `summary`, and the capture's warnings. */
  finish(summary: Summary): string[] {
    if (!this.results) throw new Error('ShardedCaptureRun.finish: the shards did not answer');
    mergeSummaryParts(summary, this.results.map((result) => result.summary));
    return this.results[0].warnings;
  }
}

/** One shard's chunks as they arrive, taken in order; undefined after its last one. */
class ChunkQueue {
  private readonly items: ShardChunkMessage[] = [];
  private waiter: { resolve: (chunk: ShardChunkMessage | undefined) => void; reject: (err: Error) => void } | undefined;
  private ended = false;
  private error: Error | undefined;

  push(chunk: ShardChunkMessage): void {
    if (this.waiter) this.settle((w) => w.resolve(chunk));
    else this.items.push(chunk);
  }

  end(): void {
    this.ended = true;
    if (this.waiter) this.settle((w) => w.resolve(undefined));
  }

  fail(err: Error): void {
    this.error = err;
    if (this.waiter) this.settle((w) => w.reject(err));
  }

  next(): Promise<ShardChunkMessage | undefined> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift());
    if (this.error) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  private settle(act: (waiter: NonNullable<ChunkQueue['waiter']>) => void): void {
    const waiter = this.waiter!;
    this.waiter = undefined;
    act(waiter);
  }
}
