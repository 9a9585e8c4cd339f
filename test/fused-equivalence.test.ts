// The fused capture path (parser in the engine's instance, records evaluated in place, written by
// the CompactRecordWriter) against the record path (src/node/stream.ts classifyInput, records
// copied out and in, OutputRecords encoded): the same bytes in every format, with and without
// --only, the same summary, counters, conntrack table and warnings — on the fixture captures, a
// generated router capture, a capture with non-IP and broken frames between IP frames (pcap and
// pcapng), fragments (some never completed), a cut capture and the FTP example as a capture.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostModelFromObject } from '../src/host/load.js';
import { RECORD_FORMATS } from '../src/output/encode.js';
import { parseOnly } from '../src/output/only.js';
import { readText } from '../src/node/files.js';
import { loadHostFile } from '../src/node/load.js';
import { writeCapture } from '../bench/gen-capture.js';
import { scenarioHost, scenarioRules } from '../bench/scenario.js';
import { example, fixture, tempDir } from './classify-support.js';
import { ftpExampleCapture, fusedPath, HOST, jsonlOf, mixedFrames, oddFrame, recordPath, RULES, writePcap, writePcapng, type PathResult, type RunSpec } from './fused-support.js';

const dir = tempDir();

function assertSame(fused: PathResult, reference: PathResult, what: string): void {
  if (!fused.bytes.equals(reference.bytes)) {
    // say where, in text formats
    const [a, b] = [fused.bytes.toString(), reference.bytes.toString()];
    const at = [...a].findIndex((c, i) => c !== b[i]);
    assert.unreachable(`${what}: output differs at byte ${at}: ${JSON.stringify(a.slice(Math.max(0, at - 80), at + 80))} vs ${JSON.stringify(b.slice(Math.max(0, at - 80), at + 80))}`);
  }
  assert.is(fused.chunks, reference.chunks, `${what}: chunks`);
  assert.is(fused.summary, reference.summary, `${what}: summary`);
  assert.is(fused.counters, reference.counters, `${what}: counters`);
  assert.is(fused.conntrack, reference.conntrack, `${what}: conntrack`);
  assert.equal(fused.warnings, reference.warnings, `${what}: warnings`);
}

/** Both paths on `path` in every format, plain and with each --only list; returns the reference's jsonl bytes. */
async function assertPathsAgree(base: Omit<RunSpec, 'format'>, path: string, onlyLists: string[] = []): Promise<Buffer> {
  let jsonl: Buffer | undefined;
  for (const only of [undefined, ...onlyLists]) {
    for (const format of RECORD_FORMATS) {
      const spec: RunSpec = { ...base, format, only: only === undefined ? undefined : parseOnly(only) };
      const reference = await recordPath(spec, path);
      assertSame(await fusedPath(spec, path), reference, `${path} ${format} --only ${only ?? '-'}`);
      if (format === 'jsonl' && only === undefined) jsonl = reference.bytes;
    }
  }
  return jsonl!;
}

test('fixture captures (pcap, pcapng, VLAN, NFLOG, SLL2, a cut file) with the FTP example rules', async () => {
  const base = { rules: readText(example('rules.sh')), host: loadHostFile(example('host.json'), true) };
  const captures = readdirSync(fixture('captures')).filter((name) => /\.pcap(ng)?$/.test(name));
  assert.ok(captures.length >= 5);
  for (const name of captures) await assertPathsAgree(base, fixture(`captures/${name}`), ['drop,not-evaluated']);
  const cut = await recordPath({ ...base, format: 'jsonl' }, fixture('captures/cut.pcap'));
  assert.match(cut.warnings.join('\n'), /truncated/, 'the cut capture warns');
});

