import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CTSTATE_ESTABLISHED, PKT_FLAGS, PKT_SIZE, PF_LOCAL_OUT, PF_OUT_GIVEN, PKT_DPORT, PKT_SPORT } from '../assembly/shared/layout.js';
import { encodePacket } from '../src/packets/encode.js';
import { TraceSpecError, parseTraceSpec } from '../src/packets/trace-spec.js';
import { parseIPv4 } from '../src/ruleset/names.js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ip = (text: string) => parseIPv4(text)!;

function specError(text: string): TraceSpecError {
  try {
    parseTraceSpec(text);
  } catch (e) {
    assert.instance(e, TraceSpecError);
    return e as TraceSpecError;
  }
  assert.unreachable(`accepted: ${text}`);
  throw new Error('unreachable');
}

test('tcp SYN arriving on eth0', () => {
  assert.equal(parseTraceSpec('tcp 198.51.100.7:41327 > 203.0.113.10:21 syn in eth0'), {
    ts: 0, localOut: false, inIface: 'eth0', src: ip('198.51.100.7'), dst: ip('203.0.113.10'), proto: 6,
    length: 40, ttl: 64, tos: 0, fragOffset: 0, moreFragments: false, dontFragment: false, mark: 0,
    sport: 41327, dport: 21, tcpFlags: 0x02, window: 64240, // seq/ack unknown
  });
});

test('udp reply arriving on eth1', () => {
  const p = parseTraceSpec('udp 192.0.2.1:53 > 198.51.100.2:33000 in eth1');
  assert.equal([p.proto, p.sport, p.dport, p.inIface, p.localOut, p.length], [17, 53, 33000, 'eth1', false, 28]);
});

test('icmp echo-request', () => {
  const p = parseTraceSpec('icmp 192.0.2.1 > 198.51.100.2 echo-request in eth0');
  assert.equal([p.proto, p.icmpType, p.icmpCode, p.icmpId, p.icmpSeq, p.sport, p.length], [1, 8, 0, 0, 0, undefined, 28]);
  const unreach = parseTraceSpec('icmp 192.0.2.1 > 198.51.100.2 type 3 code 1 in eth0');
  assert.equal([unreach.icmpType, unreach.icmpCode], [3, 1]);
  const named = parseTraceSpec('icmp 192.0.2.1 > 198.51.100.2 port-unreachable in eth0');
  assert.equal([named.icmpType, named.icmpCode], [3, 3]);
  const ping = parseTraceSpec('icmp 192.0.2.1 > 198.51.100.2 echo-reply icmp-id 4660 icmp-seq 2 in eth0');
  assert.equal([ping.icmpType, ping.icmpId, ping.icmpSeq], [0, 4660, 2]);
});

test('no "in": locally generated, "out" given', () => {
  const p = parseTraceSpec('tcp 198.51.100.1:22 > 192.0.2.9:50000 syn,ack out eth1');
  assert.equal([p.localOut, p.inIface, p.outIface, p.tcpFlags], [true, undefined, 'eth1', 0x12]);
  const bytes = new Uint8Array(PKT_SIZE);
  encodePacket(new DataView(bytes.buffer), 0, p);
  assert.is(bytes[PKT_FLAGS]! & (PF_LOCAL_OUT | PF_OUT_GIVEN), PF_LOCAL_OUT | PF_OUT_GIVEN);
  assert.is(new DataView(bytes.buffer).getUint16(PKT_SPORT, true), 22);
  assert.is(new DataView(bytes.buffer).getUint16(PKT_DPORT, true), 50000);
});

test('extra words', () => {
  const p = parseTraceSpec('tcp 10.0.0.1:1024 > 10.0.0.2:80 in eth0 out eth1 len 1500 ttl 1 mark 0x1 state ESTABLISHED flags S. tos 0x10 id 77 seq 100 ack 200 win 0 ctmark 9 ts 5.5 df');
  assert.equal(
    [p.outIface, p.length, p.ttl, p.mark, p.ctstate, p.tcpFlags, p.tos, p.ipId, p.seq, p.ack, p.window, p.ctmark, p.ts, p.dontFragment],
    ['eth1', 1500, 1, 1, CTSTATE_ESTABLISHED, 0x12, 0x10, 77, 100, 200, 0, 9, 5.5, true],
  );
});

test('"ack" is the flag unless a number follows', () => {
  assert.is(parseTraceSpec('tcp 10.0.0.1:1 > 10.0.0.2:2 ack in eth0').tcpFlags, 0x10);
  const p = parseTraceSpec('tcp 10.0.0.1:1 > 10.0.0.2:2 S. ack 1001 in eth0');
  assert.equal([p.tcpFlags, p.ack], [0x12, 1001]);
});

