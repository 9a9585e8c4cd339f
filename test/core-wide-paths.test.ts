// The core's wide and inline fast paths at every length they split at: checksums summed 16 bytes
// a step (assembly/wire/checksum.ts), payloads copied into the arena with loads and stores up to
// 256 bytes and by memory.copy beyond (assembly/inline-memory.ts), pcapng timestamps from one
// division (assembly/wire/pcapng.ts), and record numbers written in decimal below and above 2^32
// (assembly/output/numbers.ts). Expected values come from the test's own packet builder
// (test/capture-support.ts: checksums summed in JS), BigInt arithmetic and JSON/msgpack decoders.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { unpack } from 'msgpackr';
import { PF2_BAD_CSUM, PKT_FLAGS2, PKT_SIZE, PKT_TS, REPLY_SIZE, RES_SIZE } from '../assembly/shared/layout.js';
import { Engine, type PacketSink } from '../src/engine/engine.js';
import { defaultHostModel } from '../src/host/default.js';
import { CoreRecordWriter } from '../src/output/core-writer.js';
import { encodeBatch } from '../src/packets/encode.js';
import type { PacketInput } from '../src/packets/types.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { ethernet, ip, ipv4, parseBytes, pcapFile, pcapngSection, tcp, udp } from './capture-support.js';

const LINKTYPE_ETHERNET = 1;
const SRC = ip('198.51.100.7');
const DST = ip('203.0.113.10');

/** Deterministic bytes (a small LCG): every length gets different contents. */
function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Payload lengths around every step of the wide paths (16-byte steps, the 32-byte start, the 256-byte inline limit). */
const LENGTHS = [...Array.from({ length: 300 }, (_, i) => i), 511, 512, 1000, 1460];

function segment(proto: 6 | 17, payload: Uint8Array, badChecksum: boolean): Uint8Array {
  return proto === 6
    ? tcp({ src: SRC, dst: DST, sport: 40000, dport: 80, flags: 0x18, payload, badChecksum })
    : udp({ src: SRC, dst: DST, sport: 40000, dport: 53, payload, badChecksum });
}

async function parseAll(frames: Uint8Array[]) {
  const file = pcapFile({ linkType: LINKTYPE_ETHERNET, packets: frames.map((data, i) => ({ ts: 1714564800 + i, data })) });
  // a small batch: payloads are placed at many different arena offsets
  return parseBytes(file, { inInterface: 'eth0', batchSize: 37 });
}

for (const proto of [6, 17] as const) {
  test(`${proto === 6 ? 'TCP' : 'UDP'} checksums at every length: intact ones pass, damaged ones set PF2_BAD_CSUM`, async () => {
    const frames: Uint8Array[] = [];
    const damaged: boolean[] = [];
    LENGTHS.forEach((length, i) => {
      for (const bad of [false, true]) {
        frames.push(ethernet(ipv4({ src: SRC, dst: DST, proto, payload: segment(proto, bytesOf(length, i + 1), bad) })));
        damaged.push(bad);
      }
    });
    const parsed = await parseAll(frames);
    assert.is(parsed.records.length, frames.length);
    assert.equal(parsed.records.map((r) => (r.view.getUint8(PKT_FLAGS2) & PF2_BAD_CSUM) !== 0), damaged);
  });
}

test('a damaged byte anywhere in a long segment is seen (every 16-byte lane and the tail)', async () => {
  const payload = bytesOf(333, 7);
  const frames = Array.from({ length: 333 }, (_, at) => {
    const seg = segment(17, payload, false);
    seg[8 + at] ^= 0x01; // the UDP payload starts after its 8-byte header
    return ethernet(ipv4({ src: SRC, dst: DST, proto: 17, payload: seg }));
  });
  const parsed = await parseAll(frames);
  assert.ok(parsed.records.every((r) => (r.view.getUint8(PKT_FLAGS2) & PF2_BAD_CSUM) !== 0));
});

test('a near-maximal UDP datagram: the wide sums do not overflow', async () => {
  const payload = bytesOf(65000, 3).fill(0xff, 0, 64000); // all-ones words push every lane hardest
  const frames = [false, true].map((bad) => ethernet(ipv4({ src: SRC, dst: DST, proto: 17, payload: segment(17, payload, bad) })));
  const parsed = await parseAll(frames);
  assert.equal(parsed.records.map((r) => (r.view.getUint8(PKT_FLAGS2) & PF2_BAD_CSUM) !== 0), [false, true]);
});

