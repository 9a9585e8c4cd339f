// Captures as an async iterator of batches, from any source of byte chunks (a fetch body, a Node
// stream, an array): backpressure comes free, as the next chunk is only read when the consumer
// asks for the next batch.
import { CaptureParser, type CaptureBatch, type CaptureOptions, type CaptureSummary } from './parser.js';

export interface CaptureStreamOptions extends CaptureOptions {
  /** Called once the input is consumed, with the tally and the parser (warnings, interfaces). */
  onEnd?: (summary: CaptureSummary, parser: CaptureParser) => void;
}

export async function* parseCapture(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: CaptureStreamOptions = {},
): AsyncGenerator<CaptureBatch> {
  const parser = await CaptureParser.create(options);
  for await (const chunk of source) yield* parser.feed(chunk);
  yield* parser.end();
  options.onEnd?.(parser.summary, parser);
}
