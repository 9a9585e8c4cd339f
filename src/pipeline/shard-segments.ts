// A shard's output for one batch, cut into segments — maximal runs of consecutive frames the shard
// owns — with each segment's byte length, so that whoever merges the shards of a sharded run
// (src/pipeline/merge-shards.ts) copies whole segments in input order.
import type { RecordFormat } from '../output/encode.js';
import type { EvaluatedRecordWriter } from '../output/record-writer.js';

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

/** Bytes of the msgpack array header of `count` items (fixarray, array 16, array 32). */
export function msgpackArrayHeaderLength(count: number): number {
  return count < 16 ? 1 : count < 0x10000 ? 3 : 5;
}
