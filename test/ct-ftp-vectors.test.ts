// The FTP helper's test vectors (NETFILTER.md §4.8, "Test vectors to encode"), through the whole
// pipeline: parseRuleset -> Engine.create -> classifyPackets. Seen from the server 198.51.100.7
// (test/fixtures/ftp/vectors-server.sh): the client 192.0.2.10 arrives on eth0, the server's own
// packets leave through OUTPUT. Expected values come from the rules in §4.8, not from the code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CLIENT, SERVER, THIRD_PARTY, FtpSession, Timeline, engineFor, expectationsOf, fixtureHost, run,
  type Expected,
} from './ct-ftp-support.js';
import type { Engine, PacketResult } from '../src/engine/engine.js';

const CLIENT_END = { addr: CLIENT, port: 41_000, iface: 'eth0' };
const SERVER_END = { addr: SERVER, port: 21 };

interface Scene {
  engine: Engine;
  session: FtpSession;
  time: Timeline;
}

/** A logged-in control connection (every packet of it accepted and tracked). */
async function loggedIn(clientPort = CLIENT_END.port, engine?: Engine, time = new Timeline()): Promise<Scene> {
  const eng = engine ?? (await engineFor('vectors-server.sh', fixtureHost('server-host.json')));
  const session = new FtpSession(time, { ...CLIENT_END, port: clientPort }, SERVER_END);
  const results = run(eng, session.login());
  results.forEach((r, i) => assert.is(r.verdict, 'ACCEPT', `login packet ${i}`));
  assert.equal(results.map((r) => r.ctstate), ['NEW', 'ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED']);
  return { engine: eng, session, time };
}

function notesOf(r: PacketResult): string[] {
  return r.ctNote ?? [];
}

function one(engine: Engine, packet: Parameters<typeof run>[1][number]): PacketResult {
  return run(engine, [packet])[0];
}

/** The expectation the helper must register for the data connection (NETFILTER.md §4.8 point 7). */
function expected(src: string, dst: string, dport: number): Expected {
  return { src, dst, dport, proto: 6 };
}

/** Active mode: after `command`, the server's SYN from port 20 to the client's port is RELATED. */
async function activeVector(command: string, clientAddr: string, clientPort: number): Promise<void> {
  const { engine, session } = await loggedIn();
  const r = one(engine, session.command(command));
  assert.is(r.verdict, 'ACCEPT');
  assert.ok(notesOf(r).includes('expectation created'), `notes ${r.ctNote}`);
  assert.equal(expectationsOf(engine), [expected(SERVER, clientAddr, clientPort)]);
  const data = session.activeData(clientPort);
  const [syn, synAck, ack] = run(engine, data.handshake());
  assert.is(syn.ctstate, 'RELATED');
  assert.ok((syn.ctStatus ?? []).includes('EXPECTED'));
  assert.is(synAck.ctstate, 'ESTABLISHED');
  assert.is(synAck.verdict, 'ACCEPT');
  assert.is(ack.ctstate, 'ESTABLISHED');
  assert.equal(expectationsOf(engine), [], 'the data SYN consumed the expectation');
}

/** Passive mode: after the client's request and `reply`, the client's SYN to the port is RELATED. */
async function passiveVector(request: string, reply: string, serverPort: number): Promise<void> {
  const { engine, session } = await loggedIn();
  const [asked, answered] = run(engine, [session.command(request), session.reply(reply)]);
  assert.is(asked.verdict, 'ACCEPT');
  assert.is(answered.verdict, 'ACCEPT');
  assert.ok(notesOf(answered).includes('expectation created'), `notes ${answered.ctNote}`);
  assert.equal(expectationsOf(engine), [expected(CLIENT, SERVER, serverPort)]);
  const data = session.passiveData(serverPort);
  const [syn, synAck, ack] = run(engine, data.handshake());
  assert.is(syn.ctstate, 'RELATED');
  assert.is(syn.verdict, 'ACCEPT', 'accepted by the ESTABLISHED,RELATED rule');
  assert.is(syn.decidedBy, 'filter:INPUT:1');
  assert.is(synAck.ctstate, 'ESTABLISHED');
  assert.is(ack.ctstate, 'ESTABLISHED');
  assert.is(ack.verdict, 'ACCEPT');
}

