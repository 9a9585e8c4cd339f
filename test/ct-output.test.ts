// Conntrack in the outputs: `conntrack -L` / `conntrack -L expect` text (libnetfilter_conntrack's
// default format: protocol padded to 8, timeout, TCP state, tuples, [UNREPLIED]/[ASSURED], mark,
// helper, use), the per-packet record fields, `classify --conntrack FILE` and the trace line.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatConntrackEntry, formatExpectation } from '../src/conntrack/format.js';
import type { ConntrackEntry, ConntrackExpectation } from '../src/conntrack/read.js';
import { classifyCommand } from '../src/node/commands/classify.js';
import { traceCommand } from '../src/node/commands/trace.js';
import { outputRecord } from '../src/output/record.js';
import { engineFor, filter, HOST_ADDR, run, udpIn, udpOut } from './ct-core-support.js';

const CLIENT = '192.0.2.10';

test('conntrack -L lines for UDP (unreplied, then assured) and ICMP', async () => {
  const engine = await engineFor(filter(['-A INPUT -m state --state NEW,ESTABLISHED -j ACCEPT']));
  run(engine, [udpIn(100, CLIENT, 5000, HOST_ADDR, 53)]);
  assert.equal(engine.formatConntrack().split('\n').slice(0, 3), [
    '# conntrack -L',
    `udp      17 30 src=${CLIENT} dst=${HOST_ADDR} sport=5000 dport=53 [UNREPLIED] src=${HOST_ADDR} dst=${CLIENT} sport=53 dport=5000 mark=0 use=1`,
    '# 1 flow entries have been shown.',
  ]);
  run(engine, [
    udpOut(101, HOST_ADDR, 53, CLIENT, 5000),
    udpIn(104, CLIENT, 5000, HOST_ADDR, 53),
    { ts: 110, src: HOST_ADDR, dst: CLIENT, proto: 'icmp', icmp_type: 'echo-request', icmp_id: 4660, icmp_seq: 1 },
  ]);
  const lines = engine.conntrackEntries().map(formatConntrackEntry);
  assert.equal(lines, [
    // refreshed at 104 with 120 s, listed at 110 (the last packet's time)
    `udp      17 114 src=${CLIENT} dst=${HOST_ADDR} sport=5000 dport=53 src=${HOST_ADDR} dst=${CLIENT} sport=53 dport=5000 [ASSURED] mark=0 use=1`,
    `icmp     1 30 src=${HOST_ADDR} dst=${CLIENT} type=8 code=0 id=4660 [UNREPLIED] src=${CLIENT} dst=${HOST_ADDR} type=0 code=0 id=4660 mark=0 use=1`,
  ]);
});

test('a TCP entry with its state, helper and mark; a generic-protocol entry without ports', () => {
  const tcp: ConntrackEntry = {
    id: 7, proto: 6, protoName: 'tcp', timeout: 431999, tcpState: 'ESTABLISHED',
    original: { src: '192.168.1.2', dst: '192.168.1.1', sport: 49378, dport: 21 },
    reply: { src: '192.168.1.1', dst: '192.168.1.2', sport: 21, dport: 49378 },
    status: ['SEEN_REPLY', 'ASSURED', 'CONFIRMED'], mark: 5, helper: 'ftp', use: 1,
  };
  assert.is(formatConntrackEntry(tcp),
    'tcp      6 431999 ESTABLISHED src=192.168.1.2 dst=192.168.1.1 sport=49378 dport=21 src=192.168.1.1 dst=192.168.1.2 sport=21 dport=49378 [ASSURED] mark=5 helper=ftp use=1');
  const gre: ConntrackEntry = {
    id: 8, proto: 50, protoName: 'unknown', timeout: 599,
    original: { src: '10.0.0.1', dst: '10.0.0.2' }, reply: { src: '10.0.0.2', dst: '10.0.0.1' },
    status: ['CONFIRMED'], mark: 0, zone: 3, use: 1,
  };
  assert.is(formatConntrackEntry(gre), 'unknown  50 599 src=10.0.0.1 dst=10.0.0.2 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 mark=0 zone=3 use=1');

  assert.match(formatConntrackEntry({ ...tcp, use: 2 }), / use=2$/);
});

