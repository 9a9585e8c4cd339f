// Packet records written by the WASM capture parser (assembly/wire/record.ts): the same record
// src/packets/encode.ts writes for the same packet described as a PacketInput, and the fields
// only the wire shows (checksums, options, quoted packets, fragments, truncation). Expected
// values come from the packet bytes the test builds (test/capture-support.ts), the kernel rules
// cited, and encodeBatch — never from the parser itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  PF2_BAD_CSUM, PF2_INNER, PF2_TRUNCATED_L4, PF_DF, PF_FRAG_NONFIRST, PF_HAS_MAC, PF_L4, PF_LOCAL_OUT,
  PF_MF, PF_OUT_GIVEN, PKT_DPORT, PKT_FLAGS, PKT_FLAGS2, PKT_FRAGOFF, PKT_ICMP_CODE, PKT_ICMP_TYPE,
  PKT_INNER_DPORT, PKT_INNER_DST, PKT_INNER_PROTO, PKT_INNER_SPORT, PKT_INNER_SRC, PKT_IPLEN, PKT_IPOPT_LEN, PKT_LENGTH_L4,
  PKT_PAYLOAD_LEN, PKT_PKTTYPE, PKT_SIZE, PKT_SPORT, PKT_TCP_SACKPERM, PKT_TCP_WSCALE, PKT_TCPFLAGS,
  PKT_TCPOPT, PKT_TCPRES, PKTTYPE_BROADCAST, PKTTYPE_MULTICAST,
} from '../assembly/shared/layout.js';
import { encodeBatch } from '../src/packets/encode.js';
import type { PacketInput } from '../src/packets/types.js';
import {
  BROADCAST_MAC, MAC_A, MAC_B, concat, ethernet, icmp, ip, ipv4, parseBytes, pcapFile, sll, tcp, udp,
  type Parsed,
} from './capture-support.js';

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_SLL = 113;
const SRC = ip('198.51.100.7');
const DST = ip('203.0.113.10');
const TS = 1714564800;
const text = (s: string) => new TextEncoder().encode(s);

async function parseFrames(frames: Uint8Array[], options = {}, linkType = LINKTYPE_ETHERNET): Promise<Parsed> {
  const file = pcapFile({ linkType, packets: frames.map((data, i) => ({ ts: TS + i, data })) });
  return parseBytes(file, { inInterface: 'eth0', ...options });
}

async function oneRecord(frame: Uint8Array, options = {}, linkType = LINKTYPE_ETHERNET): Promise<{ v: DataView; payload: Uint8Array }> {
  const parsed = await parseFrames([frame], options, linkType);
  assert.is(parsed.frames.length, 1);
  assert.is(parsed.frames[0].status, 'ipv4', parsed.frames[0].reason);
  return { v: parsed.records[0].view, payload: parsed.records[0].payload };
}

const u8 = (v: DataView, at: number) => v.getUint8(at);
const u16 = (v: DataView, at: number) => v.getUint16(at, true);
const u32 = (v: DataView, at: number) => v.getUint32(at, true);

/** Offsets where the two records differ. */
function differences(a: DataView, b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < PKT_SIZE; i++) if (a.getUint8(i) !== b[i]) out.push(i);
  return out;
}

async function assertSameAsEncode(frame: Uint8Array, p: PacketInput, linkType = LINKTYPE_ETHERNET): Promise<void> {
  const { v, payload } = await oneRecord(frame, {}, linkType);
  const encoded = encodeBatch([p]);
  assert.equal(differences(v, encoded.records), [], 'record bytes differ at these offsets');
  assert.equal([...payload], [...encoded.payloads]);
}

// A Linux SYN's options: mss 1460, sackOK, timestamps, nop, wscale 7 (20 bytes, no padding)
const SYN_OPTIONS = [2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7];