test('PORT from the client: expect server:* -> client:1025, the server\'s data SYN is RELATED', async () => {
  await activeVector('PORT 192,0,2,10,4,1\r\n', CLIENT, 1025);
});

test('lower-case port: the keyword is matched case-insensitively', async () => {
  await activeVector('port 192,0,2,10,4,1\r\n', CLIENT, 1025);
});

test('227 with parentheses: expect client:* -> server:5001', async () => {
  await passiveVector('PASV\r\n', '227 Entering Passive Mode (198,51,100,7,19,137).\r\n', 5001);
});

test('227 without parentheses: the RFC 1123 scan for the first digit', async () => {
  await passiveVector('PASV\r\n', '227 Entering Passive Mode 198,51,100,7,19,137\r\n', 5001);
});

test('229 (|||6446|): expect client:* -> server:6446 (the server\'s control address)', async () => {
  await passiveVector('EPSV\r\n', '229 Entering Extended Passive Mode (|||6446|)\r\n', 6446);
});

test('EPRT |1|: expect server:* -> client:5282', async () => {
  await activeVector('EPRT |1|192.0.2.10|5282|\r\n', CLIENT, 5282);
});

/** A command the helper must drop; nothing is expected, the data SYN stays NEW. */
async function droppedCommand(command: string, reason: string): Promise<void> {
  const { engine, session } = await loggedIn();
  const r = one(engine, session.command(command));
  assert.is(r.verdict, 'DROP', command);
  assert.is(r.ctReason, reason, command);
  assert.ok(notesOf(r).includes('helper drop'), `notes ${r.ctNote}`);
  assert.equal(expectationsOf(engine), []);
}

const PARSE = 'nf_ct_ftp: dropping packet: malformed PORT/EPRT/227/229 argument';
const PARTIAL = 'nf_ct_ftp: dropping packet: partial matching of a command or reply';

test('EPRT |2| on an IPv4 control connection: parse failure, dropped', async () => {
  await droppedCommand('EPRT |2|2001:db8::10|5282|\r\n', PARSE);
});

test('PORT with five numbers or without CR: dropped', async () => {
  await droppedCommand('PORT 192,0,2,10,4\r\n', PARSE);
  await droppedCommand('PORT 192,0,2,10,4,1\n', PARSE);
});

// The 6.18 kernel does not limit the numbers to 255 (conformance case ftp-number-overflow): the
// address is (n0 << 24) | (n1 << 16) | (n2 << 8) | n3, so a large number spills into its
// neighbour. NETFILTER.md §4.8's "300 → drop" vector does not hold for this kernel.
test('PORT numbers over 255 spill into the next byte, as the kernel assembles them', async () => {
  const spilled = await loggedIn();
  // 2 << 8 | 300 = 0x32C: 192.0.3.44, a third party: accepted, nothing expected
  const r = one(spilled.engine, spilled.session.command('PORT 192,0,2,300,4,1\r\n'));
  assert.is(r.verdict, 'ACCEPT');
  assert.equal(expectationsOf(spilled.engine), []);
  // 2 << 8 | 522 = 0x20A: 192.0.2.10, the client itself: the expectation is made
  await activeVector('PORT 192,0,2,522,4,1\r\n', CLIENT, 1025);
});

test('a segment holding only "POR" (a split command) is dropped as a partial match', async () => {
  await droppedCommand('POR', PARTIAL);
});

