// Classification as a stream: an input file (or stdin) in, output records out, batch by batch,
// in input order, one record per input frame, record or line. Nothing reads ahead of the
// consumer: the next chunk of input is read only when the next batch is asked for, so memory
// holds one batch whatever the input size, and a slow consumer (a pipe, a Node stream with its
// highWaterMark) slows the reading down. The CLI (`nfwasm classify`) runs on the same generator.
import { once } from 'node:events';
import { closeSync, openSync, writeSync } from 'node:fs';
import { Readable, Transform, type Writable } from 'node:stream';
import type { FrameInfo } from '../capture/frames.js';
import type { CaptureBatch } from '../capture/parser.js';
import { Engine, type CompactBatch, type CompactLabels, type PacketResult } from '../engine/engine.js';
import { encodeBatch } from '../packets/encode.js';
import type { HostModel } from '../host/model.js';
import { recordEncoder, type RecordFormat } from '../output/encode.js';
import { notEvaluatedRecord, outputRecord, unparsedRecord, type OutputRecord } from '../output/record.js';
import type { PacketInput } from '../packets/types.js';
import { frameRecord } from '../pipeline/frame-record.js';
import type { Ruleset } from '../ruleset/types.js';
import { openInput, type Input } from './inputs.js';
import { loadHostFile } from './load.js';
import { readText } from './files.js';
import { parseRuleset } from '../ruleset/load.js';
import { formatSave } from '../ruleset/print-save.js';
import type { ConntrackSnapshot } from '../conntrack/read.js';
import { ShardPool } from './shard.js';

export interface RecordBatch {
  records: OutputRecord[];
  /** Capture inputs: the frame each record comes from (same index). */
  frames?: FrameInfo[];
  /** Capture inputs: where in the file the batch ended (the last frame's offset), for progress. */
  inputOffset?: number;
  /**
   * Sharded runs: per record (same index), the shard whose engine classified it, 0 for records no
   * engine saw. Each shard numbers its conntrack ids and reassembly queues (defrag.queue) for
   * itself: tally them by shard (Summary.add's `engine`). Absent: one engine classified them all.
   */
  engines?: Uint8Array;
}

export interface ClassifyInputOptions {
  /** Records per batch for JSON and LOG-line inputs (captures batch in the parser: 4096 frames). */
  batchSize?: number;
  /** Warnings, notices and per-line errors, as the CLI prints them on stderr. */
  onMessage?: (message: string) => void;
}

const DEFAULT_BATCH = 4096;

/** What classifies batches of packet records: one Engine, or a pool of shard workers (shard.ts). */
export type Classifier = Engine | ShardPool;

/** A batch of packet records ready for the engine, and how its results become output records. */
export interface WorkUnit {
  records: Uint8Array;
  payloads: Uint8Array;
  count: number;
  /** The output record number (n) of each packet record. */
  numbers: number[];
  /** Records whose input claimed a ctstate of its own (Engine.noteClaimedCtstate). */
  ctstateGiven: number;
  /** `shardOfPacket`: per packet record, the shard that classified it (sharded runs). */
  assemble(results: PacketResult[], shardOfPacket?: Uint8Array): RecordBatch;
  /** Where each output record comes from, for compact results (classifyInputCompact). */
  positions(): UnitPositions;
}

/** A work unit's output records: numbered first, first + 1, …; each a packet record or a record made already. */
export interface UnitPositions {
  first: number;
  count: number;
  /** Per output record: the packet record it reports, or -1 (then `others` holds it). */
  packetOf: Int32Array;
  others: Map<number, OutputRecord>;
  frames?: FrameInfo[];
  inputOffset?: number;
}

/**
 * A batch of output records whose packet results are in compact form (src/engine/compact.ts): one
 * compact batch per engine (one, or one per shard), and where each packet record's result is.
 */
export interface CompactRecordBatch extends UnitPositions {
  sources: CompactBatch[];
  /** Per packet record: its source, and its index there. Absent with one engine: source 0, same index. */
  sourceOf?: Uint8Array;
  localIndex?: Uint32Array;
  /** The labels every source's entries are numbered by. */
  labels: CompactLabels;
}

