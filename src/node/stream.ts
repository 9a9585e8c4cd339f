// Classification as a stream: an input file (or stdin) in, output records out, batch by batch,
// in input order, one record per input frame, record or line. Nothing reads ahead of the
// consumer: the next chunk of input is read only when the next batch is asked for, so memory
// holds one batch whatever the input size, and a slow consumer (a pipe, a Node stream with its
// highWaterMark) slows the reading down. The CLI (`nfwasm classify`) runs on the same generator.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Readable, Transform, type Writable } from 'node:stream';
import type { FrameInfo } from '../capture/frames.js';
import type { CaptureBatch } from '../capture/parser.js';
import { classifyPackets } from '../classify.js';
import { Engine, type PacketResult } from '../engine/engine.js';
import type { HostModel } from '../host/model.js';
import { recordEncoder, type RecordFormat } from '../output/encode.js';
import { notEvaluatedRecord, outputRecord, unparsedRecord, type OutputRecord } from '../output/record.js';
import type { PacketInput } from '../packets/types.js';
import type { Ruleset } from '../ruleset/types.js';
import { openInput, type Input } from './inputs.js';
import { loadHostFile, loadRulesetFile } from './load.js';

export interface RecordBatch {
  records: OutputRecord[];
  /** Capture inputs: the frame each record comes from (same index). */
  frames?: FrameInfo[];
  /** Capture inputs: where in the file the batch ended (the last frame's offset), for progress. */
  inputOffset?: number;
}

export interface ClassifyInputOptions {
  /** Records per batch for JSON and LOG-line inputs (captures batch in the parser: 4096 frames). */
  batchSize?: number;
  /** Warnings, notices and per-line errors, as the CLI prints them on stderr. */
  onMessage?: (message: string) => void;
}

const DEFAULT_BATCH = 4096;

/** The record batches of an opened input, classified by `engine` (conntrack state carries over). */
export async function* classifyInput(engine: Engine, input: Input, opts: ClassifyInputOptions = {}): AsyncGenerator<RecordBatch> {
  const say = opts.onMessage ?? (() => {});
  let noticesShown = 0;
  const notices = () => {
    for (; noticesShown < engine.notices.length; noticesShown++) say(engine.notices[noticesShown]);
  };
  let n = 0;
  if (input.kind === 'capture') {
    for await (const batch of input.batches) {
      const records = captureRecords(engine, batch, n);
      n += records.length;
      notices();
      const last = batch.frames[batch.frames.length - 1];
      yield { records, frames: batch.frames, inputOffset: last ? last.offset + last.caplen : undefined };
    }
    for (const warning of input.warnings) say(`warning: ${warning}`);
    return;
  }
  const batch = new LineBatch();
  const size = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_BATCH));
  for await (const item of input.items) {
    n++;
    if (item.kind === 'packet') batch.addPacket(n, item.packet);
    else if (item.kind === 'not-evaluated') batch.addOther(notEvaluatedRecord(n, item.reason, /IPv6/.test(item.reason) ? 'ipv6' : 'not-ipv4'));
    else {
      batch.addOther(unparsedRecord(n, item.message, 'parse-error'));
      say(item.message);
    }
    if (batch.length >= size) {
      const records = batch.run(engine);
      notices();
      yield { records };
    }
  }
  if (batch.length > 0) {
    const records = batch.run(engine);
    notices();
    yield { records };
  }
}

/** One record per frame of a capture batch, numbered on from `before` frames. */
function captureRecords(engine: Engine, batch: CaptureBatch, before: number): OutputRecord[] {
  const results = batch.count ? engine.classify(batch.records, batch.count, batch.payloads) : [];
  return batch.frames.map((frame, i) => {
    const n = before + i + 1;
    if (frame.record !== undefined) return outputRecord(n, results[frame.record]);
    const reason = `frame ${n} at byte ${frame.offset}: ${frame.reason ?? frame.status}`;
    const unparsed = frame.status === 'truncated' || frame.status === 'malformed';
    return unparsed ? unparsedRecord(n, reason, frame.status) : notEvaluatedRecord(n, reason, frame.status);
  });
}

/** Input lines in order: parsed packets go through the engine together, the others keep their place. */
class LineBatch {
  private packets: PacketInput[] = [];
  /** In input order: a packet's record number, or the finished record of a non-packet item. */
  private slots: (number | OutputRecord)[] = [];

  get length(): number {
    return this.slots.length;
  }

  addPacket(n: number, input: PacketInput): void {
    this.packets.push(input);
    this.slots.push(n);
  }

