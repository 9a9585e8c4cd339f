// TCP window tracking (NETFILTER.md §4.4 "Window tracking") and the RST rules, through the whole
// pipeline. Each expectation is worked out in the comment next to it from the four checks:
//   I.   seq <= sender.td_maxend          II.  ack <= receiver.td_end
//   III. end >= sender.td_end - receiver.td_maxwin
//   IV.  ack >= receiver.td_end - max(sender.td_maxwin, 66000)
// td_maxend of a side = the highest ack + (scaled) window its peer sent; td_maxwin = its largest
// (scaled) window; td_end = the highest seq + len it sent. Client ISN 1000, server ISN 5000.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACK, Clock, FIN, PSH, routerEngine, RST, seen, SYN, TcpFlow } from './ct-tcp-support.js';

/** A handshake where the server offers a window of `serverWindow` bytes (client windows 65535). */
async function established(port: number, serverWindow: number, sysctl: Record<string, number> = {}): Promise<TcpFlow> {
  const flow = new TcpFlow(await routerEngine(sysctl), new Clock(), port);
  flow.send('client', SYN);
  flow.send('server', SYN | ACK, { window: serverWindow });
  assert.is(seen(flow.send('client', ACK)), 'ESTABLISHED ESTABLISHED');
  return flow;
}

test('I: a segment starting beyond what the receiver allowed is INVALID; a small overshoot is ignored', async () => {
  // Server window 1000: client td_maxend = 1001 + 1000 = 2001, server td_maxwin = 1000.
  const far = await established(42000, 1000);
  // seq 6001 > 2001 and the overshoot 6011 - 2001 + 1 = 4011 exceeds the receiver's window.
  const r = far.send('client', PSH | ACK, { seq: 6001, data: 10, keepSeq: true });
  assert.is(r.ctstate, 'INVALID');
  assert.is(r.ctReason, 'SEQ is over the upper bound (over the window of the receiver)');

  const near = await established(42001, 1000);
  // In the window: 1001..1501.
  const fine = near.send('client', PSH | ACK, { data: 500 });
  assert.is(seen(fine), 'ESTABLISHED ESTABLISHED');
  assert.is(fine.ctNote, undefined);
  // seq 2501 > 2001, but the overshoot 2511 - 2001 + 1 = 511 <= 1000 and the ack is fine: ignored.
  const ignored = near.send('client', PSH | ACK, { seq: 2501, data: 10, keepSeq: true });
  assert.is(seen(ignored), 'ESTABLISHED ESTABLISHED');
  assert.ok(ignored.ctNote?.includes('ignored'));
  assert.is(ignored.ctReason, 'SEQ is over the upper bound (over the window of the receiver)');
});

test('II: acknowledging data the peer never sent is INVALID', async () => {
  const flow = await established(42002, 65535);
  // The server's td_end is 5001 (its SYN); ack 5011 acknowledges ten bytes not seen yet.
  const r = flow.send('client', ACK, { ack: 5011 });
  assert.is(r.ctstate, 'INVALID');
  assert.is(r.ctReason, 'ACK is over the upper bound (ACKed data not seen yet)');
});

test('III: a retransmission of data acknowledged a window ago is ignored, a recent one passes', async () => {
  const flow = await established(42003, 1000);
  assert.is(seen(flow.send('client', PSH | ACK, { data: 500 })), 'ESTABLISHED ESTABLISHED'); // A: 1001..1501
  assert.is(seen(flow.send('client', PSH | ACK, { data: 500 })), 'ESTABLISHED ESTABLISHED'); // B: 1501..2001 (seq <= td_maxend 2001)
  flow.send('server', ACK, { window: 1000 }); // ack 2001: client td_maxend = 3001
  // B again: end 2001 >= td_end 2001 - 1000: still inside the window, accepted.
  assert.is(flow.send('client', PSH | ACK, { seq: 1501, data: 500, keepSeq: true }).ctNote, undefined);
  flow.send('client', PSH | ACK, { data: 1000 }); // 2001..3001
  flow.send('server', ACK, { window: 1000 }); // ack 3001; the server's td_maxwin stays 1000
  // A again: end 1501 < td_end 3001 - server td_maxwin 1000 = 2001: already acknowledged data.
  const old = flow.send('client', PSH | ACK, { seq: 1001, data: 500, keepSeq: true });
  assert.is(seen(old), 'ESTABLISHED ESTABLISHED');
  assert.ok(old.ctNote?.includes('ignored'));
  assert.is(old.ctReason, 'SEQ is under the lower bound (already ACKed data retransmitted)');
});

test('nf_conntrack_tcp_be_liberal=1 forgives out-of-window segments', async () => {
  const flow = await established(42004, 1000, { nf_conntrack_tcp_be_liberal: 1 });
  const r = flow.send('client', PSH | ACK, { seq: 6001, data: 10, keepSeq: true }); // INVALID above
  assert.is(seen(r), 'ESTABLISHED ESTABLISHED');
  assert.is(r.ctReason, undefined);
  const ack = flow.send('client', ACK, { ack: 5011 }); // ACK over the upper bound
  assert.is(seen(ack), 'ESTABLISHED ESTABLISHED');
});

test('a picked-up connection is liberal: it cannot know the windows (tcp_new marks both sides)', async () => {
  const flow = new TcpFlow(await routerEngine(), new Clock(), 42005);
  assert.is(seen(flow.send('client', ACK)), 'NEW ESTABLISHED');
  const jump = flow.send('client', PSH | ACK, { seq: 1001 + 1_000_000, data: 10, keepSeq: true });
  assert.is(seen(jump), 'NEW ESTABLISHED');
  assert.is(jump.ctReason, undefined);
});