test('TCP SYN with options and payload: the same record as encodeBatch', async () => {
  const payload = text('hello');
  const segment = tcp({ src: SRC, dst: DST, sport: 41327, dport: 21, seq: 0xfffffff0, ack: 0, flags: 0x02, window: 29200, urgent: 7, options: SYN_OPTIONS, payload });
  const frame = ethernet(ipv4({ src: SRC, dst: DST, proto: 6, ttl: 63, tos: 0x10, id: 4321, df: true, payload: segment }));
  await assertSameAsEncode(frame, {
    ts: TS, inIface: 'eth0', localOut: false, src: SRC, dst: DST, proto: 6, length: 20 + segment.length, ttl: 63, tos: 0x10,
    fragOffset: 0, moreFragments: false, dontFragment: true, sport: 41327, dport: 21, tcpFlags: 0x02,
    tcpOptions: [2, 4, 8, 1, 3], seq: 0xfffffff0, ack: 0, window: 29200, mark: 0, ipId: 4321, tcpUrgPtr: 7,
    srcMac: Uint8Array.from(MAC_A), dstMac: Uint8Array.from(MAC_B), tcpWscale: 7, tcpSackPerm: true, payload,
  });
});

test('UDP with payload: the same record as encodeBatch', async () => {
  const payload = text('query');
  const segment = udp({ src: SRC, dst: DST, sport: 5353, dport: 53, payload });
  const frame = ethernet(ipv4({ src: SRC, dst: DST, proto: 17, id: 7, payload: segment }));
  await assertSameAsEncode(frame, {
    ts: TS, inIface: 'eth0', localOut: false, src: SRC, dst: DST, proto: 17, length: 28 + payload.length, ttl: 64, tos: 0,
    fragOffset: 0, moreFragments: false, dontFragment: false, sport: 5353, dport: 53, mark: 0, ipId: 7,
    srcMac: Uint8Array.from(MAC_A), dstMac: Uint8Array.from(MAC_B), payload,
  });
});

test('ICMP echo request: id and sequence, the same record as encodeBatch', async () => {
  const body = text('ping!ping');
  const message = icmp({ type: 8, rest: (0x1234 << 16) | 9, body });
  const frame = ethernet(ipv4({ src: SRC, dst: DST, proto: 1, id: 99, payload: message }));
  await assertSameAsEncode(frame, {
    ts: TS, inIface: 'eth0', localOut: false, src: SRC, dst: DST, proto: 1, length: 28 + body.length, ttl: 64, tos: 0,
    fragOffset: 0, moreFragments: false, dontFragment: false, icmpType: 8, icmpCode: 0, icmpId: 0x1234, icmpSeq: 9, mark: 0,
    ipId: 99, srcMac: Uint8Array.from(MAC_A), dstMac: Uint8Array.from(MAC_B), payload: body,
  });
});

test('ICMP port unreachable quoting a UDP packet: the same record as encodeBatch (PF2_INNER)', async () => {
  const quoted = ipv4({ src: DST, dst: SRC, proto: 17, payload: udp({ src: DST, dst: SRC, sport: 53, dport: 40000, payload: text('x') }) }).subarray(0, 28);
  const message = icmp({ type: 3, code: 3, body: quoted });
  const frame = ethernet(ipv4({ src: SRC, dst: DST, proto: 1, id: 1, payload: message }));
  await assertSameAsEncode(frame, {
    ts: TS, inIface: 'eth0', localOut: false, src: SRC, dst: DST, proto: 1, length: 28 + quoted.length, ttl: 64, tos: 0,
    fragOffset: 0, moreFragments: false, dontFragment: false, icmpType: 3, icmpCode: 3, mark: 0, ipId: 1,
    srcMac: Uint8Array.from(MAC_A), dstMac: Uint8Array.from(MAC_B), payload: quoted,
    inner: { src: DST, dst: SRC, proto: 17, sport: 53, dport: 40000 },
  });
});

test('outgoing SLL packet: locally generated with OUT= the capture interface, as encodeBatch writes it', async () => {
  const segment = tcp({ src: SRC, dst: DST, sport: 40000, dport: 443, seq: 5, ack: 6, flags: 0x10, window: 501 });
  const frame = sll(ipv4({ src: SRC, dst: DST, proto: 6, id: 3, df: true, payload: segment }), { packetType: 4 });
  await assertSameAsEncode(frame, {
    ts: TS, outIface: 'eth0', localOut: true, src: SRC, dst: DST, proto: 6, length: 40, ttl: 64, tos: 0, fragOffset: 0,
    moreFragments: false, dontFragment: true, sport: 40000, dport: 443, tcpFlags: 0x10, seq: 5, ack: 6, window: 501, mark: 0,
    ipId: 3, tcpOptions: [],
  }, LINKTYPE_SLL);
});

