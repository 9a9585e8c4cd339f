// The conformance generators that need no kernel: FTP sessions and ICMP errors of the traffic
// generator, the ctstate probe's NFLOG reading, the random case generator and the suite's options.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareCtstates } from '../../conformance/compare-ctstates.js';
import { kernelCtstates, parseNflogRecords, probeApplies, withProbe } from '../../conformance/ctstate-probe.js';
import { internetChecksum } from '../../conformance/frames.js';
import { ipv4Of } from '../../conformance/packet-view.js';
import { randomCases } from '../../conformance/random-ruleset.js';
import { parseSuiteArgs } from '../../conformance/suite-args.js';
import { host, Traffic } from '../../conformance/traffic.js';
import { parseRuleset } from '../../src/ruleset/load.js';
import type { OutputRecord } from '../../src/output/record.js';

interface Segment {
  flow: string;
  seq: number;
  ack: number;
  flags: number;
  payload: string;
}

function segments(t: Traffic): Segment[] {
  return t.frames.map((f) => ipv4Of(f.bytes)!).filter((p) => p.proto === 6).map((p) => {
    const v = new DataView(p.ip.buffer, p.ip.byteOffset);
    const tcpAt = 20;
    const dataAt = tcpAt + (p.ip[tcpAt + 12] >> 4) * 4;
    return {
      flow: `${p.ip.subarray(12, 16).join('.')}:${v.getUint16(tcpAt)}>${p.ip.subarray(16, 20).join('.')}:${v.getUint16(tcpAt + 2)}`,
      seq: v.getUint32(tcpAt + 4),
      ack: v.getUint32(tcpAt + 8),
      flags: p.ip[tcpAt + 13],
      payload: new TextDecoder().decode(p.ip.subarray(dataAt, v.getUint16(2))),
    };
  });
}

/** Every segment starts where the previous one of its direction ended (SYN and FIN count one). */
function assertSequenceContinuity(segs: Segment[]): void {
  const next = new Map<string, number>();
  for (const s of segs) {
    const expected = next.get(s.flow);
    if (expected !== undefined) assert.is(s.seq, expected, `${s.flow} seq`);
    next.set(s.flow, (s.seq + s.payload.length + (s.flags & 0x03 ? 1 : 0)) >>> 0);
  }
}

const client = host('client', 41001);
const server = host('server', 21);

test('FTP active: PORT names the client and data port; the data connection comes from server:20', () => {
  const segs = segments(new Traffic().ftpSession(client, server, { mode: 'active', dataPort: 40101 }));
  assertSequenceContinuity(segs);
  const port = segs.find((s) => s.payload.startsWith('PORT'))!;
  assert.is(port.payload, `PORT 198,51,100,2,${40101 >> 8},${40101 & 255}\r\n`);
  const dataSyn = segs.find((s) => s.flags === 0x02 && !s.flow.endsWith(':21'))!;
  assert.is(dataSyn.flow, '203.0.113.2:20>198.51.100.2:40101');
  assert.ok(segs.indexOf(dataSyn) > segs.indexOf(port), 'the data connection follows the PORT command');
  // The helper skips the first data segment each way (NETFILTER.md §4.8 rule 2): PORT is not it.
  assert.not.ok(segs.find((s) => s.payload.length > 0 && s.flow.endsWith(':21'))!.payload.startsWith('PORT'));
});

test('FTP passive, EPRT, EPSV: the mode lines and the data connection direction', () => {
  const passive = segments(new Traffic().ftpSession(client, server, { mode: 'passive', dataPort: 50102, clientDataPort: 50202 }));
  assertSequenceContinuity(passive);
  assert.ok(passive.some((s) => s.payload === '227 Entering Passive Mode (203,0,113,2,195,182).\r\n'));
  assert.ok(passive.some((s) => s.flags === 0x02 && s.flow === '198.51.100.2:50202>203.0.113.2:50102'));
  const eprt = segments(new Traffic().ftpSession(client, server, { mode: 'eprt', dataPort: 40103 }));
  assert.ok(eprt.some((s) => s.payload === 'EPRT |1|198.51.100.2|40103|\r\n'));
  const epsv = segments(new Traffic().ftpSession(client, server, { mode: 'epsv', dataPort: 50104 }));
  assert.ok(epsv.some((s) => s.payload === '229 Entering Extended Passive Mode (|||50104|)\r\n'));
  const none = segments(new Traffic().ftpSession(client, server, { mode: 'passive', dataConnection: false }));
  assert.is(new Set(none.map((s) => s.flow.split('>').sort().join('|'))).size, 1, 'only the control connection');
});