/** SYN (window 1000, scale 7) and a SYN/ACK (window 1000, scale 7 if `serverScales`), then ACK. */
async function scaledHandshake(port: number, serverScales: boolean): Promise<TcpFlow> {
  const flow = new TcpFlow(await routerEngine(), new Clock(), port, undefined, 1000);
  flow.send('client', SYN, { wscale: 7 });
  flow.send('server', SYN | ACK, serverScales ? { wscale: 7 } : {});
  flow.send('client', ACK);
  flow.send('server', ACK, { window: 100 });
  return flow;
}

test('window scale counts only when both SYN and SYN/ACK carried it', async () => {
  // Both scale: the server's window 100 << 7 = 12800, so client td_maxend = 1001 + 12800 = 13801
  // and a segment at 11001 is inside.
  const both = await scaledHandshake(42006, true);
  const inside = both.send('client', PSH | ACK, { seq: 11001, data: 10, keepSeq: true });
  assert.is(seen(inside), 'ESTABLISHED ESTABLISHED');
  assert.is(inside.ctNote, undefined);
  // Only the client offered it: no scaling either way. Client td_maxend stays 1001 + 1000 = 2001
  // (the SYN/ACK's window), server td_maxwin 1000: overshoot 11011 - 2001 + 1 = 9011 > 1000.
  const one = await scaledHandshake(42007, false);
  const beyond = one.send('client', PSH | ACK, { seq: 11001, data: 10, keepSeq: true });
  assert.is(beyond.ctstate, 'INVALID');
  assert.match(beyond.ctReason ?? '', /SEQ is over the upper bound/);
  // The other way round: the client's window 1000 is 128000 when scaled (server td_maxend
  // 5001 + 128000), but stays 1000 when the server did not offer scaling (td_maxend 6001,
  // overshoot 55011 - 6001 + 1 = 49011 > the client's td_maxwin 1000).
  assert.is(seen(both.send('server', PSH | ACK, { seq: 55001, data: 10, keepSeq: true })), 'ESTABLISHED ESTABLISHED');
  assert.is(one.send('server', PSH | ACK, { seq: 55001, data: 10, keepSeq: true }).ctstate, 'INVALID');
});

test('IV: an ACK more than max(td_maxwin, 66000) below what the peer sent is an overly delayed ACK, ignored', async () => {
  const flow = await established(42013, 65535);
  flow.send('server', PSH | ACK, { data: 40_000 }); // 5001..45001 (server td_maxend 5001 + 65535)
  flow.send('client', ACK); // ack 45001
  flow.send('server', PSH | ACK, { data: 40_000 }); // 45001..85001
  flow.send('client', ACK); // ack 85001
  // Lower bound: 85001 - max(65535, 66000) = 19001.
  const delayed = flow.send('client', ACK, { ack: 10_001, keepSeq: true });
  assert.is(seen(delayed), 'ESTABLISHED ESTABLISHED');
  assert.ok(delayed.ctNote?.includes('ignored'));
  assert.is(delayed.ctReason, 'ACK is under the lower bound (possible overly delayed ACK)');
  assert.is(flow.send('client', ACK, { ack: 20_001, keepSeq: true }).ctNote, undefined);
});

test('RST right after its own data segment, at that segment\'s end: CLOSE', async () => {
  const flow = await established(42008, 65535);
  flow.send('client', PSH | ACK, { data: 100 }); // 1001..1101, not yet acknowledged (server max ack 1001)
  assert.is(seen(flow.send('client', RST)), 'ESTABLISHED CLOSE'); // seq 1101 ends the train
});

test('RST beyond what the peer acknowledged, not after a train: accepted, state kept for a challenge ACK', async () => {
  const flow = await established(42009, 65535);
  flow.send('client', PSH | ACK, { data: 100 }); // 1001..1101
  flow.send('server', PSH | ACK, { data: 50, ack: 1001 }); // the server still acknowledges only 1001
  const rst = flow.send('client', RST); // seq 1101 > server max ack 1001
  assert.is(seen(rst), 'ESTABLISHED ESTABLISHED');
  assert.not.ok(rst.ctNote?.includes('ignored'));
  // Exactly at the acknowledged point: CLOSE.
  assert.is(seen(flow.send('client', RST, { seq: 1001, keepSeq: true })), 'ESTABLISHED CLOSE');
});

test('RST below what the peer acknowledged: INVALID "invalid rst", unless tcp_ignore_invalid_rst', async () => {
  const strict = await established(42010, 65535); // the server acknowledged up to 1001
  const bad = strict.send('client', RST, { seq: 900, keepSeq: true });
  assert.is(bad.ctstate, 'INVALID');
  assert.is(bad.ctReason, 'invalid rst');
  assert.is(seen(strict.send('client', ACK)), 'ESTABLISHED ESTABLISHED', 'the connection is untouched');

  const lenient = await established(42011, 65535, { nf_conntrack_tcp_ignore_invalid_rst: 1 });
  // Not invalid now, but neither at the acknowledged point nor after a train: the state stays.
  assert.is(seen(lenient.send('client', RST, { seq: 900, keepSeq: true })), 'ESTABLISHED ESTABLISHED');
});

test('in closing states a RST skips the window checks (the tuple may have been reused)', async () => {
  const flow = await established(42012, 65535);
  flow.send('client', PSH | ACK, { data: 10 });
  flow.send('server', ACK);
  flow.send('client', FIN | ACK); // FIN_WAIT
  // A RST far outside any window still closes a closing connection.
  assert.is(seen(flow.send('server', RST, { seq: 5001 + 10_000_000, keepSeq: true })), 'ESTABLISHED CLOSE');
});

test.run();
