// The fast path (compact results encoded straight to bytes or text) against the record path
// (PacketResult → OutputRecord → msgpackr, JSON.stringify, csvRow): the same msgpack bytes, JSON
// lines and CSV rows, batch by batch, on the fixture
// captures, the FTP example, a generated router capture with every verdict kind, LOG and NFLOG
// lines, REJECT answers, NAT notes and conntrack notes, and fragments that are reassembled.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { classifyCommand } from '../src/node/commands/classify.js';
import { join } from 'node:path';
import { unpackMultiple } from 'msgpackr';
import { Engine } from '../src/engine/engine.js';
import { compactEncoder } from '../src/output/compact-encoder.js';
import { compactOutputRecord } from '../src/output/compact-record.js';
import { csvHeader, csvRow } from '../src/output/csv.js';
import { RECORD_FORMATS, type RecordFormat } from '../src/output/encode.js';
import type { OutputRecord } from '../src/output/record.js';
import { openInput } from '../src/node/inputs.js';
import { loadHostFile } from '../src/node/load.js';
import { readText } from '../src/node/files.js';
import { classifyInputCompact } from '../src/node/stream.js';
import { writeCapture } from '../bench/gen-capture.js';
import { scenarioHost } from '../bench/scenario.js';
import { example, fixture, tempDir } from './classify-support.js';
import {
  assertSameChunk, emptyRun, FRAGMENT_RULES, fragmentHost, fragmentLines, oneEngine, recordPath, richRules, scenarioHostModel, shards,
  withClassifier, type Make,
} from './output-support.js';

const fastPath = (make: Make, input: string) =>
  withClassifier(make, async (classifier) => {
    const encoders = RECORD_FORMATS.map((format) => ({ format, encoder: compactEncoder(format, classifier.compactLabels) }));
    const run = emptyRun();
    for await (const batch of classifyInputCompact(classifier, await openInput(input), { batchSize: 7 })) {
      for (const { encoder } of encoders) encoder.begin(batch.count);
      for (let pos = 0; pos < batch.count; pos++) {
        const packet = batch.packetOf[pos];
        if (packet < 0) {
          for (const { encoder } of encoders) encoder.record(batch.others.get(pos)!);
          run.records.push(batch.others.get(pos)!);
          continue;
        }
        const source = batch.sources[batch.sourceOf ? batch.sourceOf[packet] : 0];
        const local = batch.localIndex ? batch.localIndex[packet] : packet;
        for (const { encoder } of encoders) encoder.packet(batch.first + pos, source, local);
        // the lazy records need the full decoder, which only an engine in this thread has
        if (classifier instanceof Engine) run.records.push(compactOutputRecord(batch.first + pos, source, local, classifier.resultDecoder));
      }
      for (const { format, encoder } of encoders) run.chunks[format].push(encoder.take());
    }
    return run;
  });

async function assertSame(make: Make, input: string): Promise<OutputRecord[]> {
  const old = await recordPath(make, input);
  const fast = await fastPath(make, input);
  for (const format of RECORD_FORMATS) {
    assert.is(fast.chunks[format].length, old.chunks[format].length, `${input}: ${format} batches`);
    old.chunks[format].forEach((chunk, i) => assertSameChunk(fast.chunks[format][i], chunk, `${input}: ${format} batch ${i}`));
  }
  if (fast.records.length) assert.equal(fast.records, old.records, `${input}: lazy records`);
  return old.records;
}

test('generated router capture: every verdict kind, LOG/NFLOG lines, REJECT answers, NAT and conntrack notes', async () => {
  const dir = tempDir();
  const capture = join(dir, 'router.pcapng');
  writeCapture(capture, 30_000, { concurrent: 200, seed: 7 });
  const records = await assertSame(oneEngine(richRules(), scenarioHostModel()), capture);
  assert.is(records.length, 30_000);
  // the comparison above is only as strong as what the capture exercised
  const verdicts = new Set(records.map((r) => r.verdict));
  for (const v of ['ACCEPT', 'DROP', 'REJECT']) assert.ok(verdicts.has(v), `no ${v} record`);
  assert.ok(records.some((r) => r.logs?.length), 'no LOG line');
  assert.ok(records.some((r) => r.nflog?.length), 'no NFLOG action');
  assert.ok(records.some((r) => r.reply?.kind === 'tcp-reset'), 'no TCP reset');
  assert.ok(records.some((r) => r.reply?.kind === 'icmp'), 'no ICMP answer');
  assert.ok(records.some((r) => r.mark), 'no mark');
  assert.ok(records.some((r) => r.notes?.length), 'no notes');
  assert.ok(records.some((r) => r.helper === 'ftp'), 'no ftp helper');
  assert.ok(records.some((r) => r.ctstate === 'RELATED'), 'no RELATED packet');
  assert.ok(records.some((r) => r.ct_note?.length), 'no conntrack note');
  assert.ok(records.some((r) => r.ct_status?.length), 'no ct_status');
  assert.ok(records.some((r) => r.out), 'no out-interface');
  assert.ok(records.some((r) => r.matched && r.matched.length > 1), 'no packet matching several rules');
});

