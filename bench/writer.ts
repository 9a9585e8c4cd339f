// Writing the records of the end-to-end traffic (bench/gen-capture.ts, bench/scenario.ts: 1,022
// rules, conntrack, CT --helper ftp): the compact path the CLI runs today (results copied out by
// classifyCompact, encoded by src/output/compact-*.ts) against the record writer in the core
// (src/output/core-writer.ts, reading evaluate()'s results in place). The capture is parsed once;
// each variant runs on a fresh engine over the same packet records, alternating, best of N; "core
// only" (evaluate, nothing read back) is what both pay, the rest is the writing.
//   node --import tsx bench/writer.ts [--packets N] [--rounds N] [--formats msgpack,jsonl]
import { createReadStream } from 'node:fs';
import os from 'node:os';
import { parseCapture, type CaptureBatch } from '../src/capture/index.js';
import { Engine, type PacketSink } from '../src/engine/engine.js';
import { parseHostModel } from '../src/host/load.js';
import { compactEncoder } from '../src/output/compact-encoder.js';
import { CoreRecordWriter } from '../src/output/core-writer.js';
import type { RecordFormat } from '../src/output/encode.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { cachedCapture } from './end-to-end.js';
import { scenarioHost, scenarioRules } from './scenario.js';

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** Engine's loop over a batch of packet records with a sink of ours. */
type Runner = { run(records: Uint8Array, count: number, payloads: Uint8Array, take: PacketSink): void };

async function loadBatches(path: string): Promise<CaptureBatch[]> {
  const batches: CaptureBatch[] = [];
  for await (const batch of parseCapture(createReadStream(path, { highWaterMark: 4 << 20 }))) {
    batches.push({ ...batch, records: batch.records.slice(0, batch.count * 256), payloads: batch.payloads.slice() });
  }
  return batches;
}

type Path = 'core only' | 'compact (JS encoders)' | 'core writer (WASM)';

interface Timing {
  seconds: number;
  bytes: number;
}

async function timePath(path: Path, format: RecordFormat, batches: readonly CaptureBatch[]): Promise<Timing> {
  const engine = await Engine.create(parseRuleset(scenarioRules(), { filename: 'router.rules' }), parseHostModel(scenarioHost(), { filename: 'router-host.json' }));
  const runner = engine as unknown as Runner;
  const encoder = compactEncoder(format, engine.compactLabels);
  const writer = path === 'core writer (WASM)' ? new CoreRecordWriter(engine, format) : undefined;
  let bytes = 0;
  let n = 1;
  const start = process.hrtime.bigint();
  for (const b of batches) {
    if (path === 'core only') runner.run(b.records, b.count, b.payloads, () => {});
    else if (writer) {
      writer.begin();
      runner.run(b.records, b.count, b.payloads, (view, mem, res, pkt, reply, count, events) => {
        writer.packets(view, mem, res, pkt, reply, count, events, n);
        n += count;
      });
      bytes += writer.take().length;
    } else {
      const batch = engine.classifyCompact(b.records, b.count, b.payloads);
      encoder.begin(batch.count);
      for (let i = 0; i < batch.count; i++) encoder.packet(n++, batch, i);
      const chunk = encoder.take();
      bytes += typeof chunk === 'string' ? chunk.length : chunk.length;
    }
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, bytes };
}

async function main(): Promise<void> {
  const packets = Number(arg('--packets') ?? 1_000_000);
  const rounds = Number(arg('--rounds') ?? 3);
  const formats = (arg('--formats') ?? 'msgpack,jsonl').split(',') as RecordFormat[];
  const batches = await loadBatches(cachedCapture(packets));
  const records = batches.reduce((sum, b) => sum + b.count, 0);
  console.log(`machine: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}, load ${os.loadavg()[0].toFixed(1)}`);
  console.log(`${records.toLocaleString('en')} packet records, variants alternating, best of ${rounds}`);
  const paths: Path[] = ['core only', 'compact (JS encoders)', 'core writer (WASM)'];
  for (const format of formats) {
    const best = paths.map(() => ({ seconds: Infinity, bytes: 0 }));
    for (let r = 0; r < rounds; r++) {
      for (let p = 0; p < paths.length; p++) {
        const t = await timePath(paths[p], format, batches);
        best[p] = { seconds: Math.min(best[p].seconds, t.seconds), bytes: t.bytes };
      }
    }
    console.log(`\n--format ${format}`);
    console.log('| path | best time | writing (minus core only) | M records/s written | output bytes |');
    console.log('|---|---|---|---|---|');
    paths.forEach((path, p) => {
      const writing = best[p].seconds - best[0].seconds;
      console.log(`| ${path} | ${best[p].seconds.toFixed(3)} s | ${p === 0 ? '-' : `${writing.toFixed(3)} s`} | ${p === 0 ? '-' : (records / writing / 1e6).toFixed(1)} | ${best[p].bytes.toLocaleString('en')} |`);
    });
  }
}

await main();
