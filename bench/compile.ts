// Ruleset compile time (issue 6, bench 4: "10k rules compile in under 250 ms"), in three phases
// a user waits for before the first packet: parse (iptables-save text to the ruleset model),
// compile (to entries, code and classifier tables) and load (instantiate the core and copy the
// tables into its memory: the rest of Engine.create). Rulesets: the ClassBench-style generator
// (bench/rulegen.ts, realistic stateful layout, acl and fw seeds) at 10, 100, 1k and 10k rules,
// and the end-to-end router ruleset (bench/scenario.ts, ~1k rules over raw and filter).
// Warm: median of repeated runs in this process after warm-ups. Cold: one run in a fresh process
// each (V8 has compiled nothing yet, the core's .wasm is compiled from its inlined bytes), median
// of several processes; module loading before the first phase is not counted.
//   node --import tsx bench/compile.ts [--quick] [--sizes 10000,...] [--no-router]
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { compileRuleset } from '../src/compile/index.js';
import type { CompiledRuleset } from '../src/compile/index.js';
import { loadIntoCore } from '../src/engine/core-setup.js';
import { defragSettings } from '../src/engine/defrag.js';
import { instantiateCore } from '../src/engine/load-wasm.js';
import { defaultHostModel } from '../src/host/default.js';
import { parseHostModel } from '../src/host/load.js';
import type { HostModel } from '../src/host/model.js';
import { buildRouteTable } from '../src/host/routes.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { generateRuleset, type Seed } from './rulegen.js';
import { scenarioHost, scenarioRules } from './scenario.js';

const sizesAt = process.argv.indexOf('--sizes');
const SIZES = sizesAt > 0 ? process.argv[sizesAt + 1].split(',').map(Number) : [10, 100, 1000, 10000];
const withRouter = !process.argv.includes('--no-router');
const SEEDS: Seed[] = ['acl', 'fw'];
const TARGET_MS = 250;
/** Engine.create's defaults (src/engine/engine.ts). */
const BATCH = 4096;
const EVENTS = 65536;

const quick = process.argv.includes('--quick');
const WARM_RUNS = quick ? 3 : 9;
const COLD_RUNS = quick ? 1 : 3;

interface Subject {
  /** 'acl' / 'fw' (generated) or 'router' (bench/scenario.ts). */
  name: string;
  rules: number;
}

interface Phases {
  parse: number;
  compile: number;
  load: number;
}

const total = (p: Phases) => p.parse + p.compile + p.load;

function source(s: Subject): { text: string; host: HostModel } {
  if (s.name === 'router') return { text: scenarioRules(), host: parseHostModel(scenarioHost(), { filename: 'router-host.json' }) };
  return { text: generateRuleset('realistic', s.name as Seed, s.rules, 7 + s.rules).text, host: defaultHostModel() };
}

