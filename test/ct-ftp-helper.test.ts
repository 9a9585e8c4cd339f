// The FTP helper's rules beyond the listed vectors (NETFILTER.md §4.6, §4.8): line-start memory,
// sequence wrap, drops that leave the line bookkeeping alone, refused expectations, `loose`, FTP
// over TLS, split replies. Seen from the server 198.51.100.7 (test/fixtures/ftp/vectors-server.sh).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CLIENT, SERVER, THIRD_PARTY, FtpSession, Timeline, engineFor, expectationsOf, fixtureHost, run,
} from './ct-ftp-support.js';
import type { Engine, PacketResult } from '../src/engine/engine.js';
import type { PacketInput } from '../src/packets/types.js';

const CLIENT_END = { addr: CLIENT, port: 41_000, iface: 'eth0' };
const SERVER_END = { addr: SERVER, port: 21 };
const REFUSED = 'nf_ct_ftp: dropping packet: the expectation could not be registered';
const PARSE = 'nf_ct_ftp: dropping packet: malformed PORT/EPRT/227/229 argument';
const PARTIAL = 'nf_ct_ftp: dropping packet: partial matching of a command or reply';

async function serverEngine(sysctl: Record<string, number> = {}): Promise<Engine> {
  return engineFor('vectors-server.sh', fixtureHost('server-host.json', { sysctl }));
}

function one(engine: Engine, packet: PacketInput): PacketResult {
  return run(engine, [packet])[0];
}

async function loggedIn(engine: Engine, session: FtpSession): Promise<void> {
  const results = run(engine, session.login());
  results.forEach((r, i) => assert.is(r.verdict, 'ACCEPT', `login packet ${i}`));
}

test('line starts are remembered across the 2^32 sequence wrap (wrap-aware "later")', async () => {
  const engine = await serverEngine();
  // Client line starts after the login: USER's end and PASS's end, both just below 2^32.
  const session = new FtpSession(new Timeline(), CLIENT_END, SERVER_END, { opener: 0xffff_ffe0, answerer: 5_000_000 });
  await loggedIn(engine, session);
  assert.ok(session.control.nextSeq('opener') > 0xffff_fff0, 'not wrapped yet');
  assert.is(one(engine, session.command('PORT 192,0,2,10,4,1\r\n')).verdict, 'ACCEPT');
  assert.equal(expectationsOf(engine).map((e) => e.dport), [1025]);
  // This PORT's end wrapped past zero: it is later than USER's end and must replace it.
  assert.ok(session.control.nextSeq('opener') < 0x1000, 'wrapped');
  assert.is(one(engine, session.command('PORT 192,0,2,10,4,2\r\n')).verdict, 'ACCEPT');
  assert.equal(expectationsOf(engine), [{ src: SERVER, dst: CLIENT, dport: 1026, proto: 6 }]);
});

test('two line starts are remembered per direction; the older is replaced by a later one', async () => {
  const engine = await serverEngine();
  const session = new FtpSession(new Timeline(), CLIENT_END, SERVER_END);
  run(engine, [...session.control.handshake(), session.reply('220 ready\r\n')]);
  const c = session.control;
  run(engine, [session.command('USER anonymous\r\n')]); // never read; its end is line start 1
  const line1 = c.nextSeq('opener');
  assert.is(one(engine, session.command('PORT 192,0,2,10,4,1\r\n')).verdict, 'ACCEPT'); // read; line start 2
  const line2 = c.nextSeq('opener');
  assert.equal(expectationsOf(engine).map((e) => e.dport), [1025]);
  run(engine, [session.command('NOOP\r\n')]); // line start 3 replaces line start 1, the older
  // A retransmission at line start 1 is no longer read; at line start 2 it still is.
  const stale = one(engine, c.resend('opener', line1, 'PORT 192,0,2,10,4,2\r\n'));
  assert.is(stale.verdict, 'ACCEPT');
  assert.equal(expectationsOf(engine).map((e) => e.dport), [1025], 'line start 1 was forgotten');
  assert.is(one(engine, c.resend('opener', line2, 'PORT 192,0,2,10,4,3\r\n')).verdict, 'ACCEPT');
  assert.equal(expectationsOf(engine).map((e) => e.dport), [1027], 'line start 2 is remembered; one expectation per master');
});