test('a later fragment: no L4, its IP payload kept, the same record as encodeBatch', async () => {
  const data = text('fragment-bytes!!');
  const frame = ethernet(ipv4({ src: SRC, dst: DST, proto: 17, id: 77, fragOffset: 185, payload: data }));
  await assertSameAsEncode(frame, {
    ts: TS, inIface: 'eth0', localOut: false, src: SRC, dst: DST, proto: 17, length: 20 + data.length, ttl: 64, tos: 0,
    fragOffset: 185, moreFragments: false, dontFragment: false, mark: 0, ipId: 77,
    srcMac: Uint8Array.from(MAC_A), dstMac: Uint8Array.from(MAC_B), payload: data,
  });
  const { v } = await oneRecord(frame);
  assert.is(u8(v, PKT_FLAGS) & (PF_FRAG_NONFIRST | PF_L4), PF_FRAG_NONFIRST);
});

test('first fragment: ports parsed, MF set, checksum not judged, payload = the whole IP payload', async () => {
  const segment = udp({ src: SRC, dst: DST, sport: 1000, dport: 2000, payload: new Uint8Array(100).fill(7) });
  const firstPart = segment.subarray(0, 48);
  const { v, payload } = await oneRecord(ethernet(ipv4({ src: SRC, dst: DST, proto: 17, mf: true, payload: firstPart })));
  assert.is(u8(v, PKT_FLAGS) & (PF_MF | PF_L4 | PF_FRAG_NONFIRST), PF_MF | PF_L4);
  assert.is(u16(v, PKT_SPORT), 1000);
  assert.is(u16(v, PKT_DPORT), 2000);
  // the UDP length (108) runs past this fragment and the checksum covers the whole datagram: neither is judged
  assert.is(u8(v, PKT_FLAGS2), 0);
  assert.equal([...payload], [...firstPart]);
});

test('TCP options: the kernel --tcp-option walk marks every kind it meets, EOL included and beyond', async () => {
  // mss, EOL, timestamps, nop: tcp_find_option steps over EOL one byte and keeps going
  const options = [2, 4, 5, 0xb4, 0, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1];
  const { v } = await oneRecord(ethernet(ipv4({ src: SRC, dst: DST, proto: 6, payload: tcp({ src: SRC, dst: DST, sport: 1, dport: 2, flags: 2, options }) })));
  const bitmap = [...new Uint8Array(v.buffer, v.byteOffset + PKT_TCPOPT, 32)];
  const expected = new Array(32).fill(0);
  expected[0] = 0b111; // kinds 0, 1, 2
  expected[1] = 0b1; // kind 8
  assert.equal(bitmap, expected);
  // conntrack's tcp_options() stops at EOL: no window scale, no SACK-permitted
  assert.is(u8(v, PKT_TCP_WSCALE), 0xff);
  assert.is(u8(v, PKT_TCP_SACKPERM), 0);
});

test('window scale: clamped to 14 (TCP_MAX_WSCALE); a wrong-length option is not one', async () => {
  const record = async (options: number[]) =>
    (await oneRecord(ethernet(ipv4({ src: SRC, dst: DST, proto: 6, payload: tcp({ src: SRC, dst: DST, sport: 1, dport: 2, flags: 2, options }) })))).v;
  assert.is(u8(await record([3, 3, 20, 1]), PKT_TCP_WSCALE), 14);
  assert.is(u8(await record([1, 3, 3, 0]), PKT_TCP_WSCALE), 0);
  assert.is(u8(await record([3, 4, 9, 9]), PKT_TCP_WSCALE), 0xff);
  // a partial option (length past the header) ends the parse
  const partial = await record([4, 2, 3, 9]);
  assert.is(u8(partial, PKT_TCP_SACKPERM), 1);
  assert.is(u8(partial, PKT_TCP_WSCALE), 0xff);
});