/**
 * The record batches of an opened input, classified by `classifier` (conntrack state carries
 * over). With a shard pool a few batches are in flight at once (one per worker, plus one being
 * read), so the workers and the parsing overlap; records still come out in input order.
 */
export async function* classifyInput(classifier: Classifier, input: Input, opts: ClassifyInputOptions = {}): AsyncGenerator<RecordBatch> {
  yield* pipeline(classifier, input, opts, (unit) => runUnit(classifier, unit));
}

/**
 * classifyInput with the results in compact form, for outputs that encode straight from them
 * (src/output/compact-msgpack.ts) instead of from record objects. A shard pool hands its workers'
 * batches over as they came (transferred buffers), not merged.
 */
export async function* classifyInputCompact(classifier: Classifier, input: Input, opts: ClassifyInputOptions = {}): AsyncGenerator<CompactRecordBatch> {
  const labels = classifier.compactLabels;
  yield* pipeline(classifier, input, opts, async (unit): Promise<CompactRecordBatch> => {
    if (classifier instanceof ShardPool) {
      return { ...unit.positions(), labels, ...(await classifier.classifyCompact(unit.records, unit.count, unit.payloads, unit.ctstateGiven)) };
    }
    classifier.noteClaimedCtstate(unit.ctstateGiven);
    return { ...unit.positions(), labels, sources: [classifier.classifyCompact(unit.records, unit.count, unit.payloads)] };
  });
}

async function* pipeline<T>(classifier: Classifier, input: Input, opts: ClassifyInputOptions, run: (unit: WorkUnit) => Promise<T>): AsyncGenerator<T> {
  const say = opts.onMessage ?? (() => {});
  let noticesShown = 0;
  const notices = () => {
    for (; noticesShown < classifier.notices.length; noticesShown++) say(classifier.notices[noticesShown]);
  };
  const depth = classifier instanceof ShardPool ? classifier.size + 1 : 1;
  const inFlight: Promise<T>[] = [];
  for await (const unit of workUnits(input, opts)) {
    const done = run(unit);
    done.catch(() => {}); // awaited below, in order; this only keeps a failure from counting as unhandled meanwhile
    inFlight.push(done);
    if (inFlight.length >= depth) {
      const batch = await inFlight.shift()!;
      notices();
      yield batch;
    }
  }
  while (inFlight.length) {
    const batch = await inFlight.shift()!;
    notices();
    yield batch;
  }
  if (input.kind === 'capture') for (const warning of input.warnings) say(`warning: ${warning}`);
}

async function runUnit(classifier: Classifier, unit: WorkUnit): Promise<RecordBatch> {
  if (unit.count === 0) return unit.assemble([]);
  if (classifier instanceof ShardPool) {
    const { results, shardOfRecord } = await classifier.classify(unit.records, unit.count, unit.payloads, unit.ctstateGiven);
    return unit.assemble(results, shardOfRecord);
  }
  classifier.noteClaimedCtstate(unit.ctstateGiven);
  return unit.assemble(classifier.classify(unit.records, unit.count, unit.payloads));
}

/** The input cut into batches of packet records, each knowing how to number its output records. */
export async function* workUnits(input: Input, opts: ClassifyInputOptions): AsyncGenerator<WorkUnit> {
  const say = opts.onMessage ?? (() => {});
  let n = 0;
  if (input.kind === 'capture') {
    for await (const batch of input.batches) {
      const before = n;
      n += batch.frames.length;
      const last = batch.frames[batch.frames.length - 1];
      const numbers = new Array<number>(batch.count);
      batch.frames.forEach((frame, i) => {
        if (frame.record !== undefined) numbers[frame.record] = before + i + 1;
      });
      yield {
        records: batch.records,
        payloads: batch.payloads,
        count: batch.count,
        numbers,
        ctstateGiven: 0,
        assemble: (results, shardOfPacket) => ({ ...captureRecords(batch, results, before, shardOfPacket), frames: batch.frames, inputOffset: last ? last.offset + last.caplen : undefined }),
        positions: () => capturePositions(batch, before, last ? last.offset + last.caplen : undefined),
      };
    }
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
    if (batch.length >= size) yield batch.take();
  }
  if (batch.length > 0) yield batch.take();
}

