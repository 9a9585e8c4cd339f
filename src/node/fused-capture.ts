// Node-only: the fused capture path (src/pipeline/evaluate-capture.ts) over an opened capture
// file or stdin: its bytes are read with readSync straight into the parser's input buffer, which
// lives in the engine's instance, and the records are evaluated where they were parsed.
import { CaptureParser } from '../capture/parser.js';
import type { Engine } from '../engine/engine.js';
import type { EvaluatedRecordWriter } from '../output/record-writer.js';
import { evaluateCapture, type EvaluatedChunk } from '../pipeline/evaluate-capture.js';
import { namedCaptureError } from './capture-file.js';
import type { CaptureInput } from './inputs.js';
import { readInto } from './source.js';

/** Input bytes per read, and the parser's input buffer (as readCaptureFile has them). */
const READ_SIZE = 4 << 20;

/** The chunks `writer` makes of the capture's records, one per parser batch; closes the input. */
export async function* classifyCaptureInPlace(engine: Engine, input: CaptureInput, writer: EvaluatedRecordWriter): AsyncGenerator<EvaluatedChunk> {
  const { opened } = input;
  try {
    const parser = CaptureParser.onEngine(engine, { ...input.options, bufferSize: Math.max(input.options.bufferSize ?? 0, READ_SIZE) });
    const bytes = { head: opened.head, readInto: (into: Uint8Array) => readInto(opened.fd, into) };
    yield* evaluateCapture(engine, parser, bytes, writer, { readSize: READ_SIZE });
  } catch (err) {
    throw namedCaptureError(err, opened.name);
  } finally {
    opened.close();
  }
}
