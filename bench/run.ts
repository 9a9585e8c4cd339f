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
  const base = bench.tasks[0].result?.throughput?.mean ?? NaN;
  for (const task of bench.tasks) {
    const ops = task.result?.throughput?.mean ?? NaN;
    console.log(`${task.name.padEnd(40)} ${((ops * PACKETS) / 1e6).toFixed(2).padStart(8)} Mpps  ratio ${(ops / base).toFixed(3)}`);
  }
}

main();