test('tcpdump letters, service names, glued ">", options, quoted payload', () => {
  const p = parseTraceSpec('tcp 10.0.0.1:40000>10.0.0.2:ftp P. in eth0 options mss,sackOK payload "PORT 10,0,0,1,4,1\r\n"');
  assert.equal([p.tcpFlags, p.dport, p.tcpOptions], [0x18, 21, [2, 4]]);
  assert.is(new TextDecoder().decode(p.payload), 'PORT 10,0,0,1,4,1\r\n');
  assert.is(p.length, 20 + 28 + 19);
});

test('local packet with owner; fragments', () => {
  const p = parseTraceSpec('udp 10.0.0.1:5000 > 10.0.0.2:53 local uid 1000 gid 50');
  assert.equal([p.localOut, p.uid, p.gid], [true, 1000, 50]);
  const frag = parseTraceSpec('udp 10.0.0.1 > 10.0.0.2 frag 185 mf in eth0');
  assert.equal([frag.fragOffset, frag.moreFragments, frag.sport, frag.length], [185, true, undefined, 20]);
  assert.is(parseTraceSpec('gre 10.0.0.1 > 10.0.0.2 in eth0').proto, 47);
  assert.is(parseTraceSpec('47 10.0.0.1 > 10.0.0.2 in eth0').proto, 47);
});

test('errors name the word that was not understood', () => {
  const e = specError('tcp 198.51.100.7:41327 > 203.0.113.10:21 syn inn eth0');
  assert.is(e.word, 'inn');
  assert.match(e.message, /^trace spec: "inn" not understood \(did you mean "in"\?\)/);
  assert.is(specError('tpc 1.2.3.4:1 > 5.6.7.8:2 syn').word, 'tpc');
  assert.match(specError('tpc 1.2.3.4:1 > 5.6.7.8:2 syn').message, /"tpc" is not a protocol/);
  const badAddr = specError('tcp 1.2.3.400:1 > 5.6.7.8:2 syn in eth0');
  assert.is(badAddr.word, '1.2.3.400:1');
  assert.match(badAddr.message, /"1\.2\.3\.400" is not an IPv4 source address/);
  assert.match(specError('tcp 1.2.3.4:99999 > 5.6.7.8:2 syn in eth0').message, /"99999" is not a port/);
  assert.match(specError('tcp 1.2.3.4:1 5.6.7.8:2 syn').message, /expected ">" after the source, found "5\.6\.7\.8:2"/);
  assert.match(specError('tcp 1.2.3.4:1 >').message, /the destination address is missing/);
  assert.match(specError('icmp 1.2.3.4:1 > 5.6.7.8 echo-request').message, /protocol 1 has no ports/);
  const ttl = specError('udp 1.2.3.4:1 > 5.6.7.8:2 ttl 300 in eth0');
  assert.is(ttl.word, '300');
  assert.match(ttl.message, /ttl 300: "300" is not a TTL \(0\.\.255\)/);
  assert.match(specError('udp 1.2.3.4:1 > 5.6.7.8:2 in').message, /"in" needs a value/);
  assert.match(specError('udp 1.2.3.4:1 > 5.6.7.8:2 in eth0 in eth1').message, /"in" given twice/);
  assert.match(specError('udp 1.2.3.4:1 > 5.6.7.8:2 syn in eth0').message, /"syn" not understood/); // no flags on UDP
  assert.match(specError('tcp 1.2.3.4:1 > 5.6.7.8:2 syn state NEWISH in eth0').message, /state NEWISH: "NEWISH" is not a conntrack state/);
  assert.match(specError('').message, /empty/);
});

test('missing pieces, said in the one-liner\'s words', () => {
  assert.match(specError('tcp 1.2.3.4:1 > 5.6.7.8:2 in eth0').message, /TCP flags are required/);
  assert.match(specError('tcp 1.2.3.4 > 5.6.7.8 syn in eth0').message, /ports are required/);
  assert.match(specError('icmp 1.2.3.4 > 5.6.7.8 in eth0').message, /an ICMP type is required/);
  assert.match(specError('tcp 1.2.3.4:1 > 5.6.7.8:2 syn in eth0 local').message, /"in" and "local" exclude each other/);
  assert.match(specError('tcp 1.2.3.4:1 > 5.6.7.8:2 syn in eth0 uid 0').message, /uid: only locally generated packets have a socket owner/);
  assert.match(specError('tcp 1.2.3.4:1 > 5.6.7.8:2 syn in eth0 len 20').message, /len: 20 is not a possible IP total length/);
});

test('the one-liners in docs/packet-records.md parse', () => {
  const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'packet-records.md'), 'utf8');
  const lines = /```text\n([\s\S]*?)```/.exec(doc)![1]!.trim().split('\n');
  assert.is(lines.length, 7);
  for (const line of lines) assert.ok(parseTraceSpec(line).src > 0, line);
});

test.run();
