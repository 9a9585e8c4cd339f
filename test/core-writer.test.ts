// The record writer in the core (src/output/core-writer.ts, assembly/output/) against the record
// path (PacketResult → OutputRecord → recordEncoder): the same msgpack bytes, JSON lines and CSV
// rows chunk by chunk, with and without --only, and the same summary tallies, on the inputs the
// fast path is held to (test/output-support.ts). Every run starts with a fresh writer, so each
// fragment is first missed and made on the way (the miss-and-resume path); a tiny output area
// makes the core stop and resume mid-chunk, and records bigger than the area go through the host.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PKT_SIZE, REPLY_SIZE, RES_SIZE } from '../assembly/shared/layout.js';
import { Engine, type PacketSink } from '../src/engine/engine.js';
import { CoreRecordWriter } from '../src/output/core-writer.js';
import { RECORD_FORMATS, type RecordFormat } from '../src/output/encode.js';
import { parseOnly, type RecordFilter } from '../src/output/only.js';
import type { OutputRecord } from '../src/output/record.js';
import { openInput } from '../src/node/inputs.js';
import { loadHostFile } from '../src/node/load.js';
import { readText } from '../src/node/files.js';
import { Summary } from '../src/node/summary.js';
import { workUnits } from '../src/node/stream.js';
import { writeCapture } from '../bench/gen-capture.js';
import { example, fixture, tempDir } from './classify-support.js';
import { assertSameChunk, FRAGMENT_RULES, fragmentHost, fragmentLines, oneEngine, recordPath, richRules, scenarioHostModel, type Make } from './output-support.js';

/** Engine's own loop over a batch of packet records, with a sink of ours (the capture pipeline will call evaluateInPlace). */
type Runner = { run(records: Uint8Array, count: number, payloads: Uint8Array | undefined, take: PacketSink): void };

interface WriterRun {
  chunks: Uint8Array[];
  summary: Summary;
  written: number;
  byHost: number;
}

/**
 * Every work unit of `input` through the writer: packets straight from the core in runs of
 * consecutive record numbers, the records of frames not evaluated in their places between them.
 */
async function writerPath(make: Make, input: string, format: RecordFormat, only?: RecordFilter, outputBytes?: number, batchSize = 7): Promise<WriterRun> {
  const engine = (await make()) as Engine;
  const summary = new Summary();
  const writer = new CoreRecordWriter(engine, format, { tally: summary, only, outputBytes });
  const chunks: Uint8Array[] = [];
  for await (const unit of workUnits(await openInput(input), { batchSize })) {
    const positions = unit.positions();
    const numberOf = new Float64Array(unit.count);
    positions.packetOf.forEach((packet, pos) => {
      if (packet >= 0) numberOf[packet] = positions.first + pos;
    });
    writer.begin();
    let pos = 0; // output records written so far in this unit
    const othersUpTo = (end: number) => {
      for (; pos < end; pos++) writer.record(positions.others.get(pos)!);
    };
    let done = 0;
    (engine as unknown as Runner).run(unit.records, unit.count, unit.payloads, (view, bytes, res, pkt, reply, n, events) => {
      for (let j = 0; j < n; ) {
        let k = j + 1;
        while (k < n && numberOf[done + k] === numberOf[done + j] + (k - j)) k++;
        othersUpTo(numberOf[done + j] - positions.first);
        writer.packets(view, bytes, res + j * RES_SIZE, pkt + j * PKT_SIZE, reply + j * REPLY_SIZE, k - j, events, numberOf[done + j]);
        pos += k - j;
        j = k;
      }
      done += n;
    });
    othersUpTo(positions.count);
    const chunk = writer.take();
    if (chunk.length) chunks.push(chunk.slice()); // take() returns a view it reuses
  }
  summary.written = writer.written;
  return { chunks, summary, written: writer.written, byHost: writer.writtenByHost };
}

/** Records the core wrote itself in the last assertWriterSame, by format. */
const byCore: Partial<Record<RecordFormat, number>> = {};

async function assertWriterSame(make: Make, input: string, opts: { only?: string; outputBytes?: number; batchSize?: number } = {}): Promise<OutputRecord[]> {
  const only = opts.only ? parseOnly(opts.only) : undefined;
  const old = await recordPath(make, input, opts.batchSize ?? 7, only);
  const reference = new Summary();
  for (const rec of old.records) reference.add(rec);
  reference.written = only ? old.records.filter(only).length : old.records.length;
  for (const format of RECORD_FORMATS) {
    const what = `${input} ${format}${opts.only ? ` --only ${opts.only}` : ''}${opts.outputBytes ? ` (${opts.outputBytes}-byte area)` : ''}`;
    const run = await writerPath(make, input, format, only, opts.outputBytes, opts.batchSize);
    assert.is(run.chunks.length, old.chunks[format].length, `${what}: chunks`);
    old.chunks[format].forEach((chunk, i) => assertSameChunk(typeof chunk === 'string' ? Buffer.from(run.chunks[i]).toString() : run.chunks[i], chunk, `${what}: chunk ${i}`));
    assert.is(run.written, reference.written, `${what}: records written`);
    byCore[format] = run.written - run.byHost;
    assert.equal(run.summary.verdicts, reference.verdicts, `${what}: verdicts`);
    assert.equal(run.summary.ctstates, reference.ctstates, `${what}: ctstates`);
    assert.equal(run.summary.decidedBy, reference.decidedBy, `${what}: decided by`);
    assert.is(run.summary.format(), reference.format(), `${what}: summary`);
  }
  return old.records;
}

