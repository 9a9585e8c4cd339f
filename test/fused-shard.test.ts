// `classify --workers N` on a capture file takes the fused path in every shard (src/node/fused-shard.ts):
// the core picks each shard's records as shardOf does; the merge puts segments back in input
// order; records, counters, conntrack tables and the summary equal one worker's where sharding is
// exact (no conntrack: no per-shard ids) and the JavaScript sharded path's (a pipe) everywhere.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FR_RECORD, FR_SIZE, FR_STATUS, FS_ARP, FS_IPV4 } from '../assembly/wire/abi.js';
import { PF2_INNER, PKT_DST, PKT_FLAGS2, PKT_ICMP_TYPE, PKT_INNER_DST, PKT_INNER_SRC, PKT_PROTO, PKT_SIZE, PKT_SRC } from '../assembly/shared/layout.js';
import { instantiateCore } from '../src/engine/load-wasm.js';
import { classifyCommand, type ClassifyOptions } from '../src/node/commands/classify.js';
import { shardOf } from '../src/node/shard.js';
import { classifyFileBatches } from '../src/node/stream.js';
import { Summary } from '../src/node/summary.js';
import { RECORD_FORMATS } from '../src/output/encode.js';
import type { ShardChunk } from '../src/pipeline/evaluate-shard.js';
import { mergeShardChunks } from '../src/pipeline/merge-shards.js';
import { shardExportsOf } from '../src/pipeline/shard-core.js';
import { fixture, tempDir } from './classify-support.js';
import { HOST_ADDRESS, mixedFrames, oddFrame, RULES, writeCorruptPcapng, writePcapng } from './fused-support.js';
import { ethernet, icmp, ip, ipv4, udp } from './capture-support.js';
import { CaptureParser } from '../src/capture/parser.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = tempDir();
const host = join(dir, 'host.json');
writeFileSync(host, JSON.stringify({ interfaces: [{ name: 'eth0', addresses: [`${HOST_ADDRESS}/24`] }], routes: [{ to: 'default', via: '198.51.100.254' }] }));
const conntrackRules = join(dir, 'conntrack.rules');
writeFileSync(conntrackRules, RULES);
// the same ruleset without conntrack matches: conntrack is then off, so no record carries a per-shard ct_id
const statelessRules = join(dir, 'stateless.rules');
writeFileSync(statelessRules, RULES.split('\n').filter((line) => !line.includes('conntrack')).join('\n'));
const capture = writePcapng(dir, 'mixed.pcapng', mixedFrames(600));

