// The seed scenarios end to end (issue 3 "Tests"; NETFILTER.md §0, §4.7, §4.8): FTP servers and
// clients firewalled as the guides write it, whole sessions through parseRuleset -> Engine.create
// -> classifyPackets. Rulesets and hosts are in test/fixtures/ftp/. Expected verdicts and the
// deciding rules are read off the rulesets by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CLIENT, SERVER, FtpSession, Timeline, engineFor, expectationsOf, fixtureHost, fixtureText, run,
  type Endpoint, type TcpConversation,
} from './ct-ftp-support.js';
import { Engine, type PacketResult } from '../src/engine/engine.js';
import type { HostModel } from '../src/host/model.js';
import type { PacketInput } from '../src/packets/types.js';
import { parseRuleset } from '../src/ruleset/load.js';

/** Seen from the server: the client arrives on eth0; the server's packets are its own. */
const AT_SERVER = { client: { addr: CLIENT, port: 41_000, iface: 'eth0' }, server: { addr: SERVER, port: 21 } };
/** Seen from the client: the reverse. */
const AT_CLIENT = { client: { addr: CLIENT, port: 41_000 }, server: { addr: SERVER, port: 21, iface: 'eth0' } };

const LISTING = '-rw-r--r--    1 ftp      ftp          1024 Jan 01 00:00 notes.txt\r\n';

function serverHost(extra: Record<string, unknown> = {}): HostModel {
  return fixtureHost('server-host.json', extra);
}

function decided(results: PacketResult[]): string[] {
  return results.map((r) => `${r.verdict} ${r.decidedBy ?? '-'}`);
}

function states(results: PacketResult[]): string[] {
  return results.map((r) => r.ctstate);
}

function allAccepted(results: PacketResult[], what: string): void {
  results.forEach((r, i) => assert.is(r.verdict, 'ACCEPT', `${what}: packet ${i} ${r.ctstate} ${r.decidedBy} ${r.ctReason ?? ''}`));
}

/** The data connection's packets: handshake, the listing from `sender`, its ACK, close. */
function transfer(data: TcpConversation, sender: 'opener' | 'answerer'): PacketInput[] {
  const receiver = sender === 'opener' ? 'answerer' : 'opener';
  return [...data.handshake(), data.send(sender, LISTING), data.ack(receiver), ...data.close(sender)];
}

async function session(engine: Engine, ends: { client: Endpoint; server: Endpoint }): Promise<FtpSession> {
  const s = new FtpSession(new Timeline(), ends.client, ends.server);
  allAccepted(run(engine, s.login()), 'login');
  return s;
}

test('seed 000: FTP server, INPUT DROP, active mode: the data connection is RELATED, then ESTABLISHED', async () => {
  const engine = await engineFor('seed000-server.sh', serverHost());
  const s = new FtpSession(new Timeline(), AT_SERVER.client, AT_SERVER.server);
  const login = run(engine, s.login());
  // The client's SYN is let in by the NEW-on-21 rule, everything after it by ESTABLISHED,RELATED;
  // the server's own packets by the OUTPUT policy.
  assert.equal(decided(login), [
    'ACCEPT filter:INPUT:3', 'ACCEPT filter:OUTPUT:policy', 'ACCEPT filter:INPUT:2', 'ACCEPT filter:OUTPUT:policy',
    'ACCEPT filter:INPUT:2', 'ACCEPT filter:OUTPUT:policy', 'ACCEPT filter:INPUT:2', 'ACCEPT filter:OUTPUT:policy',
  ]);
  const commands = run(engine, [s.command('PORT 192,0,2,10,195,80\r\n'), s.reply('200 PORT command successful.\r\n'), s.command('LIST\r\n'), s.reply('150 Here comes the directory listing.\r\n')]);
  allAccepted(commands, 'PORT and LIST');
  assert.equal(expectationsOf(engine), [{ src: SERVER, dst: CLIENT, dport: 50_000, proto: 6 }]);

  const data = s.activeData(50_000);
  const listing = run(engine, transfer(data, 'opener'));
  allAccepted(listing, 'listing');
  assert.equal(states(listing), ['RELATED', 'ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED']);
  // The client's SYN/ACK and ACKs come in: the ESTABLISHED,RELATED rule takes them.
  assert.is(listing[1].decidedBy, 'filter:INPUT:2');
  assert.is(listing[4].decidedBy, 'filter:INPUT:2');
  assert.ok(listing[0].ctStatus?.includes('EXPECTED'), 'the data SYN fulfilled the expectation');
  assert.is(listing[0].tcpState, 'SYN_SENT');
  const done = run(engine, [s.reply('226 Directory send OK.\r\n')]);
  allAccepted(done, 'transfer complete');

  const control = engine.conntrackEntries().find((e) => e.original.dport === 21)!;
  const dataEntry = engine.conntrackEntries().find((e) => e.original.sport === 20)!;
  assert.is(control.helper, 'ftp');
  assert.is(dataEntry.masterId, control.id);
  assert.is(control.use, 2, 'the data connection holds its master (conntrack -L use=2, as the kernel)');
  assert.is(dataEntry.use, 1);
  assert.ok(dataEntry.status.includes('EXPECTED'));
  assert.equal(expectationsOf(engine), []);
});

