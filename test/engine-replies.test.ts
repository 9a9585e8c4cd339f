// REJECT answers leave through OUTPUT and POSTROUTING as locally generated packets (NETFILTER.md
// §0, §4.5; issue 5): counted there, traced apart from the original, RELATED to its conntrack.
// Expected values follow nf_reject_ipv4.c / icmp.c by hand: RST = 20 + 20 bytes; ICMP error =
// 20 + 8 + the original, at most 576 bytes in all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classify, counters, engineFor, packet, routerHost } from './engine-support.js';

// Forwarded from the outside (eth0) to an inside host: the answer goes back out of eth0.
const forwarded = { src: '192.0.2.1', dst: '10.0.0.5', inIface: 'eth0' };

const ACCEPT_ANSWERS = `
:OUTPUT ACCEPT [0:0]
-A FORWARD -p tcp --dport 23 -j REJECT --reject-with tcp-reset
-A FORWARD -p tcp --dport 3389 -j REJECT --reject-with icmp-admin-prohibited
-A FORWARD -p udp --dport 69 -j REJECT
-A OUTPUT -p tcp -j ACCEPT
-A OUTPUT -p icmp -j ACCEPT`;

test('tcp-reset: the RST is counted in filter OUTPUT with 40 bytes, the original stays REJECT', async () => {
  const engine = await engineFor(ACCEPT_ANSWERS, routerHost());
  const [r] = classify(engine, [packet({ ...forwarded, dport: 23, length: 60 })]);
  assert.is(r.verdict, 'REJECT');
  assert.is(r.rejectWith, 'tcp-reset');
  assert.equal(r.matched, ['filter:FORWARD:1']);
  assert.ok(r.reply);
  assert.is(r.reply!.kind, 'tcp-reset');
  assert.is(r.reply!.length, 40);
  assert.is(r.reply!.verdict, 'ACCEPT');
  assert.is(r.reply!.decidedBy, 'filter:OUTPUT:1');
  assert.is(r.reply!.outIface, 'eth0');
  assert.equal(r.reply!.matched, ['filter:OUTPUT:1']);
  assert.equal(counters(engine, 'filter:OUTPUT:1'), { packets: 1, bytes: 40 });
  assert.equal(counters(engine, 'filter:OUTPUT:2'), { packets: 0, bytes: 0 });
});

test('ICMP errors: type 3 with the --reject-with code, 28 bytes plus the quoted original', async () => {
  const engine = await engineFor(ACCEPT_ANSWERS, routerHost());
  const [admin, port] = classify(engine, [
    packet({ ...forwarded, dport: 3389, length: 40 }),
    packet({ ...forwarded, proto: 17, dport: 69, length: 37, tcpFlags: undefined }),
  ]);
  assert.is(admin.reply?.kind, 'icmp');
  assert.is(admin.reply?.type, 3);
  assert.is(admin.reply?.code, 13);
  assert.is(admin.reply?.length, 68);
  assert.is(port.rejectWith, 'icmp-port-unreachable');
  assert.is(port.reply?.code, 3);
  assert.is(port.reply?.length, 65);
  // The kernel showed [2:133] for these two answers (test/conformance/reject.case.ts).
  assert.equal(counters(engine, 'filter:OUTPUT:2'), { packets: 2, bytes: 133 });
  assert.equal(counters(engine, 'filter:OUTPUT:1'), { packets: 0, bytes: 0 });
});

test('an ICMP error quotes at most 548 bytes of the original (576 in all)', async () => {
  const engine = await engineFor(ACCEPT_ANSWERS, routerHost());
  const [r] = classify(engine, [packet({ ...forwarded, proto: 17, dport: 69, length: 1400, tcpFlags: undefined })]);
  assert.is(r.reply?.length, 576);
  assert.equal(counters(engine, 'filter:OUTPUT:2'), { packets: 1, bytes: 576 });
});

test('a DROP policy in OUTPUT drops the answer; the original is still REJECT', async () => {
  const engine = await engineFor(`
:OUTPUT DROP [0:0]
-A INPUT -p tcp --dport 22 -j REJECT --reject-with tcp-reset`, routerHost());
  const [r] = classify(engine, [packet({ dst: '198.51.100.1', dport: 22 })]);
  assert.is(r.verdict, 'REJECT');
  assert.is(r.decidedBy, 'filter:INPUT:1');
  assert.is(r.reply?.verdict, 'DROP');
  assert.is(r.reply?.decidedBy, 'filter:OUTPUT:policy');
  assert.is(r.reply?.hook, 'OUTPUT');
  assert.equal(counters(engine, 'filter:OUTPUT:policy'), { packets: 1, bytes: 40 });
});

test('no answer to a RST, to an ICMP error, to a later fragment, to a broadcast', async () => {
  const engine = await engineFor(`
-A INPUT -p tcp -j REJECT --reject-with tcp-reset
-A INPUT -j REJECT
-A OUTPUT -j ACCEPT`, routerHost());
  const results = classify(engine, [
    packet({ tcpFlags: 4 }),
    packet({ proto: 1, icmpType: 3, icmpCode: 1, tcpFlags: undefined, sport: undefined, dport: undefined }),
    packet({ proto: 17, dport: 53, tcpFlags: undefined, fragOffset: 10 }),
    packet({ proto: 17, dst: '255.255.255.255', dport: 67, tcpFlags: undefined }),
  ]);
  for (const r of results) {
    assert.is(r.verdict, 'REJECT');
    assert.is(r.reply, undefined);
    assert.ok(r.noReply, 'says why no answer was sent');
  }
  assert.match(results[0].noReply!, /RST/);
  assert.match(results[1].noReply!, /ICMP error/);
  assert.equal(counters(engine, 'filter:OUTPUT:1'), { packets: 0, bytes: 0 });
});

