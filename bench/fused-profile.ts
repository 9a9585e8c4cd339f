// The fused capture path alone (issue 6, what `nfwasm classify CAPTURE --format F --records
// /dev/null --quiet` runs after start-up): wireParse + evaluateInPlace + writeRecords, as
// src/node/fused-capture.ts drives them, timed without the CLI's start-up. Several builds of the
// core run alternately, best of N, so before/after builds compare in one session; a build with a
// name section (`asc ... --debug`) makes `node --cpu-prof` profiles readable by WASM function.
//   node --import tsx bench/fused-profile.ts [--capture FILE] [--format msgpack|jsonl|csv]
//     [--rounds N] [--wasm FILE[,FILE…]] [--out FILE] [--batch FRAMES] [--split]
// --split: each round's time split into reading, parsing (and the rest), evaluate(), writing.
// --batch: frames per parser batch (the parser's default otherwise).
// --out: the records of the last round of each build written to FILE.<build index> (to cmp).
// Capture, rules and host default to the 1M-packet end-to-end capture (bench/end-to-end.ts).
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { CaptureParser } from '../src/capture/parser.js';
import { Engine } from '../src/engine/engine.js';
import { parseHostModel } from '../src/host/load.js';
import { CoreRecordWriter } from '../src/output/core-writer.js';
import { isRecordFormat } from '../src/output/encode.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { evaluateCapture } from '../src/pipeline/evaluate-capture.js';
import { Summary } from '../src/node/summary.js';
import { openSource, readInto } from '../src/node/source.js';

const READ_SIZE = 4 << 20;

/** Milliseconds spent in each stage of the last run (--split): wrapped methods, timed per call (per batch, not per packet). */
const split = { read: 0, evaluateInPlace: 0, writerPackets: 0 };
function timed<T extends object>(proto: T, method: keyof T & string, into: keyof typeof split): void {
  const original = (proto as Record<string, (...args: unknown[]) => unknown>)[method];
  (proto as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
    const started = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      split[into] += performance.now() - started;
    }
  };
}

function arg(name: string, fallback?: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const dir = '/tmp/nfwasm-bench';
const capture = arg('--capture', `${dir}/router-1000000.pcapng`)!;
const format = arg('--format', 'msgpack')!;
if (!isRecordFormat(format)) throw new Error(`--format: unknown "${format}"`);
const rounds = Number(arg('--rounds', '5'));
const out = arg('--out');
const showSplit = process.argv.includes('--split');
if (showSplit) {
  timed(Engine.prototype, 'evaluateInPlace', 'evaluateInPlace');
  timed(CoreRecordWriter.prototype, 'packets', 'writerPackets');
}
const batchSize = arg('--batch') === undefined ? undefined : Number(arg('--batch'));
const ruleset = parseRuleset(readFileSync(arg('--rules', `${dir}/router.rules`)!, 'utf8'));
const host = parseHostModel(readFileSync(arg('--host', `${dir}/router-host.json`)!, 'utf8'));
const wasmFiles = arg('--wasm')?.split(',') ?? [];
const cores = wasmFiles.length === 0 ? [{ name: 'inlined', wasm: undefined }] : await Promise.all(wasmFiles.map(async (file) => ({ name: file, wasm: await WebAssembly.compile(readFileSync(file)) })));

/** One run of the fused path on a fresh engine; returns the time from the first read to the last record, and the output. */
async function runOnce(wasm: WebAssembly.Module | undefined, keep: boolean): Promise<{ ms: number; records: number; bytes: Uint8Array[] }> {
  const engine = await Engine.create(ruleset, host, { wasm });
  const summary = new Summary({ input: capture, conntrackModes: engine.conntrackModes() });
  const writer = new CoreRecordWriter(engine, format as 'msgpack' | 'jsonl' | 'csv', { tally: summary });
  const source = await openSource(capture);
  const bytes: Uint8Array[] = [];
  for (const key of Object.keys(split) as (keyof typeof split)[]) split[key] = 0;
  const started = performance.now();
  let records = 0;
  try {
    const parser = CaptureParser.onEngine(engine, { bufferSize: READ_SIZE, batchSize });
    const input = { head: source.head, readInto: async (into: Uint8Array) => {
      const started = performance.now();
      const n = await readInto(source.fd, into);
      split.read += performance.now() - started;
      return n;
    } };
    for await (const chunk of evaluateCapture(engine, parser, input, writer, { readSize: READ_SIZE })) {
      records = chunk.records;
      if (keep) bytes.push(typeof chunk.output === 'string' ? new TextEncoder().encode(chunk.output) : chunk.output.slice());
    }
  } finally {
    source.close();
  }
  return { ms: performance.now() - started, records, bytes };
}

const best = cores.map(() => Infinity);
/** Each stage's best time per build (--split): stages vary independently under load. */
const bestStages = cores.map(() => ({ read: Infinity, parse: Infinity, evaluate: Infinity, write: Infinity }));
/** Every round's stage times per build, for the medians. */
const allStages = cores.map(() => ({ read: [] as number[], parse: [] as number[], evaluate: [] as number[], write: [] as number[] }));
/** Milliseconds with one decimal below 100 (small captures), whole above. */
const millis = (v: number): string => v.toFixed(v < 100 ? 1 : 0);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1];
for (let round = 0; round < rounds; round++) {
  for (let c = 0; c < cores.length; c++) {
    const last = round === rounds - 1;
    const { ms, records, bytes } = await runOnce(cores[c].wasm, last && out !== undefined);
    best[c] = Math.min(best[c], ms);
    const stageTimes = { read: split.read, parse: ms - split.read - split.evaluateInPlace, evaluate: split.evaluateInPlace - split.writerPackets, write: split.writerPackets };
    for (const key of Object.keys(stageTimes) as (keyof typeof stageTimes)[]) {
      bestStages[c][key] = Math.min(bestStages[c][key], stageTimes[key]);
      allStages[c][key].push(stageTimes[key]);
    }
    const stages = showSplit ? `: read ${split.read.toFixed(0)}, parse+rest ${(ms - split.read - split.evaluateInPlace).toFixed(0)}, evaluate ${(split.evaluateInPlace - split.writerPackets).toFixed(0)}, write ${split.writerPackets.toFixed(0)}` : '';
    console.log(`round ${round + 1} ${cores[c].name}: ${ms.toFixed(0)} ms, ${records} records${stages}`);
    if (last && out !== undefined) writeFileSync(`${out}.${c}`, Buffer.concat(bytes));
  }
}
for (let c = 0; c < cores.length; c++) {
  const stages = showSplit ? `; best per stage: ${Object.entries(bestStages[c]).map(([k, v]) => `${k} ${millis(v)}`).join(', ')}` : '';
  const medians = showSplit ? `; medians: ${Object.entries(allStages[c]).map(([k, v]) => `${k} ${millis(median(v))}`).join(', ')}` : '';
  console.log(`best of ${rounds} ${cores[c].name}: ${millis(best[c])} ms${stages}${medians}`);
}
