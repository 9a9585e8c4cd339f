// The special cases NETFILTER.md §4.4 lists on top of the state tables, through the whole
// pipeline: simultaneous open, reopening from TIME_WAIT/CLOSE, ignored SYNs and the SYN/ACK that
// resynchronises, the LAST_ACK challenge ACK, and records without sequence numbers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACK, Clock, FIN, PSH, routerEngine, RST, seen, SYN, TcpFlow } from './ct-tcp-support.js';

async function flowAt(port: number): Promise<TcpFlow> {
  return new TcpFlow(await routerEngine(), new Clock(), port);
}

/** Handshake then a close begun by the client: the connection ends in TIME_WAIT. */
function openAndClose(flow: TcpFlow): void {
  flow.handshake();
  flow.send('client', FIN | ACK);
  flow.send('server', ACK);
  flow.send('server', FIN | ACK);
  assert.is(seen(flow.send('client', ACK)), 'ESTABLISHED TIME_WAIT');
}

test('simultaneous open: SYN both ways is SYN_SENT2, the SYN/ACKs lead to SYN_RECV and ESTABLISHED', async () => {
  const flow = await flowAt(44000);
  const r = [
    flow.send('client', SYN), // 1000
    flow.send('server', SYN), // 5000: the reply direction's SYN in SYN_SENT
    flow.send('client', SYN | ACK, { seq: 1000, keepSeq: true }),
    flow.send('server', SYN | ACK, { seq: 5000, keepSeq: true }), // SYN_RECV: a SYN/ACK from the reply side is ignored
    flow.send('server', ACK), // the simultaneous-open flag turns this reply ACK into ESTABLISHED
    flow.send('client', ACK),
  ];
  assert.equal(r.map(seen), [
    'NEW SYN_SENT',
    'ESTABLISHED SYN_SENT2',
    'ESTABLISHED SYN_RECV',
    'ESTABLISHED SYN_RECV',
    'ESTABLISHED ESTABLISHED',
    'ESTABLISHED ESTABLISHED',
  ]);
  assert.ok(r[3].ctNote?.includes('ignored'));
  assert.ok(r[4].ctStatus?.includes('ASSURED'), 'SYN_RECV -> ESTABLISHED with a reply seen');
});

test('without simultaneous open, a reply ACK in SYN_RECV keeps SYN_RECV (it may answer a resent SYN)', async () => {
  const flow = await flowAt(44001);
  flow.send('client', SYN);
  flow.send('server', SYN | ACK);
  assert.is(seen(flow.send('server', ACK)), 'ESTABLISHED SYN_RECV');
});

test('a SYN in TIME_WAIT reopens: the old entry is deleted and the SYN starts a NEW connection', async () => {
  const flow = await flowAt(44002);
  openAndClose(flow);
  const old = flow.send('client', ACK, { keepSeq: true }).ctId;
  const syn = flow.send('client', SYN, { seq: 900_000 });
  assert.is(seen(syn), 'NEW SYN_SENT');
  assert.ok(syn.ctNote?.includes('reopened'));
  assert.is.not(syn.ctId, old);
  assert.is(seen(flow.send('server', SYN | ACK)), 'ESTABLISHED SYN_RECV');
});

test('a SYN in CLOSE reopens after the opener\'s own RST, but is ignored after the peer\'s RST', async () => {
  const own = await flowAt(44003);
  own.handshake();
  assert.is(seen(own.send('client', RST)), 'ESTABLISHED CLOSE');
  const reopened = own.send('client', SYN, { seq: 900_000 });
  assert.is(seen(reopened), 'NEW SYN_SENT');
  assert.ok(reopened.ctNote?.includes('reopened'));

  const peer = await flowAt(44004);
  peer.handshake();
  assert.is(seen(peer.send('server', RST)), 'ESTABLISHED CLOSE');
  const syn = peer.send('client', SYN, { seq: 900_000 });
  assert.is(seen(syn), 'ESTABLISHED CLOSE', 'neither side was closing and the last RST came the other way');
  assert.ok(syn.ctNote?.includes('ignored'));
});

test('a SYN in ESTABLISHED is ignored; the SYN/ACK acknowledging exactly it resynchronises to SYN_RECV', async () => {
  const flow = await flowAt(44005);
  const id = flow.handshake()[2].ctId;
  // The client lost its connection and starts over on the same port with a new ISN.
  const syn = flow.send('client', SYN, { seq: 700_000 });
  assert.is(seen(syn), 'ESTABLISHED ESTABLISHED');
  assert.ok(syn.ctNote?.includes('ignored'));
  // The server agrees: its SYN/ACK acknowledges 700001, the end of the ignored SYN.
  const synAck = flow.send('server', SYN | ACK, { seq: 800_000 });
  assert.is(seen(synAck), 'ESTABLISHED SYN_RECV');
  assert.not.ok(synAck.ctNote?.includes('ignored'));
  const ack = flow.send('client', ACK);
  assert.is(seen(ack), 'ESTABLISHED ESTABLISHED');
  assert.is(ack.ctId, id, 'the same conntrack, resynchronised');
  // Windows now follow the new sequence numbers: data at 700001 passes, old numbers do not.
  assert.is(seen(flow.send('client', PSH | ACK, { data: 10 })), 'ESTABLISHED ESTABLISHED');
  assert.is(flow.send('client', PSH | ACK, { seq: 1001 + 5_000_000, data: 10, keepSeq: true }).ctstate, 'INVALID');
});