test('conntrack -L expect line', () => {
  const x: ConntrackExpectation = {
    id: 9, timeout: 297, proto: 6,
    tuple: { src: '198.51.100.7', dst: '192.0.2.10', sport: 0, dport: 1025 },
    mask: { src: '255.255.255.255', dst: '255.255.255.255', sport: 0, dport: 65535 },
    master: { src: '192.0.2.10', dst: '198.51.100.7', sport: 40000, dport: 21 },
    masterId: 3, helper: 'ftp',
  };
  assert.is(formatExpectation(x),
    '297 proto=6 src=198.51.100.7 dst=192.0.2.10 sport=0 dport=1025 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=192.0.2.10 master-dst=198.51.100.7 sport=40000 dport=21 class=0 helper=ftp');
});

/** A minimal active-FTP control session with consistent seq/ack: client CLIENT:40000 -> this host:21. */
function ftpSession(t0: number) {
  const text = (s: string) => s;
  const client = (ts: number, flags: string, seq: number, ack: number, payload?: string) => ({
    ts, in: 'eth0', src: CLIENT, dst: HOST_ADDR, proto: 'tcp', sport: 40000, dport: 21, flags, seq, ack, win: 65535,
    ...(payload ? { payload_text: text(payload) } : {}),
  });
  const server = (ts: number, flags: string, seq: number, ack: number, payload?: string) => ({
    ts, src: HOST_ADDR, dst: CLIENT, proto: 'tcp', sport: 21, dport: 40000, flags, seq, ack, win: 65535,
    ...(payload ? { payload_text: payload } : {}),
  });
  return [
    client(t0, 'SYN', 1000, 0),
    server(t0 + 0.01, 'SYN,ACK', 5000, 1001),
    client(t0 + 0.02, 'ACK', 1001, 5001),
    server(t0 + 0.03, 'PSH,ACK', 5001, 1001, '220 hi\r\n'),
    client(t0 + 0.04, 'PSH,ACK', 1001, 5009, 'USER a\r\n'),
    client(t0 + 0.05, 'PSH,ACK', 1009, 5009, 'PORT 192,0,2,10,4,1\r\n'),
  ];
}

test('an FTP expectation in conntrack -L expect form, and the data connection it makes RELATED', async () => {
  const rules = ['*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', '-A PREROUTING -p tcp --dport 21 -j CT --helper ftp', 'COMMIT',
    '*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]',
    '-A OUTPUT -m helper --helper ftp -j MARK --set-mark 0x21', '-A INPUT -m helper --helper ftp -j MARK --set-mark 0x21', 'COMMIT'].join('\n')
    + '\n' + filter(['-A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT', '-A INPUT -p tcp --dport 21 -j ACCEPT'],
      { INPUT: 'DROP', FORWARD: 'DROP', OUTPUT: 'ACCEPT' });
  const engine = await engineFor(rules);
  const results = run(engine, ftpSession(50));
  assert.equal(results.map((r) => r.verdict), ['ACCEPT', 'ACCEPT', 'ACCEPT', 'ACCEPT', 'ACCEPT', 'ACCEPT']);
  assert.ok(results[5].ctNote?.includes('expectation created'), JSON.stringify(results[5]));
  const text = engine.formatConntrack().split('\n');
  assert.ok(text.includes(
    `300 proto=6 src=${HOST_ADDR} dst=${CLIENT} sport=0 dport=1025 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=${CLIENT} master-dst=${HOST_ADDR} sport=40000 dport=21 class=0 helper=ftp`,
  ), text.join('\n'));
  // the server's active data connection from port 20 to the announced port
  const [data] = run(engine, [{ ts: 51, src: HOST_ADDR, dst: CLIENT, proto: 'tcp', sport: 20, dport: 1025, flags: 'SYN', seq: 9000 }]);
  assert.is(data.ctstate, 'RELATED');
  assert.is(data.mark, 0x21, '-m helper matches the data connection (its master has the helper, §0)');
  assert.equal(results.map((r) => r.mark), [0, 0, 0, 0, 0, 0], '... never the control connection itself');
  assert.ok(data.ctStatus!.includes('EXPECTED'));
  assert.ok(data.ctNote!.includes('created') && data.ctNote!.includes('expected'));
  assert.equal(engine.expectations(), [], 'the data connection consumed the expectation');
  const dataEntry = engine.conntrackEntries().find((e) => e.original.sport === 20)!;
  assert.is(dataEntry.masterId, results[0].ctId);
  assert.is(dataEntry.helper, undefined, 'the data connection has no helper of its own');
});

