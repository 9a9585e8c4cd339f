// Benchmarks (tinybench). Prints the machine, then throughput of the WASM evaluator on generated
// rulesets of growing size, as packets/s and as a ratio to the smallest ruleset in the same run
// (machines are noisy: compare ratios within one run, never absolute times across runs).
import { Bench } from 'tinybench';
import os from 'node:os';
import { PKT_SIZE } from '../assembly/shared/layout.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { defaultHostModel } from '../src/host/load.js';
import { Engine } from '../src/engine/engine.js';
import { encodePacket } from '../src/packets/encode.js';
import { generateRules, generatePackets } from './generate.js';
import { formatEndToEnd, runEndToEnd } from './end-to-end.js';
import { callsPerSecond } from './calls-per-second.js';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const quick = process.argv.includes('--quick');

/** Benchmarks with a script of their own (bench/classifier.ts, compile.ts, memory.ts, conntrack.ts, floor.ts), each in a fresh process. */
function runScript(name: string): void {
  const path = new URL(`./${name}`, import.meta.url);
  if (!existsSync(path)) {
    console.log(`(${name}: not there yet, skipped)`);
    return;
  }
  spawnSync(process.execPath, ['--import', 'tsx', path.pathname, ...(quick ? ['--quick'] : [])], { stdio: 'inherit' });
}

const PACKETS = 4096;

async function main() {
  console.log(`machine: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  const packets = generatePackets(PACKETS, 1);
  const bytes = new Uint8Array(PACKETS * PKT_SIZE);
  const view = new DataView(bytes.buffer);
  packets.forEach((p, i) => encodePacket(view, i * PKT_SIZE, p));

  const bench = new Bench({ time: 1000 });
  for (const n of [10, 100, 1000]) {
    const engine = await Engine.create(parseRuleset(generateRules(n, 7), { filename: `generated-${n}` }), defaultHostModel());
    engine.classify(bytes, PACKETS); // warm up: let V8 tier the wasm up (WASM-NOTES.md §2)
    bench.add(`classify ${PACKETS} packets, ${n} rules`, () => {
      engine.classify(bytes, PACKETS);
    });
  }
  await bench.run();
  const base = callsPerSecond(bench.tasks[0]);
  for (const task of bench.tasks) {
    const ops = callsPerSecond(task);
    console.log(`${task.name.padEnd(40)} ${((ops * PACKETS) / 1e6).toFixed(2).padStart(8)} Mpps  ratio ${(ops / base).toFixed(3)}`);
  }
}

main()
  .then(() => {
    runScript('classifier.ts');
    console.log('\n## compile time (parse, compile, load)\n');
    runScript('compile.ts');
    console.log('\n## memory per live flow\n');
    runScript('memory.ts');
    if (!quick) runScript('conntrack.ts');
    console.log('\n## end to end\n');
    console.log(formatEndToEnd(runEndToEnd(quick)));
    console.log('\n## the one-thread floor (read + conntrack alone against tcpdump)\n');
    runScript('floor.ts');
  });
