// A capture in, encoded records out (--format bytes), on the fused path: parsed in the engine's
// own instance, evaluated in place and written by the core (evaluate-capture.ts,
// src/output/core-writer.ts) — the library form of `nfwasm classify CAPTURE --format F`, for
// embedders in Node or a browser page that want output bytes rather than record objects
// (classifyFile in 'nfwasm/node' builds an object per packet). Host-neutral.
import { CaptureParser, type CaptureOptions } from '../capture/parser.js';
import type { Engine } from '../engine/engine.js';
import { CoreRecordWriter } from '../output/core-writer.js';
import { recordEncoder, type RecordFormat } from '../output/encode.js';
import type { RecordFilter } from '../output/only.js';
import type { RecordTally } from '../output/record-writer.js';
import { evaluateCapture, type CaptureBytes } from './evaluate-capture.js';

export interface EncodeCaptureOptions extends Omit<CaptureOptions, 'wasm'> {
  /** jsonl (default), msgpack or csv: the bytes recordEncoder(format) writes for the records. */
  format?: RecordFormat;
  /** Only these records are written (parseOnly); all are tallied. */
  only?: RecordFilter;
  /** Gets every record's verdict, ctstate and deciding rule (e.g. a summary). */
  tally?: RecordTally;
}

/**
 * The output bytes for every frame of a capture (pcap or pcapng bytes: chunks, or a reader into
 * the parser's buffer), in order, a chunk per batch of 4096 frames; CSV starts with its header.
 * Each chunk is the caller's to keep. Conntrack state and counters stay in `engine`.
 */
export async function* encodeCapture(engine: Engine, bytes: CaptureBytes, opts: EncodeCaptureOptions = {}): AsyncGenerator<Uint8Array> {
  const format = opts.format ?? 'jsonl';
  const writer = new CoreRecordWriter(engine, format, { tally: opts.tally, only: opts.only });
  const parser = CaptureParser.onEngine(engine, opts);
  const head = recordEncoder(format).start();
  if (head) yield new TextEncoder().encode(head);
  for await (const chunk of evaluateCapture(engine, parser, bytes, writer)) {
    // the writer reuses its output area: the caller gets a copy
    if (chunk.output.length) yield typeof chunk.output === 'string' ? new TextEncoder().encode(chunk.output) : chunk.output.slice();
  }
}
