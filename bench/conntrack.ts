// Conntrack benchmarks, against issue 3's targets ("Speed and memory"): at most 64 bytes per
// connection plus the index, and at least 10 M lookup-or-insert operations/s in batches at 1M
// live flows.
// - Memory: a realistic connection mix (bench/ct-mix.ts) through the whole pipeline, then the
//   table is counted: entry + the ext records actually used + the index, per live connection, at
//   the mix's load and with the table full (nf_conntrack_max live).
// - Speed (tinybench): the raw index and entry code at 1M live flows (conntrackLookupOrInsert,
//   batches of 64K tuples, as WASM-NOTES.md §4 measured the prototypes), and the whole pipeline
//   with conntrack on and off. The machines are noisy: medians are printed, compare ratios within
//   a run, never absolute figures across runs.
// Run: node --import tsx bench/conntrack.ts (prints a Markdown table for bench/RESULTS.md at the end)
import os from 'node:os';
import { Bench } from 'tinybench';
import { classifyPackets } from '../src/classify.js';
import { readConntrackUsage, type ConntrackUsage } from '../src/conntrack/read.js';
import type { Arena } from '../src/engine/arena.js';
import { Engine } from '../src/engine/engine.js';
import type { CoreExports } from '../src/engine/load-wasm.js';
import { defaultHostModel } from '../src/host/default.js';
import type { PacketInput } from '../src/packets/types.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { connectionMix, MIX_RULESET, mixHost } from './ct-mix.js';
import { rng } from './generate.js';
import { rawTable } from './raw-conntrack.js';
import { callsPerSecond } from './calls-per-second.js';

const LIVE = 1 << 20;
const CAPACITY = 2 * LIVE; // room for the inserts of the mixed batches
const BATCH = 1 << 16;
const MIXED_BATCHES = 64; // 64 x 6.5K fresh tuples: the table grows to at most 1.4M live
const MIX_CONNECTIONS = 200_000; // under the default nf_conntrack_max (262144)
const STATEFUL = '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m state --state ESTABLISHED -j ACCEPT\n-A INPUT -p udp -j ACCEPT\nCOMMIT\n';

// ---- memory ---------------------------------------------------------------------------------

/** Per live connection: bytes of entry, of ext records in use, and of index (at `live`). */
function bytesPerConnection(u: ConntrackUsage, live: number) {
  const entry = u.entryBytes;
  const ext = (u.withExt * u.extBytes) / u.live;
  const index = (u.indexSlots * u.slotBytes) / live;
  return { entry, ext, index, total: entry + ext + index };
}

async function memoryFigures() {
  const engine = await Engine.create(parseRuleset(MIX_RULESET, { filename: 'ct-mix' }), mixHost());
  const mix = connectionMix(MIX_CONNECTIONS, 11);
  const CHUNK = 1 << 16;
  let accepted = 0;
  let related = 0;
  for (let i = 0; i < mix.packets.length; i += CHUNK) {
    for (const r of classifyPackets(engine, mix.packets.slice(i, i + CHUNK))) {
      if (r.verdict === 'ACCEPT') accepted++;
      if (r.ctstate === 'RELATED') related++;
    }
  }
  const snapshot = engine.conntrackSnapshot();
  // The engine keeps its core private; the usage count reads the same tables through it.
  const internals = engine as unknown as { core: CoreExports; arena: Arena };
  const usage = readConntrackUsage(internals.core.memory.buffer, internals.arena.cfg);
  const tcp = snapshot.entries.filter((e) => e.proto === 6).length;
  const states = new Map<string, number>();
  for (const e of snapshot.entries) if (e.tcpState) states.set(e.tcpState, (states.get(e.tcpState) ?? 0) + 1);
  // Only counts leave: the packets would otherwise stay on the heap and slow the timed runs' GC.
  return {
    connections: mix.connections, packets: mix.packets.length, accepted, related, usage, tcp, states,
    expectations: snapshot.expectations.length,
  };
}

// ---- speed ----------------------------------------------------------------------------------

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

const fixed = (n: number, digits = 1) => n.toFixed(digits);

