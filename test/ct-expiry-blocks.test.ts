// The table-full collection (NETFILTER.md §4.3; assembly/conntrack/timer-blocks.ts): a full table
// whose entries expire at staggered times, some refreshed, freed slots reused across blocks of
// entries; after each wave of new connections the table holds exactly the connections a timer
// model of the same packets says are alive.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { engineFor, filter, HOST_ADDR, run, udpIn, udpOut } from './ct-core-support.js';
import { Clock, routerEngine, RST, SYN, TcpFlow } from './ct-tcp-support.js';

const MAX = 100; // several blocks of 16 entries
const STREAM_PEER = '192.0.2.10';
const NEW_PEER = '192.0.2.20';
const UDP_TIMEOUT = 30; // nf_conntrack_udp_timeout: an unreplied flow
const UDP_STREAM_TIMEOUT = 120; // nf_conntrack_udp_timeout_stream: assured, once past 2 s

type Packet = Record<string, unknown> & { ts: number };

/** Ends of the timers the model expects, keyed "peer:port". */
const expiry = new Map<string, number>();

function streamPackets(port: number, start: number): Packet[] {
  expiry.set(`${STREAM_PEER}:${port}`, start + 3 + UDP_STREAM_TIMEOUT);
  return [
    udpIn(start, STREAM_PEER, port, HOST_ADDR, 53),
    udpOut(start + 0.1, HOST_ADDR, 53, STREAM_PEER, port),
    udpIn(start + 3, STREAM_PEER, port, HOST_ADDR, 53), // later than 2 s after creation: assured
  ];
}

function newFlows(first: number, count: number, at: number): Packet[] {
  return Array.from({ length: count }, (_, i) => {
    expiry.set(`${NEW_PEER}:${first + i}`, at + UDP_TIMEOUT);
    return udpIn(at, NEW_PEER, first + i, HOST_ADDR, 53);
  });
}

function aliveAt(now: number): string[] {
  return [...expiry].filter(([, end]) => end > now).map(([key]) => key).sort();
}

test('a full table collects exactly the expired connections, wave after wave', async () => {
  // The state match turns conntrack on (§0).
  const rules = filter(['-A INPUT -m state --state ESTABLISHED -j ACCEPT', '-A INPUT -p udp -j ACCEPT']);
  const engine = await engineFor(rules, { nf_conntrack_max: MAX });
  const listed = () => engine.conntrackEntries().map((e) => `${e.original.src}:${e.original.sport}`).sort();
  const byTime = (packets: Packet[]) => packets.sort((a, b) => a.ts - b.ts);

  // 100 assured streams fill the table, their timers 0.2 s apart; every fifth refreshed at 50 s.
  const streams = byTime(Array.from({ length: MAX }, (_, k) => streamPackets(1000 + k, k * 0.2)).flat());
  const fill = run(engine, streams);
  assert.ok(fill.every((r) => r.verdict === 'ACCEPT'));
  const refreshed = Array.from({ length: MAX / 5 }, (_, j) => 1000 + 5 * j);
  run(engine, refreshed.map((port) => udpIn(50, STREAM_PEER, port, HOST_ADDR, 53)));
  for (const port of refreshed) expiry.set(`${STREAM_PEER}:${port}`, 50 + UDP_STREAM_TIMEOUT);
  assert.is(listed().length, MAX);

  // Each wave fits in the room the expired connections leave (the model counts it); none of the
  // new flows may be dropped or evict a live connection.
  const waves = [{ at: 130.05, count: 20 }, { at: 150.5, count: 60 }, { at: 175, count: 40 }];
  let port = 5000;
  for (const { at, count } of waves) {
    const room = MAX - aliveAt(at).length;
    assert.ok(count <= room, `the wave at ${at} s fits (${count} <= ${room})`);
    const results = run(engine, newFlows(port, count, at));
    port += count;
    assert.equal(results.map((r) => r.verdict), results.map(() => 'ACCEPT'), `wave at ${at} s accepted`);
    assert.ok(results.every((r) => r.ctNote?.includes('created') && !r.ctNote.includes('early drop')));
    assert.equal(listed(), aliveAt(at), `the table after the wave at ${at} s`);
  }
});

test('a timer shortened after the table was last collected (RST on an assured connection) still expires', async () => {
  const max = 40;
  const engine = await routerEngine({ nf_conntrack_max: max });
  const clock = new Clock();
  const flows = Array.from({ length: max }, (_, i) => new TcpFlow(engine, clock, 2000 + i));
  for (const flow of flows) flow.handshake();
  // Full of assured connections (five-day timers): a new one is dropped, after a collection.
  const refused = new TcpFlow(engine, clock, 3000).send('client', SYN);
  assert.is(refused.verdict, 'DROP');
  assert.equal(refused.ctNote, ['table full']);
  // A RST after the reply closes a third of them: CLOSE, nf_conntrack_tcp_timeout_close 10 s.
  const reset = flows.filter((_, i) => i % 3 === 0);
  for (const flow of reset) flow.send('server', RST);
  clock.wait(11);
  const opened = reset.map((_, i) => new TcpFlow(engine, clock, 4000 + i).send('client', SYN));
  assert.equal(opened.map((r) => r.verdict), opened.map(() => 'ACCEPT'));
  const kept = flows.filter((_, i) => i % 3 !== 0).map((f) => f.clientPort);
  const expected = [...kept, ...reset.map((_, i) => 4000 + i)].sort((a, b) => a - b);
  assert.equal(engine.conntrackEntries().map((e) => e.original.sport).sort((a, b) => a - b), expected);
});

test.run();