/**
 * One record per frame of a capture batch given the results of its packet records, numbered on
 * from `before` frames, and with `shardOfPacket` the shard of each record.
 */
function captureRecords(batch: CaptureBatch, results: PacketResult[], before: number, shardOfPacket?: Uint8Array): Pick<RecordBatch, 'records' | 'engines'> {
  const engines = shardOfPacket && new Uint8Array(batch.frames.length);
  const records = batch.frames.map((frame, i) => {
    if (frame.record === undefined) return frameRecord(before + i + 1, frame);
    if (engines) engines[i] = shardOfPacket![frame.record];
    return outputRecord(before + i + 1, results[frame.record]);
  });
  return engines ? { records, engines } : { records };
}

function capturePositions(batch: CaptureBatch, before: number, inputOffset: number | undefined): UnitPositions {
  const packetOf = new Int32Array(batch.frames.length);
  const others = new Map<number, OutputRecord>();
  batch.frames.forEach((frame, i) => {
    packetOf[i] = frame.record ?? -1;
    if (frame.record === undefined) others.set(i, frameRecord(before + i + 1, frame));
  });
  return { first: before + 1, count: batch.frames.length, packetOf, others, frames: batch.frames, inputOffset };
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

  /** The batch so far as a work unit; the batch starts empty again. */
  take(): WorkUnit {
    const slots = this.slots;
    const { records, payloads, ctstateGiven } = encodeBatch(this.packets);
    const count = this.packets.length;
    this.packets = [];
    this.slots = [];
    return {
      records,
      payloads,
      count,
      numbers: slots.filter((slot): slot is number => typeof slot === 'number'),
      ctstateGiven,
      assemble: (results, shardOfPacket) => {
        const engines = shardOfPacket && new Uint8Array(slots.length);
        let next = 0;
        const records = slots.map((slot, i) => {
          if (typeof slot !== 'number') return slot;
          if (engines) engines[i] = shardOfPacket![next];
          return outputRecord(slot, results[next++]);
        });
        return engines ? { records, engines } : { records };
      },
      positions: () => {
        const packetOf = new Int32Array(slots.length);
        const others = new Map<number, OutputRecord>();
        let next = 0;
        slots.forEach((slot, i) => {
          packetOf[i] = typeof slot === 'number' ? next++ : -1;
          if (typeof slot !== 'number') others.set(i, slot);
        });
        const head = slots[0];
        return { first: typeof head === 'number' ? head : (head?.n ?? 1), count: slots.length, packetOf, others };
      },
    };
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
  /**
   * Worker threads to shard the input across (src/node/shard.ts; not with `engine`). Counters
   * come out exact; shardingCaveats() says what else cannot (recent, limit, hashlimit, conntrack
   * limits and ids). Default 1: the calling thread classifies.
   */
  workers?: number;
  /** Called once the input is done, before the engine or workers are let go: read counters and conntrack here. */
  onFinish?: (run: FinishedRun) => void | Promise<void>;
}

/** The state a run leaves: counters summed over shards, conntrack tables side by side. */
export interface FinishedRun {
  /** A copy of the ruleset with the counters the run's packets added. */
  counters(): Promise<Ruleset>;
  conntrack(): Promise<ConntrackSnapshot>;
}

export function finishedRun(classifier: Classifier, ruleset?: Ruleset): FinishedRun {
  return classifier instanceof ShardPool
    ? { counters: () => classifier.countersInto(ruleset!), conntrack: () => classifier.conntrackSnapshot() }
    : { counters: async () => classifier.countersInto(ruleset), conntrack: async () => classifier.conntrackSnapshot() };
}

export interface ClassifierSpec {
  ruleset: Ruleset;
  /** The ruleset's text and file name, which shard workers parse for themselves. */
  rulesText: string;
  rulesName: string;
  host: HostModel;
  workers?: number;
}

/** An Engine for one worker (the calling thread), a ShardPool for more. */
export async function createClassifier(spec: ClassifierSpec): Promise<Classifier> {
  const workers = Math.max(1, Math.floor(spec.workers ?? 1));
  if (workers === 1) return Engine.create(spec.ruleset, spec.host);
  return ShardPool.start({ rulesText: spec.rulesText, rulesName: spec.rulesName, host: spec.host, workers });
}

async function classifierFor(opts: ClassifyFileOptions): Promise<{ classifier: Classifier; ruleset?: Ruleset }> {
  if (opts.engine) {
    if ((opts.workers ?? 1) > 1) throw new Error('classifyFile: `workers` shards onto engines of its own: give `rules`, not `engine`');
    return { classifier: opts.engine };
  }
  if (opts.rules === undefined) throw new Error('classifyFile: give `rules` or `engine`');
  const rulesText = typeof opts.rules === 'string' ? readText(opts.rules) : formatSave(opts.rules, { counters: false });
  const rulesName = typeof opts.rules === 'string' ? (opts.rules === '-' ? '<stdin>' : opts.rules) : '<ruleset>';
  const ruleset = typeof opts.rules === 'string' ? parseRuleset(rulesText, { filename: rulesName }) : opts.rules;
  const host = typeof opts.host === 'string' || opts.host === undefined ? loadHostFile(opts.host, true) : opts.host;
  return { classifier: await createClassifier({ ruleset, rulesText, rulesName, host, workers: opts.workers }), ruleset };
}

/** Batches of records for a capture, JSON-lines or LOG-lines file ('-' = stdin). */
export async function* classifyFileBatches(path: string, opts: ClassifyFileOptions): AsyncGenerator<RecordBatch> {
  const { classifier, ruleset } = await classifierFor(opts);
  try {
    const input = await openInput(path, { inInterface: opts.in });
    yield* classifyInput(classifier, input, opts);
    await opts.onFinish?.(finishedRun(classifier, ruleset));
  } finally {
    if (classifier instanceof ShardPool) await classifier.close();
  }
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
  /** write() of bytes the caller reuses as soon as this resolves (a view of the core's memory): copied when the destination keeps chunks. */
  writeTransient(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  /** The reader went away (EPIPE: `nfwasm classify … | head`): nothing more needs computing. */
  readonly closed: boolean;
}

/**
 * A file, or stdout for '-', written with backpressure: a slow reader of a pipe slows nfwasm
 * down. A file (or /dev/null, a FIFO) is written synchronously: nothing is queued, so a chunk
 * needs no copy and the next batch waits for the disk, which is the backpressure.
 */
export function openByteOutput(path: string): ByteOutput {
  return path === '-' ? streamOutput(process.stdout, 'stdout') : fileOutput(path);
}

function fileOutput(path: string): ByteOutput {
  const failed = (err: unknown) => new Error(`${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'w');
  } catch (err) {
    throw failed(err);
  }
  let closed = false;
  const write = async (chunk: string | Uint8Array) => {
    if (closed || fd === undefined) return;
    try {
      if (typeof chunk === 'string') writeSync(fd, chunk);
      else for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done);
    } catch (err) {
      // a FIFO whose reader went away
      if ((err as NodeJS.ErrnoException).code === 'EPIPE') closed = true;
      else throw failed(err);
    }
  };
  return {
    get closed() {
      return closed;
    },
    write,
    writeTransient: write,
    async close() {
      if (fd === undefined) return;
      const was = fd;
      fd = undefined;
      try {
        closeSync(was);
      } catch (err) {
        throw failed(err);
      }
    },
  };
}

function streamOutput(stream: Writable, name: string): ByteOutput {
  let failure: Error | undefined;
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') closed = true;
    else failure ??= err;
  });
  const check = () => {
    if (failure) throw new Error(`${name}: ${(failure as NodeJS.ErrnoException).code ?? failure.message}`);
  };
  const write = async (chunk: string | Uint8Array) => {
    check();
    if (closed) return;
    // events.once rejects when 'error' comes first: the failure is then reported by check().
    if (!stream.write(chunk)) await once(stream, 'drain').catch(() => {});
    check();
  };
  return {
    get closed() {
      return closed;
    },
    write,
    // a stream keeps the chunk until it is flushed
    writeTransient: (chunk) => write(chunk.slice()),
    async close() {
      check();
    },
  };
}