test('a dropped partial command leaves its line start: the complete retransmission is read', async () => {
  const engine = await serverEngine();
  const session = new FtpSession(new Timeline(), CLIENT_END, SERVER_END);
  await loggedIn(engine, session);
  const start = session.control.nextSeq('opener');
  const partial = one(engine, session.command('PORT'));
  assert.equal([partial.verdict, partial.ctReason], ['DROP', PARTIAL]);
  const whole = one(engine, session.control.resend('opener', start, 'PORT 192,0,2,10,4,1\r\n'));
  assert.is(whole.verdict, 'ACCEPT');
  assert.equal(expectationsOf(engine), [{ src: SERVER, dst: CLIENT, dport: 1025, proto: 6 }]);
});

test('a command split inside its argument is dropped (the segment ends before the sixth number)', async () => {
  const engine = await serverEngine();
  const session = new FtpSession(new Timeline(), CLIENT_END, SERVER_END);
  await loggedIn(engine, session);
  const first = one(engine, session.command('PORT 192,0,2,10,'));
  assert.equal([first.verdict, first.ctReason], ['DROP', PARSE]);
  assert.equal(expectationsOf(engine), []);
});

test('a malformed command leaves the line bookkeeping alone, even though it ended in a newline', async () => {
  const engine = await serverEngine();
  const session = new FtpSession(new Timeline(), CLIENT_END, SERVER_END);
  await loggedIn(engine, session);
  const start = session.control.nextSeq('opener');
  const bad = one(engine, session.command('PORT 192,0,2,10,4\r\n'));
  assert.equal([bad.verdict, bad.ctReason], ['DROP', PARSE]);
  // Its end was not remembered: a segment there is not read...
  assert.is(one(engine, session.command('PORT 192,0,2,10,4,2\r\n')).verdict, 'ACCEPT');
  assert.equal(expectationsOf(engine), []);
  // ...while its own start still is.
  assert.is(one(engine, session.control.resend('opener', start, 'PORT 192,0,2,10,4,1\r\n')).verdict, 'ACCEPT');
  assert.equal(expectationsOf(engine).map((e) => e.dport), [1025]);
});

test('227 split inside its numbers, or ending right after them: dropped', async () => {
  for (const reply of ['227 Entering Passive Mode (198,51,100,7,', '227 Entering Passive Mode 198,51,100,7,19,137']) {
    const engine = await serverEngine();
    const session = new FtpSession(new Timeline(), CLIENT_END, SERVER_END);
    await loggedIn(engine, session);
    run(engine, [session.command('PASV\r\n')]);
    const r = one(engine, session.reply(reply));
    assert.equal([r.verdict, r.ctReason], ['DROP', PARSE], reply);
  }
});

test('229 without the parenthesis, or with a port of 0 or over 65535: dropped', async () => {
  const cases: Array<[string, string]> = [
    ['229 Entering Extended Passive Mode |||6446|\r\n', PARTIAL],
    ['229 Entering Extended Passive Mode (|||0|)\r\n', PARSE],
    ['229 Entering Extended Passive Mode (|||65536|)\r\n', PARSE],
    ['229 Entering Extended Passive Mode (|1|6446|)\r\n', PARSE],
  ];
  for (const [reply, reason] of cases) {
    const engine = await serverEngine();
    const session = new FtpSession(new Timeline(), CLIENT_END, SERVER_END);
    await loggedIn(engine, session);
    run(engine, [session.command('EPSV\r\n')]);
    const r = one(engine, session.reply(reply));
    assert.equal([r.verdict, r.ctReason], ['DROP', reason], reply);
  }
});

test('replies that are not 227/229 and commands that are not PORT/EPRT are passed over', async () => {
  const engine = await serverEngine();
  const session = new FtpSession(new Timeline(), CLIENT_END, SERVER_END);
  await loggedIn(engine, session);
  const results = run(engine, [
    session.command('PASV\r\n'), session.reply('200 Switching to ASCII mode.\r\n'),
    session.command('EPSV\r\n'), session.reply('228 Entering Long Passive Mode (4,4,198,51,100,7,2,19,137)\r\n'),
    session.command('PWD\r\n'), session.reply('257 "/" is the current directory\r\n'),
  ]);
  results.forEach((r) => assert.is(r.verdict, 'ACCEPT'));
  assert.equal(expectationsOf(engine), []);
});