test('checksums: good ones pass; bad TCP, UDP, ICMP ones set PF2_BAD_CSUM; UDP checksum 0 means none', async () => {
  const frames = [
    ipv4({ src: SRC, dst: DST, proto: 6, payload: tcp({ src: SRC, dst: DST, sport: 1, dport: 2, flags: 2, payload: text('abc') }) }),
    ipv4({ src: SRC, dst: DST, proto: 6, payload: tcp({ src: SRC, dst: DST, sport: 1, dport: 2, flags: 2, payload: text('abc'), badChecksum: true }) }),
    ipv4({ src: SRC, dst: DST, proto: 17, payload: udp({ src: SRC, dst: DST, sport: 1, dport: 2, payload: text('odd') }) }),
    ipv4({ src: SRC, dst: DST, proto: 17, payload: udp({ src: SRC, dst: DST, sport: 1, dport: 2, payload: text('odd'), badChecksum: true }) }),
    ipv4({ src: SRC, dst: DST, proto: 17, payload: udp({ src: SRC, dst: DST, sport: 1, dport: 2, payload: text('odd'), noChecksum: true }) }),
    ipv4({ src: SRC, dst: DST, proto: 1, payload: icmp({ type: 8, body: text('12345') }) }),
    ipv4({ src: SRC, dst: DST, proto: 1, payload: icmp({ type: 8, body: text('12345'), badChecksum: true }) }),
  ];
  const parsed = await parseFrames(frames.map((f) => ethernet(f)));
  const bad = parsed.records.map((r) => (u8(r.view, PKT_FLAGS2) & PF2_BAD_CSUM) !== 0);
  assert.equal(bad, [false, true, false, true, false, false, true]);
});

test('UDP-Lite: the checksum over its coverage; a coverage outside the segment or no checksum is malformed', async () => {
  const payload = text('partially covered');
  const lite = (extra: object) => ethernet(ipv4({ src: SRC, dst: DST, proto: 136, payload: udp({ src: SRC, dst: DST, sport: 9, dport: 10, proto: 136, payload, ...extra }) }));
  const damaged = lite({ lengthField: 8 });
  damaged[damaged.length - 1] ^= 0xff; // outside the coverage: still intact
  const parsed = await parseFrames([lite({ lengthField: 0 }), lite({ lengthField: 8 }), damaged, lite({ lengthField: 8, badChecksum: true }), lite({ lengthField: 4 }), lite({ lengthField: 0, noChecksum: true })]);
  assert.equal(parsed.records.map((r) => u8(r.view, PKT_FLAGS2)), [0, 0, 0, PF2_BAD_CSUM, PF2_TRUNCATED_L4, PF2_TRUNCATED_L4]);
  assert.equal(parsed.records.map((r) => u16(r.view, PKT_SPORT)), [9, 9, 9, 9, 9, 9]);
});

test('a checksum cut off by the snapshot length is not judged', async () => {
  const frame = ethernet(ipv4({ src: SRC, dst: DST, proto: 6, payload: tcp({ src: SRC, dst: DST, sport: 1, dport: 2, flags: 0x18, payload: new Uint8Array(200), badChecksum: true }) }));
  const file = pcapFile({ linkType: LINKTYPE_ETHERNET, snaplen: 96, packets: [{ ts: TS, data: frame.subarray(0, 96), length: frame.length }] });
  const parsed = await parseBytes(file, { inInterface: 'eth0' });
  const v = parsed.records[0].view;
  assert.is(u8(v, PKT_FLAGS2), 0);
  assert.is(u16(v, PKT_IPLEN), 20 + 20 + 200);
  assert.is(u32(v, PKT_PAYLOAD_LEN), 96 - 14 - 40);
  assert.is(u16(v, PKT_LENGTH_L4), 200); // the sequence space the segment covers, as the IP length says
});

