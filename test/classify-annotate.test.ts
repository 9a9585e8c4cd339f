// --write: the capture's frames as pcapng with a comment per packet. The copy parses back with
// nfwasm's own capture parser and with tcpdump (when installed) to the same frames, interfaces
// carry over, and each packet's comment is the one for its record.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PcapngAnnotator } from '../src/capture/pcapng-writer.js';
import type { FrameInfo } from '../src/capture/frames.js';
import type { CaptureInterface } from '../src/capture/parser.js';
import { readCaptureFile } from '../src/node/capture-file.js';
import { classifyCommand } from '../src/node/commands/classify.js';
import { annotation } from '../src/output/annotation.js';
import { example, fixture, jsonlRecords, readPcapng, tempDir } from './classify-support.js';

const dir = tempDir();
const hasTcpdump = !spawnSync('tcpdump', ['--version']).error;

async function framesOf(path: string) {
  const frames: FrameInfo[] = [];
  let interfaces: readonly CaptureInterface[] = [];
  for await (const batch of readCaptureFile(path, { onEnd: (_s, parser) => (interfaces = parser.interfaces) })) frames.push(...batch.frames);
  return { frames, interfaces };
}

/** tcpdump's view of a capture: timestamps and bytes of every packet. */
function tcpdump(path: string): string {
  return spawnSync('tcpdump', ['-r', path, '-n', '-tt', '-xx'], { encoding: 'utf8' }).stdout;
}

let runs = 0;
async function annotate(input: string) {
  const out = join(dir, `annotated-${++runs}.pcapng`);
  const records = join(dir, `records-${runs}.jsonl`);
  await classifyCommand(input, { rules: example('rules.sh'), host: example('host.json'), in: 'eth0', quiet: true, records, write: out });
  return { out, records: jsonlRecords(readFileSync(records, 'utf8')) };
}

for (const name of ['eth-vlan-ns-be.pcap', 'two-interfaces.pcapng', 'nflog.pcap', 'sll2.pcap', 'cut.pcap']) {
  test(`${name}: annotated copy has the same frames, one comment per record`, async () => {
    const input = fixture(`captures/${name}`);
    const { out, records } = await annotate(input);
    const before = await framesOf(input);
    const after = await framesOf(out);
    const strip = (f: FrameInfo) => ({ ts: f.ts, caplen: f.caplen, length: f.length, linkType: f.linkType, status: f.status, interfaceId: f.interfaceId ?? 0 });
    assert.equal(after.frames.map(strip), before.frames.map(strip));
    const written = readPcapng(out);
    assert.is(written.packets.length, records.length);
    assert.equal(written.packets.map((p) => p.comments[0]), records.map(annotation));
    if (hasTcpdump) assert.is(tcpdump(out), tcpdump(input), 'tcpdump reads the same packets');
  });
}

test('pcapng interfaces carry over with their names', async () => {
  const input = fixture('captures/two-interfaces.pcapng');
  const { out } = await annotate(input);
  const { interfaces } = await framesOf(out);
  assert.equal(interfaces.map((i) => i.name), ['eth0', 'eth1']);
  assert.equal(readPcapng(out).packets.map((p) => p.interfaceId), [0, 1, 0]);
});

test('comments read like "filter:INPUT:7 DROP ctstate=INVALID"', async () => {
  const { out } = await annotate(fixture('captures/eth-vlan-ns-be.pcap'));
  const comments = readPcapng(out).packets.map((p) => p.comments[0]);
  assert.match(comments[0], /^hook PREROUTING NOT_FORWARDED ctstate=NEW tcp=SYN_SENT$/);
  assert.match(comments[2], /^nfwasm: NOT_EVALUATED: frame 3 at byte 208: ARP: not IP$/);
});

test('--write needs a capture file: stdin and non-capture inputs are refused', async () => {
  const opts = { rules: example('rules.sh'), quiet: true, records: join(dir, 'none'), write: join(dir, 'x.pcapng') };
  for (const [input, pattern] of [['-', /give a capture file, not stdin/], [fixture('packets/bad-port.jsonl'), /--write annotates captures \(pcap, pcapng\); .* is JSON lines/]] as const) {
    let message = '';
    await classifyCommand(input, opts).catch((err: Error) => (message = err.message));
    assert.match(message, pattern);
  }
});

test('existing packet comments and options are kept after ours; byte order follows the section', () => {
  // A big-endian section with one EPB that already has a comment.
  const be = (n: number, bytes = 4) => Array.from({ length: bytes }, (_, i) => (n >>> (8 * (bytes - 1 - i))) & 0xff);
  const option = (code: number, text: string) => {
    const b = [...new TextEncoder().encode(text)];
    while (b.length % 4) b.push(0);
    return [...be(code, 2), ...be(text.length, 2), ...b];
  };
  const blockOf = (type: number, body: number[]) => [...be(type), ...be(body.length + 12), ...body, ...be(body.length + 12)];
  const shb = blockOf(0x0a0d0d0a, [...be(0x1a2b3c4d), 0, 1, 0, 0, ...Array(8).fill(0xff)]);
  const idb = blockOf(1, [...be(1, 2), 0, 0, ...be(0), ...option(2, 'wan0'), 0, 0, 0, 0]);
  const data = [1, 2, 3, 4, 5, 6];
  const epb = blockOf(6, [...be(0), ...be(0), ...be(1234), ...be(6), ...be(60), ...data, 0, 0, ...option(1, 'theirs'), 0, 0, 0, 0]);
  const file = Uint8Array.from([...shb, ...idb, ...epb]);
  const chunks: Uint8Array[] = [];
  const annotator = new PcapngAnnotator({ read: (offset, length) => file.subarray(offset, offset + length) }, (c) => chunks.push(c));
  annotator.add({ offset: shb.length + idb.length, caplen: 6, comment: 'ours' });
  annotator.finish();
  const path = join(dir, 'be.pcapng');
  writeFileSync(path, Buffer.concat(chunks));
  const read = readPcapng(path);
  assert.equal(read.interfaces, [{ linkType: 1, name: 'wan0' }]);
  assert.equal(read.packets, [{ interfaceId: 0, comments: ['ours', 'theirs'], caplen: 6 }]);
  const out = Buffer.concat(chunks);
  assert.is(out.readUInt32BE(8), 0x1a2b3c4d, 'still big-endian');
  assert.is(out.readUInt32BE(shb.length + idb.length + 16), 1234, 'timestamp copied');
});

test.run();
