// nfwasm classify CAPTURE --rules R [--host H] [--records FILE|-] [--format jsonl|msgpack|csv]
//   [--only LIST] [--save-counters FILE] [--list-counters FILE] [--conntrack FILE] [--write FILE]
// CAPTURE is a pcap/pcapng file, JSON lines of packet records (docs/packet-records.md) or kernel
// LOG lines (docs/log-lines.md), told apart by content. Every input frame, record or line yields
// one output record, in order (src/node/stream.ts); --only chooses which are written, the summary
// and the counters count them all. Outputs: docs/outputs.md.
import { closeSync, fstatSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { PcapngAnnotator, type RandomAccessBytes } from '../../capture/pcapng-writer.js';
import { formatConntrack } from '../../conntrack/format.js';
import { annotation } from '../../output/annotation.js';
import { isRecordFormat, recordEncoder, RECORD_FORMATS, type RecordFormat } from '../../output/encode.js';
import { parseOnly, type RecordFilter } from '../../output/only.js';
import { formatList } from '../../ruleset/print-list.js';
import { formatSave } from '../../ruleset/print-save.js';
import type { Ruleset } from '../../ruleset/types.js';
import { openSink } from '../files.js';
import { openInput, type Input } from '../inputs.js';
import { loadHostFile, printWarnings } from '../load.js';
import { readText } from '../files.js';
import { compileCore } from '../../engine/load-wasm.js';
import { parseRuleset } from '../../ruleset/load.js';
import { shardingCaveats } from '../shard-merge.js';
import { ShardPool } from '../shard.js';
import { ProgressMeter } from '../progress.js';
import { classifyInput, classifyInputCompact, createClassifier, finishedRun, openByteOutput, type ByteOutput, type Classifier, type ClassifyInputOptions } from '../stream.js';
import { compactEncoder } from '../../output/compact-encoder.js';
import { compactRecordHead, type RecordHead } from '../../output/compact-record.js';
import { CoreRecordWriter } from '../../output/core-writer.js';
import { outputRecord, type OutputRecord } from '../../output/record.js';
import { Engine } from '../../engine/engine.js';
import { classifyCaptureInPlace } from '../fused-capture.js';
import { ShardedCaptureRun, type ShardedCaptureOptions } from '../fused-shard.js';
import type { CaptureInput } from '../inputs.js';
import { Summary } from '../summary.js';

export interface ClassifyOptions {
  rules: string;
  host?: string;
  records?: string;
  /** jsonl (default), msgpack or csv. */
  format?: string;
  /** Comma list of verdicts and ctstates: only those records are written. */
  only?: string;
  saveCounters?: string;
  /** Write `iptables -L -v -n --line-numbers` of every table here after the run. */
  listCounters?: string;
  /** Write the capture with a comment per packet here (pcapng). */
  write?: string;
  batch?: number;
  quiet?: boolean;
  /** Write the final conntrack table and expectations (conntrack -L form) here. */
  conntrack?: string;
  /** In-interface for captures that name none. */
  in?: string;
  /** Worker threads to shard the input across (src/node/shard.ts); default 1. */
  workers?: number | string;
}

const SHARDED_FUSED_NOTE = 'every worker reads and parses the whole capture, then evaluates its shard: faster than one worker only with a free core for each worker (on 2 cores about as fast, using nearly twice the CPU)';
const SHARDED_JS_NOTE = 'a capture from a pipe is sharded on the JavaScript path (parsed and encoded on the main thread); one worker, or a capture file, takes the fused path, which is faster';

const INPUT_NAMES = { pcap: 'pcap', pcapng: 'pcapng', json: 'JSON lines', log: 'LOG lines' } as const;

export async function classifyCommand(capture: string, opts: ClassifyOptions): Promise<Summary> {
  // Option mistakes are reported before anything is read.
  const format = recordFormat(opts.format);
  const only: RecordFilter | undefined = opts.only !== undefined ? parseOnly(opts.only) : undefined;
  if (opts.write !== undefined && capture === '-') throw new Error('--write copies the capture\'s frames from its file: give a capture file, not stdin');

  const workers = workerCount(opts.workers);
  // V8 compiles the core on background threads while this thread parses the ruleset; the engine
  // awaits the same promise (compileCore keeps it). A failure surfaces there, not here.
  if (workers === 1) compileCore().catch(() => {});

  const rulesText = readText(opts.rules);
  const rulesName = opts.rules === '-' ? '<stdin>' : opts.rules;
  const ruleset = parseRuleset(rulesText, { filename: rulesName });
  printWarnings(ruleset.warnings);
  const host = loadHostFile(opts.host, opts.quiet);
  const classifier = await createClassifier({ ruleset, rulesText, rulesName, host, workers });
  try {
    return await classifyWith(classifier, ruleset, capture, opts, format, only);
  } finally {
    if (classifier instanceof ShardPool) await classifier.close();
  }
}

async function classifyWith(classifier: Classifier, ruleset: Ruleset, capture: string, opts: ClassifyOptions, format: RecordFormat, only: RecordFilter | undefined): Promise<Summary> {
  printWarnings(classifier.warnings);
  // Said once, before any record: which conntrack modes the results were computed under.
  if (!opts.quiet) for (const mode of classifier.conntrackModes()) process.stderr.write(`nfwasm: conntrack ${mode}\n`);
  if (!opts.quiet && classifier instanceof ShardPool) {
    for (const caveat of shardingCaveats(ruleset, classifier.conntrackEnabled)) process.stderr.write(`nfwasm: note: --workers ${classifier.size}: ${caveat}\n`);
  }

  const input = await openInput(capture, { inInterface: opts.in });
  const annotated = opts.write !== undefined ? AnnotatedCaptureFile.open(capture, input, opts.write) : undefined;
  if (!opts.quiet) for (const caveat of input.caveats) process.stderr.write(`nfwasm: note: ${caveat}\n`);
  // a sharded capture takes the fused path in every shard when each can read the file itself
  const shardedFused = classifier instanceof ShardPool && input.kind === 'capture' && !annotated && isRegularFile(input.opened.fd);
  if (!opts.quiet && classifier instanceof ShardPool && input.kind === 'capture' && !annotated) {
    process.stderr.write(`nfwasm: note: --workers ${classifier.size}: ${shardedFused ? SHARDED_FUSED_NOTE : SHARDED_JS_NOTE} (docs/bench.md)\n`);
  }

  const summary = new Summary({ input: `${INPUT_NAMES[input.format]} (${capture === '-' ? 'stdin' : capture})`, conntrackModes: classifier.conntrackModes() });
  const output = openByteOutput(opts.records ?? '-');
  const encoder = recordEncoder(format);
  const progress = new ProgressMeter(process.stderr, capture === '-' ? undefined : sizeOf(capture));
  const say = (message: string) => process.stderr.write(`nfwasm: ${message}\n`);
  try {
    const head = encoder.start();
    if (head) await output.write(head);
    const sinks: CompactSinks = { format, summary, output, only, progress: opts.quiet ? undefined : progress };
    if (!annotated && input.kind === 'capture' && classifier instanceof Engine) {
      await writeFused(classifier, input, sinks, say);
    } else if (shardedFused && input.kind === 'capture' && classifier instanceof ShardPool) {
      input.opened.close();
      await writeFusedSharded(classifier, { path: capture, format, only: opts.only, inInterface: opts.in }, sinks, say);
    } else if (!annotated) {
      await writeCompact(classifier, input, { batchSize: opts.batch, onMessage: say }, sinks);
    } else for await (const batch of classifyInput(classifier, input, { batchSize: opts.batch, onMessage: say })) {
      batch.records.forEach((rec, i) => summary.add(rec, batch.engines?.[i]));
      if (annotated && batch.frames) annotated.add(batch.frames.map((frame, i) => ({ offset: frame.offset, caplen: frame.caplen, comment: annotation(batch.records[i]) })));
      const kept = only ? batch.records.filter(only) : batch.records;
      summary.written += kept.length;
      if (kept.length) await output.write(encoder.encode(kept));
      if (!opts.quiet) progress.update(summary.packets, batch.inputOffset);
      if (output.closed) break;
    }
    annotated?.finish();
  } finally {
    progress.done();
    annotated?.close();
  }
  await output.close();

  const run = finishedRun(classifier, ruleset);
  if (opts.conntrack) {
    const { entries, expectations } = await run.conntrack();
    await writeText(opts.conntrack, formatConntrack(entries, expectations));
  }
  const counted = opts.saveCounters || opts.listCounters ? await run.counters() : undefined;
  if (counted && opts.saveCounters) await writeText(opts.saveCounters, formatSave(counted, { counters: true }));
  if (counted && opts.listCounters) await writeText(opts.listCounters, listCounters(counted));
  if (!opts.quiet) process.stderr.write(summary.format());
  return summary;
}

interface CompactSinks {
  format: RecordFormat;
  summary: Summary;
  output: ByteOutput;
  only: RecordFilter | undefined;
  progress: ProgressMeter | undefined;
}

/**
 * The fast path (issue 6): records encoded straight from compact results, no object per packet;
 * the same bytes as the record loop above, in every format (test/fastpath-equivalence.test.ts).
 * The loop above stays for --write, whose annotations are made from records.
 */
async function writeCompact(classifier: Classifier, input: Input, inputOpts: ClassifyInputOptions, sinks: CompactSinks): Promise<void> {
  const { format, summary, output, only, progress } = sinks;
  const labels = classifier.compactLabels;
  const encoder = compactEncoder(format, labels);
  const head: RecordHead = { n: 0, verdict: '' };
  let kept = new Uint8Array(0);
  for await (const batch of classifyInputCompact(classifier, input, inputOpts)) {
    if (kept.length < batch.count) kept = new Uint8Array(batch.count);
    const { sources, sourceOf, localIndex } = batch;
    let keptCount = 0;
    for (let pos = 0; pos < batch.count; pos++) {
      const packet = batch.packetOf[pos];
      const source = packet < 0 ? undefined : sources[sourceOf ? sourceOf[packet] : 0];
      const local = localIndex ? localIndex[packet] : packet;
      // Packets decoded in full are tallied as whole records: the summary follows their reassembly state (held fragments).
      const full = source?.special.get(local);
      const rec = !source ? batch.others.get(pos)! : full ? outputRecord(batch.first + pos, full) : compactRecordHead(batch.first + pos, source, local, labels, head);
      // a shard's reassembly queues are numbered for that shard: the summary tallies them by shard
      summary.add(rec as OutputRecord, packet < 0 || !sourceOf ? 0 : sourceOf[packet]);
      const keep = !only || only(rec as OutputRecord);
      kept[pos] = keep ? 1 : 0;
      if (keep) keptCount++;
    }
    summary.written += keptCount;
    if (keptCount) {
      encoder.begin(keptCount);
      for (let pos = 0; pos < batch.count; pos++) {
        if (!kept[pos]) continue;
        const packet = batch.packetOf[pos];
        if (packet < 0) {
          encoder.record(batch.others.get(pos)!);
          continue;
        }
        encoder.packet(batch.first + pos, sources[sourceOf ? sourceOf[packet] : 0], localIndex ? localIndex[packet] : packet);
      }
      await output.write(encoder.take());
    }
    progress?.update(summary.packets, batch.inputOffset);
    if (output.closed) break;
  }
}

/**
 * The fused path (issue 6) for a capture on one engine: parsed in the engine's instance, evaluated
 * in place, its records written by the core itself (src/output/core-writer.ts); the same bytes,
 * summary and messages as writeCompact (test/fused-*.test.ts).
 */
async function writeFused(engine: Engine, input: CaptureInput, sinks: CompactSinks, say: (message: string) => void): Promise<void> {
  const { format, summary, output, only, progress } = sinks;
  const writer = new CoreRecordWriter(engine, format, { tally: summary, only });
  let noticesShown = 0;
  for await (const chunk of classifyCaptureInPlace(engine, input, writer)) {
    for (; noticesShown < engine.notices.length; noticesShown++) say(engine.notices[noticesShown]);
    summary.written = writer.written;
    if (chunk.output.length) await (typeof chunk.output === 'string' ? output.write(chunk.output) : output.writeTransient(chunk.output));
    progress?.update(summary.packets, chunk.inputOffset);
    if (output.closed) return;
  }
  for (const warning of input.warnings) say(`warning: ${warning}`);
}

/**
 * The fused path sharded (src/node/fused-shard.ts): every worker reads the capture and writes the
 * records of its shard in WebAssembly; here the batches are merged in input order and written.
 */
async function writeFusedSharded(pool: ShardPool, options: ShardedCaptureOptions, sinks: CompactSinks, say: (message: string) => void): Promise<void> {
  const { summary, output, progress } = sinks;
  const run = new ShardedCaptureRun(pool, options);
  for await (const chunk of run.chunks(say)) {
    if (chunk.output.length) await output.writeTransient(chunk.output);
    progress?.update(chunk.records, chunk.inputOffset);
    if (output.closed) break;
  }
  const warnings = run.finish(summary);
  // as on one engine: a run cut short by a closed output says no warnings
  if (!output.closed) for (const warning of warnings) say(`warning: ${warning}`);
}

function isRegularFile(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

function workerCount(value: number | string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`--workers: expected a whole number from 1 to 64, got "${value}"`);
  return n;
}

function recordFormat(name: string | undefined): RecordFormat {
  const format = name ?? 'jsonl';
  if (!isRecordFormat(format)) throw new Error(`--format: unknown "${format}" (known: ${RECORD_FORMATS.join(', ')})`);
  return format;
}

function sizeOf(path: string): number | undefined {
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

async function writeText(path: string, text: string): Promise<void> {
  const out = openSink(path);
  out.write(text);
  await out.close();
}

/** `iptables -t T -L -v -n --line-numbers` for every table the ruleset has, each under a comment naming it. */
export function listCounters(ruleset: Ruleset): string {
  return ruleset.tables
    .map((table) => `# iptables -t ${table.name} -L -v -n --line-numbers\n${formatList(ruleset, { table: table.name, verbose: true, numeric: true, lineNumbers: true })}`)
    .join('\n');
}

/** The input capture re-read by offset, a window at a time (the frames come in file order). */
class FileWindow implements RandomAccessBytes {
  private buffer = new Uint8Array(1 << 20);
  private start = 0;
  private length = 0;

  constructor(private readonly fd: number) {}

  read(offset: number, length: number): Uint8Array {
    if (offset < this.start || offset + length > this.start + this.length) {
      if (length > this.buffer.length) this.buffer = new Uint8Array(length);
      this.start = offset;
      this.length = readSync(this.fd, this.buffer, 0, this.buffer.length, offset);
    }
    const from = offset - this.start;
    return this.buffer.subarray(from, Math.min(from + length, this.length));
  }
}

/** --write: the capture's frames with their verdicts as comments, as pcapng. */
class AnnotatedCaptureFile {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly annotator: PcapngAnnotator;

  private constructor(
    private readonly inputFd: number,
    private readonly outputFd: number,
  ) {
    this.annotator = new PcapngAnnotator(new FileWindow(inputFd), (chunk) => this.write(chunk));
  }

  static open(capture: string, input: Input, outputPath: string): AnnotatedCaptureFile {
    if (input.kind !== 'capture') throw new Error(`--write annotates captures (pcap, pcapng); ${capture} is ${INPUT_NAMES[input.format]}`);
    const inputFd = openSync(capture, 'r');
    if (!fstatSync(inputFd).isFile()) {
      closeSync(inputFd);
      throw new Error(`--write re-reads the capture's frames: ${capture} must be a regular file`);
    }
    let outputFd: number;
    try {
      outputFd = openSync(outputPath, 'w');
    } catch (err) {
      closeSync(inputFd);
      throw new Error(`${outputPath}: cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return new AnnotatedCaptureFile(inputFd, outputFd);
  }

  add(frames: readonly { offset: number; caplen: number; comment: string }[]): void {
    for (const frame of frames) this.annotator.add(frame);
    this.flush();
  }

  finish(): void {
    this.annotator.finish();
    this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.inputFd);
    closeSync(this.outputFd);
  }

  private write(chunk: Uint8Array): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const all = new Uint8Array(this.pendingBytes);
    let at = 0;
    for (const chunk of this.pending) {
      all.set(chunk, at);
      at += chunk.length;
    }
    for (let done = 0; done < all.length; ) done += writeSync(this.outputFd, all, done);
    this.pending = [];
    this.pendingBytes = 0;
  }
}