test('seed 000 without the raw CT rule: active mode still lists (the server opens the data connection), but NEW', async () => {
  const rules = fixtureText('seed000-server.sh').replace(/^iptables -t raw .*$/m, '');
  const engine = await Engine.create(parseRuleset(rules, { filename: 'seed000-no-helper.sh' }), serverHost());
  const s = await session(engine, AT_SERVER);
  allAccepted(run(engine, [s.command('PORT 192,0,2,10,195,80\r\n'), s.reply('200 PORT command successful.\r\n')]), 'PORT');
  assert.equal(expectationsOf(engine), []);
  const listing = run(engine, transfer(s.activeData(50_000), 'opener'));
  assert.equal(states(listing).slice(0, 2), ['NEW', 'ESTABLISHED']);
  allAccepted(listing, 'listing: OUTPUT ACCEPT lets the SYN out, the answers are ESTABLISHED');
});

/** Seed 001's ruleset, with or without its raw line. */
async function clientEngine(withHelper: boolean): Promise<Engine> {
  const text = fixtureText('seed001-client.sh');
  const rules = withHelper ? text : text.replace(/^iptables -t raw .*$/m, '');
  return Engine.create(parseRuleset(rules, { filename: 'seed001-client.sh' }), fixtureHost('client-host.json'));
}

test('seed 001: FTP client with OUTPUT restricted, active mode', async () => {
  const engine = await clientEngine(true);
  const s = new FtpSession(new Timeline(), AT_CLIENT.client, AT_CLIENT.server);
  const login = run(engine, s.login());
  assert.equal(decided(login).slice(0, 4), ['ACCEPT filter:OUTPUT:2', 'ACCEPT filter:INPUT:2', 'ACCEPT filter:OUTPUT:2', 'ACCEPT filter:INPUT:2']);
  allAccepted(login, 'login');
  allAccepted(run(engine, [s.command('PORT 192,0,2,10,195,80\r\n'), s.reply('200 PORT command successful.\r\n'), s.command('LIST\r\n')]), 'PORT');
  assert.equal(expectationsOf(engine), [{ src: SERVER, dst: CLIENT, dport: 50_000, proto: 6 }]);
  const listing = run(engine, transfer(s.activeData(50_000), 'opener'));
  assert.equal(states(listing).slice(0, 3), ['RELATED', 'ESTABLISHED', 'ESTABLISHED']);
  // The server's packets (from port 20) in by INPUT rule 3, the client's answers out by OUTPUT rule 3.
  assert.equal(decided(listing).slice(0, 4), ['ACCEPT filter:INPUT:3', 'ACCEPT filter:OUTPUT:3', 'ACCEPT filter:INPUT:3', 'ACCEPT filter:INPUT:3']);
  allAccepted(listing, 'listing');
});

test('seed 001: FTP client with OUTPUT restricted, passive mode', async () => {
  const engine = await clientEngine(true);
  const s = await session(engine, AT_CLIENT);
  allAccepted(run(engine, [s.command('PASV\r\n'), s.reply('227 Entering Passive Mode (198,51,100,7,195,81).\r\n'), s.command('LIST\r\n')]), 'PASV');
  assert.equal(expectationsOf(engine), [{ src: CLIENT, dst: SERVER, dport: 50_001, proto: 6 }]);
  const listing = run(engine, transfer(s.passiveData(50_001), 'answerer'));
  assert.equal(states(listing).slice(0, 3), ['RELATED', 'ESTABLISHED', 'ESTABLISHED']);
  // The client's SYN out by OUTPUT rule 4 (ESTABLISHED,RELATED between unprivileged ports), the
  // server's SYN/ACK in by INPUT rule 4.
  assert.equal(decided(listing).slice(0, 2), ['ACCEPT filter:OUTPUT:4', 'ACCEPT filter:INPUT:4']);
  allAccepted(listing, 'listing');
});