test('payloads of every length reach their records intact (each copied next to the others in the arena)', async () => {
  const payloads = LENGTHS.map((length, i) => bytesOf(length, 1000 + i));
  const parsed = await parseAll(payloads.map((payload) => ethernet(ipv4({ src: SRC, dst: DST, proto: 17, payload: segment(17, payload, false) }))));
  assert.is(parsed.records.length, payloads.length);
  parsed.records.forEach((r, i) => assert.equal([...r.payload], [...payloads[i]], `payload of ${payloads[i].length} bytes`));
});

test('pcapng timestamps in decimal and binary resolutions: whole seconds and fraction as BigInt arithmetic gives them', async () => {
  const cases: Array<{ tsresol: number; units: bigint; ticks: bigint[] }> = [
    { tsresol: 6, units: 1_000_000n, ticks: [1714564800_123456n, 1714564801_999999n, 0n, 1n] },
    { tsresol: 9, units: 1_000_000_000n, ticks: [1714564800_123456789n, 1714564800_999999999n, 4_000_000_000_000_000_017n] },
    { tsresol: 0x80 | 20, units: 1n << 20n, ticks: [(1714564800n << 20n) + 12345n, (1n << 52n) + (1n << 20n) - 1n] },
  ];
  for (const { tsresol, units, ticks } of cases) {
    const data = ethernet(ipv4({ src: SRC, dst: DST, proto: 17, payload: segment(17, bytesOf(4, 1), false) }));
    const file = pcapngSection({ blocks: [{ kind: 'idb', iface: { linkType: LINKTYPE_ETHERNET, name: 'eth0', tsresol } }, ...ticks.map((t) => ({ kind: 'epb' as const, iface: 0, ticks: t, data }))] });
    const parsed = await parseBytes(file);
    const expected = ticks.map((t) => Number(t / units) + Number(t % units) / Number(units));
    assert.equal(parsed.frames.map((f) => f.ts), expected, `tsresol ${tsresol}`);
    assert.equal(parsed.records.map((r) => r.view.getFloat64(PKT_TS, true)), expected, `tsresol ${tsresol}`);
  }
});

/** Engine's own loop over packet records with a sink of ours (as test/core-writer.test.ts drives it). */
type Runner = { run(records: Uint8Array, count: number, payloads: Uint8Array | undefined, take: PacketSink): void };

test('record numbers below, at and above 2^32 in JSON lines, CSV and msgpack', async () => {
  const ruleset = parseRuleset('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p udp -j ACCEPT\nCOMMIT\n');
  const packets: PacketInput[] = Array.from({ length: 6 }, (_, i) => ({
    ts: 1714564800 + i, inIface: 'eth0', localOut: false, src: SRC, dst: DST, proto: 17, length: 28, ttl: 64, tos: 0,
    fragOffset: 0, moreFragments: false, dontFragment: false, sport: 1000 + i, dport: 53,
  }));
  const first = 2 ** 32 - 3;
  const numbers = packets.map((_, i) => first + i);
  for (const format of ['jsonl', 'csv', 'msgpack'] as const) {
    const engine = await Engine.create(ruleset, defaultHostModel());
    const writer = new CoreRecordWriter(engine, format);
    const batch = encodeBatch(packets);
    writer.begin();
    (engine as unknown as Runner).run(batch.records, packets.length, batch.payloads, (view, bytes, res, pkt, reply, n, events) => {
      writer.packets(view, bytes, res, pkt, reply, n, events, first);
    });
    const out = writer.take();
    const text = typeof out === 'string' ? out : new TextDecoder().decode(out);
    if (format === 'jsonl') assert.equal(text.trimEnd().split('\n').map((line) => JSON.parse(line).n), numbers);
    else if (format === 'csv') assert.equal(text.trimEnd().split('\n').slice(-packets.length).map((line) => Number(line.split(',')[0])), numbers);
    else assert.equal((unpack(out as Uint8Array) as Array<{ n: number }>).map((r) => r.n), numbers);
  }
  // the sizes these loops index by are the layout's (guards the Runner cast above)
  assert.ok(PKT_SIZE > 0 && RES_SIZE > 0 && REPLY_SIZE > 0);
});

test.run();