async function main() {
  const machine = `${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`;
  console.log(`machine: ${machine}`);

  const mem = await memoryFigures();
  const u = mem.usage;
  const atMix = bytesPerConnection(u, u.live);
  const atFull = bytesPerConnection(u, u.maxEntries);
  const states = [...mem.states].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${n}`).join(', ');
  console.log(`mix: ${mem.connections} connections, ${mem.packets} packets (${mem.accepted} accepted, ${mem.related} RELATED) -> ${u.live} live conntracks (${mem.tcp} TCP: ${states}), ${u.withExt} with an ext record, ${mem.expectations} expectations left`);
  console.log(`memory per live connection at ${u.live} live (index ${u.indexSlots} slots, load ${fixed((2 * u.live) / u.indexSlots, 2)}): entry ${atMix.entry} B + ext ${fixed(atMix.ext)} B + index ${fixed(atMix.index)} B = ${fixed(atMix.total)} B`);
  console.log(`memory per connection with the table full (${u.maxEntries} = nf_conntrack_max live, same mix): entry ${atFull.entry} B + ext ${fixed(atFull.ext)} B + index ${fixed(atFull.index)} B = ${fixed(atFull.total)} B`);

  const table = await rawTable(CAPACITY, BATCH);
  const live = randomTuples(LIVE, 1);
  const fresh = randomTuples(MIXED_BATCHES * (BATCH / 10), 2);
  const started = process.hrtime.bigint();
  for (let i = 0; i < LIVE; i += BATCH) table.run(live, i, BATCH);
  const fillSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const raw = table.usage();
  console.log(`insert ${LIVE} flows into an empty table: ${fixed(LIVE / fillSeconds / 1e6, 2)} M ops/s (first touch of fresh pages and V8 tier-up included)`);
  console.log(`raw table: ${raw.live} live of ${raw.maxEntries}, index ${raw.indexSlots} slots of ${raw.slotBytes} B (load ${fixed((2 * raw.live) / raw.indexSlots, 2)})`);

  // Batches are built before timing: the JS that assembles them is not what is measured.
  const lookups = Array.from({ length: 8 }, (_, k) => mixedBatch(live, live, 0, 100 + k));
  const freshPerBatch = BATCH / 10;
  const mixed = Array.from({ length: MIXED_BATCHES }, (_, k) => mixedBatch(live, fresh, k * freshPerBatch, 200 + k));
  let nextLookup = 0;
  let nextMixed = 0;
  const bench = new Bench({ time: 3000 });
  bench.add(`lookup (hits), ${BATCH} per batch, ${LIVE} live`, () => {
    table.run(lookups[nextLookup++ % lookups.length], 0, BATCH);
  });
  bench.add(`lookup-or-insert 90/10, ${BATCH} per batch, from ${LIVE} live`, () => {
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
  const rates = bench.tasks.map((task, i) => callsPerSecond(task, 'p50') * sizes[i]);
  bench.tasks.forEach((task, i) => {
    console.log(`${task.name.padEnd(62)} ${fixed(rates[i] / 1e6, 2).padStart(8)} M ops/s (median)  ratio ${(rates[i] / rates[0]).toFixed(3)}`);
  });
  const afterwards = table.usage();
  console.log(`raw table afterwards: ${afterwards.live} live`);

  const target = (ok: boolean) => (ok ? 'met' : '**not met**');
  const extShare = (100 * u.withExt) / u.live;
  console.log('\n| measure | value | target |');
  console.log('|---|---|---|');
  console.log(`| entry per connection, every protocol (TCP included) | ${u.entryBytes} B | <= 64 B plus the index: ${target(u.entryBytes <= 64)} |`);
  console.log(`| ext records in use (connmark, FTP helper, expected connections) | ${u.withExt} of ${u.live} connections (${fixed(extShare)}%), ${u.extBytes} B each: ${fixed(atMix.ext)} B per connection on average | the rare cases |`);
  console.log(`| index per connection, at the mix's load ${fixed((2 * u.live) / u.indexSlots, 2)} / table full (0.5) | ${fixed(atMix.index)} B / ${fixed(atFull.index)} B | - |`);
  console.log(`| total per connection (entry + ext + index), table full | ${fixed(atFull.total)} B | - |`);
  console.log(`| lookup-or-insert 90/10 at 1M live, batches of ${BATCH} | ${fixed(rates[1] / 1e6, 2)} M ops/s | >= 10 M ops/s: ${target(rates[1] >= 10e6)} |`);
  console.log(`| lookup (hits) at 1M live | ${fixed(rates[0] / 1e6, 2)} M ops/s | - |`);
  console.log(`| classify (whole pipeline), conntrack on / off | ${fixed(rates[2] / 1e6, 2)} / ${fixed(rates[3] / 1e6, 2)} M packets/s | - |`);
}

main();
