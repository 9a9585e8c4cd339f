// TCP timeouts by packet timestamps (NETFILTER.md §4.4 "Timeouts", defaults of §0): an entry is
// gone once its timer ran out, which the next packet shows (a reply is then judged alone, a client
// ACK picks the connection up as NEW with a new id). Each test pairs the expiry with a packet just
// before it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACK, Clock, PSH, routerEngine, RST, seen, SYN, TcpFlow } from './ct-tcp-support.js';

async function flowAt(port: number, sysctl: Record<string, number> = {}): Promise<TcpFlow> {
  return new TcpFlow(await routerEngine(sysctl), new Clock(), port);
}

/** `seconds` of silence, then the client's ACK: still the same conntrack? */
function sameAfter(flow: TcpFlow, seconds: number, id: number | undefined): boolean {
  flow.clock.wait(seconds);
  const r = flow.send('client', ACK, { keepSeq: true });
  return r.ctId === id;
}

test('SYN_SENT lives 120 s: a SYN/ACK after that is judged alone, INVALID', async () => {
  const late = await flowAt(43000);
  late.send('client', SYN);
  late.clock.wait(121);
  const r = late.send('server', SYN | ACK);
  assert.is(r.ctstate, 'INVALID');
  assert.match(r.ctReason ?? '', /invalid new/);

  const inTime = await flowAt(43001);
  inTime.send('client', SYN);
  inTime.clock.wait(119);
  assert.is(seen(inTime.send('server', SYN | ACK)), 'ESTABLISHED SYN_RECV');
});

test('a retransmitted SYN does not renew the SYN_SENT timer', async () => {
  const flow = await flowAt(43002);
  flow.send('client', SYN);
  flow.clock.wait(100);
  assert.is(seen(flow.send('client', SYN, { seq: 1000, keepSeq: true })), 'NEW SYN_SENT');
  flow.clock.wait(21); // 121 s after the first SYN, 21 s after the retransmission
  assert.is(flow.send('server', SYN | ACK).ctstate, 'INVALID');
});

test('ESTABLISHED lives 432000 s (5 days) after the last packet', async () => {
  const flow = await flowAt(43003);
  const id = flow.handshake()[2].ctId;
  assert.ok(sameAfter(flow, 431_999, id));
  assert.not.ok(sameAfter(flow, 432_001, id));
});

test('a picked-up connection without reply is capped at 300 s', async () => {
  const flow = await flowAt(43004);
  const pickup = flow.send('client', ACK);
  assert.is(seen(pickup), 'NEW ESTABLISHED');
  assert.ok(sameAfter(flow, 299, pickup.ctId));
  assert.not.ok(sameAfter(flow, 301, pickup.ctId));
});

test('the pickup cap holds even when the picked-up ACK\'s window was recorded', async () => {
  // A pickup knows nothing of the peer: its td_end is 0, so only an ack number just below 2^32
  // passes check II and gets its (non-zero) window recorded. The 300 s is then the pickup cap,
  // not the zero-window cap.
  const flow = await flowAt(43013);
  const pickup = flow.send('client', ACK, { ack: 0xffffff00 });
  assert.is(seen(pickup), 'NEW ESTABLISHED');
  flow.clock.wait(301);
  assert.is.not(flow.send('client', ACK, { ack: 0xffffff00, keepSeq: true }).ctId, pickup.ctId);
});

test('a RST sets the CLOSE timeout, 10 s', async () => {
  const flow = await flowAt(43005);
  const id = flow.handshake()[2].ctId;
  assert.is(seen(flow.send('client', RST)), 'ESTABLISHED CLOSE');
  assert.ok(sameAfter(flow, 9, id));
  assert.not.ok(sameAfter(flow, 11, id));
});

test('unacknowledged data caps ESTABLISHED at 300 s; once acknowledged the 5 days return', async () => {
  const unacked = await flowAt(43006);
  const id = unacked.handshake()[2].ctId;
  unacked.send('client', PSH | ACK, { data: 100 });
  assert.not.ok(sameAfter(unacked, 301, id));

  const acked = await flowAt(43007);
  const id2 = acked.handshake()[2].ctId;
  acked.send('client', PSH | ACK, { data: 100 });
  acked.send('server', ACK);
  assert.ok(sameAfter(acked, 301, id2));
});

test('three retransmissions of the same ACK cap the timer at 300 s (tcp_max_retrans 3)', async () => {
  const flow = await flowAt(43008);
  const id = flow.handshake()[2].ctId; // the client's ACK seq 1001 ack 5001
  for (let i = 0; i < 3; i++) assert.is(seen(flow.send('client', ACK, { keepSeq: true })), 'ESTABLISHED ESTABLISHED');
  flow.clock.wait(301);
  assert.is.not(flow.send('server', ACK).ctId, id);

  const two = await flowAt(43009);
  const id2 = two.handshake()[2].ctId;
  for (let i = 0; i < 2; i++) two.send('client', ACK, { keepSeq: true });
  two.clock.wait(301);
  assert.is(two.send('server', ACK).ctId, id2);
});

test('nf_conntrack_tcp_max_retrans=1: one retransmission is enough', async () => {
  const flow = await flowAt(43010, { nf_conntrack_tcp_max_retrans: 1 });
  const id = flow.handshake()[2].ctId;
  flow.send('client', ACK, { keepSeq: true });
  flow.clock.wait(301);
  assert.is.not(flow.send('server', ACK).ctId, id);
});

test('a zero window caps ESTABLISHED at 300 s', async () => {
  const flow = await flowAt(43011);
  const id = flow.handshake()[2].ctId;
  flow.send('server', ACK, { window: 0 });
  assert.not.ok(sameAfter(flow, 301, id));
});

test('timeouts come from the host model\'s sysctls', async () => {
  const flow = await flowAt(43012, { nf_conntrack_tcp_timeout_syn_sent: 5 });
  flow.send('client', SYN);
  flow.clock.wait(6);
  assert.is(flow.send('server', SYN | ACK).ctstate, 'INVALID');
});

test.run();
