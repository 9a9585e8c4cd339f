// The WASM core alone on realistic stateful traffic (issue 6): the end-to-end capture
// (bench/gen-capture.ts, bench/scenario.ts: 1,022 rules, conntrack, CT --helper ftp) parsed once
// into packet records, then only the engine timed on them, in variants that show where the core's
// time goes. Every variant runs on a fresh engine (fresh conntrack), best of N, alternating.
//   node --import tsx bench/core.ts [--packets N] [--rounds N] [--only I] [--wasm FILE[,FILE…]]
// --wasm: other builds of the core instead of the inlined one (e.g. one with a name section for
// `node --cpu-prof`, or before/after builds: each variant runs on each, alternating, one table).
import { createReadStream, readFileSync } from 'node:fs';
import os from 'node:os';
import { parseCapture, type CaptureBatch } from '../src/capture/index.js';
import { Engine, type EngineOptions } from '../src/engine/engine.js';
import type { CoreExports } from '../src/engine/load-wasm.js';
import { parseHostModel } from '../src/host/load.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { cachedCapture } from './end-to-end.js';
import { scenarioHost, scenarioRules } from './scenario.js';

interface Variant {
  name: string;
  options: EngineOptions;
  /** 'compact': classifyCompact (what `classify --format msgpack` runs); 'core': evaluate() only, nothing read back. */
  path: 'compact' | 'core';
}

const VARIANTS: Variant[] = [
  { name: 'classifyCompact (as the CLI)', options: {}, path: 'compact' },
  { name: 'core only (evaluate, nothing read back)', options: {}, path: 'core' },
  { name: 'core only, conntrack off', options: { conntrack: false }, path: 'core' },
  { name: 'core only, classifier linear', options: { classifier: 'linear' }, path: 'core' },
  { name: 'core only, classifier always', options: { classifier: 'always' }, path: 'core' },
];

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const wasmFiles = arg('--wasm')?.split(',') ?? [];
const cores = wasmFiles.length === 0 ? [{ name: '', wasm: undefined }] : await Promise.all(wasmFiles.map(async (file) => ({ name: ` [${file}]`, wasm: await WebAssembly.compile(readFileSync(file)) })));

async function loadBatches(path: string): Promise<CaptureBatch[]> {
  const batches: CaptureBatch[] = [];
  for await (const batch of parseCapture(createReadStream(path, { highWaterMark: 4 << 20 }))) {
    // the parser reuses nothing, but copy anyway so the batches stay valid for every round
    batches.push({ ...batch, records: batch.records.slice(0, batch.count * 256), payloads: batch.payloads.slice() });
  }
  return batches;
}

/** Engine.run with a sink that reads nothing: the core's own time plus copying records in. */
type Runner = { run(records: Uint8Array, count: number, payloads: Uint8Array, take: () => void): void };

interface Timing {
  /** The whole classify / run call. */
  total: number;
  /** Inside the core's evaluate() alone (user CPU time). */
  evaluate: number;
  /** Kernel CPU time inside evaluate(): mostly first touches of fresh memory pages (page faults). */
  evaluateSys: number;
}

/** Times every evaluate() call of `engine` (its exports object is frozen: the engine gets a wrapper). */
function timeEvaluateCalls(engine: Engine): () => { user: number; sys: number } {
  const holder = engine as unknown as { core: CoreExports };
  const core = holder.core;
  let user = 0;
  let sys = 0;
  holder.core = {
    ...core,
    evaluate(cfg, pkts, count, results) {
      // CPU time, not wall time: other jobs on a shared machine then cost less noise
      const start = process.cpuUsage();
      const done = core.evaluate(cfg, pkts, count, results);
      const spent = process.cpuUsage(start);
      user += spent.user;
      sys += spent.system;
      return done;
    },
  };
  return () => ({ user: user / 1e6, sys: sys / 1e6 });
}

async function timeVariant(variant: Variant, wasm: WebAssembly.Module | undefined, batches: readonly CaptureBatch[]): Promise<Timing> {
  const ruleset = parseRuleset(scenarioRules(), { filename: 'router.rules' });
  const host = parseHostModel(scenarioHost(), { filename: 'router-host.json' });
  const engine = await Engine.create(ruleset, host, { ...variant.options, wasm });
  const evaluateSeconds = timeEvaluateCalls(engine);
  const runner = engine as unknown as Runner;
  const start = process.hrtime.bigint();
  for (const b of batches) {
    if (variant.path === 'compact') engine.classifyCompact(b.records, b.count, b.payloads);
    else runner.run(b.records, b.count, b.payloads, () => {});
  }
  const inside = evaluateSeconds();
  return { total: Number(process.hrtime.bigint() - start) / 1e9, evaluate: inside.user, evaluateSys: inside.sys };
}

async function main(): Promise<void> {
  const packets = Number(arg('--packets') ?? 1_000_000);
  const rounds = Number(arg('--rounds') ?? 3);
  const only = arg('--only');
  const chosen = only === undefined ? VARIANTS : [VARIANTS[Number(only)]];
  const variants = chosen.flatMap((v) => cores.map((core) => ({ ...v, name: v.name + core.name, wasm: core.wasm })));
  const batches = await loadBatches(cachedCapture(packets));
  const records = batches.reduce((n, b) => n + b.count, 0);
  console.log(`machine: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}, ${os.platform()} ${os.release()}, load ${os.loadavg()[0].toFixed(1)}`);
  console.log(`${packets.toLocaleString('en')} frames, ${records.toLocaleString('en')} packet records, best of ${rounds}`);
  const best = variants.map(() => ({ total: Infinity, evaluate: Infinity, evaluateSys: Infinity }));
  for (let r = 0; r < rounds; r++) {
    for (let v = 0; v < variants.length; v++) {
      const t = await timeVariant(variants[v], variants[v].wasm, batches);
      best[v] = { total: Math.min(best[v].total, t.total), evaluate: Math.min(best[v].evaluate, t.evaluate), evaluateSys: Math.min(best[v].evaluateSys, t.evaluateSys) };
    }
  }
  console.log('| variant | best time | M packets/s | evaluate() CPU | evaluate() M packets/s | evaluate() vs the first | evaluate() kernel CPU |');
  console.log('|---|---|---|---|---|---|---|');
  variants.forEach((v, i) => {
    const { total, evaluate, evaluateSys } = best[i];
    const rate = (s: number) => (records / s / 1e6).toFixed(2);
    console.log(`| ${v.name} | ${total.toFixed(3)} s | ${rate(total)} | ${evaluate.toFixed(3)} s | ${rate(evaluate)} | ${(best[0].evaluate / evaluate).toFixed(2)}x | ${evaluateSys.toFixed(3)} s |`);
  });
}

await main();
