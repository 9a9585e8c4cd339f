// The ICMP tracker (NETFILTER.md §4.5, §0): queries create conntracks and their replies are
// ESTABLISHED; a reply with no request is INVALID; errors are RELATED to the connection they quote
// only when that connection is known and the error travels towards it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { engineFor, filter, HOST_ADDR, pkt, run, udpIn, udpOut } from './ct-core-support.js';

const PEER = '192.0.2.10';
const ROUTER = '203.0.113.1';
const rules = filter([
  '-A INPUT -m conntrack --ctstate INVALID -j DROP',
  '-A INPUT -m conntrack --ctstate RELATED -j ACCEPT',
  '-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT',
  '-A INPUT -p icmp --icmp-type echo-request -j ACCEPT',
]);

const echo = (ts: number, src: string, dst: string, type: string, id = 77, arriving = true) => ({
  ts, ...(arriving ? { in: 'eth0' } : {}), src, dst, proto: 'icmp', icmp_type: type, icmp_id: id, icmp_seq: 1,
});

test('§0: an echo reply with no request is INVALID', async () => {
  const engine = await engineFor(rules);
  const [reply] = run(engine, [echo(0, PEER, HOST_ADDR, 'echo-reply')]);
  assert.is(reply.ctstate, 'INVALID');
  assert.is(reply.decidedBy, 'filter:INPUT:1');
  assert.match(reply.ctReason!, /cannot create/);
  assert.is(engine.conntrackEntries().length, 0);
});

test('echo request NEW, its reply ESTABLISHED; another id is a different conntrack', async () => {
  const engine = await engineFor(rules);
  const [request, reply, other] = run(engine, [
    echo(0, HOST_ADDR, PEER, 'echo-request', 77, false),
    echo(0.01, PEER, HOST_ADDR, 'echo-reply', 77),
    echo(0.02, PEER, HOST_ADDR, 'echo-reply', 78),
  ]);
  assert.is(request.ctstate, 'NEW');
  assert.is(reply.ctstate, 'ESTABLISHED');
  assert.is(reply.ctDir, 'REPLY');
  assert.is(reply.ctId, request.ctId);
  assert.is(other.ctstate, 'INVALID', 'the id is part of the tuple');
});

test('ICMP queries time out after 30 s (nf_conntrack_icmp_timeout)', async () => {
  const engine = await engineFor(rules);
  const [request, late] = run(engine, [echo(0, HOST_ADDR, PEER, 'echo-request', 5, false), echo(30, PEER, HOST_ADDR, 'echo-reply', 5)]);
  assert.is(request.ctstate, 'NEW');
  assert.is(late.ctstate, 'INVALID');
});

test('timestamp, info and address-mask requests create conntracks; other informational types are INVALID', async () => {
  const engine = await engineFor(rules);
  const [timestamp, stamped, advert] = run(engine, [
    { ts: 0, src: HOST_ADDR, dst: PEER, proto: 'icmp', icmp_type: 13, icmp_id: 9 },
    { ts: 0.1, in: 'eth0', src: PEER, dst: HOST_ADDR, proto: 'icmp', icmp_type: 14, icmp_id: 9 },
    { ts: 0.2, in: 'eth0', src: PEER, dst: HOST_ADDR, proto: 'icmp', icmp_type: 'router-advertisement' },
  ]);
  assert.is(timestamp.ctstate, 'NEW');
  assert.is(stamped.ctstate, 'ESTABLISHED');
  assert.is(advert.ctstate, 'INVALID');
});

const unreachable = (ts: number, src: string, dst: string, inner: Record<string, unknown>) => ({
  ts, in: 'eth0', src, dst, proto: 'icmp', icmp_type: 'port-unreachable', inner,
});

test('§0: an ICMP error quoting an unknown flow is INVALID', async () => {
  const engine = await engineFor(rules);
  const [error] = run(engine, [unreachable(0, ROUTER, HOST_ADDR, { src: HOST_ADDR, dst: PEER, proto: 'udp', sport: 4000, dport: 53 })]);
  assert.is(error.ctstate, 'INVALID');
  assert.match(error.ctReason!, /not tracked/);
});

test('an ICMP error about a known connection is RELATED (reply direction); the connection is unchanged', async () => {
  const engine = await engineFor(rules);
  const [request, error] = run(engine, [
    udpOut(0, HOST_ADDR, 4000, PEER, 53),
    unreachable(0.1, ROUTER, HOST_ADDR, { src: HOST_ADDR, dst: PEER, proto: 'udp', sport: 4000, dport: 53 }),
  ]);
  assert.is(error.ctstate, 'RELATED');
  assert.is(error.decidedBy, 'filter:INPUT:2');
  assert.is(error.ctId, request.ctId);
  assert.is(error.ctDir, 'REPLY');
  const [entry] = engine.conntrackEntries();
  assert.ok(!entry.status.includes('SEEN_REPLY'), 'an error is not a reply: the UDP flow stays unreplied');
  assert.is(entry.timeout, 30 - 1, 'nor does it refresh the timer (checked 0.1 s later: 29.9 s left)');
});