test('L4 headers cut short: PF2_TRUNCATED_L4 (tcp_error, udp_error), ports kept while the first bytes are there', async () => {
  const segment = tcp({ src: SRC, dst: DST, sport: 7, dport: 8, flags: 2 });
  const cases: Array<[string, Uint8Array, number]> = [
    ['TCP data offset past the segment', ipv4({ src: SRC, dst: DST, proto: 6, payload: tcp({ src: SRC, dst: DST, sport: 7, dport: 8, flags: 2, dataOffsetWords: 15 }) }), PF_L4],
    ['TCP data offset below 5', ipv4({ src: SRC, dst: DST, proto: 6, payload: tcp({ src: SRC, dst: DST, sport: 7, dport: 8, flags: 2, dataOffsetWords: 4 }) }), PF_L4],
    ['TCP header cut by the IP length', ipv4({ src: SRC, dst: DST, proto: 6, payload: segment.subarray(0, 12) }), 0],
    ['UDP length field past the segment', ipv4({ src: SRC, dst: DST, proto: 17, payload: udp({ src: SRC, dst: DST, sport: 7, dport: 8, lengthField: 100, noChecksum: true }) }), PF_L4],
    ['UDP length field below 8', ipv4({ src: SRC, dst: DST, proto: 17, payload: udp({ src: SRC, dst: DST, sport: 7, dport: 8, lengthField: 4, noChecksum: true }) }), PF_L4],
    ['ICMP header cut', ipv4({ src: SRC, dst: DST, proto: 1, payload: Uint8Array.of(8, 0, 0, 0) }), 0],
  ];
  const parsed = await parseFrames(cases.map(([, f]) => ethernet(f)));
  cases.forEach(([what, , l4], i) => {
    const v = parsed.records[i].view;
    assert.is(u8(v, PKT_FLAGS2) & PF2_TRUNCATED_L4, PF2_TRUNCATED_L4, what);
    assert.is(u8(v, PKT_FLAGS) & PF_L4, l4, what);
    if (l4) assert.is(u16(v, PKT_SPORT), 7, what);
  });
});

test('the snapshot length cutting the TCP header: no L4, truncated', async () => {
  const frame = ethernet(ipv4({ src: SRC, dst: DST, proto: 6, payload: tcp({ src: SRC, dst: DST, sport: 7, dport: 8, flags: 2 }) }));
  const file = pcapFile({ linkType: LINKTYPE_ETHERNET, snaplen: 44, packets: [{ ts: TS, data: frame.subarray(0, 44), length: frame.length }] });
  const v = (await parseBytes(file, { inInterface: 'eth0' })).records[0].view;
  assert.is(u8(v, PKT_FLAGS) & PF_L4, 0);
  assert.is(u8(v, PKT_FLAGS2), PF2_TRUNCATED_L4);
});

test('ICMP errors: the quoted tuple (TCP ports, ICMP id and type<<8|code); too little quoted: no PF2_INNER', async () => {
  const quotedTcp = ipv4({ src: DST, dst: SRC, proto: 6, payload: tcp({ src: DST, dst: SRC, sport: 443, dport: 50000, flags: 0x12 }) }).subarray(0, 28);
  const quotedEcho = ipv4({ src: SRC, dst: ip('192.0.2.1'), proto: 1, payload: icmp({ type: 8, rest: (0xbeef << 16) | 1 }) }).subarray(0, 28);
  const quotedHeaderOnly = quotedTcp.subarray(0, 22);
  const frames = [
    icmp({ type: 3, code: 1, body: quotedTcp }),
    icmp({ type: 11, code: 0, body: quotedEcho }),
    icmp({ type: 3, code: 3, body: quotedHeaderOnly }),
    icmp({ type: 0, rest: 5, body: quotedTcp }), // an echo reply quotes nothing
  ].map((m) => ethernet(ipv4({ src: SRC, dst: DST, proto: 1, payload: m })));
  const parsed = await parseFrames(frames);
  const [tcpErr, echoErr, short, reply] = parsed.records.map((r) => r.view);
  assert.is(u8(tcpErr, PKT_FLAGS2) & PF2_INNER, PF2_INNER);
  assert.equal([u32(tcpErr, PKT_INNER_SRC), u32(tcpErr, PKT_INNER_DST), u16(tcpErr, PKT_INNER_SPORT), u16(tcpErr, PKT_INNER_DPORT), u8(tcpErr, PKT_INNER_PROTO)], [DST, SRC, 443, 50000, 6]);
  assert.equal([u16(echoErr, PKT_INNER_SPORT), u16(echoErr, PKT_INNER_DPORT), u8(echoErr, PKT_INNER_PROTO)], [0xbeef, 8 << 8, 1]);
  assert.is(u8(echoErr, PKT_ICMP_TYPE), 11);
  assert.is(u8(short, PKT_FLAGS2) & PF2_INNER, 0);
  assert.is(u8(reply, PKT_FLAGS2) & PF2_INNER, 0);
});

