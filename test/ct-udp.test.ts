// The UDP tracker through the whole pipeline (NETFILTER.md §4.5, §0): NEW then ESTABLISHED,
// unreplied 30 s, stream 120 s and ASSURED once both directions were seen and 2 s have passed,
// a dropped request leaves no entry, bad lengths and checksums are INVALID where verified.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { engineFor, filter, HOST_ADDR, run, udpIn, udpOut } from './ct-core-support.js';

const CLIENT = '192.0.2.10';
const stateful = filter([
  '-A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT',
  '-A INPUT -p udp --dport 53 -j ACCEPT',
]);

test('a UDP request is NEW, the answer ESTABLISHED (reply direction), the next request ESTABLISHED', async () => {
  const engine = await engineFor(stateful);
  const [request, answer, again] = run(engine, [
    udpIn(100, CLIENT, 5000, HOST_ADDR, 53),
    udpOut(100.2, HOST_ADDR, 53, CLIENT, 5000),
    udpIn(100.4, CLIENT, 5000, HOST_ADDR, 53),
  ]);
  assert.is(request.ctstate, 'NEW');
  assert.is(request.decidedBy, 'filter:INPUT:2');
  assert.equal(request.ctNote, ['created']);
  assert.is(answer.ctstate, 'ESTABLISHED');
  assert.is(answer.ctDir, 'REPLY');
  assert.is(answer.ctId, request.ctId, 'the answer finds the request\'s conntrack through its reply tuple');
  assert.ok(answer.ctStatus!.includes('SEEN_REPLY'));
  assert.is(again.ctstate, 'ESTABLISHED');
  assert.is(again.ctDir, 'ORIGINAL');
  assert.is(again.decidedBy, 'filter:INPUT:1');
  assert.ok(!again.ctStatus!.includes('ASSURED'), 'less than 2 s after creation: not a stream yet');
});

test('§0: the answer to a dropped request is NEW in the reverse direction (no entry was left)', async () => {
  const engine = await engineFor(filter(['-A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT']));
  const [request, answer] = run(engine, [
    udpIn(10, CLIENT, 5000, HOST_ADDR, 6000),
    udpOut(10.1, HOST_ADDR, 6000, CLIENT, 5000),
  ]);
  assert.is(request.verdict, 'DROP');
  assert.equal(request.ctNote, ['created', 'discarded']);
  assert.is(answer.ctstate, 'NEW');
  assert.is(answer.ctDir, 'ORIGINAL');
  assert.is.not(answer.ctId, request.ctId);
  assert.equal(engine.conntrackEntries().map((e) => e.original), [{ src: HOST_ADDR, dst: CLIENT, sport: 6000, dport: 5000 }]);
});

test('unreplied entries live 30 s: at 29.9 s the packet is ESTABLISHED-bound, at 30 s NEW again', async () => {
  const engine = await engineFor(stateful);
  const [first, within] = run(engine, [udpIn(0, CLIENT, 5000, HOST_ADDR, 53), udpIn(29.9, CLIENT, 5000, HOST_ADDR, 53)]);
  assert.is(within.ctId, first.ctId, 'refreshed at 29.9 s: now expires at 59.9 s');
  const [late] = run(engine, [udpIn(59.9, CLIENT, 5000, HOST_ADDR, 53)]);
  assert.is(late.ctstate, 'NEW');
  assert.is.not(late.ctId, first.ctId, 'expired exactly at its timeout: a new conntrack');
});