test('PORT naming a third party: no expectation, the packet is accepted', async () => {
  const { engine, session } = await loggedIn();
  const r = one(engine, session.command('PORT 203,0,113,9,4,1\r\n'));
  assert.is(r.verdict, 'ACCEPT');
  assert.ok(!notesOf(r).includes('expectation created'));
  assert.equal(expectationsOf(engine), []);
  const bounce = session.dataConnection({ addr: SERVER, port: 20 }, { addr: THIRD_PARTY, port: 1025, iface: 'eth0' });
  assert.is(one(engine, bounce.syn()).ctstate, 'NEW');
  assert.is(one(engine, session.activeData(1025).syn()).ctstate, 'NEW');
});

test('"NOOP\\r\\nPORT ..." in one segment: the command is not at the segment start, nothing expected', async () => {
  const { engine, session } = await loggedIn();
  const r = one(engine, session.command('NOOP\r\nPORT 192,0,2,10,4,1\r\n'));
  assert.is(r.verdict, 'ACCEPT');
  assert.equal(expectationsOf(engine), []);
  // The segment ended in a newline, so the next one starts a line and is read.
  assert.is(one(engine, session.command('PORT 192,0,2,10,4,2\r\n')).verdict, 'ACCEPT');
  assert.equal(expectationsOf(engine), [expected(SERVER, CLIENT, 1026)]);
});

test('the very first client data segment is never read, even when it is PORT', async () => {
  const engine = await engineFor('vectors-server.sh', fixtureHost('server-host.json'));
  const session = new FtpSession(new Timeline(), CLIENT_END, SERVER_END);
  const setup = run(engine, [...session.control.handshake(), session.reply('220 ready\r\n')]);
  assert.equal(setup.map((r) => r.verdict), ['ACCEPT', 'ACCEPT', 'ACCEPT', 'ACCEPT']);
  const first = one(engine, session.command('PORT 192,0,2,10,4,1\r\n'));
  assert.is(first.verdict, 'ACCEPT');
  assert.equal(expectationsOf(engine), [], 'no line start known yet in this direction');
  assert.is(one(engine, session.command('PORT 192,0,2,10,4,1\r\n')).verdict, 'ACCEPT');
  assert.equal(expectationsOf(engine), [expected(SERVER, CLIENT, 1025)], 'the same command one line later');
});

test('a data SYN more than 300 s after the 227 is NEW (the expectation expired)', async () => {
  const { engine, session, time } = await loggedIn();
  run(engine, [session.command('PASV\r\n'), session.reply('227 Entering Passive Mode (198,51,100,7,19,137).\r\n')]);
  time.wait(301);
  const syn = one(engine, session.passiveData(5001).syn());
  assert.is(syn.ctstate, 'NEW');
  assert.is(syn.verdict, 'DROP');
  assert.is(syn.decidedBy, 'filter:INPUT:policy');
});

test('a data SYN 299 s after the 227 is still RELATED', async () => {
  const { engine, session, time } = await loggedIn();
  run(engine, [session.command('PASV\r\n'), session.reply('227 Entering Passive Mode (198,51,100,7,19,137).\r\n')]);
  time.wait(299);
  const syn = one(engine, session.passiveData(5001).syn());
  assert.is(syn.ctstate, 'RELATED');
  assert.is(syn.verdict, 'ACCEPT');
});

test('a second PASV before the first data connection: only the newest expectation survives', async () => {
  const { engine, session } = await loggedIn();
  run(engine, [
    session.command('PASV\r\n'), session.reply('227 Entering Passive Mode (198,51,100,7,19,137).\r\n'),
    session.command('PASV\r\n'), session.reply('227 Entering Passive Mode (198,51,100,7,19,138).\r\n'),
  ]);
  assert.equal(expectationsOf(engine), [expected(CLIENT, SERVER, 5002)]);
  const stale = one(engine, session.passiveData(5001, 40_200).syn());
  assert.is(stale.ctstate, 'NEW');
  assert.is(stale.verdict, 'DROP');
  const fresh = one(engine, session.passiveData(5002, 40_201).syn());
  assert.is(fresh.ctstate, 'RELATED');
  assert.is(fresh.verdict, 'ACCEPT');
});

test.run();