test('ICMP other than query messages: bytes 4-5 and 6-7 in PKT_SPORT / PKT_DPORT (frag-needed MTU)', async () => {
  const quoted = ipv4({ src: DST, dst: SRC, proto: 17, payload: udp({ src: DST, dst: SRC, sport: 1, dport: 2 }) });
  const { v } = await oneRecord(ethernet(ipv4({ src: SRC, dst: DST, proto: 1, payload: icmp({ type: 3, code: 4, rest: 1400, body: quoted }) })));
  assert.is(u8(v, PKT_ICMP_CODE), 4);
  assert.is(u16(v, PKT_SPORT), 0);
  assert.is(u16(v, PKT_DPORT), 1400);
});

test('IP options length, TCP reserved bits, flags', async () => {
  const segment = tcp({ src: SRC, dst: DST, sport: 1, dport: 2, flags: 0xc2, reserved: 0x1 });
  const { v } = await oneRecord(ethernet(ipv4({ src: SRC, dst: DST, proto: 6, options: [0x94, 0x04, 0, 0], payload: segment })));
  assert.is(u8(v, PKT_IPOPT_LEN), 4);
  assert.is(u16(v, PKT_LENGTH_L4), 0);
  assert.is(u8(v, PKT_TCPRES), 1);
  assert.is(u8(v, PKT_TCPFLAGS), 0xc2);
  assert.is(u16(v, PKT_IPLEN), 24 + 20);
});

test('Ethernet padding after a short IP packet is not payload', async () => {
  const packet = ipv4({ src: SRC, dst: DST, proto: 6, payload: tcp({ src: SRC, dst: DST, sport: 1, dport: 2, flags: 0x10 }) });
  const padded = concat(ethernet(packet), new Uint8Array(6).fill(0xee));
  const { v } = await oneRecord(padded);
  assert.is(u16(v, PKT_IPLEN), 40);
  assert.is(u32(v, PKT_PAYLOAD_LEN), 0);
  assert.is(u8(v, PKT_FLAGS2), 0);
});

test('link-layer broadcast and multicast set the packet type; MACs recorded', async () => {
  const packet = ipv4({ src: SRC, dst: ip('255.255.255.255'), proto: 17, payload: udp({ src: SRC, dst: ip('255.255.255.255'), sport: 68, dport: 67 }) });
  const parsed = await parseFrames([
    ethernet(packet, { dst: BROADCAST_MAC }),
    ethernet(packet, { dst: [0x01, 0x00, 0x5e, 0, 0, 1] }),
    ethernet(packet),
  ]);
  assert.equal(parsed.records.map((r) => u8(r.view, PKT_PKTTYPE)), [PKTTYPE_BROADCAST, PKTTYPE_MULTICAST, 0]);
  assert.ok(parsed.records.every((r) => (u8(r.view, PKT_FLAGS) & PF_HAS_MAC) !== 0));
});

test('protocols without ports the core reads: L4 "present", payload from the IP payload start; SCTP ports', async () => {
  const gre = Uint8Array.of(0, 0, 0x08, 0, 1, 2, 3, 4);
  const sctp = Uint8Array.of(0x0b, 0xb8, 0x0f, 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9);
  const parsed = await parseFrames([
    ethernet(ipv4({ src: SRC, dst: DST, proto: 47, payload: gre })),
    ethernet(ipv4({ src: SRC, dst: DST, proto: 132, payload: sctp })),
  ]);
  assert.is(u8(parsed.records[0].view, PKT_FLAGS) & PF_L4, PF_L4);
  assert.equal([...parsed.records[0].payload], [...gre]);
  assert.equal([u16(parsed.records[1].view, PKT_SPORT), u16(parsed.records[1].view, PKT_DPORT)], [3000, 4000]);
  assert.equal([...parsed.records[1].payload], [9, 9]);
});

test('IPv4 headers ip_rcv refuses are reported malformed, never evaluated', async () => {
  const payload = udp({ src: SRC, dst: DST, sport: 1, dport: 2 });
  const cases: Array<[Uint8Array, RegExp]> = [
    [ipv4({ src: SRC, dst: DST, proto: 17, payload, version: 5 }), /IP version 5/],
    [ipv4({ src: SRC, dst: DST, proto: 17, payload, headerLengthWords: 4 }), /header length 16/],
    [ipv4({ src: SRC, dst: DST, proto: 17, payload, totalLength: 200 }), /total length 200 is longer/],
    [ipv4({ src: SRC, dst: DST, proto: 17, payload, totalLength: 12 }), /total length 12 is shorter/],
    [ipv4({ src: SRC, dst: DST, proto: 17, payload, badChecksum: true }), /bad IPv4 header checksum/],
  ];
  const parsed = await parseFrames(cases.map(([f]) => ethernet(f)));
  assert.is(parsed.records.length, 0);
  cases.forEach(([, reason], i) => {
    assert.is(parsed.frames[i].status, 'malformed');
    assert.match(parsed.frames[i].reason ?? '', reason);
  });
});

