import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CTSTATE_ESTABLISHED, CTSTATE_RELATED, CTSTATE_UNTRACKED, PKTTYPE_MULTICAST,
} from '../assembly/shared/layout.js';
import { JsonLinesReader, RecordError, parseJsonLines, parseJsonRecord, packetFromJsonObject } from '../src/packets/json.js';
import { parseIPv4 } from '../src/ruleset/names.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'packets');
const ip = (text: string) => parseIPv4(text)!;
const base = { in: 'eth0', src: '192.0.2.1', dst: '198.51.100.2' };
const tcp = { ...base, proto: 'tcp', sport: 40000, dport: 22, flags: 'S' };
const record = (obj: object, n = 1) => parseJsonRecord(JSON.stringify(obj), n);

function recordError(obj: object | string, n = 7): RecordError {
  try {
    parseJsonRecord(typeof obj === 'string' ? obj : JSON.stringify(obj), n);
  } catch (e) {
    assert.instance(e, RecordError);
    assert.is((e as RecordError).recordNo, n);
    return e as RecordError;
  }
  assert.unreachable(`accepted ${JSON.stringify(obj)}`);
  throw new Error('unreachable');
}

test('TCP SYN with the defaults filled', () => {
  const p = record(tcp);
  assert.equal(p, {
    ts: 0, localOut: false, inIface: 'eth0', src: ip('192.0.2.1'), dst: ip('198.51.100.2'), proto: 6,
    length: 40, ttl: 64, tos: 0, fragOffset: 0, moreFragments: false, dontFragment: false, mark: 0,
    sport: 40000, dport: 22, tcpFlags: 0x02, window: 64240, // no seq/ack given: both stay unknown (PF2_NO_SEQ)
  });
});

test('every field', () => {
  const p = record({
    ts: 12.5, in: 'eth0', out: 'eth1', src: '192.0.2.1', dst: '198.51.100.2', proto: 6, sport: 'ssh', dport: '8080',
    flags: 'SYN,ACK', seq: 4294967295, ack: 1, win: 512, urg_ptr: 3, tcp_options: ['mss', 'sackOK', 'TS', 'nop', 'wscale'],
    len: 1500, ttl: 1, tos: 16, id: 54321, mf: true, df: false, mark: '0xff00', ctstate: 'established',
    ctmark: 7, mac_src: '52:54:00:12:34:56', mac_dst: 'FF-FF-FF-FF-FF-FF', pkttype: 'multicast',
    payload: 'aGVsbG8=',
  });
  assert.is(p.ts, 12.5);
  assert.is(p.outIface, 'eth1');
  assert.is(p.sport, 22);
  assert.is(p.dport, 8080);
  assert.is(p.tcpFlags, 0x12);
  assert.is(p.seq, 4294967295);
  assert.is(p.ack, 1);
  assert.is(p.window, 512);
  assert.is(p.tcpUrgPtr, 3);
  assert.equal(p.tcpOptions, [2, 4, 8, 1, 3]);
  assert.is(p.length, 1500);
  assert.is(p.ttl, 1);
  assert.is(p.tos, 16);
  assert.is(p.ipId, 54321);
  assert.is(p.moreFragments, true);
  assert.is(p.mark, 0xff00);
  assert.is(p.ctstate, CTSTATE_ESTABLISHED);
  assert.is(p.ctmark, 7);
  assert.equal([...p.srcMac!], [0x52, 0x54, 0, 0x12, 0x34, 0x56]);
  assert.equal([...p.dstMac!], [255, 255, 255, 255, 255, 255]);
  assert.is(p.pktType, PKTTYPE_MULTICAST);
  assert.equal([...p.payload!], [104, 101, 108, 108, 111]);
});