test('ICMP error quotes the packet as the far side got it and goes to its source', () => {
  const t = new Traffic().udpExchange(host('client', 5000), host('server', 33434), { answered: false });
  const probe = ipv4Of(t.frames[0].bytes)!;
  t.icmpError('server', '203.0.113.2', 0, 3, 3);
  const error = ipv4Of(t.frames[1].bytes)!;
  assert.is(t.frames[1].side, 'server');
  assert.is(error.dst, probe.src);
  const icmp = error.ip.subarray(20);
  assert.is(icmp[0], 3);
  assert.is(icmp[1], 3);
  assert.is(internetChecksum(icmp), 0);
  const quoted = icmp.subarray(8);
  assert.is(quoted.length, 28, 'IP header and 8 bytes');
  assert.is(quoted[8], probe.ttl - 1, 'TTL lowered by the router');
  assert.is(internetChecksum(quoted.subarray(0, 20)), 0, 'quoted header checksum redone');
  assert.equal([...quoted.subarray(20)], [...probe.ip.subarray(20, 28)]);
  t.icmpError('server', '203.0.113.2', 0, 3, 3, { to: '198.51.100.77' });
  assert.is(ipv4Of(t.frames[2].bytes)!.ip.subarray(16, 20).join('.'), '198.51.100.77');
});

