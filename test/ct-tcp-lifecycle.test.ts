// The TCP tracker through the whole pipeline (parseRuleset -> Engine.create -> classifyPackets):
// a connection's life, the observations of NETFILTER.md §0 about TCP, and the checks tcp_error
// makes before any lookup (§4.4). Expected states follow §4.4's tables, not the code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PacketInput } from '../src/packets/types.js';
import { classifyPackets } from '../src/classify.js';
import { parseIPv4 } from '../src/ruleset/names.js';
import { ACK, Clock, FIN, PSH, routerEngine, RST, seen, SYN, TcpFlow, URG } from './ct-tcp-support.js';

test('handshake, data and close: every state of §4.4 in order, one conntrack, ASSURED after the handshake', async () => {
  const flow = new TcpFlow(await routerEngine(), new Clock(), 40000);
  const r = [
    flow.send('client', SYN),
    flow.send('server', SYN | ACK),
    flow.send('client', ACK),
    flow.send('client', PSH | ACK, { data: 120 }),
    flow.send('server', PSH | ACK, { data: 300 }),
    flow.send('client', ACK),
    flow.send('client', FIN | ACK),
    flow.send('server', ACK),
    flow.send('server', FIN | ACK),
    flow.send('client', ACK),
  ];
  assert.equal(r.map(seen), [
    'NEW SYN_SENT',
    'ESTABLISHED SYN_RECV',
    'ESTABLISHED ESTABLISHED',
    'ESTABLISHED ESTABLISHED',
    'ESTABLISHED ESTABLISHED',
    'ESTABLISHED ESTABLISHED',
    'ESTABLISHED FIN_WAIT',
    'ESTABLISHED CLOSE_WAIT',
    'ESTABLISHED LAST_ACK',
    'ESTABLISHED TIME_WAIT',
  ]);
  assert.equal(new Set(r.map((x) => x.ctId)).size, 1, 'one conntrack throughout');
  assert.ok(r[0].ctNote?.includes('created'));
  assert.equal(r.map((x) => x.ctDir), ['ORIGINAL', 'REPLY', 'ORIGINAL', 'ORIGINAL', 'REPLY', 'ORIGINAL', 'ORIGINAL', 'REPLY', 'REPLY', 'ORIGINAL']);
  // ASSURED: SYN_RECV -> ESTABLISHED with a reply seen, i.e. on the third packet, not before.
  assert.not.ok(r[1].ctStatus?.includes('ASSURED'));
  assert.ok(r[1].ctStatus?.includes('SEEN_REPLY'));
  assert.ok(r[2].ctStatus?.includes('ASSURED'));
  for (const x of r) assert.is(x.ctReason, undefined);
});

test('§0: a bare ACK with no connection is NEW with TCP state ESTABLISHED (tcp_loose=1), ASSURED once answered', async () => {
  const flow = new TcpFlow(await routerEngine(), new Clock(), 40001, { client: 77_000, server: 99_000 });
  const pickup = flow.send('client', ACK);
  assert.is(seen(pickup), 'NEW ESTABLISHED');
  assert.ok(pickup.ctNote?.includes('created'));
  assert.not.ok(pickup.ctStatus?.includes('SEEN_REPLY'));
  const answer = flow.send('server', ACK);
  assert.is(seen(answer), 'ESTABLISHED ESTABLISHED');
  assert.not.ok(answer.ctStatus?.includes('ASSURED'), 'the reply is seen only after the tracker ran');
  const next = flow.send('client', PSH | ACK, { data: 10 });
  assert.is(seen(next), 'ESTABLISHED ESTABLISHED');
  assert.ok(next.ctStatus?.includes('ASSURED'), 'ES -> ES with a reply seen');
  assert.is(next.ctId, pickup.ctId);
});

test('§0: with tcp_loose=0 a bare ACK cannot create a conntrack: INVALID', async () => {
  const flow = new TcpFlow(await routerEngine({ nf_conntrack_tcp_loose: 0 }), new Clock(), 40002);
  const r = flow.send('client', ACK);
  assert.is(r.ctstate, 'INVALID');
  assert.is(r.ctId, undefined);
  assert.match(r.ctReason ?? '', /invalid new/);
  // A SYN still may.
  assert.is(seen(flow.send('client', SYN)), 'NEW SYN_SENT');
});

