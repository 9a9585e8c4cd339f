// An input file or stdin ('-'), opened once: its first bytes tell what it is (detectInputKind),
// and the readers continue from there without reading anything twice — so stdin works for every
// input type, and no file name decides the format.
import { closeSync, openSync, readSync } from 'node:fs';
import { detectInputKind, type InputKind } from '../capture/detect.js';

const STDIN = 0;
const HEAD_BYTES = 64 << 10;
const LINE_CHUNK = 1 << 20;

export interface Source {
  /** As given ('-' = stdin); `name` is what messages call it. */
  path: string;
  name: string;
  fd: number;
  /** The first bytes, already read: every reader starts with them. */
  head: Uint8Array;
  kind: InputKind;
  close(): void;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bytes read into `into`; 0 at the end. A non-blocking stdin with no data yet is waited for. */
export async function readInto(fd: number, into: Uint8Array): Promise<number> {
  for (;;) {
    try {
      return readSync(fd, into, 0, into.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') await pause(5);
      else if (code === 'EOF') return 0; // Windows pipes
      else throw err;
    }
  }
}

export async function openSource(path: string): Promise<Source> {
  const name = path === '-' ? 'stdin' : path;
  let fd: number;
  try {
    fd = path === '-' ? STDIN : openSync(path, 'r');
  } catch (err) {
    throw new Error(`${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  // Fill the head as far as the input allows (a pipe may deliver it in pieces).
  const buffer = new Uint8Array(HEAD_BYTES);
  let filled = 0;
  for (let n = 1; n > 0 && filled < HEAD_BYTES; filled += n) n = await readInto(fd, buffer.subarray(filled));
  const head = buffer.subarray(0, filled);
  return { path, name, fd, head, kind: detectInputKind(head), close: () => fd !== STDIN && closeSync(fd) };
}

/** The source's lines (UTF-8, without terminators, CR before LF dropped), numbered from 1. */
export async function* sourceLines(source: Source): AsyncGenerator<{ line: string; lineNo: number }> {
  const decoder = new TextDecoder('utf-8');
  const chunk = new Uint8Array(LINE_CHUNK);
  let pending = decoder.decode(source.head, { stream: true });
  let lineNo = 0;
  for (;;) {
    let start = 0;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
      const end = nl > start && pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield { line: pending.slice(start, end), lineNo: ++lineNo };
      start = nl + 1;
    }
    pending = pending.slice(start);
    const n = await readInto(source.fd, chunk);
    if (n === 0) break;
    pending += decoder.decode(chunk.subarray(0, n), { stream: true });
  }
  pending += decoder.decode();
  if (pending.length > 0) yield { line: pending.endsWith('\r') ? pending.slice(0, -1) : pending, lineNo: ++lineNo };
}
