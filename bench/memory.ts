// Peak memory per 1M live flows (issue 6, bench 4; target "at most 64 bytes per tracked
// connection", plus the index). An engine with a stateful ruleset and nf_conntrack_max just above
// the flow count is fed 1,000,000 distinct flows (70 % TCP SYNs, 30 % UDP, one packet each,
// all within 10 s so none expires) as packet records in batches; the process's memory is read
// before, halfway and after. The core's memory is sized for nf_conntrack_max when the engine is
// created, but pages nobody has written cost no physical memory: RSS growth is what the flows
// really cost. Growth over the second half is the marginal cost of one more connection, measured
// once the index (which grows with the live peak) has reached its full size and every page of it
// has been touched (its slots are spread at random).
//   node --import tsx bench/memory.ts [--flows N]
import os from 'node:os';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PKT_DST, PKT_SEQ, PKT_SIZE, PKT_SPORT, PKT_SRC, PKT_TS } from '../assembly/shared/layout.js';
import { readConntrackUsage } from '../src/conntrack/read.js';
import type { Arena } from '../src/engine/arena.js';
import { Engine } from '../src/engine/engine.js';
import type { CoreExports } from '../src/engine/load-wasm.js';
import { defaultHostModel } from '../src/host/default.js';
import { encodePacket } from '../src/packets/encode.js';
import type { PacketInput } from '../src/packets/types.js';
import { parseRuleset } from '../src/ruleset/load.js';

