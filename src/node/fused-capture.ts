// Node-only: the fused capture path (src/pipeline/evaluate-capture.ts) over an opened capture
// file or stdin: its bytes are read with readSync straight into the parser's input buffer, which
// lives in the engine's instance, and the records are evaluated where they were parsed. A shard
// of a sharded run (src/pipeline/evaluate-shard.ts) reads its own copy of the file the same way.
import { CaptureParser } from '../capture/parser.js';
import type { Engine } from '../engine/engine.js';
import type { EvaluatedRecordWriter } from '../output/record-writer.js';
import { evaluateCapture, type CaptureBytes, type EvaluateCaptureOptions, type EvaluatedChunk } from '../pipeline/evaluate-capture.js';
import { evaluateCaptureShard, type ShardChunk, type ShardOf } from '../pipeline/evaluate-shard.js';
import type { FirstFrames } from '../pipeline/shard-first-frames.js';
import type { SegmentWriter } from '../pipeline/shard-segments.js';
import { namedCaptureError } from './capture-file.js';
import type { CaptureInput } from './inputs.js';
import { readInto } from './source.js';

/** Input bytes per read, and the parser's input buffer (as readCaptureFile has them). */
const READ_SIZE = 4 << 20;

/** The chunks `writer` makes of the capture's records, one per parser batch; closes the input. */
export function classifyCaptureInPlace(engine: Engine, input: CaptureInput, writer: EvaluatedRecordWriter): AsyncGenerator<EvaluatedChunk> {
  return onCapture(engine, input, (parser, bytes, opts) => evaluateCapture(engine, parser, bytes, writer, opts));
}

/** One shard's chunks of the capture (every shard reads it all), one per parser batch; closes the input. */
export function classifyCaptureShard(engine: Engine, input: CaptureInput, out: SegmentWriter, of: ShardOf, firstFrames: FirstFrames): AsyncGenerator<ShardChunk> {
  // the parser leaves out the records of the other shards' packets it can tell apart
  const sharded = { ...input, options: { ...input.options, shard: of } };
  return onCapture(engine, sharded, (parser, bytes, opts) => evaluateCaptureShard(engine, parser, bytes, out, of, firstFrames, opts));
}

type CaptureRun<T> = (parser: CaptureParser, bytes: CaptureBytes, opts: EvaluateCaptureOptions) => AsyncGenerator<T>;

/** `run` over the capture, parsed in the engine's instance; its errors name the input. */
async function* onCapture<T>(engine: Engine, input: CaptureInput, run: CaptureRun<T>): AsyncGenerator<T> {
  const { opened } = input;
  try {
    const parser = CaptureParser.onEngine(engine, { ...input.options, bufferSize: Math.max(input.options.bufferSize ?? 0, READ_SIZE) });
    const bytes = { head: opened.head, readInto: (into: Uint8Array) => readInto(opened.fd, into) };
    yield* run(parser, bytes, { readSize: READ_SIZE });
  } catch (err) {
    throw namedCaptureError(err, opened.name);
  } finally {
    opened.close();
  }
}