test('generated router capture: every verdict kind, LOG/NFLOG lines, REJECT answers, marks, NAT and conntrack notes; with --only', async () => {
  const capture = join(tempDir(), 'router.pcapng');
  writeCapture(capture, 20_000, { concurrent: 200, seed: 7 });
  const make = oneEngine(richRules(), scenarioHostModel());
  const records = await assertWriterSame(make, capture);
  assert.is(records.length, 20_000);
  // the host writes only what needs the full decoder
  const special = records.filter((r) => r.logs || r.nflog || r.reply || r.defrag || r.notes?.some((note) => note.startsWith('REJECT'))).length;
  for (const format of RECORD_FORMATS) assert.is(byCore[format], records.length - special, `${format}: records the core wrote`);
  // the comparison is only as strong as what the capture exercised
  for (const v of ['ACCEPT', 'DROP', 'REJECT']) assert.ok(records.some((r) => r.verdict === v), `no ${v} record`);
  assert.ok(records.some((r) => r.logs?.length) && records.some((r) => r.nflog?.length), 'no LOG or NFLOG');
  assert.ok(records.some((r) => r.reply?.kind === 'tcp-reset') && records.some((r) => r.reply?.kind === 'icmp'), 'no answers');
  assert.ok(records.some((r) => r.mark) && records.some((r) => r.notes?.length), 'no mark or notes');
  assert.ok(records.some((r) => r.helper === 'ftp') && records.some((r) => r.ctstate === 'RELATED'), 'no ftp helper');
  assert.ok(records.some((r) => r.ct_note?.length) && records.some((r) => r.ct_status?.length) && records.some((r) => r.tcp_state), 'no conntrack fields');
  assert.ok(records.some((r) => r.out) && records.some((r) => r.matched && r.matched.length > 1), 'no out-interface or several rules');
  await assertWriterSame(make, capture, { only: 'reject,invalid,related' });
  await assertWriterSame(make, capture, { only: 'accept,new' });
});

test('fixture captures, with frames that are not evaluated or not parsed, with and without --only', async () => {
  const captures = readdirSync(fixture('captures')).filter((name) => /\.pcap(ng)?$/.test(name));
  assert.ok(captures.length >= 3);
  let others = 0;
  for (const name of captures) {
    const make = oneEngine(richRules(), scenarioHostModel());
    const records = await assertWriterSame(make, fixture(`captures/${name}`));
    others += records.filter((r) => r.verdict === 'UNPARSED' || r.verdict === 'NOT_EVALUATED').length;
    await assertWriterSame(make, fixture(`captures/${name}`), { only: 'drop,not-evaluated,established' });
  }
  assert.ok(others > 0, 'no frame that was not evaluated');
});

test('FTP example and fragments that are held, reassembled and dropped (conntrack off and on)', async () => {
  const ftp = await assertWriterSame(oneEngine(readText(example('rules.sh')), loadHostFile(example('host.json'), true)), example('packets.jsonl'));
  assert.ok(ftp.some((r) => r.ct_note?.length) && ftp.some((r) => r.logs?.length) && ftp.some((r) => r.out));
  const input = join(tempDir(), 'frags.jsonl');
  writeFileSync(input, fragmentLines());
  const records = await assertWriterSame(oneEngine(FRAGMENT_RULES, fragmentHost()), input, { batchSize: 5 });
  assert.ok(records.some((r) => r.defrag?.state === 'held'));
  assert.ok(records.some((r) => r.defrag?.state === 'reassembled' && r.logs?.length));
  assert.ok(records.some((r) => r.verdict === 'DROP' && r.decided_by === 'filter:INPUT:policy'));
  const stateless = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j DROP\n-A INPUT -p udp -j MARK --set-mark 4294967295\nCOMMIT\n';
  // and packets for other hosts, which no rule decides (NOT_FORWARDED)
  const passing = [1, 2, 3].map((id) => JSON.stringify({ in: 'eth0', src: '192.0.2.1', dst: '10.9.9.9', proto: 'tcp', sport: 4000 + id, dport: 80, flags: 'S' }));
  writeFileSync(input, fragmentLines() + passing.join('\n') + '\n');
  const plain = await assertWriterSame(oneEngine(stateless, fragmentHost()), input);
  assert.ok(plain.every((r) => r.ct_id === undefined) && plain.some((r) => r.mark === 4294967295));
  assert.ok(plain.some((r) => r.verdict === 'NOT_FORWARDED' && !r.decided_by), 'no packet that no rule or policy decided');
});

test('a tiny output area: the core stops when it is full and resumes, records larger than it are written by the host', async () => {
  const capture = join(tempDir(), 'router.pcapng');
  writeCapture(capture, 3_000, { concurrent: 50, seed: 3 });
  await assertWriterSame(oneEngine(richRules(), scenarioHostModel()), capture, { outputBytes: 256, batchSize: 500 });
  await assertWriterSame(oneEngine(richRules(), scenarioHostModel()), capture, { outputBytes: 4096, only: 'accept' });
});

test.run();