test('an expectation overlapping another control connection\'s is refused: the packet is dropped', async () => {
  const engine = await serverEngine();
  const time = new Timeline();
  const first = new FtpSession(time, CLIENT_END, SERVER_END);
  const second = new FtpSession(time, { ...CLIENT_END, port: 41_001 }, SERVER_END);
  await loggedIn(engine, first);
  await loggedIn(engine, second);
  const pasv = '227 Entering Passive Mode (198,51,100,7,19,137).\r\n';
  assert.is(run(engine, [first.command('PASV\r\n'), first.reply(pasv)])[1].verdict, 'ACCEPT');
  const refused = run(engine, [second.command('PASV\r\n'), second.reply(pasv)])[1];
  assert.equal([refused.verdict, refused.ctReason], ['DROP', REFUSED]);
  assert.ok(refused.ctNote?.includes('helper drop'));
  const control = engine.conntrackEntries().find((e) => e.original.sport === CLIENT_END.port)!;
  assert.equal(engine.expectations().map((e) => e.masterId), [control.id], 'the first one stays');
  // The refused reply still ended a line (only parse drops skip the bookkeeping): the next is read.
  const retry = second.reply('227 Entering Passive Mode (198,51,100,7,19,138).\r\n');
  assert.is(one(engine, retry).verdict, 'ACCEPT');
  assert.equal(expectationsOf(engine).map((e) => e.dport).sort(), [5001, 5002]);
});

test('loose=1: a PORT naming a third party gets its expectation, to that address', async () => {
  const engine = await serverEngine({ nf_conntrack_ftp_loose: 1 });
  const session = new FtpSession(new Timeline(), CLIENT_END, SERVER_END);
  await loggedIn(engine, session);
  assert.is(one(engine, session.command('PORT 203,0,113,9,4,1\r\n')).verdict, 'ACCEPT');
  assert.equal(expectationsOf(engine), [{ src: SERVER, dst: THIRD_PARTY, dport: 1025, proto: 6 }]);
  const bounce = session.dataConnection({ addr: SERVER, port: 20 }, { addr: THIRD_PARTY, port: 1025, iface: 'eth0' });
  assert.is(one(engine, bounce.syn()).ctstate, 'RELATED');
});

test('FTP over TLS: nothing readable after AUTH TLS, no expectation, the data connection is NEW', async () => {
  const engine = await serverEngine();
  const session = new FtpSession(new Timeline(), CLIENT_END, SERVER_END);
  const c = session.control;
  const tls = (n: number) => new Uint8Array([0x17, 0x03, 0x03, 0x00, n, ...Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff)]);
  const results = run(engine, [
    ...c.handshake(), session.reply('220 ready\r\n'),
    session.command('AUTH TLS\r\n'), session.reply('234 Proceed with negotiation.\r\n'),
    // Encrypted records: PASV, the 227 and LIST are in there, unreadable.
    c.send('opener', tls(24)), c.send('answerer', tls(64)), c.send('opener', tls(24)),
  ]);
  results.forEach((r, i) => assert.is(r.verdict, 'ACCEPT', `packet ${i}`));
  assert.equal(expectationsOf(engine), []);
  const syn = one(engine, session.passiveData(5001).syn());
  assert.equal([syn.ctstate, syn.verdict], ['NEW', 'DROP']);
});

/** A packet as a capture without TCP sequence numbers gives it (PF2_NO_SEQ). */
function withoutSeq(p: PacketInput): PacketInput {
  const { seq: _seq, ack: _ack, ...rest } = p;
  return rest;
}

test('without sequence numbers: no line starts can be known, every segment of an ESTABLISHED connection is read', async () => {
  const engine = await serverEngine();
  const session = new FtpSession(new Timeline(), CLIENT_END, SERVER_END);
  // A capture that starts mid-session: the first packet is picked up (tcp_loose), ctinfo NEW.
  const picked = one(engine, withoutSeq(session.command('PORT 192,0,2,10,4,1\r\n')));
  assert.equal([picked.ctstate, picked.verdict], ['NEW', 'ACCEPT']);
  assert.ok(picked.ctNote?.includes('window unjudged'));
  assert.equal(expectationsOf(engine), [], 'ctinfo NEW: not read');
  const [answered, port] = run(engine, [
    session.reply('200 PORT command successful.\r\n'), session.command('PORT 192,0,2,10,4,2\r\n'),
  ].map(withoutSeq));
  assert.is(answered.ctstate, 'ESTABLISHED');
  assert.equal([port.ctstate, port.verdict], ['ESTABLISHED', 'ACCEPT']);
  // The ESTABLISHED one was read, at no known line start.
  assert.equal(expectationsOf(engine).map((e) => e.dport), [1026]);
});

test.run();
