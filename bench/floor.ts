// Where the floor is (issue 6, bench 3's one-thread target): the parts of `nfwasm classify` that no
// implementation of the issue can skip, each timed alone against `tcpdump -r FILE -w /dev/null
// 'tcp port 21'` on the same capture, in one process, alternately, best of N:
// - read: the file read into a 4 MiB buffer with readSync, as the CLI reads it (no parsing);
// - conntrack: one lookup-or-insert per evaluated packet, the capture's own tuples in capture
//   order, through the raw index and entry code (conntrackLookupOrInsert: group prefetch, no
//   tracker, no timers, no rules), with the table capped like the run's (nf_conntrack_max); the
//   tuples are extracted beforehand and not timed.
// If read + conntrack alone take longer than tcpdump's whole run, 1.0x tcpdump on one thread is
// below what the work allows on this machine, whatever the rest of the pipeline costs.
//   node --import tsx bench/floor.ts [--quick] [--capture FILE] [--rounds N] [--host FILE] [--ct-max N]
// (the capture of bench/end-to-end.ts: 10M packets, --quick 1M; the table capped by the host's
// nf_conntrack_max, by default the end-to-end run's host file)
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { PKT_DPORT, PKT_DST, PKT_PROTO, PKT_SIZE, PKT_SPORT, PKT_SRC } from '../assembly/shared/layout.js';
import { readCaptureFile } from '../src/node/capture-file.js';
import { cachedCapture, machine, timed } from './end-to-end.js';
import { rawTable } from './raw-conntrack.js';

const READ_SIZE = 4 << 20;
const BATCH = 1 << 16;

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** The tuple (conntrack/exports.ts's layout) of every evaluated packet of the capture, in order. */
async function captureTuples(path: string): Promise<Uint32Array> {
  let tuples = new Uint32Array(4 << 20);
  let count = 0;
  for await (const batch of readCaptureFile(path)) {
    const view = new DataView(batch.records.buffer, batch.records.byteOffset, batch.records.byteLength);
    if ((count + batch.count) * 4 > tuples.length) {
      const grown = new Uint32Array(Math.max(tuples.length * 2, (count + batch.count) * 4));
      grown.set(tuples.subarray(0, count * 4));
      tuples = grown;
    }
    for (let i = 0; i < batch.count; i++, count++) {
      const at = i * PKT_SIZE;
      tuples[count * 4] = view.getUint32(at + PKT_SRC, true);
      tuples[count * 4 + 1] = view.getUint32(at + PKT_DST, true);
      tuples[count * 4 + 2] = ((view.getUint16(at + PKT_SPORT, true) << 16) | view.getUint16(at + PKT_DPORT, true)) >>> 0;
      tuples[count * 4 + 3] = view.getUint8(at + PKT_PROTO);
    }
  }
  return tuples.subarray(0, count * 4);
}

function readSeconds(path: string): number {
  const buffer = Buffer.allocUnsafe(READ_SIZE);
  const started = process.hrtime.bigint();
  const fd = openSync(path, 'r');
  try {
    while (readSync(fd, buffer, 0, READ_SIZE, null) > 0);
  } finally {
    closeSync(fd);
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function conntrackSeconds(tuples: Uint32Array, ctMax: number): Promise<{ seconds: number; found: number }> {
  const table = await rawTable(ctMax, BATCH);
  const packets = tuples.length / 4;
  let found = 0;
  const started = process.hrtime.bigint();
  for (let from = 0; from < packets; from += BATCH) found += table.run(tuples, from, Math.min(BATCH, packets - from));
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, found };
}

const capture = arg('--capture') ?? cachedCapture(process.argv.includes('--quick') ? 1_000_000 : 10_000_000);
const rounds = Number(arg('--rounds') ?? 3);
const hostFile = arg('--host') ?? '/tmp/nfwasm-bench/router-host.json';
const ctMax = Number(arg('--ct-max') ?? (JSON.parse(readFileSync(hostFile, 'utf8')).sysctl?.nf_conntrack_max ?? 262144));

console.log(`machine: ${machine()}`);
const tuples = await captureTuples(capture);
const packets = tuples.length / 4;
const best = { tcpdump: Infinity, read: Infinity, conntrack: Infinity };
let found = 0;
for (let i = 0; i < rounds; i++) {
  best.tcpdump = Math.min(best.tcpdump, timed('tcpdump', ['-r', capture, '-w', '/dev/null', 'tcp port 21']));
  best.read = Math.min(best.read, readSeconds(capture));
  const ct = await conntrackSeconds(tuples, ctMax);
  best.conntrack = Math.min(best.conntrack, ct.seconds);
  found = ct.found;
}
const ns = (s: number) => ((s * 1e9) / packets).toFixed(0);
const ratio = (s: number) => (best.tcpdump / s).toFixed(2);
const floor = best.read + best.conntrack;
console.log(`${capture}: ${(statSync(capture).size / 2 ** 20).toFixed(0)} MiB, ${packets.toLocaleString('en')} evaluated packets, ${found.toLocaleString('en')} lookups found a live entry (table capped at ${ctMax.toLocaleString('en')}); best of ${rounds}`);
console.log('| part | best time | per packet | tcpdump / part |');
console.log('|---|---|---|---|');
console.log(`| tcpdump -r FILE -w /dev/null 'tcp port 21' (whole run) | ${best.tcpdump.toFixed(3)} s | ${ns(best.tcpdump)} ns | 1.00x |`);
console.log(`| read the file (readSync, 4 MiB) | ${best.read.toFixed(3)} s | ${ns(best.read)} ns | ${ratio(best.read)}x |`);
console.log(`| conntrack lookup-or-insert per packet (raw, prefetched) | ${best.conntrack.toFixed(3)} s | ${ns(best.conntrack)} ns | ${ratio(best.conntrack)}x |`);
console.log(`| read + conntrack (a floor for one thread) | ${floor.toFixed(3)} s | ${ns(floor)} ns | **${ratio(floor)}x** |`);
