// IPv4 reassembly before conntrack with fragments described as JSON lines (NETFILTER.md §4.1,
// docs/fragments.md): queued fragments are stolen before raw (verdict DEFRAG, no counters), the
// completing fragment carries the datagram (whole length, first fragment's L4 header), and the
// kernel's drops (duplicate, overlap, inconsistent length, timeout, eviction) are reported.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { engineFor, policyCounters, ruleCounters, run, STATEFUL_RULES, STATELESS_RULES } from './defrag-support.js';

const FROM = { in: 'eth0', src: '192.0.2.1', dst: '198.51.100.1' };
// A 2000-byte UDP datagram to port 53: 1480 bytes of data in the first fragment, 500 in the second.
const udpFirst = (id: number, ts = 1) => ({ ...FROM, ts, proto: 'udp', sport: 1000, dport: 53, id, mf: true, len: 1500 });
const udpSecond = (id: number, ts = 1.1) => ({ ...FROM, ts, proto: 'udp', id, frag_offset: 185, len: 520 });

test('the first fragment is held, the second completes the datagram and carries its verdict', async () => {
  const engine = await engineFor(STATEFUL_RULES);
  const { records } = run(engine, [udpFirst(7), udpSecond(7)]);
  assert.is(records[0].verdict, 'DEFRAG');
  assert.equal(records[0].defrag, { state: 'held', queue: 1 });
  assert.equal(records[0].matched, []);
  assert.is(records[0].ctstate, undefined);
  assert.is(records[1].verdict, 'ACCEPT');
  assert.is(records[1].decided_by, 'filter:INPUT:2');
  assert.is(records[1].ctstate, 'NEW');
  assert.equal(records[1].defrag, { state: 'reassembled', queue: 1, fragments: 2 });
  // one packet of 20 + 1480 + 500 bytes: the rule counts the datagram once, never the fragments
  assert.equal(ruleCounters(engine, 'INPUT', 1), { packets: 1n, bytes: 2000n });
  assert.equal(policyCounters(engine, 'INPUT'), { packets: 0n, bytes: 0n });
  assert.is(engine.conntrackEntries().length, 1);
});

test('fragments in reverse order reassemble when the first one arrives', async () => {
  const engine = await engineFor(STATEFUL_RULES);
  const { records } = run(engine, [udpSecond(9, 1), udpFirst(9, 1.1)]);
  assert.is(records[0].verdict, 'DEFRAG');
  assert.is(records[1].verdict, 'ACCEPT');
  assert.is(records[1].defrag?.state, 'reassembled');
  assert.equal(ruleCounters(engine, 'INPUT', 1), { packets: 1n, bytes: 2000n });
});

test('without conntrack there is no reassembly: each fragment traverses the rules alone', async () => {
  const engine = await engineFor(STATELESS_RULES);
  const { records } = run(engine, [udpFirst(7), udpSecond(7)]);
  assert.is(records[0].verdict, 'ACCEPT');
  assert.is(records[0].decided_by, 'filter:INPUT:1');
  // the later fragment has no ports: --dport cannot match it, -f does (§4.2)
  assert.is(records[1].verdict, 'ACCEPT');
  assert.is(records[1].decided_by, 'filter:INPUT:2');
  assert.is(records[1].defrag, undefined);
  assert.equal(ruleCounters(engine, 'INPUT', 0), { packets: 1n, bytes: 1500n });
  assert.equal(ruleCounters(engine, 'INPUT', 1), { packets: 1n, bytes: 520n });
});

test('defrag: false turns reassembly off: a later fragment then reaches conntrack alone (INVALID)', async () => {
  const engine = await engineFor(STATEFUL_RULES, { defrag: false });
  const { records } = run(engine, [udpSecond(7)]);
  assert.is(records[0].ctstate, 'INVALID');
  assert.match(records[0].ct_reason!, /fragment/);
  assert.is(records[0].defrag, undefined);
});

test('the datagram takes the L4 header of its first fragment: TCP flags and ports decide', async () => {
  const engine = await engineFor(STATEFUL_RULES);
  const { records } = run(engine, [
    { ...FROM, ts: 1, proto: 'tcp', id: 3, frag_offset: 10, len: 100 },
    { ...FROM, ts: 1, proto: 'tcp', sport: 40000, dport: 80, flags: 'SYN', id: 3, mf: true, len: 100 },
  ]);
  assert.is(records[1].verdict, 'ACCEPT');
  assert.is(records[1].decided_by, 'filter:INPUT:3');
  assert.is(records[1].tcp_state, 'SYN_SENT');
  // 20 + 80 (first fragment's data, a multiple of 8) + 80
  assert.equal(ruleCounters(engine, 'INPUT', 2), { packets: 1n, bytes: 180n });
});

test('a duplicate fragment is dropped and the queue kept', async () => {
  const engine = await engineFor(STATEFUL_RULES);
  const { records } = run(engine, [udpFirst(5), udpFirst(5, 1.05), udpSecond(5)]);
  assert.is(records[1].verdict, 'DROP');
  assert.is(records[1].defrag?.state, 'dropped');
  assert.match(records[1].defrag!.reason!, /duplicate/);
  assert.is(records[1].ctstate, undefined);
  assert.is(records[2].verdict, 'ACCEPT');
  assert.equal(records[2].defrag, { state: 'reassembled', queue: 1, fragments: 2 });
});