test('IP length computed from headers, options and payload', () => {
  // Linux's SYN: mss(4) sackOK(2) TS(10) nop(1) wscale(3) = 20 option bytes -> 60
  assert.is(record({ ...tcp, tcp_options: ['mss', 'sackOK', 'TS', 'nop', 'wscale'] }).length, 60);
  assert.is(record({ ...tcp, tcp_options: [2] }).length, 44);
  assert.is(record({ ...tcp, tcp_options: [3] }).length, 44); // 3 bytes padded to 4
  assert.is(record({ ...base, proto: 'udp', sport: 53, dport: 33000, payload_text: 'hello' }).length, 33);
  assert.is(record({ ...base, proto: 'icmp', icmp_type: 'echo-request', payload: 'AAAAAAAAAAA=' }).length, 36);
  assert.is(record({ ...base, proto: 'gre' }).length, 20);
  assert.is(record({ ...base, proto: 'udp', frag_offset: 185 }).length, 20);
  assert.is(record({ ...base, proto: 'udp', sport: 1, dport: 2, payload_text: 'é' }).length, 30); // UTF-8: 2 bytes
});

test('TCP flags in iptables and tcpdump notation', () => {
  const flags = (f: unknown) => record({ ...tcp, flags: f }).tcpFlags;
  assert.is(flags('SYN'), 0x02);
  assert.is(flags('syn,ack'), 0x12);
  assert.is(flags(['FIN', 'ACK']), 0x11);
  assert.is(flags('S'), 0x02);
  assert.is(flags('S.'), 0x12);
  assert.is(flags('F.'), 0x11);
  assert.is(flags('R'), 0x04);
  assert.is(flags('R.'), 0x14);
  assert.is(flags('P.'), 0x18);
  assert.is(flags('.'), 0x10);
  assert.is(flags('SEW'), 0x02 | 0x40 | 0x80);
  assert.is(flags('NONE'), 0);
  assert.is(flags(0x29), 0x29);
  assert.match(recordError({ ...tcp, flags: 'SYNN' }).message, /^record 7: flags: "SYNN" is not a TCP flag/);
});

test('ICMP types and codes by name or number', () => {
  const echo = record({ ...base, proto: 'icmp', icmp_type: 'echo-request', icmp_id: 99, icmp_seq: 3 });
  assert.equal([echo.icmpType, echo.icmpCode, echo.icmpId, echo.icmpSeq], [8, 0, 99, 3]);
  const unreach = record({ ...base, proto: 1, icmp_type: 'port-unreachable' });
  assert.equal([unreach.icmpType, unreach.icmpCode, unreach.icmpId], [3, 3, undefined]);
  const byCode = record({ ...base, proto: 'icmp', icmp_code: 'host-prohibited', icmp_type: 3 });
  assert.equal([byCode.icmpType, byCode.icmpCode], [3, 10]);
  const numeric = record({ ...base, proto: 'icmp', icmp_type: 11, icmp_code: 1 });
  assert.equal([numeric.icmpType, numeric.icmpCode], [11, 1]);
  assert.match(recordError({ ...base, proto: 'icmp', icmp_type: 8, icmp_code: 'port-unreachable' }).message,
    /icmp_code: "port-unreachable" is a code of ICMP type 3, not of type 8/);
  assert.match(recordError({ ...base, proto: 'icmp', icmp_type: 'port-unreachable', icmp_id: 1 }).message,
    /icmp_id: ICMP type 3 carries no identifier or sequence number/);
  assert.match(recordError({ ...base, proto: 'icmp' }).message, /"icmp_type" is required for ICMP/);
});

test('timestamps: seconds or ISO 8601 with a zone', () => {
  assert.is(record({ ...tcp, ts: '2024-05-01T12:00:00Z' }).ts, 1714564800);
  assert.is(record({ ...tcp, ts: '2024-05-01T14:00:00.5+02:00' }).ts, 1714564800.5);
  assert.is(record({ ...tcp, ts: '2024-05-01T12:00:00.000123Z' }).ts, 1714564800.000123);
  assert.match(recordError({ ...tcp, ts: '2024-05-01T12:00:00' }).message, /^record 7: ts: .*with a zone/);
  assert.match(recordError({ ...tcp, ts: -1 }).message, /^record 7: ts: /);
});

