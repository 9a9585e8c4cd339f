// The classifier alone (issue 6, bench item 1 and the compile-time item): the core's evaluate()
// over a batch of packet records already in its memory (no JS decoding of results), for
// ClassBench-style rulesets (bench/rulegen.ts) of 10, 100, 1k and 10k rules, realistic and worst
// case layouts, linear walk against the per-chain classifier. Ratios are within this one run.
// Usage: node --import tsx bench/classifier.ts [--markdown] [--time MS]
import os from 'node:os';
import { Bench } from 'tinybench';
import { PKT_SIZE, RES_SIZE } from '../assembly/shared/layout.js';
import { type ClassifierMode, compileRuleset } from '../src/compile/index.js';
import { loadIntoCore } from '../src/engine/core-setup.js';
import { instantiateCore } from '../src/engine/load-wasm.js';
import { defaultHostModel } from '../src/host/default.js';
import { buildRouteTable } from '../src/host/routes.js';
import { encodePackets } from '../src/packets/encode.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { generateRuleset, generateTraffic, type Layout } from './rulegen.js';
import { callsPerSecond } from './calls-per-second.js';

const PACKETS = 4096;
const SIZES = [10, 100, 1000, 10000];
const LAYOUTS: Layout[] = ['realistic', 'worst'];
const MODES: ClassifierMode[] = ['linear', 'auto'];
const EVENTS = 1 << 16;

const markdown = process.argv.includes('--markdown');
const timeArg = process.argv.indexOf('--time');
const benchTime = timeArg > 0 ? Number(process.argv[timeArg + 1]) : 400;

function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? '?'} x${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`;
}

interface Case {
  layout: Layout;
  rules: number;
  mode: ClassifierMode;
  run: () => void;
  tableBytes: number;
  classified: number;
}

async function prepare(layout: Layout, rules: number, mode: ClassifierMode): Promise<Case> {
  const generated = generateRuleset(layout, 'acl', rules, 7 + rules);
  const ruleset = parseRuleset(generated.text, { filename: `${layout}-${rules}` });
  const host = defaultHostModel();
  const compiled = compileRuleset(ruleset, host, { conntrack: false, classifier: mode });
  const core = await instantiateCore();
  const arena = loadIntoCore(core, compiled, buildRouteTable(host), PACKETS, EVENTS);
  new Uint8Array(core.memory.buffer).set(encodePackets(generateTraffic(layout, generated, PACKETS, 99)), arena.packets);
  // The core rewrites only fields it derives the same way every time (routing, packet type), so
  // the batch can be evaluated again and again in place.
  const run = () => {
    for (let done = 0; done < PACKETS; ) {
      done += core.evaluate(arena.cfg, arena.packets + done * PKT_SIZE, PACKETS - done, arena.results + done * RES_SIZE);
    }
  };
  run(); // let V8 tier the wasm up (WASM-NOTES.md §2)
  const tableBytes = compiled.classifiers.reduce((sum, c) => sum + c.bytes, 0);
  return { layout, rules, mode, run, tableBytes, classified: compiled.classifiers.length };
}

function compileTime(rules: number): { medianMs: number; tableBytes: number; rows: number } {
  const generated = generateRuleset('realistic', 'acl', rules, 7 + rules);
  const ruleset = parseRuleset(generated.text, { filename: `realistic-${rules}` });
  const host = defaultHostModel();
  const times: number[] = [];
  let last = compileRuleset(ruleset, host, { conntrack: false });
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    last = compileRuleset(ruleset, host, { conntrack: false });
    times.push(performance.now() - t0);
  }
  const linear: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    compileRuleset(ruleset, host, { conntrack: false, classifier: 'linear' });
    linear.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  linear.sort((a, b) => a - b);
  console.log(`compile ${rules} rules: ${times[3].toFixed(1)} ms median with classifier, ${linear[2].toFixed(1)} ms without`);
  return {
    medianMs: times[3],
    tableBytes: last.classifiers.reduce((sum, c) => sum + c.bytes, 0),
    rows: last.classifiers.reduce((sum, c) => sum + c.rows, 0),
  };
}

async function main(): Promise<void> {
  console.log(`machine: ${machine()}`);
  const cases: Case[] = [];
  for (const layout of LAYOUTS) for (const rules of SIZES) for (const mode of MODES) cases.push(await prepare(layout, rules, mode));
  const bench = new Bench({ time: benchTime, warmupTime: 50 });
  for (const c of cases) bench.add(`${c.layout} ${c.rules} ${c.mode}`, c.run);
  await bench.run();
  const mpps = (i: number) => (callsPerSecond(bench.tasks[i]) * PACKETS) / 1e6;
  const rows: string[] = [];
  cases.forEach((c, i) => {
    const base = cases.findIndex((b) => b.layout === c.layout && b.mode === c.mode && b.rules === SIZES[0]);
    const linear = cases.findIndex((b) => b.layout === c.layout && b.mode === 'linear' && b.rules === c.rules);
    rows.push(
      `| ${c.layout} | ${c.rules} | ${c.mode === 'auto' ? (c.classified ? 'classifier' : 'linear (small chain)') : 'linear'} | ${mpps(i).toFixed(2)} | ${(mpps(i) / mpps(base)).toFixed(3)} | ${(mpps(i) / mpps(linear)).toFixed(1)}× | ${(c.tableBytes / 2 ** 20).toFixed(2)} |`,
    );
  });
  const compile = compileTime(10000);
  const header = [
    `Machine: ${machine()}. ${PACKETS} packets per evaluate() batch, tinybench ${benchTime} ms per case.`,
    '',
    '| layout | rules | path | Mpps | vs 10 rules (same path) | vs linear (same size) | table MiB |',
    '|---|---|---|---|---|---|---|',
  ];
  const table = [...header, ...rows, '', `Compile time at 10k rules (realistic, with classifier): ${compile.medianMs.toFixed(1)} ms median of 7; tables ${(compile.tableBytes / 2 ** 20).toFixed(2)} MiB, ${compile.rows} distinct rows.`];
  console.log(markdown ? table.join('\n') : table.join('\n'));
}

main();
