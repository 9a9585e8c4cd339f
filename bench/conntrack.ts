// Conntrack benchmarks (tinybench): the raw index and entry code at 1M live flows
// (conntrackLookupOrInsert, batches of 64K tuples, as WASM-NOTES.md §4 measured the prototypes)
// and the whole pipeline with conntrack on. Prints the machine first; compare ratios within a run,
// never absolute figures across runs (the machines are noisy). Run: node --import tsx bench/conntrack.ts
import os from 'node:os';
import { Bench } from 'tinybench';
import { CT_SIZE, CT_SLOT_SIZE } from '../assembly/shared/layout.js';
import { classifyPackets } from '../src/classify.js';
import { compileRuleset } from '../src/compile/compile.js';
import { conntrackSizes, ensureMemory } from '../src/engine/arena.js';
import { loadIntoCore } from '../src/engine/core-setup.js';
import { Engine } from '../src/engine/engine.js';
import { instantiateCore } from '../src/engine/load-wasm.js';
import { defaultHostModel } from '../src/host/default.js';
import { buildRouteTable } from '../src/host/routes.js';
import type { PacketInput } from '../src/packets/types.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { rng } from './generate.js';

const LIVE = 1 << 20;
const CAPACITY = 2 * LIVE; // room for the inserts of the mixed batches
const BATCH = 1 << 16;
const TUPLE_BYTES = 16;
const MIXED_BATCHES = 64; // 64 x 6.5K fresh tuples: the table grows to at most 1.4M live
const STATEFUL = '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m state --state ESTABLISHED -j ACCEPT\n-A INPUT -p udp -j ACCEPT\nCOMMIT\n';

function randomTuples(count: number, seed: number): Uint32Array {
  const r = rng(seed);
  const t = new Uint32Array(count * 4);
  for (let i = 0; i < count; i++) {
    t[4 * i] = (r() * 2 ** 32) >>> 0;
    t[4 * i + 1] = (r() * 2 ** 32) >>> 0;
    t[4 * i + 2] = (r() * 2 ** 32) >>> 0;
    t[4 * i + 3] = 6;
  }
  return t;
}

/** A core with a conntrack table of CAPACITY entries and a tuple area behind the arena. */
async function rawTable() {
  const host = { ...defaultHostModel(), sysctl: { ...defaultHostModel().sysctl, nf_conntrack_max: CAPACITY } };
  const compiled = compileRuleset(parseRuleset(STATEFUL), host);
  const core = await instantiateCore();
  const arena = loadIntoCore(core, compiled, buildRouteTable(host), 1, 16);
  const tuplesAt = arena.payloads;
  ensureMemory(core.memory, tuplesAt + BATCH * TUPLE_BYTES);
  const run = (tuples: Uint32Array, from: number, count: number): number => {
    new Uint32Array(core.memory.buffer, tuplesAt, count * 4).set(tuples.subarray(from * 4, (from + count) * 4));
    return core.conntrackLookupOrInsert(arena.cfg, tuplesAt, count);
  };
  return { run, slots: conntrackSizes(CAPACITY, 1).indexSlots };
}

/** A batch of BATCH tuples: 9 in 10 drawn from the live set, every 10th a never-seen one. */
function mixedBatch(live: Uint32Array, fresh: Uint32Array, freshFrom: number, seed: number): Uint32Array {
  const r = rng(seed);
  const batch = new Uint32Array(BATCH * 4);
  for (let i = 0; i < BATCH; i++) {
    const fromFresh = i % 10 === 9;
    const at = fromFresh ? freshFrom + Math.floor(i / 10) : Math.floor(r() * LIVE);
    batch.set((fromFresh ? fresh : live).subarray(at * 4, at * 4 + 4), i * 4);
  }
  return batch;
}

function udpFlows(count: number, packets: number, seed: number): PacketInput[] {
  const r = rng(seed);
  const out: PacketInput[] = [];
  for (let i = 0; i < packets; i++) {
    const flow = Math.floor(r() * count);
    out.push({
      ts: 1000 + i * 1e-6, localOut: false, inIface: 'eth0', src: (0xc0000200 + (flow >>> 16)) >>> 0, dst: 0xc6336401,
      proto: 17, sport: 1024 + (flow & 0xffff), dport: 53, length: 60, ttl: 64, tos: 0, fragOffset: 0,
      moreFragments: false, dontFragment: false, mark: 0,
    });
  }
  return out;
}

/** Mean calls per second of a finished task (NaN if it failed). */
function callsPerSecond(task: Bench['tasks'][number]): number {
  return (task.result as { throughput?: { mean?: number } } | undefined)?.throughput?.mean ?? NaN;
}

async function main() {
  console.log(`machine: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  const table = await rawTable();
  const live = randomTuples(LIVE, 1);
  const fresh = randomTuples(MIXED_BATCHES * (BATCH / 10), 2);
  const started = process.hrtime.bigint();
  for (let i = 0; i < LIVE; i += BATCH) table.run(live, i, BATCH);
  const fillSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`insert ${LIVE} flows into an empty table: ${(LIVE / fillSeconds / 1e6).toFixed(2)} M ops/s (first touch of fresh pages and V8 tier-up included)`);
  const indexBytesPerLive = (table.slots * CT_SLOT_SIZE) / LIVE;
  console.log(`memory: ${CT_SIZE} B entry + ${indexBytesPerLive.toFixed(0)} B index per live flow at ${LIVE} live (index ${table.slots} slots, load ${((2 * LIVE) / table.slots).toFixed(2)}); index at capacity: ${(4 * CT_SLOT_SIZE)} B per entry`);

  // Batches are built before timing: the JS that assembles them is not what is measured.
  const lookups = Array.from({ length: 8 }, (_, k) => mixedBatch(live, live, 0, 100 + k));
  const freshPerBatch = BATCH / 10;
  const mixed = Array.from({ length: MIXED_BATCHES }, (_, k) => mixedBatch(live, fresh, k * freshPerBatch, 200 + k));
  let nextLookup = 0;
  let nextMixed = 0;
  const bench = new Bench({ time: 1500 });
  bench.add(`lookup (hits), ${BATCH} per batch, ${LIVE} live`, () => {
    table.run(lookups[nextLookup++ % lookups.length], 0, BATCH);
  });
  bench.add(`lookup-or-insert 90/10, ${BATCH} per batch`, () => {
    // past the prepared batches the 10% are found too (inserted the first time round)
    table.run(mixed[nextMixed++ % mixed.length], 0, BATCH);
  });
  const engine = await Engine.create(parseRuleset(STATEFUL), defaultHostModel());
  const packets = udpFlows(10_000, 4096, 5);
  classifyPackets(engine, packets);
  bench.add('classify 4096 UDP packets over 10K flows, conntrack on', () => {
    classifyPackets(engine, packets);
  });
  const stateless = await Engine.create(parseRuleset(STATEFUL), defaultHostModel(), { conntrack: false });
  classifyPackets(stateless, packets);
  bench.add('the same with conntrack off (records\' ctstate)', () => {
    classifyPackets(stateless, packets);
  });
  await bench.run();
  const sizes = [BATCH, BATCH, packets.length, packets.length];
  const base = callsPerSecond(bench.tasks[0]) * sizes[0];
  bench.tasks.forEach((task, i) => {
    const ops = callsPerSecond(task) * sizes[i];
    console.log(`${task.name.padEnd(56)} ${(ops / 1e6).toFixed(2).padStart(8)} M ops/s  ratio ${(ops / base).toFixed(3)}`);
  });
}

main();
