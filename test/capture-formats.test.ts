// pcap and pcapng framing in the WASM capture parser: magics and byte orders, timestamp
// resolutions, snapshot lengths, interfaces, the block types, chunked input, truncated and
// corrupt files. Captures are built in memory (test/capture-support.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PF_LOCAL_OUT, PF_OUT_GIVEN, PKT_FLAGS, PKT_IN_IFACE, PKT_IPLEN, PKT_OUT_IFACE, PKT_SPORT, PKT_TS } from '../assembly/shared/layout.js';
import { CaptureError } from '../src/capture/errors.js';
import { CaptureParser } from '../src/capture/parser.js';
import {
  concat, ethernet, ip, ipv4, parseBytes, pcapFile, pcapngSection, udp, type NgBlock, type Parsed,
} from './capture-support.js';

const SRC = ip('10.1.1.1');
const DST = ip('10.2.2.2');

function frame(sport: number, payloadBytes = 4): Uint8Array {
  return ethernet(ipv4({ src: SRC, dst: DST, proto: 17, payload: udp({ src: SRC, dst: DST, sport, dport: 53, payload: new Uint8Array(payloadBytes).fill(sport & 0xff) }) }));
}

const name = (v: DataView, at: number) => new TextDecoder().decode(new Uint8Array(v.buffer, v.byteOffset + at, 16)).replace(/\0+$/, '');
const sports = (p: Parsed) => p.records.map((r) => r.view.getUint16(PKT_SPORT, true));

async function captureError(bytes: Uint8Array, options = {}): Promise<{ error: CaptureError; framesBefore: number }> {
  const parser = await CaptureParser.create({ inInterface: 'eth0', ...options });
  let framesBefore = 0;
  try {
    for (const b of parser.feed(bytes)) framesBefore += b.frames.length;
    for (const b of parser.end()) framesBefore += b.frames.length;
  } catch (err) {
    assert.instance(err, CaptureError);
    return { error: err as CaptureError, framesBefore };
  }
  throw new assert.Assertion({ message: 'expected a CaptureError', generated: false, operator: 'throws', expects: 'error', actual: 'none' });
}

const PACKETS = [
  { ts: 1700000000, sub: 250000, data: frame(1001) },
  { ts: 1700000001, sub: 999999, data: frame(1002) },
];

test('pcap: microsecond and nanosecond magics in both byte orders give the same packets', async () => {
  for (const bigEndian of [false, true]) {
    const micro = await parseBytes(pcapFile({ linkType: 1, bigEndian, packets: PACKETS }), { inInterface: 'eth0' });
    assert.equal(sports(micro), [1001, 1002]);
    assert.equal(micro.frames.map((f) => f.ts), [1700000000.25, 1700000001.999999]);
    const nano = await parseBytes(pcapFile({ linkType: 1, bigEndian, nanos: true, packets: [{ ts: 1700000000, sub: 123456789, data: frame(1003) }] }), { inInterface: 'eth0' });
    assert.is(nano.records[0].view.getFloat64(PKT_TS, true), 1700000000 + 123456789 / 1e9);
    assert.is(micro.parser.summary.format, 'pcap');
    assert.is(micro.parser.summary.linkType, 1);
  }
});

test('pcap: the modified (Kuznetzov) format with 24-byte record headers', async () => {
  const parsed = await parseBytes(pcapFile({ linkType: 1, magic: 0xa1b2cd34, packets: PACKETS }), { inInterface: 'eth0' });
  assert.equal(sports(parsed), [1001, 1002]);
  assert.equal(parsed.frames.map((f) => f.offset), [24, 24 + 24 + PACKETS[0].data.length]);
});

test('pcap: snapshot length shorter than the packet: caplen and wire length reported, the IP length kept', async () => {
  const full = frame(1004, 400);
  const parsed = await parseBytes(pcapFile({ linkType: 1, snaplen: 64, packets: [{ ts: 1, data: full.subarray(0, 64), length: full.length }] }), { inInterface: 'eth0' });
  assert.equal([parsed.frames[0].caplen, parsed.frames[0].length], [64, full.length]);
  assert.is(parsed.records[0].view.getUint16(PKT_IPLEN, true), full.length - 14);
  assert.is(parsed.records[0].payload.length, 64 - 14 - 28);
});

