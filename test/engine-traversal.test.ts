// Rule traversal in the core (NETFILTER.md §4.2): jumps, goto, RETURN, tails, policies,
// counters, non-terminal targets, and the order of tables within a hook (§4.1).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classify, classifyOne, counters, engineFor, packet, rules } from './engine-support.js';

const filter = (body: string, policy = 'ACCEPT') =>
  `*filter\n:INPUT ${policy} [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${body}\nCOMMIT\n`;

test('a jump counts the jumping rule and continues in the user chain', async () => {
  const r = await classifyOne(filter(':SVC - [0:0]\n-A INPUT -p tcp -j SVC\n-A SVC -s 192.0.2.1/32 -j ACCEPT', 'DROP'));
  assert.is(r.verdict, 'ACCEPT');
  assert.equal(r.matched, ['filter:INPUT:1', 'filter:SVC:1']);
  assert.equal(r.trace, ['filter:INPUT:rule:1', 'filter:SVC:rule:1']);
  assert.is(r.decidedBy, 'filter:SVC:1');
});

test('falling off a user chain returns after the jump; the tail is traced, not counted', async () => {
  const text = filter(':SVC - [0:0]\n-A INPUT -j SVC\n-A INPUT -s 192.0.2.1/32 -j DROP\n-A SVC -s 10.9.9.9/32 -j ACCEPT');
  const engine = await engineFor(text);
  const [r] = classify(engine, [packet()]);
  assert.is(r.verdict, 'DROP');
  assert.equal(r.trace, ['filter:INPUT:rule:1', 'filter:SVC:return:2', 'filter:INPUT:rule:2']);
  assert.equal(r.matched, ['filter:INPUT:1', 'filter:INPUT:2']);
  assert.equal(counters(engine, 'filter:INPUT:1'), { packets: 1, bytes: 60 });
  assert.equal(counters(engine, 'filter:SVC:1'), { packets: 0, bytes: 0 });
  const svc = engine.countersInto().tables[0].chains.find((c) => c.name === 'SVC')!;
  assert.is(svc.counters.packets, 0n);
});

test('goto: RETURN goes back to the caller of the chain that did the goto', async () => {
  const text = filter([
    ':A - [0:0]', ':B - [0:0]',
    '-A INPUT -j A', '-A INPUT -s 192.0.2.1/32 -j DROP',
    '-A A -g B', '-A A -j ACCEPT',
    '-A B -j RETURN',
  ].join('\n'));
  const r = await classifyOne(text);
  assert.is(r.verdict, 'DROP');
  assert.equal(r.trace, ['filter:INPUT:rule:1', 'filter:A:rule:1', 'filter:B:rule:1', 'filter:INPUT:rule:2']);
  assert.is(r.decidedBy, 'filter:INPUT:2');
});

test('goto from a built-in chain: falling off the user chain applies the policy', async () => {
  const r = await classifyOne(filter(':X - [0:0]\n-A INPUT -g X\n-A INPUT -j ACCEPT', 'DROP'));
  assert.is(r.verdict, 'DROP');
  assert.equal(r.trace, ['filter:INPUT:rule:1', 'filter:X:return:1', 'filter:INPUT:policy:3']);
  assert.is(r.decidedBy, 'filter:INPUT:policy');
});

test('RETURN in a built-in chain applies its policy', async () => {
  const engine = await engineFor(filter('-A INPUT -j RETURN\n-A INPUT -j ACCEPT', 'DROP'));
  const [r] = classify(engine, [packet({ length: 100 })]);
  assert.is(r.verdict, 'DROP');
  assert.is(r.decidedBy, 'filter:INPUT:policy');
  assert.equal(counters(engine, 'filter:INPUT:1'), { packets: 1, bytes: 100 });
  assert.equal(counters(engine, 'filter:INPUT:2'), { packets: 0, bytes: 0 });
  assert.equal(counters(engine, 'filter:INPUT:policy'), { packets: 1, bytes: 100 });
});

test('policy and rule byte counters add the IP total length', async () => {
  const engine = await engineFor(filter('-A INPUT -s 192.0.2.1/32 -j ACCEPT', 'DROP'));
  classify(engine, [
    packet({ length: 60 }),
    packet({ length: 1500 }),
    packet({ src: '192.0.2.2', length: 40 }),
    packet({ src: '192.0.2.3', length: 52 }),
  ]);
  assert.equal(counters(engine, 'filter:INPUT:1'), { packets: 2, bytes: 1560 });
  assert.equal(counters(engine, 'filter:INPUT:policy'), { packets: 2, bytes: 92 });
  const again = rules(filter('-A INPUT -s 192.0.2.1/32 -j ACCEPT', 'DROP'));
  const copy = engine.countersInto(again);
  assert.is(copy.tables[0].chains[0].counters.packets, 2n);
  assert.is(again.tables[0].chains[0].counters.packets, 0n, 'the given ruleset is not modified');
});

