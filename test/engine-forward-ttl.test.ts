// ip_forward() lowers the TTL before the FORWARD hook and drops a packet whose TTL would run out
// before it reaches FORWARD, answering with ICMP time exceeded (kernel net/ipv4/ip_forward.c;
// found by the kernel differential `ttl-forward` and `ttl-expire` cases, docs/conformance.md).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyOne, counters, engineFor, classify, packet, routerHost } from './engine-support.js';

const TTL_RULES = [
  '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]',
  '-A FORWARD -m ttl --ttl-eq 63 -j ACCEPT',
  '-A INPUT -m ttl --ttl-eq 64 -j ACCEPT',
  'COMMIT', '',
].join('\n');

test('FORWARD sees TTL - 1; INPUT sees the TTL as received', async () => {
  const forwarded = await classifyOne(TTL_RULES, { dst: '10.0.0.5', ttl: 64 }, routerHost());
  assert.is(forwarded.verdict, 'ACCEPT');
  assert.is(forwarded.decidedBy, 'filter:FORWARD:1');
  const local = await classifyOne(TTL_RULES, { dst: '198.51.100.1', ttl: 64 }, routerHost());
  assert.is(local.decidedBy, 'filter:INPUT:1');
});

test('a forwarded packet with TTL 1 never reaches FORWARD', async () => {
  const engine = await engineFor(TTL_RULES, routerHost());
  const [dying, alive] = classify(engine, [packet({ dst: '10.0.0.5', ttl: 1 }), packet({ dst: '10.0.0.5', ttl: 2 })]);
  assert.is(dying.verdict, 'TTL_EXCEEDED');
  assert.equal(dying.matched, []);
  // the router answers with ICMP time exceeded (type 11, code 0) through OUTPUT (conformance case ttl-expire)
  assert.is(dying.reply?.kind, 'icmp');
  assert.is(dying.reply?.type, 11);
  assert.is(dying.reply?.code, 0);
  assert.is(dying.reply?.length, 20 + 8 + 60, 'it quotes the whole 60-byte original');
  assert.is(dying.reply?.decidedBy, 'filter:OUTPUT:policy');
  assert.is(alive.verdict, 'DROP'); // TTL 1 in FORWARD: no rule matches, policy DROP
  assert.equal(counters(engine, 'filter:FORWARD:policy'), { packets: 1, bytes: 60 });
});

test.run();