test('chunked input: any chunk size gives the same frames and records (state carried across chunks)', async () => {
  const packets = Array.from({ length: 30 }, (_, i) => ({ ts: 1000 + i, data: frame(2000 + i, i * 7) }));
  const pcap = pcapFile({ linkType: 1, packets });
  const ng = pcapngSection({ blocks: [{ kind: 'idb', iface: { linkType: 1, name: 'eth3' } }, ...packets.map((p, i): NgBlock => ({ kind: 'epb', iface: 0, ticks: BigInt(p.ts) * 1000000n + BigInt(i), data: p.data }))] });
  for (const file of [pcap, ng]) {
    const whole = await parseBytes(file, { inInterface: 'eth0' });
    assert.is(whole.frames.length, 30);
    for (const chunk of [1, 3, 17, 100]) {
      const pieces = await parseBytes(file, { inInterface: 'eth0' }, chunk);
      assert.equal(pieces.frames, whole.frames, `chunk ${chunk}`);
      assert.equal(pieces.records.map((r) => [...new Uint8Array(r.view.buffer, r.view.byteOffset, 256)]), whole.records.map((r) => [...new Uint8Array(r.view.buffer, r.view.byteOffset, 256)]), `chunk ${chunk}`);
      assert.equal(pieces.records.map((r) => [...r.payload]), whole.records.map((r) => [...r.payload]));
    }
  }
});

test('truncated pcap: frames up to the cut, a warning naming the byte offset of the incomplete record', async () => {
  const file = pcapFile({ linkType: 1, packets: [...PACKETS, { ts: 3, data: frame(1005) }] });
  const secondEnd = 24 + 2 * 16 + PACKETS[0].data.length + PACKETS[1].data.length;
  for (const cut of [secondEnd + 5, secondEnd + 20]) {
    const parsed = await parseBytes(file.subarray(0, cut), { inInterface: 'eth0' });
    assert.equal(sports(parsed), [1001, 1002]);
    assert.is(parsed.parser.summary.truncatedAt, secondEnd);
    assert.is(parsed.parser.warnings.length, 1);
    assert.match(parsed.parser.warnings[0].message, /truncated/);
    assert.is(parsed.parser.warnings[0].offset, secondEnd);
  }
});

test('empty input, a cut file header, wrong magic, compressed or text input: CaptureError at offset 0', async () => {
  const cases: Array<[Uint8Array, RegExp]> = [
    [new Uint8Array(), /empty input/],
    [pcapFile({ linkType: 1, packets: [] }).subarray(0, 10), /inside the capture file header/],
    [Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0), /not a pcap or pcapng file: magic number 0xefbeadde/],
    [Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0), /gzip/],
    [new TextEncoder().encode('{"src":"1.2.3.4"}\n'), /JSON/],
    [new TextEncoder().encode('Nov 21 kernel: IN=eth0 OUT='), /text/],
  ];
  for (const [bytes, message] of cases) {
    const { error, framesBefore } = await captureError(bytes);
    assert.is(framesBefore, 0);
    assert.is(error.offset, 0);
    assert.match(error.message, message);
  }
});

test('pcap: an absurd captured length stops with the record offset, after the frames before it', async () => {
  const file = pcapFile({ linkType: 1, packets: PACKETS });
  const bad = concat(file, Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0x10));
  const { error, framesBefore } = await captureError(bad);
  assert.is(framesBefore, 2);
  assert.is(error.offset, file.length);
  assert.match(error.message, /268435456 captured bytes/);
});

test('pcap: an unknown version is refused', async () => {
  const file = pcapFile({ linkType: 1, packets: [] });
  new DataView(file.buffer).setUint16(4, 3, true);
  assert.match((await captureError(file)).error.message, /unsupported pcap version 3\.4/);
});

const TWO_IFACES: NgBlock[] = [
  { kind: 'idb', iface: { linkType: 1, name: 'eth0', tsresol: 9 } },
  { kind: 'raw', type: 4, body: new Uint8Array(8) }, // name resolution block: skipped
  { kind: 'idb', iface: { linkType: 1, name: 'eth1', tsresol: 0x80 | 20, tsoffset: 100n } },
  { kind: 'epb', iface: 0, ticks: 1700000000123456789n, data: frame(3001) },
  { kind: 'epb', iface: 1, ticks: (5n << 20n) + (1n << 19n), data: frame(3002) },
  { kind: 'raw', type: 0x40000bad, body: new Uint8Array(12) }, // custom block: skipped
  { kind: 'pb', iface: 1, ticks: 3n << 20n, data: frame(3003) },
  { kind: 'spb', data: frame(3004) },
  { kind: 'epb', iface: 1, ticks: 0n, data: frame(3005), flags: 2 }, // outbound
];