/** One pass through the three phases; returns their times (ms) and the compiled tables. */
async function onePass(text: string, host: HostModel, filename: string): Promise<{ phases: Phases; compiled: CompiledRuleset }> {
  const t0 = performance.now();
  const ruleset = parseRuleset(text, { filename });
  const t1 = performance.now();
  const compiled = compileRuleset(ruleset, host);
  const t2 = performance.now();
  // the rest of Engine.create, with its defaults
  const core = await instantiateCore();
  loadIntoCore(core, compiled, buildRouteTable(host), BATCH, EVENTS, defragSettings());
  const t3 = performance.now();
  return { phases: { parse: t1 - t0, compile: t2 - t1, load: t3 - t2 }, compiled };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function medianPhases(runs: Phases[]): Phases {
  return { parse: median(runs.map((r) => r.parse)), compile: median(runs.map((r) => r.compile)), load: median(runs.map((r) => r.load)) };
}

interface Row {
  subject: Subject;
  /** Rules in the parsed ruleset (all tables and chains). */
  ruleCount: number;
  warm: Phases;
  warmTotal: number;
  cold: Phases;
  coldTotal: number;
  tableMiB: number;
}

async function warmRow(s: Subject): Promise<Omit<Row, 'cold' | 'coldTotal'>> {
  const { text, host } = source(s);
  const filename = `${s.name}-${s.rules}`;
  for (let i = 0; i < 2; i++) await onePass(text, host, filename);
  const runs: Phases[] = [];
  const totals: number[] = [];
  let last: CompiledRuleset | undefined;
  for (let i = 0; i < WARM_RUNS; i++) {
    const r = await onePass(text, host, filename);
    runs.push(r.phases);
    totals.push(total(r.phases));
    last = r.compiled;
  }
  const ruleset = parseRuleset(text, { filename });
  const ruleCount = ruleset.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
  const tableBytes = last!.classifiers.reduce((sum, c) => sum + c.bytes, 0);
  return { subject: s, ruleCount, warm: medianPhases(runs), warmTotal: median(totals), tableMiB: tableBytes / 2 ** 20 };
}

/** A fresh process runs one pass (this script with --cold NAME RULES) and prints its phases as JSON. */
function coldRuns(s: Subject): Phases[] {
  const script = fileURLToPath(import.meta.url);
  const runs: Phases[] = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--cold', s.name, String(s.rules)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cold run of ${s.name} ${s.rules} failed: ${r.stderr.slice(-500)}`);
    runs.push(JSON.parse(r.stdout.trim().split('\n').pop()!) as Phases);
  }
  return runs;
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? '?'} x${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${os.platform()} ${os.release()}, load ${os.loadavg()[0].toFixed(1)}`;
}

const ms = (x: number) => x.toFixed(1);
const phasesText = (p: Phases) => `${ms(p.parse)} / ${ms(p.compile)} / ${ms(p.load)}`;

async function main(): Promise<void> {
  console.log(`machine: ${machine()}`);
  const subjects: Subject[] = [
    ...SEEDS.flatMap((name) => SIZES.map((rules) => ({ name, rules }))),
    ...(withRouter ? [{ name: 'router', rules: 0 }] : []),
  ];
  const rows: Row[] = [];
  for (const s of subjects) {
    const warm = await warmRow(s);
    const cold = coldRuns(s);
    rows.push({ ...warm, cold: medianPhases(cold), coldTotal: median(cold.map(total)) });
  }
  console.log(`\nwarm: median of ${WARM_RUNS} in one process after 2 warm-ups; cold: median of ${COLD_RUNS} fresh processes, one pass each\n`);
  console.log('| ruleset | rules | warm parse / compile / load ms | warm total | cold parse / compile / load ms | cold total | classifier tables MiB |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const name = r.subject.name === 'router' ? 'router (bench/scenario.ts)' : `realistic ${r.subject.name}`;
    console.log(`| ${name} | ${r.ruleCount.toLocaleString('en')} | ${phasesText(r.warm)} | ${ms(r.warmTotal)} | ${phasesText(r.cold)} | ${ms(r.coldTotal)} | ${r.tableMiB.toFixed(2)} |`);
  }
  const big = rows.filter((r) => r.subject.rules === 10000);
  if (big.length === 0) return;
  const worstWarm = Math.max(...big.map((r) => r.warmTotal));
  const worstCold = Math.max(...big.map((r) => r.coldTotal));
  const verdict = (x: number) => (x < TARGET_MS ? 'met' : '**not met**');
  console.log(`\n10k rules, parse + compile + load, slowest seed: warm ${ms(worstWarm)} ms (${verdict(worstWarm)}), cold ${ms(worstCold)} ms (${verdict(worstCold)}); target < ${TARGET_MS} ms`);
}

async function cold(name: string, rules: number): Promise<void> {
  const { text, host } = source({ name, rules });
  const { phases } = await onePass(text, host, `${name}-${rules}`);
  console.log(JSON.stringify(phases));
}

const coldAt = process.argv.indexOf('--cold');
if (coldAt > 0) await cold(process.argv[coldAt + 1], Number(process.argv[coldAt + 2]));
else await main();