test('LOG continues to the next rule and yields the kernel line', async () => {
  const r = await classifyOne(filter('-A INPUT -j LOG --log-prefix "in: "\n-A INPUT -j ACCEPT', 'DROP'));
  assert.is(r.verdict, 'ACCEPT');
  assert.equal(r.matched, ['filter:INPUT:1', 'filter:INPUT:2']);
  assert.is(r.logs.length, 1);
  assert.ok(r.logs[0].startsWith('in: IN=eth0 OUT= '), r.logs[0]);
  assert.match(r.logs[0], /SRC=192\.0\.2\.1 DST=198\.51\.100\.1 LEN=60 /);
});

test('ACCEPT in raw and mangle ends only that table; filter still decides', async () => {
  const text = [
    '*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', '-A PREROUTING -j ACCEPT', 'COMMIT',
    '*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]', '-A PREROUTING -j ACCEPT', '-A PREROUTING -j DROP', 'COMMIT',
    filter('-A INPUT -j DROP'),
  ].join('\n');
  const r = await classifyOne(text);
  assert.is(r.verdict, 'DROP');
  assert.equal(r.trace, ['raw:PREROUTING:rule:1', 'mangle:PREROUTING:rule:1', 'mangle:INPUT:policy:1', 'filter:INPUT:rule:1']);
  assert.is(r.decidedBy, 'filter:INPUT:1');
});

test('DROP in mangle ends the packet before filter', async () => {
  const text = [
    '*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]', '-A PREROUTING -j DROP', 'COMMIT',
    filter('-A INPUT -j ACCEPT'),
  ].join('\n');
  const engine = await engineFor(text);
  const [r] = classify(engine, [packet()]);
  assert.is(r.verdict, 'DROP');
  assert.is(r.hook, 'PREROUTING');
  assert.is(r.decidedBy, 'mangle:PREROUTING:1');
  assert.equal(counters(engine, 'filter:INPUT:1'), { packets: 0, bytes: 0 });
});

test('catch-all REJECT: a rule appended after it never matches', async () => {
  const engine = await engineFor(filter('-A INPUT -j REJECT\n-A INPUT -s 192.0.2.1/32 -j ACCEPT'));
  const [r] = classify(engine, [packet()]);
  assert.is(r.verdict, 'REJECT');
  assert.is(r.rejectWith, 'icmp-port-unreachable');
  assert.equal(counters(engine, 'filter:INPUT:2'), { packets: 0, bytes: 0 });
  assert.equal(counters(engine, 'filter:INPUT:1'), { packets: 1, bytes: 60 });
});

test('REJECT --reject-with tcp-reset is reported by name', async () => {
  const r = await classifyOne(filter('-A INPUT -p tcp -j REJECT --reject-with tcp-reset'));
  assert.is(r.rejectWith, 'tcp-reset');
});

test('-I puts a rule before earlier -A rules', async () => {
  const script = [
    'iptables -P INPUT DROP',
    'iptables -A INPUT -s 192.0.2.1 -j DROP',
    'iptables -I INPUT -s 192.0.2.1 -j ACCEPT',
  ].join('\n');
  const r = await classifyOne(rules(script));
  assert.is(r.verdict, 'ACCEPT');
  assert.is(r.decidedBy, 'filter:INPUT:1');
});

test('counters add up: policy plus terminal rule hits equal the packets that reached the hook', async () => {
  const text = filter([
    ':TCP - [0:0]',
    '-A INPUT -s 192.0.2.0/24 -j TCP',
    '-A INPUT -s 198.51.100.0/24 -j DROP',
    '-A INPUT -j LOG',
    '-A TCP -s 192.0.2.1/32 -j ACCEPT',
    '-A TCP -s 192.0.2.2/32 -j REJECT',
  ].join('\n'), 'DROP');
  const engine = await engineFor(text);
  const sources = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '198.51.100.7', '203.0.113.1', '192.0.2.1', '203.0.113.2'];
  const results = classify(engine, sources.map((src) => packet({ src })));
  const terminal = ['filter:INPUT:2', 'filter:TCP:1', 'filter:TCP:2', 'filter:INPUT:policy'];
  const total = terminal.reduce((sum, w) => sum + counters(engine, w).packets, 0);
  assert.is(total, sources.length);
  assert.is(counters(engine, 'filter:INPUT:1').packets, 4);
  assert.is(counters(engine, 'filter:INPUT:3').packets, 3, 'LOG counts everything that got past rule 2');
  assert.equal(results.map((r) => r.verdict), ['ACCEPT', 'REJECT', 'DROP', 'DROP', 'DROP', 'ACCEPT', 'DROP']);
});

test.run();