test('a SYN/ACK not acknowledging the ignored SYN is ignored too', async () => {
  const flow = await flowAt(44006);
  flow.handshake();
  flow.send('client', SYN, { seq: 700_000 });
  const synAck = flow.send('server', SYN | ACK, { seq: 800_000, ack: 123 });
  assert.is(seen(synAck), 'ESTABLISHED ESTABLISHED');
  assert.ok(synAck.ctNote?.includes('ignored'));
});

test('SYN_SENT: the RST answering a challenge ACK we let through skips the window checks', async () => {
  const flow = await flowAt(44012);
  flow.send('client', SYN);
  // The server still holds an older connection on this tuple and answers with a challenge ACK.
  const challenge = flow.send('server', ACK, { seq: 7777, ack: 3333, keepSeq: true });
  assert.is(seen(challenge), 'ESTABLISHED SYN_SENT');
  assert.ok(challenge.ctNote?.includes('ignored'));
  // The client resets that old connection: seq = the challenge ACK's ack, far outside its window.
  assert.is(seen(flow.send('client', RST, { seq: 3333, keepSeq: true })), 'ESTABLISHED CLOSE');
  // ... and retries its SYN, which reopens (its own RST was the last packet from its side).
  const retry = flow.send('client', SYN, { seq: 1000, keepSeq: true });
  assert.is(seen(retry), 'NEW SYN_SENT');
  assert.ok(retry.ctNote?.includes('reopened'));
});

test('LAST_ACK: the challenge ACK answering an ignored SYN does not count as the last ACK', async () => {
  const flow = await flowAt(44007);
  flow.handshake();
  flow.send('client', FIN | ACK);
  flow.send('server', ACK);
  assert.is(seen(flow.send('server', FIN | ACK)), 'ESTABLISHED LAST_ACK');
  // The client reuses the port before acknowledging: its SYN is ignored in LAST_ACK ...
  assert.ok(flow.send('client', SYN, { seq: 600_000, keepSeq: true }).ctNote?.includes('ignored'));
  // ... and the server's RFC 5961 challenge ACK (reply direction) leaves LAST_ACK alone.
  const challenge = flow.send('server', ACK, { keepSeq: true });
  assert.is(seen(challenge), 'ESTABLISHED LAST_ACK');
  assert.ok(challenge.ctNote?.includes('ignored'));
  // The client's real last ACK still ends in TIME_WAIT.
  assert.is(seen(flow.send('client', ACK)), 'ESTABLISHED TIME_WAIT');
});

test('without the ignored SYN a reply ACK in LAST_ACK goes to TIME_WAIT (the table)', async () => {
  const flow = await flowAt(44008);
  flow.handshake();
  flow.send('client', FIN | ACK);
  flow.send('server', ACK);
  flow.send('server', FIN | ACK);
  assert.is(seen(flow.send('server', ACK, { keepSeq: true })), 'ESTABLISHED TIME_WAIT');
});

test('records without seq/ack: states follow the tables, windows are not judged (noted)', async () => {
  const flow = await flowAt(44009);
  const noSeq = { noSeq: true };
  const r = [
    flow.send('client', SYN, noSeq),
    flow.send('server', SYN | ACK, noSeq),
    flow.send('client', ACK, noSeq),
    flow.send('client', PSH | ACK, { ...noSeq, data: 100 }),
    flow.send('server', FIN | ACK, noSeq),
    flow.send('client', ACK, noSeq),
  ];
  assert.equal(r.map(seen), [
    'NEW SYN_SENT', 'ESTABLISHED SYN_RECV', 'ESTABLISHED ESTABLISHED', 'ESTABLISHED ESTABLISHED',
    'ESTABLISHED FIN_WAIT', 'ESTABLISHED CLOSE_WAIT',
  ]);
  for (const x of r.slice(1)) assert.ok(x.ctNote?.includes('window unjudged'), `notes ${x.ctNote}`);
  assert.ok(r[2].ctStatus?.includes('ASSURED'));
  // An unknown window is not a zero window: ESTABLISHED keeps its long timer.
  const flow2 = await flowAt(44010);
  const id = [flow2.send('client', SYN, noSeq), flow2.send('server', SYN | ACK, noSeq), flow2.send('client', ACK, noSeq)][2].ctId;
  flow2.clock.wait(3600);
  assert.is(flow2.send('client', ACK, noSeq).ctId, id);
});

test('a segment with numbers after ones without: the windows start afresh from it', async () => {
  const flow = await flowAt(44011);
  flow.send('client', SYN, { noSeq: true });
  flow.send('server', SYN | ACK, { noSeq: true });
  flow.send('client', ACK, { noSeq: true });
  // Now real numbers appear, far from anything recorded: picked up like a connection seen mid-stream.
  const c = flow.send('client', PSH | ACK, { seq: 3_000_000, ack: 9_000_000, data: 10 });
  assert.is(seen(c), 'ESTABLISHED ESTABLISHED');
  assert.is(c.ctReason, undefined);
  const s = flow.send('server', ACK, { seq: 9_000_000, ack: 3_000_010 });
  assert.is(seen(s), 'ESTABLISHED ESTABLISHED');
  assert.is(s.ctReason, undefined);
  assert.not.ok(s.ctNote?.includes('ignored'));
});

test.run();
