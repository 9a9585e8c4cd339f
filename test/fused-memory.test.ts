// The fused path's memory and streaming: the parser's blocks live in the engine's instance behind
// the engine's own areas and overlap nothing, also after a pcapng block larger than the input
// buffer made it take a larger one; input is read only as output is asked for; chunks fed in
// (stdin, any stream) give what reading into the parser's buffer gives.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { CaptureParser } from '../src/capture/parser.js';
import { Engine } from '../src/engine/engine.js';
import { CoreRecordWriter } from '../src/output/core-writer.js';
import { evaluateCapture, type CaptureBytes } from '../src/pipeline/evaluate-capture.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { concat } from './capture-support.js';
import { tempDir } from './classify-support.js';
import { HOST, mixedFrames, recordPath, RULES, writePcap, writePcapng } from './fused-support.js';
import { classifyInput } from '../src/node/stream.js';
import { openInput } from '../src/node/inputs.js';
import { classifyCaptureInPlace } from '../src/node/fused-capture.js';

const dir = tempDir();
const engineFor = () => Engine.create(parseRuleset(RULES, 'rules'), HOST);

/** The jsonl text of `bytes` run through the fused path on `engine` with `parser`. */
async function fusedJsonl(engine: Engine, parser: CaptureParser, bytes: CaptureBytes): Promise<string> {
  const writer = new CoreRecordWriter(engine, 'jsonl');
  let out = '';
  for await (const chunk of evaluateCapture(engine, parser, bytes, writer)) out += text(chunk.output);
  return out;
}

const utf8 = new TextDecoder();
const text = (output: string | Uint8Array): string => (typeof output === 'string' ? output : utf8.decode(output));

function* pieces(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

test('a pcapng block larger than the input buffer: a new, larger block behind the engine\'s areas, overlapping nothing', async () => {
  const frames = mixedFrames(60, 0);
  const huge = concat(frames[0], new Uint8Array(3 << 20)); // an IP packet with 3 MiB of link-layer padding behind it
  const path = writePcapng(dir, 'huge-block.pcapng', frames, { at: 30, blocks: [{ kind: 'epb', iface: 0, ticks: 5n, data: huge }] });
  const engine = await engineFor();
  const engineEnd = engine.payloadArea;
  const parser = CaptureParser.onEngine(engine, { inInterface: 'eth0', bufferSize: 1 << 20 });
  const [areasBefore, buffersBefore] = parser.memoryBlocks.map((b) => ({ ...b }));
  const jsonl = await fusedJsonl(engine, parser, pieces(readFileSync(path), 256 << 10));

  const blocks = parser.memoryBlocks;
  assert.equal(blocks[0], areasBefore, 'the fixed areas stay');
  assert.ok(blocks[1].start >= buffersBefore.end, 'the buffers moved to a new block');
  assert.ok(blocks[1].end - blocks[1].start >= 2 * huge.length, 'arena and input buffer each hold the block');
  for (const block of blocks) {
    assert.ok(block.start >= engineEnd, `parser block at ${block.start} lies inside the engine's areas (up to ${engineEnd})`);
    assert.ok(block.end <= engine.payloadArea, `parser block ending at ${block.end} runs into the engine's payload area at ${engine.payloadArea}`);
  }
  assert.ok(blocks[0].end <= blocks[1].start || blocks[1].end <= blocks[0].start, 'the parser\'s blocks overlap');
  assert.ok(engine.coreExports.memory.buffer.byteLength >= engine.payloadArea);

  const reference = await recordPath({ rules: RULES, host: HOST, format: 'jsonl' }, path);
  assert.is(jsonl, reference.bytes.toString());
  assert.is(jsonl.split('\n').filter(Boolean).length, frames.length + 1);
});

test('the engine still classifies copied-in batches after a parser shared its instance: its payloads go behind the parser\'s blocks', async () => {
  const path = writePcap(dir, 'shared.pcap', mixedFrames(80, 5));
  const file = readFileSync(path);
  const shared = await engineFor();
  const parser = CaptureParser.onEngine(shared, { inInterface: 'eth0' });
  const alone = await engineFor();
  const copying = await CaptureParser.create({ inInterface: 'eth0' });
  // the capture written into the shared parser's input buffer, then run through the copying path
  // on both engines: the same results, and the buffer still holds what was written
  const batches = [...copying.feed(file), ...copying.end()];
  const space = parser.writable(file.length);
  space.set(file.subarray(0, space.length));
  const blocks = () => parser.memoryBlocks.map(({ start, end }) => new Uint8Array(shared.coreExports.memory.buffer, start, end - start).slice());
  const before = blocks();
  let payloadBytes = 0;
  for (const batch of batches) {
    payloadBytes += batch.payloads.length;
    assert.equal(shared.classify(batch.records, batch.count, batch.payloads), alone.classify(batch.records, batch.count, batch.payloads));
  }
  assert.ok(payloadBytes > 0);
  const after = blocks();
  before.forEach((block, i) => assert.ok(Buffer.from(block).equals(Buffer.from(after[i])), `the engine's batches wrote into the parser's block ${i}`));
});

test('input is read only as the output is asked for, and chunks fed in give what reading into the buffer gives', async () => {
  const path = writePcap(dir, 'long.pcap', mixedFrames(12_000, 0));
  const file = readFileSync(path);
  const engine = await engineFor();
  const parser = CaptureParser.onEngine(engine, { inInterface: 'eth0' });
  let read = 0;
  const bytes: CaptureBytes = {
    readInto(into) {
      const n = Math.min(into.length, file.length - read, 64 << 10);
      into.set(file.subarray(read, read + n));
      read += n;
      return n;
    },
  };
  const writer = new CoreRecordWriter(engine, 'jsonl');
  const chunks = evaluateCapture(engine, parser, bytes, writer, { readSize: 64 << 10 });
  const first = await chunks.next();
  assert.ok(!first.done && first.value.records === 4096, 'the first chunk is the first parser batch');
  assert.ok(read < file.length / 2, `${read} of ${file.length} bytes were read for the first batch`);
  assert.ok(first.value.inputOffset! <= read && first.value.inputOffset! > 0);
  let jsonl = text(first.value.output);
  for await (const chunk of chunks) jsonl += text(chunk.output);
  assert.is(read, file.length);

  const again = await engineFor();
  assert.is(await fusedJsonl(again, CaptureParser.onEngine(again, { inInterface: 'eth0' }), pieces(file, 7_777)), jsonl);
});

test('progress: after each batch, the records so far and the input offset the record path reports', async () => {
  const path = writePcapng(dir, 'progress.pcapng', mixedFrames(9_000, 11));
  const expected: Array<[number, number | undefined]> = [];
  let records = 0;
  for await (const batch of classifyInput(await engineFor(), await openInput(path, { inInterface: 'eth0' }))) expected.push([(records += batch.records.length), batch.inputOffset]);
  assert.ok(expected.length >= 3, 'several batches');
  const engine = await engineFor();
  const input = await openInput(path, { inInterface: 'eth0' });
  if (input.kind !== 'capture') throw new Error('not a capture');
  const got: Array<[number, number | undefined]> = [];
  for await (const chunk of classifyCaptureInPlace(engine, input, new CoreRecordWriter(engine, 'msgpack'))) got.push([chunk.records, chunk.inputOffset]);
  assert.equal(got, expected);
});

test.run();