test('seed 001 without the helper: both data connections are NEW and dropped', async () => {
  const engine = await clientEngine(false);
  const s = await session(engine, AT_CLIENT);
  allAccepted(run(engine, [s.command('PORT 192,0,2,10,195,80\r\n'), s.reply('200 PORT command successful.\r\n')]), 'PORT');
  const active = run(engine, [s.activeData(50_000).syn()])[0];
  assert.equal([active.ctstate, active.verdict, active.decidedBy], ['NEW', 'DROP', 'filter:INPUT:policy']);
  allAccepted(run(engine, [s.command('PASV\r\n'), s.reply('227 Entering Passive Mode (198,51,100,7,195,81).\r\n')]), 'PASV');
  const passive = run(engine, [s.passiveData(50_001).syn()])[0];
  assert.equal([passive.ctstate, passive.verdict, passive.decidedBy], ['NEW', 'DROP', 'filter:OUTPUT:policy']);
  assert.equal(expectationsOf(engine), []);
});

/** Seed 003's passive listing on `engine`: the control results and the data SYN's result. */
async function seed003Listing(engine: Engine): Promise<{ control: PacketResult[]; syn: PacketResult }> {
  const s = new FtpSession(new Timeline(), AT_SERVER.client, AT_SERVER.server);
  const control = run(engine, [...s.login(), s.command('PASV\r\n'), s.reply('227 Entering Passive Mode (198,51,100,7,195,81).\r\n'), s.command('LIST\r\n')]);
  const syn = run(engine, [s.passiveData(50_001).syn()])[0];
  return { control, syn };
}

test('seed 003 without the helper: login works, the listing does not (the data SYN is NEW and dropped)', async () => {
  const engine = await engineFor('seed003-no-helper.sh', serverHost());
  const { control, syn } = await seed003Listing(engine);
  allAccepted(control, 'login and PASV');
  assert.is(control[0].decidedBy, 'filter:INPUT:2');
  assert.equal(expectationsOf(engine), []);
  assert.equal([syn.ctstate, syn.verdict, syn.decidedBy], ['NEW', 'DROP', 'filter:INPUT:policy']);
  assert.ok(engine.conntrackModes().some((m) => m.includes('CT --helper only')));
});

test('seed 003 with the raw CT --helper ftp rule: the data SYN is RELATED and accepted', async () => {
  const engine = await engineFor('seed003-helper.sh', serverHost());
  const { control, syn } = await seed003Listing(engine);
  allAccepted(control, 'login and PASV');
  assert.equal([syn.ctstate, syn.verdict, syn.decidedBy], ['RELATED', 'ACCEPT', 'filter:INPUT:1']);
});

test('seed 003 with the legacy helper_autoassign host switch: RELATED and accepted without a CT rule', async () => {
  const engine = await engineFor('seed003-no-helper.sh', serverHost({ helper_autoassign: true }));
  const { control, syn } = await seed003Listing(engine);
  allAccepted(control, 'login and PASV');
  assert.equal([syn.ctstate, syn.verdict, syn.decidedBy], ['RELATED', 'ACCEPT', 'filter:INPUT:1']);
  assert.ok(engine.conntrackModes().some((m) => m.includes('legacy automatic')));
});

test('seed 003: -m helper --helper ftp matches the data connection, not the control connection', async () => {
  const engine = await engineFor('seed003-helper-match.sh', serverHost());
  const s = new FtpSession(new Timeline(), AT_SERVER.client, AT_SERVER.server);
  const control = run(engine, [...s.login(), s.command('PASV\r\n'), s.reply('227 Entering Passive Mode (198,51,100,7,195,81).\r\n')]);
  allAccepted(control, 'control');
  const incoming = control.filter((r) => r.path === 'INPUT');
  assert.ok(incoming.length >= 4);
  for (const r of incoming) assert.not.ok(r.matched.includes('filter:INPUT:1'), `control packet counted: ${r.matched}`);
  const data = s.passiveData(50_001);
  const listing = run(engine, transfer(data, 'answerer'));
  allAccepted(listing, 'listing');
  const dataIncoming = listing.filter((r) => r.path === 'INPUT');
  assert.is(dataIncoming.length, 4, 'from the client: SYN, ACK, the ACK of the listing, FIN');
  for (const r of dataIncoming) assert.ok(r.matched.includes('filter:INPUT:1'), `data packet not counted: ${r.matched}`);
});

test.run();
