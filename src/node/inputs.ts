// What `nfwasm classify` reads, told by content (never by file name): pcap/pcapng (parsed in
// WASM, src/capture), JSON-lines packet records, or kernel LOG lines. Every input item becomes
// exactly one output record, in order: a packet, an item nfwasm does not evaluate (IPv6, ARP,
// non-IP), or an error naming where it was.
import type { CaptureBatch, CaptureOptions } from '../capture/index.js';
import { LOG_LINES_CAVEAT, LogLinesReader } from '../logs/index.js';
import { JsonLinesReader } from '../packets/json.js';
import type { PacketInput } from '../packets/types.js';
import { readCaptureFile } from './capture-file.js';
import { openSource, sourceLines, type Source } from './source.js';

export type InputItem =
  | { kind: 'packet'; packet: PacketInput }
  | { kind: 'not-evaluated'; reason: string }
  | { kind: 'error'; message: string };

export type Input =
  | { kind: 'lines'; format: 'json' | 'log'; caveats: string[]; items: AsyncIterable<InputItem> }
  | CaptureInput;

export interface CaptureInput {
  kind: 'capture';
  format: 'pcap' | 'pcapng';
  caveats: string[];
  /** The capture parsed in an instance of its own, batches copied out (reading them closes `opened`). */
  batches: AsyncIterable<CaptureBatch>;
  /** The parser's warnings, each naming the input, as they arise. */
  warnings: string[];
  /** The opened input, for a reader of its own instead of `batches` (src/node/fused-capture.ts), which must close it. */
  opened: Source;
  /** The options to make its parser with (onWarning fills `warnings`). */
  options: CaptureOptions;
}

export interface InputOptions {
  /** In-interface for captures that name none (--in). */
  inInterface?: string;
  /** Year for syslog timestamps, which carry none. */
  defaultYear?: number;
}

export async function openInput(path: string, opts: InputOptions = {}): Promise<Input> {
  const source = await openSource(path);
  switch (source.kind) {
    case 'pcap':
    case 'pcapng': {
      const warnings: string[] = [];
      const capture: CaptureOptions = { inInterface: opts.inInterface, onWarning: (w) => warnings.push(`${source.name}: ${w.message}`) };
      const batches = closing(source, readCaptureFile(path, { ...capture, opened: source }));
      return { kind: 'capture', format: source.kind, caveats: [], batches, warnings, opened: source, options: capture };
    }
    case 'jsonl':
    case 'empty':
      return { kind: 'lines', format: 'json', caveats: [], items: closing(source, jsonItems(source)) };
    case 'text':
      return { kind: 'lines', format: 'log', caveats: [LOG_LINES_CAVEAT], items: closing(source, logItems(source, opts.defaultYear)) };
    default:
      source.close();
      throw new Error(`${source.name}: not a capture, JSON lines or LOG lines (${source.kind} data${source.kind === 'compressed' ? ': decompress it first' : ''})`);
  }
}

async function* closing<T>(source: Source, items: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* items;
  } finally {
    source.close();
  }
}

async function* jsonItems(source: Source): AsyncGenerator<InputItem> {
  const reader = new JsonLinesReader();
  for await (const { line, lineNo } of sourceLines(source)) {
    try {
      const packet = reader.read(line, lineNo);
      if (packet) yield { kind: 'packet', packet };
    } catch (err) {
      yield { kind: 'error', message: `${source.name}: ${(err as Error).message}` };
    }
  }
}

async function* logItems(source: Source, defaultYear?: number): AsyncGenerator<InputItem> {
  const reader = new LogLinesReader({ filename: source.name, defaultYear });
  for await (const { line, lineNo } of sourceLines(source)) {
    const result = reader.read(line, lineNo);
    if (result.kind === 'packet') yield { kind: 'packet', packet: result.packet };
    else if (result.kind === 'unsupported') yield { kind: 'not-evaluated', reason: `${source.name}:${lineNo}: ${result.reason}` };
    else if (result.kind === 'error') yield { kind: 'error', message: result.message };
    // 'skip': not a kernel LOG line (other syslog traffic): not a packet, so no record
  }
}
