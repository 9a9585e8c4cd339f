// The hook path of a packet (NETFILTER.md §4.1): routing decision, INPUT / FORWARD / OUTPUT,
// local -> local through lo, nat only for the first packet, interfaces per hook.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CTSTATE_ESTABLISHED } from '../assembly/shared/layout.js';
import { hostModelFromObject } from '../src/host/load.js';
import { classify, classifyOne, engineFor, packet, routerHost } from './engine-support.js';

const ALL_TABLES = [
  '*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', 'COMMIT',
  '*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', 'COMMIT',
  '*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', 'COMMIT',
  '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', 'COMMIT',
].join('\n') + '\n';

const policies = (trace: string[]) => trace.map((t) => t.replace(/:policy:\d+$/, ''));

test('a packet for a local address goes PREROUTING -> INPUT through every table in priority order', async () => {
  const r = await classifyOne(ALL_TABLES, { dst: '198.51.100.1' }, routerHost());
  assert.is(r.verdict, 'ACCEPT');
  assert.is(r.path, 'INPUT');
  assert.is(r.hook, 'INPUT');
  assert.equal(policies(r.trace), [
    'raw:PREROUTING', 'mangle:PREROUTING', 'nat:PREROUTING',
    'mangle:INPUT', 'filter:INPUT', 'nat:INPUT',
  ]);
  assert.is(r.decidedBy, 'filter:INPUT:policy');
  assert.is(r.outIface, undefined);
});

test('a packet for another network is forwarded out of the routed interface', async () => {
  const r = await classifyOne(ALL_TABLES, { dst: '10.0.0.5' }, routerHost());
  assert.is(r.path, 'FORWARD');
  assert.is(r.hook, 'POSTROUTING');
  assert.is(r.outIface, 'eth1');
  assert.equal(policies(r.trace), [
    'raw:PREROUTING', 'mangle:PREROUTING', 'nat:PREROUTING',
    'mangle:FORWARD', 'filter:FORWARD', 'mangle:POSTROUTING', 'nat:POSTROUTING',
  ]);
});

test('forwarding off: not forwarded, and FORWARD is never traversed', async () => {
  const r = await classifyOne(ALL_TABLES, { dst: '10.0.0.5' }, routerHost(false));
  assert.is(r.verdict, 'NOT_FORWARDED');
  assert.is(r.path, 'FORWARD');
  assert.is(r.hook, 'PREROUTING');
  assert.not.ok(r.trace.some((t) => t.includes('FORWARD')));
});

test('a blackhole route or no route at all: NOROUTE', async () => {
  const blackhole = await classifyOne(ALL_TABLES, { dst: '203.0.113.9' }, routerHost());
  assert.is(blackhole.verdict, 'NOROUTE');
  const isolated = hostModelFromObject({ interfaces: [{ name: 'eth0', addresses: ['192.0.2.10/24'] }], forwarding: true });
  const unrouted = await classifyOne(ALL_TABLES, { dst: '8.8.8.8', src: '192.0.2.1' }, isolated);
  assert.is(unrouted.verdict, 'NOROUTE');
  const localOut = await classifyOne(ALL_TABLES, { localOut: true, src: '192.0.2.10', dst: '8.8.8.8' }, isolated);
  assert.is(localOut.verdict, 'NOROUTE');
  assert.is(localOut.path, 'OUTPUT');
});

test('forward: -o sees the interface routing chose', async () => {
  const r = await classifyOne('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -i eth0 -o eth1 -j ACCEPT\nCOMMIT\n', { dst: '10.0.0.5' }, routerHost());
  assert.is(r.verdict, 'ACCEPT');
  assert.is(r.decidedBy, 'filter:FORWARD:1');
});

test('locally generated: routing first, then OUTPUT and POSTROUTING', async () => {
  const r = await classifyOne(ALL_TABLES, { localOut: true, src: '198.51.100.1', dst: '192.0.2.77' }, routerHost());
  assert.is(r.path, 'OUTPUT');
  assert.is(r.hook, 'POSTROUTING');
  assert.is(r.outIface, 'eth0');
  assert.equal(policies(r.trace), [
    'raw:OUTPUT', 'mangle:OUTPUT', 'nat:OUTPUT', 'filter:OUTPUT', 'mangle:POSTROUTING', 'nat:POSTROUTING',
  ]);
});

