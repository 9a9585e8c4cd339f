// Node-only file access for the CLI: read whole inputs, open outputs (streamed input: source.ts). '-' = stdio.
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';

export function readText(path: string): string {
  try {
    return path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export interface TextSink {
  write(text: string): void;
  close(): Promise<void>;
}

/** A buffered text output: a file, or stdout for '-'. */
export function openSink(path: string): TextSink {
  const stream: NodeJS.WritableStream | WriteStream = path === '-' ? process.stdout : createWriteStream(path);
  let buffer = '';
  const flush = () => {
    if (buffer) stream.write(buffer);
    buffer = '';
  };
  return {
    write(text: string) {
      buffer += text;
      if (buffer.length > 1 << 16) flush();
    },
    close() {
      flush();
      if (path === '-') return Promise.resolve();
      return new Promise((resolve, reject) => (stream as WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve())));
    },
  };
}