test('locally generated packets', () => {
  const p = record({ src: '198.51.100.2', dst: '192.0.2.1', proto: 'udp', sport: 5000, dport: 53, uid: 1000, gid: 1000 });
  assert.is(p.localOut, true);
  assert.is(p.inIface, undefined);
  assert.is(p.uid, 1000);
  const withOut = record({ local: true, out: 'eth1', src: '198.51.100.2', dst: '192.0.2.1', proto: 'udp', sport: 5000, dport: 53 });
  assert.equal([withOut.localOut, withOut.outIface], [true, 'eth1']);
  assert.match(recordError({ ...tcp, local: true }).message, /^record 7: in: a locally generated packet has no in interface/);
  assert.match(recordError({ ...tcp, in: undefined, local: false }).message, /^record 7: in: an arriving packet needs the interface/);
  assert.match(recordError({ ...tcp, uid: 0 }).message, /^record 7: uid: only locally generated packets have a socket owner/);
});

test('ctstate names', () => {
  assert.is(record({ ...tcp, ctstate: 'RELATED' }).ctstate, CTSTATE_RELATED);
  assert.is(record({ ...tcp, ctstate: 'untracked' }).ctstate, CTSTATE_UNTRACKED);
  assert.is(record(tcp).ctstate, undefined); // the encoder writes NEW
  assert.match(recordError({ ...tcp, ctstate: 'NEW,ESTABLISHED' }).message, /^record 7: ctstate: "NEW,ESTABLISHED" is not a conntrack state/);
});

test('null means not given', () => {
  const p = record({ ...tcp, out: null, mark: null });
  assert.is(p.outIface, undefined);
  assert.is(p.mark, 0);
});

test('errors name the record and the field', () => {
  assert.is(recordError({ ...tcp, sprot: 1 }).message.split(';')[0], 'record 7: unknown field "sprot" (did you mean "sport"?)');
  assert.is(recordError({ ...tcp, dport: 65536 }).message, 'record 7: dport: 65536 is not a port number (0..65535)');
  assert.is(recordError({ ...tcp, src: '192.0.2.300' }).message, 'record 7: src: "192.0.2.300" is not an IPv4 address');
  assert.is(recordError({ ...tcp, dst: 3232235777 }).message, 'record 7: dst: 3232235777 is not an IPv4 address');
  assert.is(recordError({ ...tcp, ttl: '64x' }).message, 'record 7: ttl: "64x" is not a TTL');
  assert.is(recordError({ ...tcp, ttl: 300 }).message, 'record 7: ttl: 300 is not a TTL (0..255)');
  assert.is(recordError({ ...tcp, mf: 'yes' }).message, 'record 7: mf: "yes" is not true or false');
  assert.match(recordError({ ...tcp, proto: 'tcpp' }).message, /^record 7: proto: "tcpp" is not an IP protocol/);
  assert.match(recordError({ ...tcp, in: 'a-very-long-interface' }).message, /^record 7: in: interface name .* longer than 15 bytes/);
  assert.match(recordError({ ...tcp, mac_src: '52:54:00:12:34' }).message, /^record 7: mac_src: .* is not a MAC address/);
  assert.match(recordError({ ...tcp, payload: 'not base64!' }).message, /^record 7: payload: .* is not base64/);
  assert.match(recordError({ ...tcp, payload: 'aGk=', payload_text: 'hi' }).message, /^record 7: give either "payload"/);
  assert.match(recordError({ ...tcp, tcp_options: 'mss' }).message, /^record 7: tcp_options: .* is not a list of TCP option kinds/);
  assert.match(recordError({ ...tcp, tcp_options: ['mss', 'bogus'] }).message, /^record 7: tcp_options: "bogus" is not a TCP option kind/);
});