test('pcapng: two interfaces named by if_name, ns and 2^-20 resolutions, if_tsoffset, EPB/PB/SPB, other blocks skipped', async () => {
  for (const bigEndian of [false, true]) {
    const parsed = await parseBytes(pcapngSection({ bigEndian, blocks: TWO_IFACES }), { inInterface: 'wan9' });
    assert.equal(sports(parsed), [3001, 3002, 3003, 3004, 3005]);
    assert.equal(parsed.frames.map((f) => f.interfaceId), [0, 1, 1, 0, 1]);
    assert.equal(parsed.frames.map((f) => f.ts), [1700000000 + 123456789 / 1e9, 100 + 5.5, 100 + 3, 0, 100]);
    const v = parsed.records.map((r) => r.view);
    assert.equal(v.slice(0, 4).map((r) => name(r, PKT_IN_IFACE)), ['eth0', 'eth1', 'eth1', 'eth0']);
    // epb_flags outbound: generated here, out on eth1
    assert.is(v[4].getUint8(PKT_FLAGS) & (PF_LOCAL_OUT | PF_OUT_GIVEN), PF_LOCAL_OUT | PF_OUT_GIVEN);
    assert.equal([name(v[4], PKT_OUT_IFACE), name(v[4], PKT_IN_IFACE)], ['eth1', '']);
    assert.is(parsed.frames[4].direction, 'out');
    assert.equal(parsed.parser.interfaces.map((i) => [i.id, i.name, i.recordName, i.tsresol]), [[0, 'eth0', 'eth0', 9], [1, 'eth1', 'eth1', 0x80 | 20]]);
    assert.is(parsed.parser.summary.format, 'pcapng');
  }
});

test('pcapng: frame offsets are the offsets of their blocks', async () => {
  const file = pcapngSection({ blocks: TWO_IFACES });
  const parsed = await parseBytes(file, { inInterface: 'eth0' });
  const view = new DataView(file.buffer);
  for (const f of parsed.frames) assert.ok([2, 3, 6].includes(view.getUint32(f.offset, true)), `block at ${f.offset}`);
});

test('pcapng: the SPB takes the first interface snapshot length; unnamed interfaces use the default', async () => {
  const big = frame(4001, 300);
  const parsed = await parseBytes(pcapngSection({ blocks: [{ kind: 'idb', iface: { linkType: 1, snaplen: 100 } }, { kind: 'spb', data: big }] }), { inInterface: 'eth7' });
  assert.equal([parsed.frames[0].caplen, parsed.frames[0].length], [100, big.length]);
  assert.is(name(parsed.records[0].view, PKT_IN_IFACE), 'eth7');
  assert.equal(parsed.parser.interfaces.map((i) => i.recordName), ['']);
});

test('pcapng: sections of either byte order each restart interface numbering', async () => {
  const first = pcapngSection({ blocks: [{ kind: 'idb', iface: { linkType: 1, name: 'lan0' } }, { kind: 'idb', iface: { linkType: 1, name: 'lan1' } }, { kind: 'epb', iface: 1, ticks: 1n, data: frame(5001) }] });
  const second = pcapngSection({ bigEndian: true, blocks: [{ kind: 'idb', iface: { linkType: 1, name: 'dmz0' } }, { kind: 'epb', iface: 0, ticks: 1n, data: frame(5002) }] });
  const parsed = await parseBytes(concat(first, second), { inInterface: 'eth0' });
  assert.equal(parsed.records.map((r) => name(r.view, PKT_IN_IFACE)), ['lan1', 'dmz0']);
  assert.equal(parsed.parser.interfaces.map((i) => [i.section, i.id, i.name]), [[0, 0, 'lan0'], [0, 1, 'lan1'], [1, 0, 'dmz0']]);
  const stale = pcapngSection({ bigEndian: true, blocks: [{ kind: 'idb', iface: { linkType: 1 } }, { kind: 'epb', iface: 1, ticks: 1n, data: frame(5003) }] });
  const { error, framesBefore } = await captureError(concat(first, stale));
  assert.is(framesBefore, 1);
  assert.match(error.message, /interface 1, which no interface description block/);
  assert.is(error.offset, first.length + 28 + 20); // after its SHB and IDB
});

