// The streaming API (src/node/stream.ts): classifyFile gives the CLI's records in order, as an
// async iterator and as a Node Readable; encodeRecords turns records into a format's bytes; and
// nothing reads ahead of the consumer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { unpackMultiple } from 'msgpackr';
import type { CaptureBatch } from '../src/capture/parser.js';
import { Engine } from '../src/engine/engine.js';
import { defaultHostModel } from '../src/host/load.js';
import { readCaptureFile } from '../src/node/capture-file.js';
import { classifyCommand } from '../src/node/commands/classify.js';
import type { Input } from '../src/node/inputs.js';
import { loadRulesetFile } from '../src/node/load.js';
import { classifyFile, classifyFileBatches, classifyInput, classifyStream, encodeRecords } from '../src/node/stream.js';
import type { OutputRecord } from '../src/output/record.js';
import { csvRecords, example, fixture, jsonlRecords, tempDir, withoutEmptyLists } from './classify-support.js';

const dir = tempDir();
const rules = example('rules.sh');
const host = example('host.json');
const capture = fixture('captures/eth-vlan-ns-be.pcap');

async function cliRecords(input: string): Promise<OutputRecord[]> {
  const records = join(dir, `cli-${Math.random()}.jsonl`);
  await classifyCommand(input, { rules, host, in: 'eth0', quiet: true, records });
  return jsonlRecords(readFileSync(records, 'utf8'));
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

test('classifyFile: the CLI records, for captures, JSON lines and LOG lines', async () => {
  for (const input of [capture, fixture('packets/bad-port.jsonl'), fixture('logs/mixed-formats.log')]) {
    const records = await collect(classifyFile(input, { rules, host, in: 'eth0' }));
    assert.equal(records, await cliRecords(input), input);
  }
});

test('classifyFileBatches: batches of the requested size, frames alongside capture records', async () => {
  const lines = await collect(classifyFileBatches(fixture('logs/mixed-formats.log'), { rules, batchSize: 2 }));
  assert.equal(lines.map((b) => b.records.length), [2, 2, 2]);
  const frames = await collect(classifyFileBatches(capture, { rules, in: 'eth0' }));
  assert.is(frames.length, 1);
  assert.equal(frames[0].frames!.map((f) => f.index), [0, 1, 2, 3, 4]);
});

test('a given engine keeps its counters and conntrack for the caller', async () => {
  const engine = await Engine.create(loadRulesetFile(rules), defaultHostModel());
  const records = await collect(classifyFile(capture, { engine, in: 'eth0' }));
  assert.is(records.length, 5);
  assert.ok(engine.conntrackEntries().length > 0, 'the SYN left a conntrack entry');
});

test('classifyStream | encodeRecords(csv) and (msgpack): decodes to the records', async () => {
  const expected = await cliRecords(capture);
  for (const format of ['csv', 'msgpack'] as const) {
    const chunks: Buffer[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => (chunks.push(Buffer.from(chunk)), done()) });
    await pipeline(classifyStream(capture, { rules, host, in: 'eth0' }), encodeRecords(format, 2), sink);
    const bytes = Buffer.concat(chunks);
    if (format === 'csv') assert.equal(csvRecords(bytes.toString()), expected.map(withoutEmptyLists));
    else {
      const batches = unpackMultiple(bytes) as OutputRecord[][];
      assert.equal(batches.map((b) => b.length), [2, 2, 1]);
      assert.equal(batches.flat(), expected);
    }
  }
});

test('backpressure: input batches are read only as records are consumed', async () => {
  // A capture input of 50 batches (the same 5 frames again) that counts how many were asked for.
  let pulled = 0;
  const template = await firstCaptureBatch();
  async function* batches(): AsyncGenerator<CaptureBatch> {
    for (let i = 0; i < 50; i++) {
      pulled++;
      yield template;
    }
  }
  const input: Input = { kind: 'capture', format: 'pcap', caveats: [], batches: batches(), warnings: [] };
  const engine = await Engine.create(loadRulesetFile(rules), defaultHostModel());
  const records = (async function* () {
    for await (const b of classifyInput(engine, input)) yield* b.records;
  })();
  const stream = Readable.from(records, { objectMode: true, highWaterMark: 4 });
  const first: OutputRecord = await new Promise((resolve) => stream.once('readable', () => resolve(stream.read())));
  assert.is(first.n, 1);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(pulled <= 3, `only the batches needed so far were read (${pulled} of 50)`);
  stream.destroy();
});

async function firstCaptureBatch(): Promise<CaptureBatch> {
  for await (const batch of readCaptureFile(capture, { inInterface: 'eth0' })) return batch;
  throw new Error('no batch');
}

test.run();