/** One NFLOG record as the kernel's nfnetlink_log writes it (TLVs little endian, 4-byte aligned). */
function nflogRecord(prefix: string, packet: Uint8Array): Uint8Array {
  const tlv = (type: number, value: Uint8Array) => {
    const out = new Uint8Array((4 + value.length + 3) & ~3);
    new DataView(out.buffer).setUint16(0, 4 + value.length, true);
    new DataView(out.buffer).setUint16(2, type, true);
    out.set(value, 4);
    return out;
  };
  const parts = [new Uint8Array([2, 0, 0, 7]), tlv(1, new Uint8Array(4)), tlv(10, new TextEncoder().encode(`${prefix}\0`)), tlv(9, packet)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}

test('ctstate probe: NFLOG records map to injected packets in order; an unseen packet has none', () => {
  const t = new Traffic().udpExchange(host('client', 1), host('server', 2)).ping(host('client'), host('server'));
  const ip = (i: number) => t.frames[i].bytes.subarray(14);
  const records = parseNflogRecords([nflogRecord('nfwc-ct:NEW', ip(0)), nflogRecord('other', ip(1)), nflogRecord('nfwc-ct:ESTABLISHED', ip(1)), nflogRecord('nfwc-ct:NEW', ip(2))]);
  assert.equal(records.map((r) => r.prefix), ['NEW', 'ESTABLISHED', 'NEW']);
  const states = kernelCtstates(t.frames, records);
  assert.equal(states, ['NEW', 'ESTABLISHED', 'NEW', undefined]);
  const recs = [{ ctstate: 'NEW' }, { ctstate: 'NEW' }, { ctstate: 'NEW' }, {}] as OutputRecord[];
  assert.equal(compareCtstates(states, recs).differing, [{ index: 1, kernel: 'ESTABLISHED', nfwasm: 'NEW' }]);
  assert.is(compareCtstates(undefined, recs).probed, false);
});

test('ctstate probe only for stateful rulesets without a mangle table; its rules parse', () => {
  const stateful = '*filter\n:FORWARD DROP [0:0]\n-A FORWARD -m conntrack --ctstate NEW -j ACCEPT\nCOMMIT\n';
  assert.ok(probeApplies(stateful));
  assert.not.ok(probeApplies('*filter\n:FORWARD DROP [0:0]\n-A FORWARD -p tcp -j ACCEPT\nCOMMIT\n'));
  assert.not.ok(probeApplies(`*mangle\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n${stateful}`));
  const mangle = parseRuleset(withProbe(stateful)).tables.find((t) => t.name === 'mangle')!;
  assert.is(mangle.chains.find((c) => c.name === 'PREROUTING')!.rules.length, 5);
});

test('random cases: deterministic per seed, parse as nfwasm rulesets, held-back grammar only on request', () => {
  const a = randomCases(30, 7);
  const b = randomCases(30, 7);
  assert.equal(a.map((c) => c.rules), b.map((c) => c.rules));
  assert.equal(a[3].traffic().toPcapng(), b[3].traffic().toPcapng());
  assert.is.not(randomCases(1, 8)[0].rules, a[0].rules);
  for (const c of a) {
    assert.ok(parseRuleset(c.rules).tables[0].chains.length >= 3, c.name);
    assert.not.match(c.rules, /-m ttl|REJECT/);
    assert.ok(c.traffic().frames.length > 0);
  }
  const all = randomCases(30, 7, ['ttl', 'reject']).map((c) => c.rules);
  assert.match(all.join('\n'), /-m ttl/);
  assert.match(all.join('\n'), /-j REJECT/);
  for (const rules of all) parseRuleset(rules);
});

test('suite options', () => {
  assert.equal(parseSuiteArgs(['stateful', '--skip', 'reject', '--random', '50', '--seed', '9', '--with', 'ttl']), {
    names: ['stateful'], skip: ['reject'], random: 50, seed: 9, fixed: true, with: ['ttl'],
  });
  assert.throws(() => parseSuiteArgs(['--random', 'x']));
  assert.throws(() => parseSuiteArgs(['--with', 'nat']));
});

test('TCP script: stray segments leave the sequence alone, a lost segment is resent from its start, windows are written', () => {
  const t = new Traffic();
  t.tcp(host('client', 40000), host('server', 80))
    .handshake()
    .window('opener', 1234)
    .stray('opener', 0x10, { seqOffset: 100000, ackOffset: 5 }, 'x')
    .data('opener', 'lost!', { lost: true })
    .data('opener', 'again');
  const segs = segments(t);
  const [syn, synAck, ack, stray, lost, resent, ackOfResent] = segs;
  assert.is(segs.length, 7);
  assert.is(synAck.ack, syn.seq + 1);
  assert.is(stray.seq, (ack.seq + 100000) >>> 0, 'the stray segment sits 100000 ahead');
  assert.is(stray.ack, (synAck.seq + 1 + 5) >>> 0);
  assert.is(lost.seq, ack.seq, 'the stray one did not move the sequence');
  assert.is(resent.seq, lost.seq, 'after a lost segment the next one starts where it did');
  assert.is(resent.payload, 'again');
  assert.is(ackOfResent.ack, resent.seq + 'again'.length, 'only the resent bytes are acknowledged');
  const tcpWindow = (i: number) => {
    const p = ipv4Of(t.frames.filter((f) => ipv4Of(f.bytes)!.proto === 6)[i].bytes)!;
    return new DataView(p.ip.buffer, p.ip.byteOffset).getUint16(20 + 14);
  };
  assert.is(tcpWindow(3), 1234, 'the window set for the opener is on its later segments');
});

test('UDP odd datagrams: checksum 0, a wrong checksum, a length field longer than the datagram', () => {
  const udp = (odd?: 'no-checksum' | 'bad-checksum' | 'long-length') => {
    const t = new Traffic().udpDatagram('client', host('client', 5000), host('server', 53), new Uint8Array([1, 2, 3, 4]), odd);
    const p = ipv4Of(t.frames[0].bytes)!;
    const v = new DataView(p.ip.buffer, p.ip.byteOffset);
    return { length: v.getUint16(20 + 4), checksum: v.getUint16(20 + 6), ipLength: v.getUint16(2) };
  };
  const normal = udp();
  assert.is(normal.length, 12);
  assert.is.not(normal.checksum, 0);
  assert.is(udp('no-checksum').checksum, 0);
  const bad = udp('bad-checksum');
  assert.is.not(bad.checksum, normal.checksum);
  assert.is.not(bad.checksum, 0);
  const long = udp('long-length');
  assert.ok(long.length > long.ipLength - 20, 'the UDP length claims more than the IP datagram carries');
});

test.run();