test('fixture captures, with frames that are not evaluated or not parsed', async () => {
  const host = scenarioHostModel();
  const captures = readdirSync(fixture('captures')).filter((name) => /\.pcap(ng)?$/.test(name));
  assert.ok(captures.length >= 3);
  let others = 0;
  for (const name of captures) {
    const records = await assertSame(oneEngine(richRules(), host), fixture(`captures/${name}`));
    others += records.filter((r) => r.verdict === 'UNPARSED' || r.verdict === 'NOT_EVALUATED').length;
  }
  assert.ok(others > 0, 'no frame that was not evaluated');
});

test('FTP example (JSON lines) and fragments that are held and reassembled', async () => {
  const ftp = await assertSame(oneEngine(readText(example('rules.sh')), loadHostFile(example('host.json'), true)), example('packets.jsonl'));
  assert.ok(ftp.length > 0 && ftp.every((r) => r.verdict !== 'UNPARSED'));

  const input = join(tempDir(), 'frags.jsonl');
  writeFileSync(input, fragmentLines());
  const records = await assertSame(oneEngine(FRAGMENT_RULES, fragmentHost()), input);
  assert.ok(records.some((r) => r.defrag?.state === 'held'));
  assert.ok(records.some((r) => r.defrag?.state === 'reassembled' && r.logs?.length));
  assert.ok(records.some((r) => r.verdict === 'DROP' && r.decided_by === 'filter:INPUT:policy'));
});

test('2 shard workers: compact batches transferred back encode to the same bytes as the merged results', async () => {
  const capture = join(tempDir(), 'router.pcapng');
  writeCapture(capture, 8_000, { concurrent: 100, seed: 11 });
  const records = await assertSame(shards(richRules(), scenarioHostModel(), 2), capture);
  assert.is(records.length, 8_000);
  assert.ok(records.some((r) => r.logs?.length) && records.some((r) => r.reply));
});

test('nfwasm classify: every format on the fast path writes what the record path (taken for --write) writes, with --only and --workers, summaries too', async () => {
  const dir = tempDir();
  const capture = join(dir, 'router.pcapng');
  writeCapture(capture, 6_000, { concurrent: 100, seed: 5 });
  const rules = join(dir, 'rules');
  const host = join(dir, 'host.json');
  writeFileSync(rules, richRules());
  writeFileSync(host, scenarioHost());
  for (const extra of [{}, { only: 'reject,invalid,related' }, { workers: 2 }]) {
    const what = JSON.stringify(extra);
    const run = async (format: RecordFormat, recordPath: boolean) => {
      const records = join(dir, `out.${format}`);
      // --write annotates the capture from record objects, so the command keeps to the record path
      const write = recordPath ? { write: join(dir, 'annotated.pcapng') } : {};
      const summary = await classifyCommand(capture, { rules, host, quiet: true, records, format, ...write, ...extra });
      return { summary: summary.format(), bytes: readFileSync(records) };
    };
    for (const format of RECORD_FORMATS) {
      const fast = await run(format, false);
      const slow = await run(format, true);
      assertSameChunk(format === 'msgpack' ? fast.bytes : fast.bytes.toString(), format === 'msgpack' ? slow.bytes : slow.bytes.toString(), `${what} ${format}`);
      assert.is(fast.summary, slow.summary, `${what} ${format} summary`);
    }
    const jsonl = (await run('jsonl', false)).bytes.toString();
    const records = jsonl.split('\n').filter(Boolean).map((line) => JSON.parse(line) as OutputRecord);
    assert.equal((unpackMultiple((await run('msgpack', false)).bytes) as OutputRecord[][]).flat(), records, `${what} msgpack against jsonl`);
    assert.is((await run('csv', false)).bytes.toString(), csvHeader() + records.map(csvRow).join(''), `${what} csv against jsonl`);
    assert.ok(records.length > 0 && records.length <= 6_000);
    if ('only' in extra) assert.ok(records.length < 6_000 && records.every((r) => r.verdict === 'REJECT' || ['INVALID', 'RELATED'].includes(r.ctstate!)));
  }
});

test.run();
