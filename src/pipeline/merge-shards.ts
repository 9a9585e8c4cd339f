// Putting the shards' chunks of one batch back together (src/pipeline/evaluate-shard.ts): every
// frame of the batch is in exactly one shard's segments, so walking the frames in order and
// copying, at each, the segment that starts there gives the records in input order — the bytes
// one engine writes for the batch (one msgpack array per batch, as the fused path makes it).
import { MsgpackWriter } from '../output/msgpack-writer.js';
import type { RecordFormat } from '../output/encode.js';
import type { ShardChunk } from './evaluate-shard.js';

/** Merges batches into one buffer it reuses. */
export class ShardMerger {
  private buffer = new Uint8Array(1 << 20);

  constructor(private readonly format: RecordFormat) {}

  /** mergeShardChunks() into the merger's buffer: valid until the next call. */
  merge(chunks: readonly ShardChunk[]): Uint8Array {
    const bytes = chunks.reduce((sum, chunk) => sum + chunk.bytes.length, 0) + 5;
    if (bytes > this.buffer.length) this.buffer = new Uint8Array(Math.max(bytes, 2 * this.buffer.length));
    return mergeShardChunks(chunks, this.format, this.buffer);
  }
}

/**
 * The batch's output from the chunks every shard made of it (index = shard), written into `into`
 * when given (it must hold the chunks' bytes and a msgpack array header); empty when no record
 * was written.
 */
export function mergeShardChunks(chunks: readonly ShardChunk[], format: RecordFormat, into?: Uint8Array): Uint8Array {
  const [first] = chunks;
  let bytes = 0;
  let written = 0;
  for (const chunk of chunks) {
    if (chunk.batch !== first.batch || chunk.firstFrame !== first.firstFrame || chunk.frameCount !== first.frameCount) {
      throw new Error(`--workers: the shards disagree on batch ${first.batch} (frames from ${first.firstFrame + 1}, ${first.frameCount} of them, against ${chunk.firstFrame + 1}, ${chunk.frameCount})`);
    }
    bytes += chunk.bytes.length;
    written += chunk.written;
  }
  if (written === 0) return new Uint8Array(0);
  const header = format === 'msgpack' ? arrayHeader(written) : new Uint8Array(0);
  const out = into ? into.subarray(0, header.length + bytes) : new Uint8Array(header.length + bytes);
  if (out.length !== header.length + bytes) throw new RangeError(`mergeShardChunks: ${into!.length} bytes given for ${header.length + bytes}`);
  out.set(header);
  let at = header.length;
  const segment = new Uint32Array(chunks.length);
  const offset = new Uint32Array(chunks.length);
  for (let frame = 0; frame < first.frameCount; ) {
    const shard = shardAt(chunks, segment, frame);
    const { segments, bytes: from } = chunks[shard];
    const s = 3 * segment[shard]++;
    const length = segments[s + 2];
    if (length > 0) out.set(from.subarray(offset[shard], offset[shard] + length), at);
    offset[shard] += length;
    at += length;
    frame += segments[s + 1];
  }
  for (let shard = 0; shard < chunks.length; shard++) {
    if (3 * segment[shard] !== chunks[shard].segments.length || offset[shard] !== chunks[shard].bytes.length) {
      throw new Error(`--workers: shard ${shard} wrote records past the frames of batch ${first.batch}`);
    }
  }
  return out;
}

/** The shard whose next segment starts at `frame`. */
function shardAt(chunks: readonly ShardChunk[], segment: Uint32Array, frame: number): number {
  for (let shard = 0; shard < chunks.length; shard++) {
    const next = 3 * segment[shard];
    if (next < chunks[shard].segments.length && chunks[shard].segments[next] === frame) return shard;
  }
  throw new Error(`--workers: no shard wrote frame ${chunks[0].firstFrame + frame + 1} (batch ${chunks[0].batch})`);
}

function arrayHeader(count: number): Uint8Array {
  const writer = new MsgpackWriter(8);
  writer.arrayHeader(count);
  return writer.take();
}