test('§0: SYN+FIN, a lone RST, FIN/ACK or SYN/ACK with no connection are INVALID and leave no entry', async () => {
  const engine = await routerEngine();
  const clock = new Clock();
  const cases: [number, RegExp][] = [
    [SYN | FIN, /invalid tcp flag combination/],
    [RST, /invalid new/],
    [RST | ACK, /invalid new/],
    [FIN | ACK, /invalid new/],
    [SYN | ACK, /invalid new/],
    [FIN, /invalid tcp flag combination/], // FIN without ACK
    [0, /invalid tcp flag combination/], // NULL scan
    [FIN | PSH | URG, /invalid tcp flag combination/], // XMAS scan
    [SYN | RST, /invalid tcp flag combination/],
  ];
  cases.forEach(([flags, reason], i) => {
    const flow = new TcpFlow(engine, clock, 41000 + i);
    const r = flow.send('client', flags);
    assert.is(r.ctstate, 'INVALID', `flags ${flags}`);
    assert.match(r.ctReason ?? '', reason, `flags ${flags}`);
    assert.ok(r.ctNote?.includes('invalid'));
    // Nothing was left behind: the server's answer is judged alone and cannot create one either.
    assert.is(flow.send('server', SYN | ACK).ctstate, 'INVALID', `answer to flags ${flags}`);
  });
  // PSH, ECE and CWR do not matter; URG with SYN or ACK is fine.
  const flow = new TcpFlow(engine, clock, 41100);
  assert.is(seen(flow.send('client', SYN | 64 | 128)), 'NEW SYN_SENT');
  assert.is(seen(flow.send('server', SYN | ACK | 64)), 'ESTABLISHED SYN_RECV');
  assert.is(seen(flow.send('client', ACK | URG | PSH)), 'ESTABLISHED ESTABLISHED');
});

test('§0: a SYN answered by RST deletes the entry at once: the next ACK is NEW again', async () => {
  const flow = new TcpFlow(await routerEngine(), new Clock(), 40003);
  const syn = flow.send('client', SYN);
  // The refusal: RST+ACK with sequence 0 acknowledging the SYN.
  const rst = flow.send('server', RST | ACK, { seq: 0, keepSeq: true });
  assert.is(seen(rst), 'ESTABLISHED CLOSE');
  assert.ok(rst.ctNote?.includes('deleted'));
  assert.is(rst.ctId, syn.ctId);
  const ack = flow.send('client', ACK);
  assert.is(seen(ack), 'NEW ESTABLISHED');
  assert.is.not(ack.ctId, syn.ctId);
});

test('a RST from the opener before any reply also ends the entry; after a reply a RST only closes it', async () => {
  const engine = await routerEngine();
  const clock = new Clock();
  const early = new TcpFlow(engine, clock, 40004);
  const syn = early.send('client', SYN);
  const abort = early.send('client', RST);
  assert.is(seen(abort), 'NEW CLOSE');
  assert.ok(abort.ctNote?.includes('deleted'));
  assert.is.not(early.send('client', ACK).ctId, syn.ctId);

  const late = new TcpFlow(engine, clock, 40005);
  const first = late.send('client', SYN);
  late.send('server', SYN | ACK);
  const rst = late.send('server', RST);
  assert.is(seen(rst), 'ESTABLISHED CLOSE');
  assert.not.ok(rst.ctNote?.includes('deleted'));
  const after = late.send('client', ACK);
  assert.is(seen(after), 'ESTABLISHED CLOSE', 'an ACK in CLOSE stays in CLOSE');
  assert.is(after.ctId, first.ctId);
});

test('§4.3: a bad checksum is INVALID in PREROUTING, unverified with nf_conntrack_checksum=0 or when sent locally', async () => {
  const checked = new TcpFlow(await routerEngine(), new Clock(), 40006);
  const bad = checked.send('client', SYN, { checksumBad: true });
  assert.is(bad.ctstate, 'INVALID');
  assert.is(bad.ctReason, 'bad checksum');

  const unchecked = new TcpFlow(await routerEngine({ nf_conntrack_checksum: 0 }), new Clock(), 40006);
  const passed = unchecked.send('client', SYN, { checksumBad: true });
  assert.is(seen(passed), 'NEW SYN_SENT');
  assert.ok(passed.ctNote?.includes('checksum skipped'));

  // The router's own SYN (OUTPUT): the kernel never verifies checksums outside PREROUTING.
  const local: PacketInput = {
    ts: 1_700_000_100, localOut: true, src: parseIPv4('192.0.2.1')!, dst: parseIPv4('192.0.2.10')!,
    proto: 6, length: 40, ttl: 64, tos: 0, fragOffset: 0, moreFragments: false, dontFragment: true,
    sport: 50000, dport: 22, tcpFlags: SYN, seq: 1, ack: 0, window: 1000, mark: 0, checksumBad: true,
  };
  const [own] = classifyPackets(await routerEngine(), [local]);
  assert.is(seen(own), 'NEW SYN_SENT');
  assert.ok(own.ctNote?.includes('checksum skipped'));
});

test.run();