test('output records carry ct_id, tcp_state, ct_dir, ct_status, ct_note, ct_reason', async () => {
  const engine = await engineFor(filter(['-A INPUT -m state --state INVALID -j DROP', '-A INPUT -j ACCEPT']));
  const [syn, bad] = run(engine, [
    { ts: 0, in: 'eth0', src: CLIENT, dst: HOST_ADDR, proto: 'tcp', sport: 40000, dport: 22, flags: 'SYN', seq: 1 },
    udpIn(1, CLIENT, 5000, HOST_ADDR, 53, { checksum: 'bad' }),
  ]);
  const rec = outputRecord(1, syn);
  assert.is(rec.ct_id, syn.ctId);
  assert.ok(typeof rec.ct_id === 'number' && rec.ct_id > 0);
  assert.is(rec.tcp_state, 'SYN_SENT');
  assert.is(rec.ct_dir, 'ORIGINAL');
  assert.equal(rec.ct_note, ['created']);
  const invalid = outputRecord(2, bad);
  assert.is(invalid.ctstate, 'INVALID');
  assert.is(invalid.ct_id, undefined);
  assert.is(invalid.ct_reason, 'bad checksum');
  assert.equal(invalid.ct_note, ['invalid']);
});

test('nfwasm classify --conntrack FILE writes the final table; records carry the conntrack fields', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nfwasm-ct-'));
  const rules = join(dir, 'rules');
  const capture = join(dir, 'capture.jsonl');
  const records = join(dir, 'records.jsonl');
  const table = join(dir, 'conntrack.txt');
  writeFileSync(rules, filter(['-A INPUT -m state --state ESTABLISHED -j ACCEPT', '-A INPUT -p udp --dport 53 -j ACCEPT']));
  writeFileSync(capture, [
    JSON.stringify(udpIn(10, CLIENT, 5000, HOST_ADDR, 53)),
    JSON.stringify(udpIn(11, CLIENT, 5001, HOST_ADDR, 54)),
  ].join('\n') + '\n');
  await classifyCommand(capture, { rules, records, conntrack: table, quiet: true });
  const out = readFileSync(records, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.is(out[0].ctstate, 'NEW');
  assert.ok(out[0].ct_id > 0);
  assert.equal(out[1].ct_note, ['created', 'discarded']);
  const text = readFileSync(table, 'utf8');
  assert.ok(text.includes(`udp      17 29 src=${CLIENT} dst=${HOST_ADDR} sport=5000 dport=53 [UNREPLIED] src=${HOST_ADDR} dst=${CLIENT} sport=53 dport=5000 mark=0 use=1`), text);
  assert.ok(!text.includes('sport=5001'), 'the dropped packet left no entry');
  assert.ok(text.includes('# 0 expectations have been shown.'));
});

test('nfwasm trace shows the ctstate conntrack computed and why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nfwasm-ct-'));
  const rules = join(dir, 'rules');
  writeFileSync(rules, filter(['-A INPUT -m state --state INVALID -j DROP', '-A INPUT -j ACCEPT']));
  const fresh = await traceCommand(`udp ${CLIENT}:5000 > ${HOST_ADDR}:53 in eth0`, { rules });
  assert.match(fresh, /conntrack: ctstate NEW dir ORIGINAL .*\(created\)/);
  const reply = await traceCommand(`icmp ${CLIENT} > ${HOST_ADDR} echo-reply in eth0`, { rules });
  assert.match(reply, /verdict: DROP by filter:INPUT:1 \(ctstate INVALID/);
  assert.match(reply, /reason: invalid new: this ICMP type cannot create a conntrack/);
});

test.run();
