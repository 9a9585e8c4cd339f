// Time to first packet (issue 6, task START): fresh `nfwasm classify` processes on a tiny capture
// (200 packets of the end-to-end traffic), so that a run is almost all start-up: node's own start,
// loading the CLI, parsing and compiling the ruleset, setting up the engine. The router ruleset of
// the end-to-end bench and bench/compile.ts's realistic 10k-rule rulesets; `node -e 0` as the
// floor. Variants (built dist/ trees, e.g. a copy of main's and this tree's) alternate run by run;
// min and median wall time of each. Usage:
//   node --import tsx bench/startup.ts [--runs N] [--dist DIR,DIR...] [--rulesets router,acl-10000,fw-10000]
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedCapture } from './end-to-end.js';
import { generateRuleset, type Seed } from './rulegen.js';
import { scenarioHost, scenarioRules } from './scenario.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
}

const runs = Number(option('--runs', '10'));
const dists = option('--dist', join(root, 'dist')).split(',');
const rulesetNames = option('--rulesets', 'router,acl-10000,fw-10000').split(',');

const dir = join(os.tmpdir(), 'nfwasm-bench', 'startup');
mkdirSync(dir, { recursive: true });

/** The classify arguments (rules and host) of a named ruleset, written under the temp dir. */
function rulesetArgs(name: string): string[] {
  const rules = join(dir, `${name}.rules`);
  if (name === 'router') {
    const host = join(dir, 'router-host.json');
    writeFileSync(rules, scenarioRules());
    writeFileSync(host, scenarioHost());
    return ['--rules', rules, '--host', host];
  }
  const [seed, size] = name.split('-');
  writeFileSync(rules, generateRuleset('realistic', seed as Seed, Number(size), 7 + Number(size)).text);
  return ['--rules', rules];
}

function wallMs(args: string[]): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`node ${args.join(' ')}: exit ${run.status}: ${run.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const summary = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return `min ${sorted[0].toFixed(1)} ms, median ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms`;
};

const capture = cachedCapture(200);
console.log(`${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}, load ${os.loadavg()[0].toFixed(1)}; ${runs} alternating runs each`);
const floor: number[] = [];
for (const name of rulesetNames) {
  const ruleset = rulesetArgs(name);
  const times = dists.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    dists.forEach((dist, d) => {
      times[d].push(wallMs([join(dist, 'src/node/nfwasm.mjs'), 'classify', capture, ...ruleset, '--format', 'msgpack', '--records', '/dev/null', '--quiet']));
    });
    floor.push(wallMs(['-e', '0']));
  }
  dists.forEach((dist, d) => console.log(`${name.padEnd(10)} ${dist}: ${summary(times[d])}`));
}
console.log(`node -e 0: ${summary(floor)}`);