test('an ICMP echo request is answered (it is not an error)', async () => {
  const engine = await engineFor('-A INPUT -p icmp -j REJECT\n-A OUTPUT -p icmp -j ACCEPT', routerHost());
  const [r] = classify(engine, [packet({ proto: 1, icmpType: 8, icmpCode: 0, icmpId: 7, length: 84, tcpFlags: undefined, sport: undefined, dport: undefined })]);
  assert.is(r.reply?.kind, 'icmp');
  assert.is(r.reply?.length, 28 + 84);
  assert.equal(counters(engine, 'filter:OUTPUT:1'), { packets: 1, bytes: 112 });
});

test('TRACE and matched of the answer are its own', async () => {
  const engine = await engineFor(`*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A OUTPUT -p tcp -j TRACE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:ANSWERS - [0:0]
-A FORWARD -p tcp --dport 23 -j REJECT --reject-with tcp-reset
-A OUTPUT -j ANSWERS
-A ANSWERS -p tcp --tcp-flags RST RST -j ACCEPT
COMMIT
`, routerHost());
  const [r] = classify(engine, [packet({ ...forwarded, dport: 23 })]);
  assert.equal(r.trace, ['raw:PREROUTING:policy:1', 'filter:FORWARD:rule:1']);
  assert.is(r.flags.traced, false);
  assert.equal(r.reply?.matched, ['raw:OUTPUT:1', 'filter:OUTPUT:1', 'filter:ANSWERS:1']);
  assert.equal(r.reply?.trace, ['raw:OUTPUT:rule:1', 'raw:OUTPUT:policy:2', 'filter:OUTPUT:rule:1', 'filter:ANSWERS:rule:1']);
  assert.is(r.reply?.traced, true);
  assert.is(r.reply?.decidedBy, 'filter:ANSWERS:1');
});

test('RST sequence numbers follow RFC 793 as nf_reject_ip_tcphdr_put does', async () => {
  const engine = await engineFor(`
-A INPUT -p tcp -j REJECT --reject-with tcp-reset
-A OUTPUT -j LOG --log-prefix "ans " --log-tcp-sequence`, routerHost());
  const [syn, data] = classify(engine, [
    packet({ tcpFlags: 2, seq: 1000, ack: 0, length: 40 }),
    packet({ tcpFlags: 16 | 8, seq: 7000, ack: 5000, length: 140 }),
  ]);
  // No ACK in the original: seq 0, ACK = seq + 1 (the SYN), flags ACK RST.
  assert.match(syn.reply!.logs[0], /SEQ=0 ACK=1001 /);
  assert.match(syn.reply!.logs[0], /ACK RST /);
  assert.match(syn.reply!.logs[0], /SPT=22 DPT=40000 /);
  assert.match(syn.reply!.logs[0], /SRC=198\.51\.100\.1 DST=192\.0\.2\.1 LEN=40 /);
  // An ACK in the original: the reset takes its ack as seq and carries no ACK.
  assert.match(data.reply!.logs[0], /SEQ=5000 ACK=0 /);
  assert.not.match(data.reply!.logs[0], /ACK RST/);
  assert.equal(syn.logs, []);
});

test('with conntrack: the answer is RELATED to the rejected connection and leaves no entry', async () => {
  const engine = await engineFor(`
-A FORWARD -p udp -j REJECT
-A OUTPUT -m state --state RELATED -j ACCEPT
-A OUTPUT -m state --state INVALID -j ACCEPT`, routerHost(), { conntrack: true });
  const [r] = classify(engine, [packet({ ...forwarded, proto: 17, dport: 69, length: 37, tcpFlags: undefined })]);
  assert.is(r.ctstate, 'NEW');
  assert.is(r.reply?.ctstate, 'RELATED');
  assert.equal(counters(engine, 'filter:OUTPUT:1'), { packets: 1, bytes: 65 });
  assert.equal(counters(engine, 'filter:OUTPUT:2'), { packets: 0, bytes: 0 });
  assert.is(engine.conntrackEntries().length, 0);
});

test('with conntrack: the answer to an INVALID packet meets conntrack alone (a RST with no connection is INVALID)', async () => {
  const engine = await engineFor(`
-A INPUT -p tcp -m state --state INVALID -j REJECT --reject-with tcp-reset
-A OUTPUT -m state --state INVALID -j ACCEPT`, routerHost(), { conntrack: true });
  // A SYN/ACK with no connection is INVALID (NETFILTER.md §4.4).
  const [r] = classify(engine, [packet({ tcpFlags: 2 | 16, seq: 1, ack: 1, length: 40 })]);
  assert.is(r.ctstate, 'INVALID');
  assert.is(r.reply?.ctstate, 'INVALID');
  assert.equal(counters(engine, 'filter:OUTPUT:1'), { packets: 1, bytes: 40 });
  assert.is(r.ctId, undefined);
});

test('without conntrack the answer to a packet claiming a connection is RELATED', async () => {
  const engine = await engineFor(`
-A INPUT -j REJECT
-A OUTPUT -m state --state RELATED -j ACCEPT`, routerHost());
  const [r] = classify(engine, [packet({ proto: 17, dport: 53, tcpFlags: undefined, ctstate: 8 })]);
  assert.is(r.reply?.ctstate, 'RELATED');
  assert.is(r.reply?.decidedBy, 'filter:OUTPUT:1');
});

test.run();