test('shardSelect (WASM) keeps the records shardOf (JS) gives the shard, in frame order, and their frames', async () => {
  const core = await instantiateCore();
  const shard = shardExportsOf(core);
  const frameCount = 600;
  const base = (core.heapBase() + 63) & ~63;
  const frames = base;
  const records = frames + frameCount * FR_SIZE;
  const frameOut = records + frameCount * PKT_SIZE;
  const end = frameOut + frameCount * 4;
  if (core.memory.buffer.byteLength < end) core.memory.grow(Math.ceil((end - core.memory.buffer.byteLength) / 65536));
  // frames: every 7th one has no packet record (ARP); the records: random pairs, some ICMP errors quoting another pair
  let seed = 12345;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const original: Uint8Array[] = [];
  const frameOfRecord: number[] = [];
  const write = () => {
    const view = new DataView(core.memory.buffer);
    const bytes = new Uint8Array(core.memory.buffer);
    original.forEach((rec, r) => bytes.set(rec, records + r * PKT_SIZE));
    for (let j = 0, r = 0; j < frameCount; j++) {
      const at = frames + j * FR_SIZE;
      const evaluated = frameOfRecord[r] === j;
      view.setUint8(at + FR_STATUS, evaluated ? FS_IPV4 : FS_ARP);
      view.setUint32(at + FR_RECORD, evaluated ? r++ : 0xffffffff, true);
    }
  };
  for (let j = 0; j < frameCount; j++) {
    if (j % 7 === 3) continue;
    const rec = new Uint8Array(PKT_SIZE);
    const v = new DataView(rec.buffer);
    for (let k = 0; k < PKT_SIZE; k += 4) v.setUint32(k, (random() * 2 ** 32) >>> 0, true);
    v.setUint32(PKT_SRC, 0x0a000000 + Math.floor(random() * 50), true);
    v.setUint32(PKT_DST, 0xc0000200 + Math.floor(random() * 50), true);
    v.setUint8(PKT_PROTO, j % 5 === 0 ? 1 : 6);
    v.setUint8(PKT_ICMP_TYPE, j % 10 === 0 ? 3 : 8);
    v.setUint8(PKT_FLAGS2, j % 5 === 0 ? PF2_INNER : v.getUint8(PKT_FLAGS2) & ~PF2_INNER);
    v.setUint32(PKT_INNER_SRC, 0x0b000000 + Math.floor(random() * 50), true);
    v.setUint32(PKT_INNER_DST, 0x0c000000 + Math.floor(random() * 50), true);
    original.push(rec);
    frameOfRecord.push(j);
  }
  for (const shards of [1, 2, 3, 5]) {
    let total = 0;
    for (let s = 0; s < shards; s++) {
      write();
      const kept = shard.shardSelect(frames, frameCount, records, shards, s, frameOut);
      const expected = original.map((rec, r) => ({ rec, frame: frameOfRecord[r] })).filter(({ rec }) => shardOf(new DataView(rec.buffer), 0, shards) === s);
      assert.is(kept, expected.length, `shard ${s} of ${shards}`);
      const bytes = new Uint8Array(core.memory.buffer);
      const keptFrames = new Uint32Array(core.memory.buffer, frameOut, kept);
      expected.forEach(({ rec, frame }, k) => {
        assert.ok(bytes.subarray(records + k * PKT_SIZE, records + (k + 1) * PKT_SIZE).every((b, i) => b === rec[i]), `record ${k} of shard ${s}/${shards} intact`);
        assert.is(keptFrames[k], frame);
      });
      total += kept;
    }
    assert.is(total, original.length, `${shards} shards keep every record once`);
  }
  assert.ok(original.some((rec) => shardOf(new DataView(rec.buffer), 0, 3) !== shardOf(new DataView(rec.buffer), 0, 2)), 'shard counts matter');
});

test('a sharded parser ends its batches where an unsharded one does (payload arena full) and writes its shard\'s records and every ICMP one', async () => {
  const host = ip(HOST_ADDRESS);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < 10000; i++) {
    const src = ip(`192.0.2.${1 + (i % 40)}`);
    const packet = i % 9 === 0
      ? ipv4({ src, dst: host, proto: 1, payload: icmp({ type: 8, rest: i, body: new Uint8Array(64) }) })
      : ipv4({ src, dst: host, proto: 17, payload: udp({ src, dst: host, sport: 1000 + i, dport: 53, payload: new Uint8Array(1200 + (i % 200)) }) });
    frames.push(i % 50 === 7 ? oddFrame(i) : ethernet(packet));
  }
  const file = readFileSync(writePcapng(dir, 'big-payloads.pcapng', frames));
  const batchesOf = async (shard?: { shard: number; shards: number }) => {
    const parser = await CaptureParser.create({ inInterface: 'eth0', shard });
    const out: { firstFrame: number; frameCount: number; records: number; icmp: number; othersNotIcmp: number }[] = [];
    for (const batch of [...parser.feedInPlace(file), ...parser.endInPlace()]) {
      const view = new DataView(batch.memory.buffer);
      let icmpRecords = 0;
      let othersNotIcmp = 0;
      for (let r = 0; r < batch.count; r++) {
        const isIcmp = view.getUint8(batch.records + r * PKT_SIZE + PKT_PROTO) === 1;
        if (isIcmp) icmpRecords++;
        else if (shard && shardOf(view, batch.records + r * PKT_SIZE, shard.shards) !== shard.shard) othersNotIcmp++;
      }
      out.push({ firstFrame: batch.firstFrame, frameCount: batch.frameCount, records: batch.count, icmp: icmpRecords, othersNotIcmp });
    }
    return out;
  };
  const whole = await batchesOf();
  assert.ok(whole.length >= 3 && whole[0].frameCount < 4096, `the arena filled first: ${whole.map((b) => b.frameCount)}`);
  for (const shards of [2, 3]) {
    const parts = await Promise.all(Array.from({ length: shards }, (_, shard) => batchesOf({ shard, shards })));
    for (const [shard, batches] of parts.entries()) {
      assert.equal(batches.map((b) => [b.firstFrame, b.frameCount]), whole.map((b) => [b.firstFrame, b.frameCount]), `shard ${shard} of ${shards}: the same batches`);
      for (const b of batches) assert.is(b.othersNotIcmp, 0, 'the records of other shards written are ICMP ones');
    }
    // every non-ICMP record written exactly once over the shards, every ICMP one by each shard
    whole.forEach((b, i) => {
      const written = parts.reduce((sum, batches) => sum + batches[i].records, 0);
      assert.is(written, b.records - b.icmp + shards * b.icmp, `batch ${i}`);
    });
  }
});