test('stream: once replied, packets within 2 s of creation refresh 30 s; later ones 120 s and ASSURED', async () => {
  const engine = await engineFor(stateful);
  const [request, , early] = run(engine, [
    udpIn(0, CLIENT, 5000, HOST_ADDR, 53),
    udpOut(0.5, HOST_ADDR, 53, CLIENT, 5000),
    udpIn(1.5, CLIENT, 5000, HOST_ADDR, 53),
  ]);
  assert.is(engine.conntrackEntries()[0].timeout, 30, '1.5 s after creation: 30 s (nf_conntrack_udp_timeout)');
  assert.ok(!early.ctStatus!.includes('ASSURED'));
  const [late] = run(engine, [udpIn(2.5, CLIENT, 5000, HOST_ADDR, 53)]);
  assert.ok(late.ctStatus!.includes('ASSURED'));
  assert.is(engine.conntrackEntries()[0].timeout, 120, 'nf_conntrack_udp_timeout_stream');
  // 119 s later it is still there, 121 s later gone
  const [kept] = run(engine, [udpIn(121.5, CLIENT, 5000, HOST_ADDR, 53)]);
  assert.is(kept.ctId, request.ctId);
  const [gone] = run(engine, [udpIn(121.5 + 120, CLIENT, 5000, HOST_ADDR, 53)]);
  assert.is.not(gone.ctId, request.ctId);
  assert.is(gone.ctstate, 'NEW');
});

test('timeouts come from the host model sysctls', async () => {
  const engine = await engineFor(stateful, { nf_conntrack_udp_timeout: 5 });
  const [first, second] = run(engine, [udpIn(0, CLIENT, 5000, HOST_ADDR, 53), udpIn(5, CLIENT, 5000, HOST_ADDR, 53)]);
  assert.is.not(second.ctId, first.ctId, 'a 5 s timeout ends the entry at 5 s');
});

test('bad checksum: INVALID in PREROUTING with nf_conntrack_checksum=1; unverified (noted) with 0 or in OUTPUT', async () => {
  const rules = filter(['-A INPUT -m conntrack --ctstate INVALID -j DROP', '-A INPUT -j ACCEPT']);
  const verifying = await engineFor(rules);
  const [bad] = run(verifying, [udpIn(0, CLIENT, 5000, HOST_ADDR, 53, { checksum: 'bad' })]);
  assert.is(bad.ctstate, 'INVALID');
  assert.is(bad.ctReason, 'bad checksum');
  assert.is(bad.ctId, undefined);
  assert.is(verifying.conntrackEntries().length, 0);
  const [sent] = run(verifying, [udpOut(1, HOST_ADDR, 53, CLIENT, 5000, { checksum: 'bad' })]);
  assert.is(sent.ctstate, 'NEW', 'checksums are verified only in PREROUTING');
  assert.ok(sent.ctNote!.includes('checksum skipped'));

  const trusting = await engineFor(rules, { nf_conntrack_checksum: 0 });
  const [accepted] = run(trusting, [udpIn(0, CLIENT, 5000, HOST_ADDR, 53, { checksum: 'bad' })]);
  assert.is(accepted.ctstate, 'NEW');
  assert.ok(accepted.ctNote!.includes('checksum skipped'));
});

test('packets sent by this host create conntracks at OUTPUT; a forwarded flow is tracked too', async () => {
  const engine = await engineFor(filter(['-A FORWARD -m state --state ESTABLISHED -j ACCEPT', '-A FORWARD -i eth1 -j ACCEPT']));
  const [out, fwd, back] = run(engine, [
    udpOut(0, HOST_ADDR, 4000, '203.0.113.5', 123),
    { ts: 1, in: 'eth1', src: '10.0.0.7', dst: '203.0.113.5', proto: 'udp', sport: 1234, dport: 53 },
    { ts: 2, in: 'eth0', src: '203.0.113.5', dst: '10.0.0.7', proto: 'udp', sport: 53, dport: 1234 },
  ]);
  assert.is(out.ctstate, 'NEW');
  assert.is(fwd.ctstate, 'NEW');
  assert.is(fwd.path, 'FORWARD');
  assert.is(back.ctstate, 'ESTABLISHED');
  assert.is(back.decidedBy, 'filter:FORWARD:1');
  assert.is(engine.conntrackEntries().length, 2);
});

test.run();