test('an ICMP error about an echo request is RELATED (the quoted ICMP tuple is inverted too)', async () => {
  const engine = await engineFor(rules);
  const [, error] = run(engine, [
    echo(0, HOST_ADDR, PEER, 'echo-request', 300, false),
    { ts: 0.1, in: 'eth0', src: ROUTER, dst: HOST_ADDR, proto: 'icmp', icmp_type: 'ttl-zero-during-transit', inner: { src: HOST_ADDR, dst: PEER, proto: 'icmp', icmp_type: 'echo-request', icmp_id: 300 } },
  ]);
  assert.is(error.ctstate, 'RELATED');
});

test('§4.5: an error whose outer destination is not the connection\'s (spoofed RELATED) is INVALID', async () => {
  const engine = await engineFor(filter(['-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A FORWARD -i eth1 -j ACCEPT']));
  const [, honest, spoofed] = run(engine, [
    { ts: 0, in: 'eth1', src: '10.0.0.7', dst: PEER, proto: 'udp', sport: 1234, dport: 53 },
    unreachable(0.1, ROUTER, '10.0.0.7', { src: '10.0.0.7', dst: PEER, proto: 'udp', sport: 1234, dport: 53 }),
    // same quoted packet, sent to another inside host that never talked to PEER
    unreachable(0.2, ROUTER, '10.0.0.8', { src: '10.0.0.7', dst: PEER, proto: 'udp', sport: 1234, dport: 53 }),
  ]);
  assert.is(honest.ctstate, 'RELATED');
  assert.is(honest.verdict, 'ACCEPT');
  assert.is(spoofed.ctstate, 'INVALID');
  assert.match(spoofed.ctReason!, /outer daddr/);
  assert.is(spoofed.verdict, 'DROP');
});

test('an error travelling in the original direction is RELATED with direction ORIGINAL', async () => {
  const engine = await engineFor(rules);
  // PEER opened the flow to us; a router on our side reports our answer could not be delivered.
  const [request, error] = run(engine, [
    udpIn(0, PEER, 5000, HOST_ADDR, 7),
    { ts: 0.1, in: 'eth0', src: ROUTER, dst: HOST_ADDR, proto: 'icmp', icmp_type: 'host-unreachable', inner: { src: HOST_ADDR, dst: PEER, proto: 'udp', sport: 7, dport: 5000 } },
  ]);
  assert.is(request.verdict, 'DROP', 'port 7 is closed: the request left no conntrack');
  assert.is(error.ctstate, 'INVALID');
  const engine2 = await engineFor(filter(['-A INPUT -m state --state INVALID -j DROP', '-A INPUT -j ACCEPT']));
  const [req2, err2] = run(engine2, [
    udpIn(0, PEER, 5000, HOST_ADDR, 7),
    { ts: 0.1, in: 'eth0', src: ROUTER, dst: HOST_ADDR, proto: 'icmp', icmp_type: 'host-unreachable', inner: { src: HOST_ADDR, dst: PEER, proto: 'udp', sport: 7, dport: 5000 } },
  ]);
  assert.is(req2.ctstate, 'NEW');
  // the quoted packet HOST -> PEER is the reply direction; inverted it is PEER -> HOST, the original
  assert.is(err2.ctstate, 'RELATED');
  assert.is(err2.ctDir, 'ORIGINAL');
});

test('an error without the quoted packet is INVALID', async () => {
  const engine = await engineFor(rules);
  const [error] = run(engine, [{ ts: 0, in: 'eth0', src: ROUTER, dst: HOST_ADDR, proto: 'icmp', icmp_type: 'port-unreachable' }]);
  assert.is(error.ctstate, 'INVALID');
});

test('"inner" is refused on anything but an ICMP error', () => {
  const inner = { src: HOST_ADDR, dst: PEER, proto: 'udp', sport: 7, dport: 5000 };
  assert.throws(() => pkt(udpIn(0, PEER, 1, HOST_ADDR, 2, { inner })), /only ICMP errors/);
  assert.throws(() => pkt({ ...echo(0, PEER, HOST_ADDR, 'echo-reply'), inner }), /only ICMP errors/);
  assert.throws(() => pkt({ ts: 0, in: 'eth0', src: ROUTER, dst: HOST_ADDR, proto: 'icmp', icmp_type: 3, inner: { src: HOST_ADDR, dst: PEER, proto: 'udp' } }), /sport and dport/);
});

test.run();