const flowsArg = process.argv.indexOf('--flows');
const FLOWS = flowsArg > 0 ? Number(process.argv[flowsArg + 1]) : 1_000_000;
/** Room for every flow: a full table would early_drop (NETFILTER.md §4.4) and the count would be off. */
const CONNTRACK_MAX = Math.max(1024, 2 ** Math.ceil(Math.log2(FLOWS)));
const CHUNK = 1 << 16;
const SPAN_SECONDS = 10; // under the shortest timeout that applies (UDP unreplied, 30 s)
const RULESET = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A INPUT -m conntrack --ctstate NEW -j ACCEPT
COMMIT
`;

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Sample {
  rss: number;
  heapUsed: number;
  arrayBuffers: number;
  wasm: number;
}

function sample(wasmMemory?: WebAssembly.Memory): Sample {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, wasm: wasmMemory?.buffer.byteLength ?? 0 };
}

/** A record template per protocol; each flow patches its addresses, port, time and sequence. */
function templates(): Uint8Array[] {
  const base: PacketInput = {
    ts: 0, localOut: false, inIface: 'eth0', src: 0, dst: 0, proto: 6, length: 60, ttl: 64, tos: 0,
    fragOffset: 0, moreFragments: false, dontFragment: true, mark: 0,
  };
  const tcp: PacketInput = { ...base, sport: 1024, dport: 443, tcpFlags: 2, window: 64240, seq: 1 };
  const udp: PacketInput = { ...base, proto: 17, length: 76, sport: 1024, dport: 53 };
  return [tcp, udp].map((p) => {
    const bytes = new Uint8Array(PKT_SIZE);
    encodePacket(new DataView(bytes.buffer), 0, p);
    return bytes;
  });
}

/** Records `from` .. `from + count - 1` of the flow sequence into `records`: each a new 5-tuple. */
function fillFlows(records: Uint8Array, from: number, count: number, [tcp, udp]: Uint8Array[]): void {
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  for (let k = 0; k < count; k++) {
    const flow = from + k;
    const at = k * PKT_SIZE;
    records.set(flow % 10 < 7 ? tcp : udp, at);
    view.setFloat64(at + PKT_TS, 1000 + (flow * SPAN_SECONDS) / FLOWS, true);
    // clients spread over 10/8, a few hundred servers: the source address alone makes the tuple new
    view.setUint32(at + PKT_SRC, (0x0a000000 + flow) >>> 0, true);
    view.setUint32(at + PKT_DST, (0xc6336400 + (flow % 251) + 1) >>> 0, true);
    view.setUint16(at + PKT_SPORT, 1024 + ((flow * 7919) % 60000), true);
    view.setUint32(at + PKT_SEQ, (flow * 2654435761) >>> 0, true);
  }
}

const MiB = (b: number) => (b / 2 ** 20).toFixed(1);
const perFlow = (b: number, flows: number) => (b / flows).toFixed(1);

async function main(): Promise<void> {
  console.log(`machine: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${os.platform()} ${os.release()}, load ${os.loadavg()[0].toFixed(1)}`);
  const records = new Uint8Array(CHUNK * PKT_SIZE);
  const tmpl = templates();
  fillFlows(records, 0, CHUNK, tmpl); // its pages count before the engine, not per flow
  const before = sample();
  const host = { ...defaultHostModel(), sysctl: { ...defaultHostModel().sysctl, nf_conntrack_max: CONNTRACK_MAX } };
  const engine = await Engine.create(parseRuleset(RULESET, { filename: 'memory' }), host);
  // The engine keeps its core private; the batch loop and the usage count reach it as core.ts does.
  const internals = engine as unknown as {
    core: CoreExports;
    arena: Arena;
    run(records: Uint8Array, count: number, payloads: Uint8Array | undefined, take: () => void): void;
  };
  const memory = internals.core.memory;
  const created = sample(memory);
  let peakRss = created.rss;
  let half: Sample | undefined;
  let halfFlows = 0;
  // The index in use grows with the peak of live flows (assembly/conntrack/index-size.ts, 4 slots
  // each) and is the whole reservation past reserved / 8 of them: the marginal cost of a flow is
  // measured from there on (and from halfway at the earliest), with no index growth inside it.
  const indexFull = readConntrackUsage(memory.buffer, internals.arena.cfg).indexSlots / 8;
  const start = process.hrtime.bigint();
  for (let done = 0; done < FLOWS; done += CHUNK) {
    const n = Math.min(CHUNK, FLOWS - done);
    fillFlows(records, done, n, tmpl);
    internals.run(records, n, undefined, () => {});
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (!half && done + n >= FLOWS / 2 && done + n > indexFull) {
      half = sample(memory);
      halfFlows = done + n;
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const after = sample(memory);
  const usage = readConntrackUsage(memory.buffer, internals.arena.cfg);

  const grown = after.rss - created.rss;
  const marginal = (after.rss - half!.rss) / (FLOWS - halfFlows);
  const index = usage.indexSlots * usage.slotBytes;
  const logical = usage.entryBytes + (usage.withExt * usage.extBytes) / usage.live + index / usage.live;
  console.log(`fed ${FLOWS.toLocaleString('en')} flows in ${seconds.toFixed(2)} s (${(FLOWS / seconds / 1e6).toFixed(2)} M packets/s): ${usage.live.toLocaleString('en')} live conntracks, ${usage.withExt} with an ext record; nf_conntrack_max ${usage.maxEntries.toLocaleString('en')}, index ${usage.indexSlots.toLocaleString('en')} slots of ${usage.slotBytes} B`);
  if (usage.live !== FLOWS) console.log(`WARNING: ${FLOWS - usage.live} flows are not in the table (dropped, expired or early_drop): per-flow figures below divide by live conntracks`);
  const live = usage.live;
  const target = (ok: boolean) => (ok ? 'met' : '**not met**');
  console.log('\n| measure | value | per live flow |');
  console.log('|---|---|---|');
  console.log(`| process before the engine: RSS / V8 heap used / array buffers | ${MiB(before.rss)} / ${MiB(before.heapUsed)} / ${MiB(before.arrayBuffers)} MiB | - |`);
  console.log(`| engine created (nothing fed): RSS / WASM memory reserved | ${MiB(created.rss)} / ${MiB(created.wasm)} MiB | - |`);
  console.log(`| after ${live.toLocaleString('en')} flows: RSS / WASM memory / V8 heap used / array buffers | ${MiB(after.rss)} / ${MiB(after.wasm)} / ${MiB(after.heapUsed)} / ${MiB(after.arrayBuffers)} MiB | - |`);
  console.log(`| RSS growth while feeding (entries + index + ext pages touched) | ${MiB(grown)} MiB | ${perFlow(grown, live)} B |`);
  console.log(`| RSS growth from ${halfFlows.toLocaleString('en')} to ${FLOWS.toLocaleString('en')} flows (the index at its full size by then) | ${MiB(after.rss - half!.rss)} MiB | ${marginal.toFixed(1)} B |`);
  console.log(`| peak RSS while feeding / process max RSS | ${MiB(peakRss)} / ${MiB(process.resourceUsage().maxRSS * 1024)} MiB | - |`);
  console.log(`| tables by layout: entry ${usage.entryBytes} B + ext in use + index ${MiB(index)} MiB | ${MiB(live * logical)} MiB | ${logical.toFixed(1)} B (entry ${usage.entryBytes} + index ${(index / live).toFixed(1)}) |`);
  const entryOk = usage.entryBytes <= 64 && marginal <= 64 * 1.05;
  console.log(`\ntarget at most 64 B per tracked connection, the index counted apart: entry ${usage.entryBytes} B by layout, ${marginal.toFixed(1)} B of RSS per added flow (5 % allowed for the process's own noise): ${target(entryOk)}. With the index: ${logical.toFixed(1)} B per flow by layout, ${perFlow(grown, live)} B of RSS growth per flow (also counting the engine's batch buffers first touched while feeding): ${target(grown / live <= 64)} for 64 B all in.`);
}

await main();