test('an overlapping fragment discards the whole datagram', async () => {
  const engine = await engineFor(STATEFUL_RULES);
  const { records } = run(engine, [
    udpFirst(6),
    { ...FROM, ts: 1.05, proto: 'udp', id: 6, frag_offset: 100, mf: true, len: 520 }, // bytes 800..1296
    { ...FROM, ts: 1.06, proto: 'udp', id: 6, frag_offset: 150, mf: true, len: 820 }, // bytes 1200..2000
    udpSecond(6),
  ]);
  // 800..1296 lies wholly inside the first fragment's 0..1480: a duplicate; 1200..2000 sticks out
  assert.match(records[1].defrag!.reason!, /duplicate/);
  assert.is(records[2].verdict, 'DROP');
  assert.match(records[2].defrag!.reason!, /overlapping/);
  assert.is(records[2].defrag!.fragments, 1);
  // the queue is gone: the last fragment starts a new one and waits
  assert.is(records[3].verdict, 'DEFRAG');
  assert.is(records[3].defrag!.queue, 2);
  assert.equal(policyCounters(engine, 'INPUT').packets, 0n);
});

test('a last fragment that disagrees with the known end discards the datagram', async () => {
  const engine = await engineFor(STATEFUL_RULES);
  const { records } = run(engine, [
    udpSecond(11),
    { ...FROM, ts: 1.2, proto: 'udp', id: 11, frag_offset: 200, len: 100 },
  ]);
  assert.is(records[1].verdict, 'DROP');
  assert.match(records[1].defrag!.reason!, /disagrees/);
});

test('data beyond the end set by the last fragment discards the datagram', async () => {
  const engine = await engineFor(STATEFUL_RULES);
  const { records } = run(engine, [
    udpSecond(12),
    { ...FROM, ts: 1.2, proto: 'udp', id: 12, frag_offset: 300, mf: true, len: 100 },
  ]);
  assert.is(records[1].verdict, 'DROP');
  assert.match(records[1].defrag!.reason!, /beyond/);
});

test('queues time out ipfrag_time after their first fragment, measured in packet time', async () => {
  const engine = await engineFor(STATEFUL_RULES, { defrag: { timeoutSeconds: 30 } });
  const { records } = run(engine, [udpFirst(4, 100), udpSecond(4, 130.5)]);
  assert.is(records[1].verdict, 'DEFRAG');
  assert.equal(records[1].defrag, { state: 'held', queue: 2, expired: { queues: 1, fragments: 1 } });
  const quick = await engineFor(STATEFUL_RULES, { defrag: { timeoutSeconds: 30 } });
  assert.is(run(quick, [udpFirst(4, 100), udpSecond(4, 129.5)]).records[1].verdict, 'ACCEPT');
});

test('a full queue table evicts its oldest queue', async () => {
  const engine = await engineFor(STATEFUL_RULES, { defrag: { maxQueues: 2 } });
  const { records } = run(engine, [udpFirst(1), udpFirst(2), udpFirst(3), udpSecond(1), udpSecond(2)]);
  assert.equal(records[2].defrag, { state: 'held', queue: 3, evicted: { queues: 1, fragments: 1 } });
  // datagram 1 lost its first fragment: its second waits in a fresh queue (evicting datagram 2's)
  assert.is(records[3].verdict, 'DEFRAG');
  assert.equal(records[3].defrag!.evicted, { queues: 1, fragments: 1 });
  assert.is(records[4].verdict, 'DEFRAG');
});

test('a full fragment store evicts the oldest queues to make room', async () => {
  // 65600 bytes is the smallest store; fragments with payload take their bytes in it
  const engine = await engineFor(STATEFUL_RULES, { defrag: { maxBytes: 1 } });
  const bytes = Buffer.alloc(1472, 0x61).toString('base64');
  const firsts = Array.from({ length: 50 }, (_, i) => ({ ...udpFirst(100 + i, 1 + i / 1000), payload: bytes, len: undefined }));
  const { records } = run(engine, firsts);
  const evicted = records.reduce((n, r) => n + (r.defrag?.evicted?.queues ?? 0), 0);
  assert.ok(evicted > 0, 'some queues were evicted');
  assert.ok(evicted < 50, 'not all of them');
  assert.is(records[0].defrag!.evicted, undefined);
});

test('locally generated fragments are queued apart from arriving ones (defrag user OUTPUT)', async () => {
  const engine = await engineFor(STATEFUL_RULES);
  const out = { local: true, src: '198.51.100.1', dst: '192.0.2.1' };
  const { records } = run(engine, [
    { ...udpFirst(21), ...out, in: undefined },
    { ...FROM, ts: 1.05, proto: 'udp', id: 21, frag_offset: 185, len: 520, src: '198.51.100.1', dst: '192.0.2.1' },
    { ...udpSecond(21), ...out, in: undefined },
  ]);
  assert.is(records[0].verdict, 'DEFRAG');
  assert.is(records[0].hook, 'OUTPUT');
  assert.is(records[1].verdict, 'DEFRAG');
  assert.is(records[2].verdict, 'ACCEPT');
  assert.is(records[2].path, 'OUTPUT');
  assert.is(records[2].defrag!.fragments, 2);
});

test.run();
