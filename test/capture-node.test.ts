// The Node capture-file reader (src/node/capture-file.ts) over the committed fixtures in
// test/fixtures/captures/ (written by test/fixtures/make-captures.ts), stdin, and files that are
// not captures; and the async-iterator API over arbitrary chunk sources.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PF_HAS_OWNER, PF_LOCAL_OUT, PKT_FLAGS, PKT_IN_IFACE, PKT_OUT_IFACE, PKT_UID } from '../assembly/shared/layout.js';
import { detectInputKind } from '../src/capture/detect.js';
import { parseCapture } from '../src/capture/stream.js';
import type { CaptureBatch, CaptureSummary } from '../src/capture/parser.js';
import { readCaptureFile, type CaptureFileOptions } from '../src/node/capture-file.js';
import { flatten } from './capture-support.js';
import { fixtureCaptures } from './fixtures/make-captures.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/captures/${name}`, import.meta.url));
const name = (v: DataView, at: number) => new TextDecoder().decode(new Uint8Array(v.buffer, v.byteOffset + at, 16)).replace(/\0+$/, '');

async function readAll(path: string, options: CaptureFileOptions = {}) {
  const batches: CaptureBatch[] = [];
  let summary: CaptureSummary | undefined;
  const warnings: string[] = [];
  for await (const b of readCaptureFile(path, { inInterface: 'eth0', onWarning: (w) => warnings.push(w.message), onEnd: (s) => (summary = s), ...options })) batches.push(b);
  return { ...flatten(batches), summary: summary!, warnings };
}

test('the committed fixtures are what test/fixtures/make-captures.ts writes', () => {
  for (const [file, bytes] of Object.entries(fixtureCaptures())) {
    assert.equal([...readFileSync(fixture(file))], [...bytes], file);
  }
});

test('big-endian nanosecond pcap with VLAN, ARP, IPv6 and an ICMP error', async () => {
  const { frames, summary } = await readAll(fixture('eth-vlan-ns-be.pcap'));
  assert.equal(frames.map((f) => f.status), ['ipv4', 'ipv4', 'arp', 'ipv6', 'ipv4']);
  assert.equal(frames.map((f) => f.ts), [1700000000.000000001, 1700000000.5, 1700000001, 1700000002, 1700000003.999999999]);
  assert.is(frames[0].vlan, 42);
  assert.equal(summary.byStatus, { ipv4: 3, ipv6: 1, arp: 1, 'non-ip': 0, truncated: 0, malformed: 0, 'other-host': 0 });
});

test('pcapng fixture: interface names from if_name, the SPB on the first interface', async () => {
  const { frames, records } = await readAll(fixture('two-interfaces.pcapng'), { inInterface: undefined });
  assert.equal(frames.map((f) => f.interfaceId), [0, 1, 0]);
  assert.equal(records.map((r) => name(r.view, PKT_IN_IFACE)), ['eth0', 'eth1', 'eth0']);
});

test('NFLOG fixture: hook and prefix, the OUTPUT packet generated here with its owner', async () => {
  const { frames, records } = await readAll(fixture('nflog.pcap'), { ifindexNames: { 2: 'eth2' } });
  assert.equal(frames.map((f) => f.nflog?.hookName), ['INPUT', 'OUTPUT']);
  assert.is(frames[0].nflog?.prefix, 'FTP-IN: ');
  assert.is(name(records[0].view, PKT_IN_IFACE), 'eth2');
  assert.is(records[1].view.getUint8(PKT_FLAGS) & (PF_LOCAL_OUT | PF_HAS_OWNER), PF_LOCAL_OUT | PF_HAS_OWNER);
  assert.is(records[1].view.getUint32(PKT_UID, true), 33);
});

test('SLL2 fixture: received and sent packets', async () => {
  const { records } = await readAll(fixture('sll2.pcap'), { ifindexNames: { 2: 'ens3' } });
  assert.equal(records.map((r) => [name(r.view, PKT_IN_IFACE), name(r.view, PKT_OUT_IFACE)]), [['ens3', ''], ['', 'ens3']]);
});

test('a cut file: the frames before the cut and a warning with the byte offset', async () => {
  const { frames, summary, warnings } = await readAll(fixture('cut.pcap'));
  assert.is(frames.length, 2);
  assert.is(summary.truncatedAt, 24 + 2 * (16 + 74));
  assert.is(warnings.length, 1);
  assert.match(warnings[0], /truncated.*36 of 62 bytes/);
});

test('not a capture, or no file: errors name the file', async () => {
  const json = fileURLToPath(new URL('./fixtures/captures/tcpdump-counts.json', import.meta.url));
  try {
    await readAll(json);
    assert.unreachable('a JSON file is not a capture');
  } catch (err) {
    assert.match((err as Error).message, /tcpdump-counts\.json: capture byte offset 0: not a pcap or pcapng file.*JSON/);
  }
  try {
    await readAll(fixture('no-such.pcap'));
    assert.unreachable('missing file');
  } catch (err) {
    assert.match((err as Error).message, /no-such\.pcap: cannot read: ENOENT/);
  }
});

test("'-' reads stdin", () => {
  const script = `import { readCaptureFile } from './src/node/capture-file.ts';
    let n = 0; for await (const b of readCaptureFile('-', { inInterface: 'eth0' })) n += b.frames.length; console.log('frames ' + String(n));`;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, input: readFileSync(fixture('eth-vlan-ns-be.pcap')), encoding: 'utf8' });
  assert.is(out.status, 0, out.stderr);
  assert.match(out.stdout, /frames 5/, out.stdout + out.stderr);
});

test('async iterator over any chunk source: tiny chunks, the same frames as the file reader', async () => {
  const bytes = readFileSync(fixture('two-interfaces.pcapng'));
  async function* trickle() {
    for (let i = 0; i < bytes.length; i += 5) yield bytes.subarray(i, i + 5);
  }
  const batches: CaptureBatch[] = [];
  for await (const b of parseCapture(trickle(), { inInterface: 'eth0' })) batches.push(b);
  assert.equal(flatten(batches).frames, (await readAll(fixture('two-interfaces.pcapng'))).frames);
});

test('input kinds by content', () => {
  assert.is(detectInputKind(readFileSync(fixture('eth-vlan-ns-be.pcap'))), 'pcap');
  assert.is(detectInputKind(readFileSync(fixture('two-interfaces.pcapng'))), 'pcapng');
  assert.is(detectInputKind(new TextEncoder().encode('  {"src": "1.2.3.4"}')), 'jsonl');
  assert.is(detectInputKind(new TextEncoder().encode('Nov 21 06:00:01 fw kernel: [  12.5] IN=eth0')), 'text');
  assert.is(detectInputKind(Uint8Array.of(0x1f, 0x8b, 8, 0)), 'compressed');
  assert.is(detectInputKind(Uint8Array.of(0, 1, 2, 3, 4)), 'binary');
  assert.is(detectInputKind(new Uint8Array()), 'empty');
});

test.run();