/** A chunk of shard `shard`: its segments given as [first frame, frames, text]. */
function chunkOf(batch: number, frameCount: number, segments: [number, number, string][], written: number): ShardChunk {
  const bytes = new TextEncoder().encode(segments.map(([, , text]) => text).join(''));
  return { batch, firstFrame: 100, frameCount, bytes, segments: new Uint32Array(segments.flatMap(([f, n, text]) => [f, n, text.length])), written };
}

test('mergeShardChunks: segments in frame order, msgpack array header of all records; a frame no shard wrote is an error', () => {
  const a = chunkOf(3, 6, [[0, 2, 'ab'], [4, 1, '']], 2);
  const b = chunkOf(3, 6, [[2, 2, 'cd'], [5, 1, 'f']], 3);
  assert.is(new TextDecoder().decode(mergeShardChunks([a, b], 'jsonl')), 'abcdf');
  const msgpack = mergeShardChunks([a, b], 'msgpack');
  assert.is(msgpack[0], 0x95, 'fixarray of 5');
  assert.is(new TextDecoder().decode(msgpack.subarray(1)), 'abcdf');
  assert.is(mergeShardChunks([chunkOf(3, 6, [[0, 6, '']], 0), chunkOf(3, 6, [], 0)], 'msgpack').length, 0, 'nothing written: no header');
  assert.throws(() => mergeShardChunks([a, chunkOf(3, 6, [[2, 1, 'c'], [5, 1, 'f']], 2)], 'jsonl'), /no shard wrote frame 104/);
  assert.throws(() => mergeShardChunks([a, chunkOf(4, 6, [[2, 2, 'cd'], [5, 1, 'f']], 3)], 'jsonl'), /disagree on batch 3/);
});

interface Run {
  records: string;
  counters: string;
  conntrack: string;
  summary: string;
}

let runs = 0;
async function classify(rules: string, opts: Partial<ClassifyOptions>): Promise<Run> {
  const prefix = join(dir, `run-${++runs}`);
  const paths = { records: `${prefix}.records`, saveCounters: `${prefix}.save`, conntrack: `${prefix}.ct` };
  const summary = await classifyCommand(capture, { rules, host, in: 'eth0', quiet: true, ...paths, ...opts });
  const read = (path: string) => readFileSync(path).toString('latin1');
  return { records: read(paths.records), counters: read(paths.saveCounters), conntrack: read(paths.conntrack), summary: summary.format() };
}

test('without conntrack: 2 and 3 workers write what one worker writes, byte for byte, in every format and with --only', async () => {
  const cases = [
    ...RECORD_FORMATS.map((format) => ({ format, only: undefined, workers: [2, 3] })),
    { format: 'jsonl', only: 'reject,not-evaluated,unparsed', workers: [3] },
  ];
  for (const { format, only, workers } of cases) {
    const one = await classify(statelessRules, { format, only });
    assert.ok(one.records.length > 1000 && /decided by/.test(one.summary));
    for (const n of workers) assert.equal(await classify(statelessRules, { format, only, workers: n }), one, `${format} --only ${only ?? '-'} --workers ${n}`);
  }
});

/** JSON lines without what each shard numbers itself: conntrack ids and reassembly queues. */
const withoutShardNumbers = (text: string) => text.replace(/,"ct_id":\d+/g, '').replace(/,"queue":\d+/g, '');

test('with conntrack: records equal one worker\'s but for per-shard numbers (ct_id, reassembly queues); counters and summary equal', async () => {
  const one = await classify(conntrackRules, { format: 'jsonl' });
  const two = await classify(conntrackRules, { format: 'jsonl', workers: 2 });
  assert.ok(/"queue":2/.test(one.records) && /INVALID/.test(one.summary) && /fragments never completed/.test(one.summary));
  assert.is(withoutShardNumbers(two.records), withoutShardNumbers(one.records));
  assert.is(two.counters, one.counters);
  assert.is(two.summary, one.summary);
  assert.is(two.conntrack.split('\n').length, one.conntrack.split('\n').length, 'the same connections, listed shard by shard');
});