test('non-IP and broken frames between IP frames, fragments held and reassembled, LOG and REJECT: pcap and pcapng', async () => {
  const frames = mixedFrames(400);
  for (const path of [writePcap(dir, 'mixed.pcap', frames), writePcapng(dir, 'mixed.pcapng', frames)]) {
    const records = jsonlOf(await assertPathsAgree({ rules: RULES, host: HOST }, path, ['drop,reject', 'not-evaluated,unparsed', 'related,invalid,new']));
    assert.is(records.length, frames.length);
    // the comparison is only as strong as what the capture holds
    const verdicts = new Set(records.map((r) => r.verdict));
    for (const v of ['ACCEPT', 'DROP', 'REJECT', 'DEFRAG', 'NOT_EVALUATED', 'UNPARSED']) assert.ok(verdicts.has(v), `${path}: no ${v}`);
    assert.ok(records.some((r) => r.logs?.length), 'no LOG line');
    assert.ok(records.some((r) => r.defrag?.state === 'reassembled'), 'no reassembled datagram');
    const summary = (await fusedPath({ rules: RULES, host: HOST, format: 'jsonl' }, path)).summary;
    assert.match(summary, /fragments never completed: \d+/, 'held fragments are reported');
  }
});

test('generated router capture with the scenario ruleset (conntrack, FTP helper, 1k rules)', async () => {
  const path = join(dir, 'router.pcapng');
  writeCapture(path, 12_000, { concurrent: 150, seed: 3 });
  const records = jsonlOf(await assertPathsAgree({ rules: scenarioRules(), host: hostModelFromObject(JSON.parse(scenarioHost())) }, path, ['drop,invalid']));
  assert.is(records.length, 12_000);
  assert.ok(records.some((r) => r.helper === 'ftp') && records.some((r) => r.ctstate === 'RELATED'));
});

test('the FTP example as a capture taken on the server (Linux cooked, its own packets outgoing)', async () => {
  const base = { rules: readText(example('rules.sh')), host: loadHostFile(example('host.json'), true) };
  const path = ftpExampleCapture(dir, example('packets.jsonl'));
  const records = jsonlOf(await assertPathsAgree(base, path, ['accept']));
  assert.is(records.length, readFileSync(example('packets.jsonl'), 'utf8').split('\n').filter(Boolean).length);
  assert.ok(new Set(records.map((r) => r.verdict)).size >= 2, 'the example gets more than one verdict');
  assert.ok(records.some((r) => r.path === 'OUTPUT'), 'the server\'s own packets go through OUTPUT');
  assert.ok(records.some((r) => r.ctstate === 'ESTABLISHED' && r.verdict === 'ACCEPT'), 'the FTP control connection is established');
});

test('small parser and engine batches: gaps at batch edges and split evaluate() calls give the same records', async () => {
  const frames = mixedFrames(120, 3);
  const path = writePcap(dir, 'small-batches.pcap', frames);
  const reference = await recordPath({ rules: RULES, host: HOST, format: 'jsonl' }, path);
  for (const batchSize of [1, 2, 5, 64]) {
    for (const engineBatch of [1, 3, 4096]) {
      const fused = await fusedPath({ rules: RULES, host: HOST, format: 'jsonl', engine: { batchSize: engineBatch } }, path, { batchSize });
      assert.ok(fused.bytes.equals(reference.bytes), `parser batch ${batchSize}, engine batch ${engineBatch}`);
      assert.is(fused.summary, reference.summary);
      assert.is(fused.counters, reference.counters);
    }
  }
});

test('a capture of nothing but frames that are not evaluated, and an empty capture', async () => {
  const odd = writePcap(dir, 'odd.pcap', Array.from({ length: 12 }, (_, i) => oddFrame(i)));
  const records = jsonlOf(await assertPathsAgree({ rules: RULES, host: HOST }, odd, ['unparsed']));
  assert.equal(records.map((r) => r.n), Array.from({ length: 12 }, (_, i) => i + 1));
  assert.ok(records.every((r) => r.verdict === 'NOT_EVALUATED' || r.verdict === 'UNPARSED'));
  const empty = join(dir, 'empty.pcap');
  writeFileSync(empty, readFileSync(writePcap(dir, 'none.pcap', [])));
  const fused = await fusedPath({ rules: RULES, host: HOST, format: 'jsonl' }, empty);
  assert.is(fused.bytes.length, 0);
  assert.match(fused.summary, /packets: 0/);
});

test.run();