test('combinations no real packet has', () => {
  assert.is(recordError({ ...tcp, flags: undefined }).message.split(' (')[0], 'record 7: "flags" is required for TCP');
  assert.is(recordError({ ...tcp, sport: undefined }).message, 'record 7: "sport" is required for this protocol');
  assert.match(recordError({ ...base, proto: 'udp', sport: 1, dport: 2, flags: 'S' }).message, /^record 7: flags: only TCP packets have this field/);
  assert.match(recordError({ ...base, proto: 'icmp', icmp_type: 8, dport: 2 }).message, /^record 7: dport: protocol 1 has no ports/);
  assert.match(recordError({ ...tcp, frag_offset: 10 }).message, /^record 7: sport: a non-first fragment carries no transport header/);
  assert.match(recordError({ ...tcp, len: 39 }).message, /^record 7: len: 39 is not a possible IP total length here \(40\.\.65535/);
  assert.match(recordError({ ...tcp, payload_text: 'x', len: 40 }).message, /len: 40 is not a possible IP total length here \(41\.\.65535: 40 header bytes \+ 1 payload bytes\)/);
  assert.match(recordError({ src: '192.0.2.1', dst: '198.51.100.2' }).message, /^record 7: "proto" is required/);
});

test('malformed lines', () => {
  assert.match(recordError('{"src": ', 3).message, /^record 3: not valid JSON/);
  assert.match(recordError('[1, 2]', 4).message, /^record 4: a packet record is a JSON object, not \[1,2\]/);
});

test('packetFromJsonObject takes parsed objects', () => {
  assert.is(packetFromJsonObject(tcp, 1).dport, 22);
});

test('JSON lines file: comments and blank lines skipped, ts carried forward', () => {
  const packets = parseJsonLines(readFileSync(join(fixtures, 'ftp-passive.jsonl'), 'utf8'));
  assert.is(packets.length, 5);
  assert.equal(packets.map((p) => p.tcpFlags), [0x02, 0x12, 0x10, 0x18, 0x02]);
  assert.is(packets[0]!.length, 60);
  assert.is(packets[0]!.outIface, 'eth1');
  assert.is(packets[1]!.ctstate, CTSTATE_ESTABLISHED);
  assert.is(packets[3]!.ts, 1714564800.02); // no ts: the previous record's
  assert.is(new TextDecoder().decode(packets[3]!.payload!), '227 Entering Passive Mode (203,0,113,10,195,80).\r\n');
  assert.is(packets[3]!.length, 20 + 20 + 50);
  assert.is(packets[4]!.ts, 1714564801.5);
  assert.is(packets[4]!.ctstate, CTSTATE_RELATED);
});

test('JSON lines file: the record number is the line number', () => {
  try {
    parseJsonLines(readFileSync(join(fixtures, 'bad-port.jsonl'), 'utf8'));
    assert.unreachable('accepted');
  } catch (e) {
    assert.instance(e, RecordError);
    assert.is((e as RecordError).recordNo, 3);
    assert.is((e as Error).message, 'record 3: dport: 65536 is not a port number (0..65535)');
  }
});

test('the examples in docs/packet-records.md parse', () => {
  const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'packet-records.md'), 'utf8');
  const block = /```jsonl\n([\s\S]*?)```/.exec(doc)![1]!;
  const packets = parseJsonLines(block);
  assert.is(packets.length, 6);
  assert.is(packets[1]!.localOut, true); // no "in"
  assert.is(packets[1]!.ts, 1714564800.01);
  assert.is(packets[4]!.icmpCode, 3);
  assert.is(packets[5]!.length, 548);
});

test('JsonLinesReader streams line by line', () => {
  const reader = new JsonLinesReader();
  assert.is(reader.read('# comment', 1), null);
  assert.is(reader.read('   ', 2), null);
  assert.is(reader.read(JSON.stringify({ ...tcp, ts: 5 }), 3)!.ts, 5);
  assert.is(reader.read(JSON.stringify(tcp), 4)!.ts, 5);
  assert.throws(() => reader.read('{"bogus": 1}', 9), (e: unknown) => e instanceof RecordError && e.recordNo === 9);
});

test('a note is free text for the reader, not part of the packet; it must be text', () => {
  const line = '{"in":"eth0","src":"192.0.2.1","dst":"198.51.100.2","proto":"udp","sport":1,"dport":2}';
  const withNote = parseJsonRecord(line.replace('}', ',"note":"passive data connection"}'), 1);
  assert.equal(withNote, parseJsonRecord(line, 1));
  assert.throws(() => parseJsonRecord(line.replace('}', ',"note":5}'), 3), /record 3: note: a note is text/);
});

test.run();