test('IPv4 header checksum: 0 is taken as offloaded (warned once); checking can be turned off; outgoing packets are not checked', async () => {
  const good = ipv4({ src: SRC, dst: DST, proto: 17, payload: udp({ src: SRC, dst: DST, sport: 1, dport: 2 }) });
  const zeroed = good.slice();
  zeroed[10] = 0;
  zeroed[11] = 0;
  const wrong = ipv4({ src: SRC, dst: DST, proto: 17, payload: udp({ src: SRC, dst: DST, sport: 1, dport: 2 }), badChecksum: true });
  const parsed = await parseFrames([ethernet(zeroed), ethernet(zeroed)]);
  assert.equal(parsed.frames.map((f) => [f.status, f.ipChecksumUnset]), [['ipv4', true], ['ipv4', true]]);
  assert.is(parsed.parser.warnings.filter((w) => /checksum 0/.test(w.message)).length, 1);
  assert.is((await parseFrames([ethernet(wrong)], { checkIpHeaderChecksum: false })).frames[0].status, 'ipv4');
  const outgoing = (await parseFrames([sll(wrong, { packetType: 4 })], {}, LINKTYPE_SLL)).records[0].view;
  assert.is(u8(outgoing, PKT_FLAGS) & (PF_LOCAL_OUT | PF_OUT_GIVEN), PF_LOCAL_OUT | PF_OUT_GIVEN);
});

test('IPv4 header checksum over varied headers, with and without options: every good one passes, any flipped bit is caught', async () => {
  const headers: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) {
    const options = i % 4 === 3 ? [0x94, 0x04, 0, 0] : undefined; // router alert: a 24-byte header
    headers.push(ipv4({
      src: (0x0a000001 + i * 0x01010101) >>> 0, dst: (0xc0a80000 + i * 0x3f1) >>> 0, proto: 17, ttl: 1 + i * 6, tos: i * 4,
      id: (i * 0x9e37) & 0xffff, payload: udp({ src: SRC, dst: DST, sport: i, dport: 53 }), options,
    }));
  }
  const good = await parseFrames(headers.map((h) => ethernet(h)));
  assert.equal(good.frames.map((f) => f.status), headers.map(() => 'ipv4'));
  // One bit flipped per header, at a different place each time (the checksum field included).
  const damaged = headers.map((h, i) => {
    const copy = h.slice();
    const headerBytes = (copy[0] & 0x0f) * 4;
    const at = 1 + ((i * 7) % (headerBytes - 1)); // never the version/length byte
    copy[at] ^= 1 << (i % 8);
    return copy;
  });
  const bad = await parseFrames(damaged.map((h) => ethernet(h)));
  bad.frames.forEach((f, i) => {
    const at = 1 + ((i * 7) % ((headers[i][0] & 0x0f) * 4 - 1));
    // ip_rcv checks the sum before the total length, so a flip there is a checksum failure too.
    assert.is(f.status, 'malformed', `header ${i}, bit flipped in byte ${at}`);
  });
});

test('many packets in a batch: each record points at its own payload', async () => {
  const frames = Array.from({ length: 50 }, (_, i) =>
    ethernet(ipv4({ src: SRC, dst: DST, proto: 17, payload: udp({ src: SRC, dst: DST, sport: 1000 + i, dport: 53, payload: text(`payload number ${i}`) }) })));
  const parsed = await parseFrames(frames, { batchSize: 16 });
  assert.is(parsed.batches.length, 4);
  parsed.records.forEach((r, i) => {
    assert.is(u16(r.view, PKT_SPORT), 1000 + i);
    assert.is(new TextDecoder().decode(r.payload), `payload number ${i}`);
  });
  assert.equal(parsed.frames.map((f) => f.record), frames.map((_, i) => i));
  assert.is(u16(parsed.records[0].view, PKT_FRAGOFF), 0);
  assert.is(u8(parsed.records[0].view, PKT_FLAGS) & PF_DF, 0);
});

test.run();
