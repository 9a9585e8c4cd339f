// Node-only file access for the CLI: read whole inputs, stream lines, open outputs. '-' = stdio.
import { createReadStream, createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

export function readText(path: string): string {
  try {
    return path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Lines of a text file or stdin, without line terminators, with their 1-based line numbers. */
export async function* readLines(path: string): AsyncGenerator<{ line: string; lineNo: number }> {
  const input = path === '-' ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    yield { line, lineNo };
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