test('pcapng: long or foreign if_name values: renamed with interfaceNames, else cut to 15 bytes with a warning', async () => {
  const windows = '\\Device\\NPF_{5AE6EDB4-EFF9-46B3-A3C2-EE50C688A9E6}';
  const file = pcapngSection({ blocks: [{ kind: 'idb', iface: { linkType: 1, name: windows } }, { kind: 'epb', iface: 0, ticks: 0n, data: frame(6001) }] });
  const renamed = await parseBytes(file, { interfaceNames: { [windows]: 'eth2' } });
  assert.is(name(renamed.records[0].view, PKT_IN_IFACE), 'eth2');
  assert.is(renamed.parser.warnings.length, 0);
  const cut = await parseBytes(file, {});
  assert.is(name(cut.records[0].view, PKT_IN_IFACE), windows.slice(0, 15));
  assert.match(cut.parser.warnings[0].message, /longer than an interface name/);
  assert.is(cut.parser.interfaces[0].name, windows);
});

test('pcapng corruption: block lengths, byte-order magic, packets past their block, version', async () => {
  const good = pcapngSection({ blocks: [{ kind: 'idb', iface: { linkType: 1 } }, { kind: 'epb', iface: 0, ticks: 0n, data: frame(7001) }] });
  const shbLength = 28;
  const idbLength = 20;
  const withWord = (at: number, value: number) => {
    const copy = good.slice();
    new DataView(copy.buffer).setUint32(at, value, true);
    return copy;
  };
  const epb = shbLength + idbLength;
  const cases: Array<[Uint8Array, number, RegExp, number]> = [
    [withWord(epb + 4, 30), epb, /block length 30 is impossible/, 0],
    [withWord(epb + 4, 8), epb, /block length 8 is impossible/, 0],
    [withWord(epb + 4, 0x7ffffff0), epb, /block length 2147483632 is impossible/, 0],
    [withWord(8, 0x11223344), 0, /byte-order magic 0x11223344/, 0],
    [withWord(epb + 20, 5000), epb, /5000 captured bytes, more than its block holds/, 0],
    [withWord(12, 2), 0, /unsupported pcapng version 2\.0/, 0],
  ];
  for (const [bytes, offset, message, before] of cases) {
    const { error, framesBefore } = await captureError(bytes);
    assert.is(error.offset, offset, message.source);
    assert.match(error.message, message);
    assert.is(framesBefore, before);
  }
});

test('a truncated pcapng block is reported like a truncated pcap record', async () => {
  const file = pcapngSection({ blocks: [{ kind: 'idb', iface: { linkType: 1 } }, { kind: 'epb', iface: 0, ticks: 0n, data: frame(8001) }, { kind: 'epb', iface: 0, ticks: 0n, data: frame(8002) }] });
  const lastBlock = file.length - (32 + 48); // EPB header and trailer, 46 data bytes padded to 48
  const parsed = await parseBytes(file.subarray(0, file.length - 6), { inInterface: 'eth0' });
  assert.equal(sports(parsed), [8001]);
  assert.is(parsed.parser.summary.truncatedAt, lastBlock);
  assert.match(parsed.parser.warnings[0].message, /last block is incomplete/);
});

test('a block larger than the input buffer grows it; frames before and after keep their order', async () => {
  const huge = concat(frame(9002), new Uint8Array(3 << 20));
  const blocks: NgBlock[] = [
    { kind: 'idb', iface: { linkType: 1, name: 'eth0' } },
    { kind: 'epb', iface: 0, ticks: 1n, data: frame(9001) },
    { kind: 'epb', iface: 0, ticks: 2n, data: huge },
    { kind: 'epb', iface: 0, ticks: 3n, data: frame(9003) },
  ];
  const parsed = await parseBytes(pcapngSection({ blocks }), { bufferSize: 1 << 20 }, 1 << 20);
  assert.equal(sports(parsed), [9001, 9002, 9003]);
  assert.is(parsed.frames[1].caplen, huge.length);
  assert.is(parsed.records[1].payload.length, 4);
});

test('leaving feed() early, with part of the chunk unread, stops the parser with an error', async () => {
  const file = pcapFile({ linkType: 1, packets: Array.from({ length: 40 }, (_, i) => ({ ts: i, data: frame(100 + i, 2000) })) });
  const parser = await CaptureParser.create({ inInterface: 'eth0', batchSize: 4, bufferSize: 1 << 20 });
  const big = concat(file, file.subarray(24), file.subarray(24), file.subarray(24), file.subarray(24), file.subarray(24), file.subarray(24), file.subarray(24), file.subarray(24), file.subarray(24), file.subarray(24), file.subarray(24), file.subarray(24), file.subarray(24), file.subarray(24));
  assert.ok(big.length > 1 << 20);
  for (const batch of parser.feed(big)) {
    assert.is(batch.frames.length, 4);
    break;
  }
  assert.throws(() => [...parser.end()], /feed\(\) left early/);
});

test.run();