/** The CLI as a process; '-' reads `stdin` (a pipe: the JavaScript sharded path). */
function cli(path: string, extra: string[], stdin?: Buffer) {
  const args = ['--import', 'tsx', join(root, 'src/node/cli.ts'), 'classify', path, '--rules', conntrackRules, '--host', host, '--in', 'eth0', ...extra];
  const out = spawnSync(process.execPath, args, { cwd: root, input: stdin, encoding: 'buffer' });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr.toString() };
}

test('with conntrack: --workers 2 on the file writes what the JavaScript sharded path (stdin) writes, per-shard numbers included', async () => {
  const one = await classify(conntrackRules, {});
  for (const format of ['msgpack']) {
    const fused = cli(capture, ['--workers', '2', '--format', format]);
    const piped = cli('-', ['--workers', '2', '--format', format], readFileSync(capture));
    assert.is(fused.status, 0, fused.stderr);
    assert.ok(fused.stdout.equals(piped.stdout), `${format}: the same bytes`);
    assert.match(fused.stderr, /every worker reads and parses the whole capture, then evaluates its shard/);
    assert.match(piped.stderr, /a capture from a pipe is sharded on the JavaScript path/);
    // the summary: one worker's on both paths, fragments never completed included (queue numbers repeat across shards)
    const summaryOf = (stderr: string) => stderr.slice(stderr.indexOf('packets:'));
    assert.match(one.summary, /fragments never completed: \d+ in \d+ datagram/);
    assert.is(summaryOf(fused.stderr), summaryOf(one.summary));
    assert.is(summaryOf(piped.stderr), summaryOf(one.summary));
  }
});

test('the library with workers: 2 (the JavaScript sharded path) tags each record with its shard: tallied by shard, fragments never completed are one worker\'s', async () => {
  const tally = async (workers: number) => {
    const summary = new Summary();
    const shardsSeen = new Set<number>();
    for await (const batch of classifyFileBatches(capture, { rules: conntrackRules, host, in: 'eth0', workers })) {
      assert.is(batch.engines === undefined, workers === 1, 'one engine: no shard tags');
      batch.records.forEach((rec, i) => {
        summary.add(rec, batch.engines?.[i]);
        if (rec.defrag?.state === 'held') shardsSeen.add(batch.engines?.[i] ?? 0);
      });
    }
    return { held: summary.heldAtEnd(), shardsSeen };
  };
  const one = await tally(1);
  const two = await tally(2);
  assert.ok(one.held.datagrams > 1, 'the capture leaves fragments held');
  assert.equal([...two.shardsSeen].sort(), [0, 1], 'both shards hold fragments (their queue numbers overlap)');
  assert.equal(two.held, one.held);
});

test('a corrupt block: the records before it, then the error naming the file and offset — as with one worker', async () => {
  const before = 25;
  const path = writeCorruptPcapng(dir, mixedFrames(40, 4), before);
  const run = async (workers: number) => {
    const records = join(dir, `corrupt-${workers}.jsonl`);
    const error = await classifyCommand(path, { rules: conntrackRules, host, in: 'eth0', quiet: true, records, workers }).then(() => undefined, (err: Error) => err.message);
    return { error, records: withoutShardNumbers(readFileSync(records, 'utf8')) };
  };
  const one = await run(1);
  const two = await run(2);
  assert.ok(two.error?.startsWith(`${path}: `) && /block length 30/.test(two.error), two.error);
  assert.is(two.records.split('\n').filter(Boolean).length, before);
  assert.equal(two, one);
});

test('a cut capture: the truncation warning and the summary as with one worker', () => {
  const path = fixture('captures/cut.pcap');
  const one = cli(path, []);
  const two = cli(path, ['--workers', '2']);
  assert.is(two.status, 0, two.stderr);
  assert.match(two.stderr, /warning: .*capture truncated/);
  const withoutNotes = (stderr: string) => stderr.split('\n').filter((line) => !line.startsWith('nfwasm: note: --workers')).join('\n');
  assert.is(withoutNotes(two.stderr), withoutNotes(one.stderr));
  assert.is(withoutShardNumbers(two.stdout.toString()), withoutShardNumbers(one.stdout.toString()));
});

test.run();
