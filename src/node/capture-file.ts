// Node-only: a capture file, or stdin for '-', read with fs.readSync straight into the parser's
// WASM memory in 1-4 MB chunks (WASM-NOTES.md §5: no streams, no intermediate buffers). Memory
// stays bounded whatever the file size: one input buffer, one batch at a time.
import { closeSync, openSync } from 'node:fs';
import { readInto } from './source.js';
import { CaptureError } from '../capture/errors.js';
import { CaptureParser, type CaptureBatch } from '../capture/parser.js';
import type { CaptureStreamOptions } from '../capture/stream.js';

export interface CaptureFileOptions extends CaptureStreamOptions {
  /** Bytes per read (default 4 MiB, at least 64 KiB). */
  chunkSize?: number;
  /** Continue an input already opened (src/node/source.ts): its fd and the bytes read from it so far. */
  opened?: { fd: number; head: Uint8Array };
}

const DEFAULT_CHUNK = 4 << 20;
const MIN_CHUNK = 64 << 10;
const STDIN = 0;

function openInput(path: string): number {
  if (path === '-') return STDIN;
  try {
    return openSync(path, 'r');
  } catch (err) {
    throw new Error(`${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** `err`, its message naming the input when it is a CaptureError (which gives only the offset). */
export function namedCaptureError(err: unknown, name: string): unknown {
  if (err instanceof CaptureError) err.message = `${name}: ${err.message}`;
  return err;
}

/**
 * The batches of a pcap or pcapng file (type told by content). Errors name the file and the byte
 * offset; a cut file ends with a warning (parser.warnings, onWarning) naming where it was cut.
 */
export async function* readCaptureFile(path: string, options: CaptureFileOptions = {}): AsyncGenerator<CaptureBatch> {
  const chunk = Math.max(MIN_CHUNK, Math.floor(options.chunkSize ?? DEFAULT_CHUNK));
  const parser = await CaptureParser.create({ ...options, bufferSize: Math.max(options.bufferSize ?? 0, chunk) });
  const fd = options.opened?.fd ?? openInput(path);
  try {
    for (let head = options.opened?.head ?? new Uint8Array(0); head.length > 0; ) {
      const space = parser.writable(head.length);
      space.set(head.subarray(0, space.length));
      head = head.subarray(space.length);
      yield* parser.commit(space.length);
    }
    for (;;) {
      const space = parser.writable(chunk);
      if (space.length === 0) throw new Error('capture parser: no room in the input buffer');
      const n = await readInto(fd, space);
      if (n === 0) break;
      yield* parser.commit(n);
    }
    yield* parser.end();
  } catch (err) {
    throw namedCaptureError(err, path === '-' ? 'stdin' : path);
  } finally {
    if (fd !== STDIN && !options.opened) closeSync(fd);
  }
  options.onEnd?.(parser.summary, parser);
}