  addOther(record: OutputRecord): void {
    this.slots.push(record);
  }

  run(engine: Engine): OutputRecord[] {
    const results: PacketResult[] = this.packets.length ? classifyPackets(engine, this.packets) : [];
    let next = 0;
    const out = this.slots.map((slot) => (typeof slot === 'number' ? outputRecord(slot, results[next++]) : slot));
    this.packets = [];
    this.slots = [];
    return out;
  }
}

// ---- the library API

export interface ClassifyFileOptions extends ClassifyInputOptions {
  /** A ruleset file (iptables-save text or an iptables script) or a parsed ruleset; not needed with `engine`. */
  rules?: string | Ruleset;
  /** A host model file or a parsed model; omitted: the assumed single-homed host. */
  host?: string | HostModel;
  /** An engine to run on (its conntrack state and counters carry over; read them after the run). */
  engine?: Engine;
  /** In-interface of captured frames whose capture names none. */
  in?: string;
}

async function engineFor(opts: ClassifyFileOptions): Promise<Engine> {
  if (opts.engine) return opts.engine;
  if (opts.rules === undefined) throw new Error('classifyFile: give `rules` or `engine`');
  const ruleset = typeof opts.rules === 'string' ? loadRulesetFile(opts.rules) : opts.rules;
  const host = typeof opts.host === 'string' || opts.host === undefined ? loadHostFile(opts.host, true) : opts.host;
  return Engine.create(ruleset, host);
}

/** Batches of records for a capture, JSON-lines or LOG-lines file ('-' = stdin). */
export async function* classifyFileBatches(path: string, opts: ClassifyFileOptions): AsyncGenerator<RecordBatch> {
  const engine = await engineFor(opts);
  const input = await openInput(path, { inInterface: opts.in });
  yield* classifyInput(engine, input, opts);
}

/** The records for a capture, JSON-lines or LOG-lines file, one by one, in input order. */
export async function* classifyFile(path: string, opts: ClassifyFileOptions): AsyncGenerator<OutputRecord> {
  for await (const batch of classifyFileBatches(path, opts)) yield* batch.records;
}

/** classifyFile as an object-mode Readable: it reads input only as fast as it is consumed. */
export function classifyStream(path: string, opts: ClassifyFileOptions): Readable {
  return Readable.from(classifyFile(path, opts), { objectMode: true, highWaterMark: 1024 });
}

/**
 * Records (one per write, or arrays of them) in, encoded bytes out (--format): CSV gets its header
 * first, msgpack one pack() per `batchSize` records (docs/outputs.md says how to read it back).
 */
export function encodeRecords(format: RecordFormat, batchSize = DEFAULT_BATCH): Transform {
  const encoder = recordEncoder(format);
  let pending: OutputRecord[] = [];
  let started = false;
  const push = (stream: Transform) => {
    if (!started) {
      started = true;
      const head = encoder.start();
      if (head) stream.push(head);
    }
    if (pending.length) stream.push(encoder.encode(pending));
    pending = [];
  };
  return new Transform({
    writableObjectMode: true,
    transform(chunk: OutputRecord | OutputRecord[], _encoding, done) {
      if (Array.isArray(chunk)) pending.push(...chunk);
      else pending.push(chunk);
      if (pending.length >= batchSize) push(this);
      done();
    },
    flush(done) {
      push(this);
      done();
    },
  });
}

// ---- where records go

export interface ByteOutput {
  /** Resolves once the destination has taken the chunk or has room for more (backpressure). */
  write(chunk: string | Uint8Array): Promise<void>;
  close(): Promise<void>;
  /** The reader went away (EPIPE: `nfwasm classify … | head`): nothing more needs computing. */
  readonly closed: boolean;
}

/** A file, or stdout for '-', written with backpressure: a slow reader of a pipe slows nfwasm down. */
export function openByteOutput(path: string): ByteOutput {
  const stream: Writable = path === '-' ? process.stdout : createWriteStream(path);
  let failure: Error | undefined;
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') closed = true;
    else failure ??= err;
  });
  const check = () => {
    if (failure) throw new Error(`${path === '-' ? 'stdout' : path}: ${(failure as NodeJS.ErrnoException).code ?? failure.message}`);
  };
  return {
    get closed() {
      return closed;
    },
    async write(chunk) {
      check();
      if (closed) return;
      // events.once rejects when 'error' comes first: the failure is then reported by check().
      if (!stream.write(chunk)) await once(stream, 'drain').catch(() => {});
      check();
    },
    async close() {
      check();
      if (path !== '-' && !closed) await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
      check();
    },
  };
}