test('local -> local: out through lo and back in on lo; nat only on the way out', async () => {
  const r = await classifyOne(ALL_TABLES, { localOut: true, src: '10.0.0.1', dst: '198.51.100.1' }, routerHost());
  assert.is(r.verdict, 'ACCEPT');
  assert.is(r.path, 'OUTPUT');
  assert.is(r.hook, 'INPUT');
  assert.is(r.outIface, 'lo');
  assert.equal(policies(r.trace), [
    'raw:OUTPUT', 'mangle:OUTPUT', 'nat:OUTPUT', 'filter:OUTPUT', 'mangle:POSTROUTING', 'nat:POSTROUTING',
    'raw:PREROUTING', 'mangle:PREROUTING', 'mangle:INPUT', 'filter:INPUT',
  ]);
});

test('local -> local: INPUT rules see -i lo', async () => {
  const text = '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n';
  const r = await classifyOne(text, { localOut: true, src: '127.0.0.1', dst: '127.0.0.1' }, routerHost());
  assert.is(r.verdict, 'ACCEPT');
  assert.is(r.decidedBy, 'filter:INPUT:1');
});

test('the assumed host takes every arriving packet as its own', async () => {
  const r = await classifyOne(ALL_TABLES, { dst: '10.20.30.40' });
  assert.is(r.path, 'INPUT');
  const out = await classifyOne(ALL_TABLES, { localOut: true, src: '10.0.0.9', dst: '10.20.30.40' });
  assert.is(out.outIface, 'eth0');
});

test('nat sees only NEW packets; NOTRACK makes a packet UNTRACKED and skips nat', async () => {
  const established = await classifyOne(ALL_TABLES, { ctstate: CTSTATE_ESTABLISHED });
  assert.not.ok(established.trace.some((t) => t.startsWith('nat:')));
  assert.is(established.ctstate, 'ESTABLISHED');
  const notrack = ALL_TABLES.replace(':OUTPUT ACCEPT [0:0]\nCOMMIT', ':OUTPUT ACCEPT [0:0]\n-A PREROUTING -j NOTRACK\nCOMMIT');
  const r = await classifyOne(notrack);
  assert.is(r.ctstate, 'UNTRACKED');
  assert.ok(r.trace.includes('raw:PREROUTING:rule:1'));
  assert.not.ok(r.trace.some((t) => t.startsWith('nat:')));
});

test('a NAT target accepts in the nat table and flags the packet', async () => {
  const text = ALL_TABLES.replace('*nat\n:PREROUTING ACCEPT [0:0]', '*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.5');
  const engine = await engineFor(text);
  assert.ok(engine.warnings.some((w) => w.pos?.line !== undefined), 'the NAT target warns with its line');
  const [r] = classify(engine, [packet()]);
  assert.is(r.verdict, 'ACCEPT');
  assert.ok(r.flags.natSkipped);
  assert.ok(r.trace.includes('nat:PREROUTING:rule:1'));
  assert.not.ok(r.trace.includes('nat:PREROUTING:policy:2'));
});

test('interface wildcards and inversions', async () => {
  const text = [
    '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]',
    '-A INPUT -i eth -j LOG', // "eth" compares the NUL too: not eth0
    '-A INPUT -i eth+ -j LOG',
    '-A INPUT ! -i eth0 -j LOG',
    '-A INPUT ! -i ppp+ -j LOG',
    '-A INPUT -i + -j LOG',
    'COMMIT',
  ].join('\n');
  const [eth0, ppp0, ethernet] = classify(await engineFor(text), [
    packet({ inIface: 'eth0' }), packet({ inIface: 'ppp0' }), packet({ inIface: 'eth' }),
  ]);
  assert.equal(eth0.matched, ['filter:INPUT:2', 'filter:INPUT:4', 'filter:INPUT:5']);
  assert.equal(ppp0.matched, ['filter:INPUT:3', 'filter:INPUT:5']);
  assert.equal(ethernet.matched, ['filter:INPUT:1', 'filter:INPUT:2', 'filter:INPUT:3', 'filter:INPUT:4', 'filter:INPUT:5']);
});

test('OUTPUT has no in-device: ! -i matches there, -i never does', async () => {
  const text = [
    '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':CHK - [0:0]',
    '-A OUTPUT -j CHK', '-A CHK -i eth0 -j LOG', '-A CHK ! -i eth0 -j LOG', 'COMMIT',
  ].join('\n');
  const r = await classifyOne(text, { localOut: true, src: '10.0.0.9', dst: '192.0.2.1' });
  assert.equal(r.matched, ['filter:OUTPUT:1', 'filter:CHK:2']);
});

test('packet type is derived from the destination', async () => {
  // 198.51.100.255 is eth0's subnet broadcast on the router: delivered locally
  const r = await classifyOne(ALL_TABLES, { dst: '198.51.100.255', proto: 17, dport: 67 }, routerHost());
  assert.is(r.path, 'INPUT');
});

test.run();
