// The conntrack core through the whole pipeline (NETFILTER.md §0, §4.1, §4.3): when conntrack
// runs at all, NOTRACK, the table-full drop, what rules see of the conntrack (ctstatus, ctdir,
// tuples, ctexpire, connmark), zones, helper assignment, nat seeing first packets only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { engineFor, filter, HOST_ADDR, run, udpIn, udpOut } from './ct-core-support.js';

const PEER = '192.0.2.10';
const raw = (rules: string[]) => ['*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ...rules, 'COMMIT'].join('\n');
const mangle = (rules: string[]) => [
  '*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]',
  ':POSTROUTING ACCEPT [0:0]', ...rules, 'COMMIT',
].join('\n');

test('§0: a stateless ruleset never turns conntrack on: the record\'s ctstate stands, the table stays empty', async () => {
  const engine = await engineFor(filter(['-A INPUT -p udp -j ACCEPT']));
  assert.is(engine.conntrackEnabled, false);
  const [p] = run(engine, [udpIn(0, PEER, 1, HOST_ADDR, 2, { ctstate: 'ESTABLISHED' })]);
  assert.is(p.ctstate, 'ESTABLISHED');
  assert.is(p.ctId, undefined);
  assert.is(p.ctNote, undefined);
  assert.equal(engine.conntrackEntries(), []);
  assert.equal(engine.conntrackModes(), []);
});

test('with conntrack on, a record\'s own ctstate is ignored, and that is said once', async () => {
  const engine = await engineFor(filter(['-A INPUT -m state --state ESTABLISHED -j ACCEPT']));
  assert.ok(engine.conntrackEnabled);
  const [first, second] = run(engine, [
    udpIn(0, PEER, 1, HOST_ADDR, 2, { ctstate: 'ESTABLISHED' }),
    udpIn(1, PEER, 3, HOST_ADDR, 2, { ctstate: 'ESTABLISHED' }),
  ]);
  assert.is(first.ctstate, 'NEW');
  assert.is(second.verdict, 'DROP');
  assert.is(engine.notices.length, 1);
  assert.match(engine.notices[0], /ctstate given in packet records is ignored/);
});

test('EngineOptions.conntrack=false keeps the records\' ctstate even for a stateful ruleset', async () => {
  const engine = await engineFor(filter(['-A INPUT -m state --state ESTABLISHED -j ACCEPT']), {}, { conntrack: false });
  const [p] = run(engine, [udpIn(0, PEER, 1, HOST_ADDR, 2, { ctstate: 'ESTABLISHED' })]);
  assert.is(p.verdict, 'ACCEPT');
  assert.is(p.ctId, undefined);
  assert.is(engine.conntrackEnabled, false);
});

test('raw NOTRACK and CT --notrack: UNTRACKED, no conntrack entry; state/conntrack match it', async () => {
  const rules = raw(['-A PREROUTING -p udp --dport 53 -j NOTRACK', '-A PREROUTING -p udp --dport 54 -j CT --notrack'])
    + '\n' + filter(['-A INPUT -m state --state UNTRACKED -j ACCEPT']);
  const engine = await engineFor(rules);
  const [a, b, tracked] = run(engine, [
    udpIn(0, PEER, 1000, HOST_ADDR, 53),
    udpIn(0, PEER, 1000, HOST_ADDR, 54),
    udpIn(0, PEER, 1000, HOST_ADDR, 55),
  ]);
  assert.is(a.ctstate, 'UNTRACKED');
  assert.is(a.verdict, 'ACCEPT');
  assert.is(a.ctId, undefined);
  assert.is(b.ctstate, 'UNTRACKED');
  assert.is(tracked.ctstate, 'NEW');
  assert.is(engine.conntrackEntries().length, 0, 'the tracked one was dropped: no entry either');
});

test('in raw no conntrack is attached yet: the state match sees INVALID there', async () => {
  const rules = raw(['-A PREROUTING -m state --state INVALID -j MARK --set-mark 1']) + '\n' + filter(['-A INPUT -j ACCEPT']);
  const engine = await engineFor(rules);
  const [p] = run(engine, [udpIn(0, PEER, 1, HOST_ADDR, 2)]);
  assert.is(p.mark, 1);
  assert.is(p.ctstate, 'NEW');
});

test('table full: the NEW packet is dropped and reported; expired entries are collected first', async () => {
  const rules = filter(['-A INPUT -m state --state ESTABLISHED -j ACCEPT', '-A INPUT -p udp -j ACCEPT'], { INPUT: 'DROP', FORWARD: 'DROP', OUTPUT: 'ACCEPT' });
  const engine = await engineFor(rules, { nf_conntrack_max: 2 });
  // two assured UDP streams fill the table (early drop never evicts assured entries)
  for (const port of [1001, 1002]) {
    run(engine, [
      udpIn(0, PEER, port, HOST_ADDR, 53),
      udpOut(0.1, HOST_ADDR, 53, PEER, port),
      udpIn(3, PEER, port, HOST_ADDR, 53),
    ]);
  }
  assert.equal(engine.conntrackEntries().map((e) => e.status.includes('ASSURED')), [true, true]);
  const [full, known] = run(engine, [udpIn(4, PEER, 1003, HOST_ADDR, 53), udpIn(4, PEER, 1001, HOST_ADDR, 53)]);
  assert.is(full.verdict, 'DROP');
  assert.is(full.decidedBy, undefined, 'no rule decided: conntrack dropped it');
  assert.equal(full.ctNote, ['table full']);
  assert.is(full.ctReason, 'nf_conntrack: table full, dropping packet');
  assert.equal(full.trace, [], 'dropped at the conntrack stage, before any table after raw');
  assert.is(known.verdict, 'ACCEPT', 'packets of existing connections still pass');
  // 120 s after their last packets both streams have expired: room again
  const [later] = run(engine, [udpIn(3 + 120, PEER, 1003, HOST_ADDR, 53)]);
  assert.is(later.verdict, 'ACCEPT');
  assert.equal(later.ctNote, ['created']);
  assert.is(engine.conntrackEntries().length, 2, 'the stream touched at 4 s lives until 124 s');
});

test('table full with unassured entries: one near the new tuple is evicted (early_drop)', async () => {
  const engine = await engineFor(filter(['-A INPUT -m state --state NEW -j ACCEPT']), { nf_conntrack_max: 2 });
  run(engine, [udpIn(0, PEER, 1, HOST_ADDR, 53), udpIn(0, PEER, 2, HOST_ADDR, 53)]);
  const [third] = run(engine, [udpIn(1, PEER, 3, HOST_ADDR, 53)]);
  assert.is(third.verdict, 'ACCEPT');
  assert.equal(third.ctNote, ['created', 'early drop']);
  const ports = engine.conntrackEntries().map((e) => e.original.sport);
  assert.is(ports.length, 2);
  assert.ok(ports.includes(3));
});

test('what -m conntrack sees: --ctdir, --ctstatus, --ctorigsrc, --ctreplsrc, --ctorigdstport, --ctproto, --ctexpire', async () => {
  const rules = mangle([
    '-A PREROUTING -m conntrack --ctdir REPLY -j MARK --or-mark 0x1',
    '-A PREROUTING -m conntrack --ctstatus SEEN_REPLY -j MARK --or-mark 0x2',
    `-A PREROUTING -m conntrack --ctorigsrc ${PEER} -j MARK --or-mark 0x4`,
    `-A PREROUTING -m conntrack --ctreplsrc ${HOST_ADDR} -j MARK --or-mark 0x8`,
    '-A PREROUTING -m conntrack --ctproto udp --ctorigdstport 53 -j MARK --or-mark 0x10',
    '-A PREROUTING -m conntrack --ctexpire 0:0 -j MARK --or-mark 0x20',
    '-A PREROUTING -m conntrack --ctexpire 119:120 -j MARK --or-mark 0x40',
    '-A PREROUTING -m conntrack --ctstatus CONFIRMED -j MARK --or-mark 0x80',
    '-A OUTPUT -m conntrack --ctdir REPLY --ctreplsrcport 53 -j MARK --or-mark 0x100',
  ]);
  const engine = await engineFor(rules);
  const [request, answer, again] = run(engine, [
    udpIn(0, PEER, 4000, HOST_ADDR, 53),
    udpOut(5, HOST_ADDR, 53, PEER, 4000),
    udpIn(10, PEER, 4000, HOST_ADDR, 53),
  ]);
  // a NEW packet's conntrack is unconfirmed: its timer is not running yet, --ctexpire sees 0
  assert.is(request.mark, 0x4 | 0x8 | 0x10 | 0x20);
  assert.is(answer.mark, 0x100);
  // the tracker runs before the rules: replied and 10 s old, this packet already set the 120 s
  // stream timer (whole seconds, rounded down: 120 or just below)
  assert.is(again.mark, 0x2 | 0x4 | 0x8 | 0x10 | 0x40 | 0x80);
  assert.ok(again.ctStatus!.includes('ASSURED'));
});

test('CONNMARK: --save-mark stores in the conntrack, later packets --restore-mark it; INVALID packets carry none', async () => {
  const rules = mangle([
    '-A PREROUTING -j CONNMARK --restore-mark',
    '-A PREROUTING -m mark --mark 0 -p udp --dport 53 -j MARK --set-mark 0x35',
    '-A PREROUTING -j CONNMARK --save-mark',
  ]);
  const engine = await engineFor(rules);
  const [first, answer, second] = run(engine, [
    udpIn(0, PEER, 4000, HOST_ADDR, 53),
    udpOut(0.1, HOST_ADDR, 53, PEER, 4000),
    udpIn(0.2, PEER, 4000, HOST_ADDR, 53, { mark: 0 }),
  ]);
  assert.is(first.mark, 0x35);
  assert.is(first.ctmark, 0x35);
  assert.is(answer.ctmark, 0x35, 'the connection keeps the mark: the answer sees it');
  assert.is(second.mark, 0x35, 'restored from the connection');
  assert.is(engine.conntrackEntries()[0].mark, 0x35);
  const [invalid] = run(engine, [udpIn(1, PEER, 4001, HOST_ADDR, 53, { checksum: 'bad' })]);
  assert.is(invalid.ctstate, 'INVALID');
  assert.is(invalid.ctmark, 0);
});

test('a CONNMARK change on an established connection stays even when the packet is dropped later', async () => {
  const rules = mangle(['-A PREROUTING -m conntrack --ctstate ESTABLISHED -j CONNMARK --set-mark 0x7'])
    + '\n' + filter(['-A INPUT -p udp --dport 53 -m conntrack --ctstate NEW -j ACCEPT']);
  const engine = await engineFor(rules);
  const [, answer, dropped] = run(engine, [
    udpIn(0, PEER, 4000, HOST_ADDR, 53),
    udpOut(0.1, HOST_ADDR, 53, PEER, 4000),
    udpIn(0.2, PEER, 4000, HOST_ADDR, 53),
  ]);
  assert.is(answer.ctmark, 0, 'OUTPUT is not PREROUTING');
  assert.is(dropped.verdict, 'DROP');
  assert.is(engine.conntrackEntries()[0].mark, 0x7);
});

test('CT --zone: the same tuple in two zones is two conntracks', async () => {
  const rules = raw(['-A PREROUTING -i eth1 -j CT --zone 1']) + '\n' + filter(['-A INPUT -m state --state NEW,ESTABLISHED -j ACCEPT']);
  const engine = await engineFor(rules);
  const [outside, inside, again] = run(engine, [
    udpIn(0, PEER, 4000, HOST_ADDR, 53),
    { ...udpIn(0.1, PEER, 4000, HOST_ADDR, 53), in: 'eth1' },
    { ...udpIn(0.2, PEER, 4000, HOST_ADDR, 53), in: 'eth1' },
  ]);
  assert.is(outside.ctstate, 'NEW');
  assert.is(inside.ctstate, 'NEW');
  assert.is.not(inside.ctId, outside.ctId);
  assert.is(again.ctId, inside.ctId);
  assert.equal(engine.conntrackEntries().map((e) => e.zone), [undefined, 1]);
});

test('helper assignment: CT --helper only by default; the legacy switch gives ftp to port 21', async () => {
  const rules = filter(['-A INPUT -m state --state NEW -j ACCEPT']);
  const syn = { ts: 0, in: 'eth0', src: PEER, dst: HOST_ADDR, proto: 'tcp', sport: 40000, dport: 21, flags: 'SYN', seq: 1000 };
  const modern = await engineFor(rules);
  run(modern, [syn]);
  assert.is(modern.conntrackEntries()[0].helper, undefined);
  assert.ok(modern.conntrackModes().some((m) => /CT --helper only/.test(m)));

  const legacy = await engineFor(rules, {}, {}, { helper_autoassign: true });
  run(legacy, [syn, { ...syn, dport: 2121, sport: 40001 }]);
  assert.equal(legacy.conntrackEntries().map((e) => e.helper), ['ftp', undefined]);
  assert.ok(legacy.conntrackModes().some((m) => /legacy automatic/.test(m)));

  const explicit = await engineFor(raw(['-A PREROUTING -p tcp --dport 2121 -j CT --helper ftp']) + '\n' + rules);
  run(explicit, [{ ...syn, dport: 2121 }]);
  assert.is(explicit.conntrackEntries()[0].helper, 'ftp', 'the port does not matter when assigned explicitly (§4.7)');
});

test('§0: -m helper matches connections whose master has the helper, never the control connection itself', async () => {
  const rules = raw(['-A PREROUTING -p tcp --dport 21 -j CT --helper ftp'])
    + '\n' + filter(['-A INPUT -m helper --helper ftp -j DROP', '-A INPUT -j ACCEPT', '-A INPUT -m state --state NEW -j ACCEPT']);
  const engine = await engineFor(rules);
  const [control] = run(engine, [{ ts: 0, in: 'eth0', src: PEER, dst: HOST_ADDR, proto: 'tcp', sport: 40000, dport: 21, flags: 'SYN', seq: 1 }]);
  assert.is(control.verdict, 'ACCEPT');
  assert.is(control.decidedBy, 'filter:INPUT:2');
});

test('§4.1: the nat table sees the first packet of a connection only', async () => {
  const rules = ['*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]',
    '-A PREROUTING -p udp -j DNAT --to-destination 198.51.100.1', 'COMMIT'].join('\n')
    + '\n' + filter(['-A INPUT -j ACCEPT']);
  const engine = await engineFor(rules);
  const results = run(engine, [
    udpIn(0, PEER, 4000, HOST_ADDR, 53),
    udpIn(1, PEER, 4000, HOST_ADDR, 53),
    udpIn(2, PEER, 4000, HOST_ADDR, 53),
    udpIn(3, PEER, 4001, HOST_ADDR, 53),
  ]);
  assert.equal(results.map((r) => r.matched.includes('nat:PREROUTING:1')), [true, false, false, true]);
  assert.equal(results.map((r) => r.ctstate), ['NEW', 'NEW', 'NEW', 'NEW'], 'no reply yet: still NEW, yet nat is done');
});

test('a packet generated here for this host: one conntrack, made at OUTPUT, still attached on the lo pass', async () => {
  const rules = filter(['-A INPUT -m state --state NEW -j ACCEPT'], { INPUT: 'DROP', FORWARD: 'DROP', OUTPUT: 'ACCEPT' });
  const engine = await engineFor(rules);
  const [p] = run(engine, [udpOut(0, HOST_ADDR, 4000, HOST_ADDR, 53)]);
  assert.is(p.verdict, 'ACCEPT');
  assert.is(p.ctstate, 'NEW');
  assert.is(engine.conntrackEntries().length, 1);
});

test('conntrack sees reassembled datagrams: a lone later fragment is held by defrag, never tracked', async () => {
  const rules = filter(['-A INPUT -m state --state INVALID -j DROP', '-A INPUT -j ACCEPT']);
  const lone = { ts: 0, in: 'eth0', src: PEER, dst: HOST_ADDR, proto: 'udp', frag_offset: 185, len: 60 }; // 40 data bytes
  const [held] = run(await engineFor(rules), [lone]);
  assert.is(held.verdict, 'DEFRAG');
  assert.is(held.ctId, undefined);
  // without defrag in front (engine option), the fragment reaches conntrack and is INVALID
  const [frag] = run(await engineFor(rules, {}, { defrag: false }), [lone]);
  assert.is(frag.ctstate, 'INVALID');
  assert.match(frag.ctReason!, /fragment/);
});

test('state carries over between classify calls, and timers follow packet time only', async () => {
  const engine = await engineFor(filter(['-A INPUT -m state --state ESTABLISHED -j ACCEPT', '-A INPUT -p udp -j ACCEPT']));
  const [first] = run(engine, [udpIn(1000, PEER, 4000, HOST_ADDR, 53)]);
  const [second] = run(engine, [udpIn(1020, PEER, 4000, HOST_ADDR, 53)]);
  assert.is(second.ctId, first.ctId);
  assert.is(engine.conntrackEntries()[0].timeout, 30);
  const [third] = run(engine, [udpIn(1051, PEER, 4001, HOST_ADDR, 53)]);
  assert.is(third.ctstate, 'NEW');
  assert.equal(engine.conntrackEntries().map((e) => e.original.sport), [4001], 'the first flow expired at 1050');
});

test.run();
