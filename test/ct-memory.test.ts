// Where a conntrack's state lives (assembly/shared/layout.ts "Conntrack entry", issue 3 "Speed and
// memory"): every connection, TCP included, in its 64-byte entry; an ext record only for what few
// connections need (connmark, helper, master link, zone), attached when first needed — which moves
// the id into the record — and returned with the entry.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classifyPackets } from '../src/classify.js';
import { readConntrackUsage, type ConntrackUsage } from '../src/conntrack/read.js';
import type { Arena } from '../src/engine/arena.js';
import { Engine } from '../src/engine/engine.js';
import type { CoreExports } from '../src/engine/load-wasm.js';
import { hostModelFromObject } from '../src/host/load.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { ACK, Clock, FIN, PSH, RST, SYN, TcpFlow } from './ct-tcp-support.js';

const ROUTER = {
  interfaces: [
    { name: 'eth0', addresses: ['192.0.2.1/24'] },
    { name: 'eth1', addresses: ['198.51.100.1/24'] },
  ],
  forwarding: true,
};

/** The router of ct-tcp-support.ts (clients on eth0, servers on eth1) with `mangle` rules. */
async function router(mangle: string[] = [], raw: string[] = []): Promise<Engine> {
  const rules = [
    '*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ...raw, 'COMMIT',
    '*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]', ...mangle, 'COMMIT',
    '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]',
    '-A FORWARD -m conntrack --ctstate ESTABLISHED -j ACCEPT', 'COMMIT', '',
  ].join('\n');
  return Engine.create(parseRuleset(rules, { filename: 'ct-memory' }), hostModelFromObject(ROUTER));
}

/** Live entries and ext records, read from the core's tables (the engine keeps them private). */
function usage(engine: Engine): ConntrackUsage {
  const internals = engine as unknown as { core: CoreExports; arena: Arena };
  return readConntrackUsage(internals.core.memory.buffer, internals.arena.cfg);
}

test('a whole TCP connection (handshake, data both ways, close) lives in its entry alone', async () => {
  const engine = await router();
  const flow = new TcpFlow(engine, new Clock(), 40000);
  const handshake = flow.handshake();
  flow.send('client', PSH | ACK, { data: 300 });
  flow.send('server', PSH | ACK, { data: 1400 });
  flow.send('client', ACK);
  flow.send('client', FIN | ACK);
  flow.send('server', ACK);
  flow.send('server', FIN | ACK);
  const last = flow.send('client', ACK);
  assert.is(last.tcpState, 'TIME_WAIT');
  assert.is(last.ctId, handshake[0].ctId);
  const u = usage(engine);
  assert.is(u.entryBytes, 64);
  assert.is(u.live, 1);
  assert.is(u.withExt, 0, 'window tracking and retransmission bookkeeping need no ext record');
});

test('a connmark set mid-connection attaches an ext record; the id stays, later ids stay unique', async () => {
  const engine = await router(['-A PREROUTING -m conntrack --ctstate ESTABLISHED --ctdir ORIGINAL -j CONNMARK --set-mark 0x7']);
  const clock = new Clock();
  const flow = new TcpFlow(engine, clock, 40000);
  const syn = flow.send('client', SYN);
  const synAck = flow.send('server', SYN | ACK);
  assert.is(synAck.ctmark, 0, 'no mark yet');
  assert.is(usage(engine).withExt, 0);
  const ack = flow.send('client', ACK);
  assert.is(ack.ctmark, 7);
  assert.is(ack.ctId, syn.ctId, 'the id moved into the ext record unchanged');
  assert.is(usage(engine).withExt, 1);
  const data = flow.send('server', PSH | ACK, { data: 10 });
  assert.equal([data.ctmark, data.ctId, data.tcpState], [7, syn.ctId, 'ESTABLISHED']);
  const later = new TcpFlow(engine, clock, 40001).send('client', SYN);
  assert.ok(later.ctId! > syn.ctId!, 'a new conntrack gets a new id');
  const entries = engine.conntrackEntries();
  assert.equal(entries.map((e) => [e.id, e.mark, e.tcpState]), [[syn.ctId, 7, 'ESTABLISHED'], [later.ctId, 0, 'SYN_SENT']]);
});

test('a deleted entry returns its ext record; the slot it leaves is reused without one', async () => {
  const engine = await router(['-A PREROUTING -p tcp --dport 80 -m conntrack --ctstate NEW -j CONNMARK --set-mark 0x22']);
  const clock = new Clock();
  const refused = new TcpFlow(engine, clock, 40000);
  const syn = refused.send('client', SYN);
  assert.is(syn.ctmark, 0x22);
  assert.is(usage(engine).withExt, 1);
  const rst = refused.send('server', RST | ACK);
  assert.is(rst.ctId, syn.ctId);
  assert.equal([usage(engine).live, usage(engine).withExt], [0, 0], 'RST before any reply deleted the entry');
  // A connection the rule does not mark (not port 80) takes the freed entry: no ext, no mark.
  const other = sendUdp(engine, clock);
  assert.is(other.ctmark, 0);
  assert.is.not(other.ctId, syn.ctId);
  assert.equal([usage(engine).live, usage(engine).withExt], [1, 0]);
  assert.equal(engine.conntrackEntries().map((e) => [e.id, e.mark]), [[other.ctId, 0]]);
});

/** A DNS query from a client through the router. */
function sendUdp(engine: Engine, clock: Clock) {
  const [r] = classifyPackets(engine, [{
    ts: clock.tick(), inIface: 'eth0', localOut: false, src: 0xc000020a, dst: 0xc6336407, proto: 17, sport: 5000,
    dport: 53, length: 60, ttl: 64, tos: 0, fragOffset: 0, moreFragments: false, dontFragment: false, mark: 0,
  }]);
  return r;
}

test('helper connections keep theirs: the FTP control connection and its RELATED data connection', async () => {
  const engine = await router([], ['-A PREROUTING -p tcp --dport 21 -j CT --helper ftp']);
  const clock = new Clock();
  const control = new TcpFlow(engine, clock, 40000);
  // TcpFlow talks to port 80; the helper needs port 21, so its packets are re-addressed.
  const to21 = (side: 'client' | 'server', flags: number, data?: string) => {
    const p = control.packet(side, flags, data === undefined ? {} : { data: new TextEncoder().encode(data) });
    if (side === 'client') p.dport = 21;
    else p.sport = 21;
    return p;
  };
  const results = classifyPackets(engine, [
    to21('client', SYN), to21('server', SYN | ACK), to21('client', ACK),
    // the helper reads a direction from its second segment on (the first sets the line start, §4.8)
    to21('server', PSH | ACK, '220 ready\r\n'),
    to21('client', PSH | ACK, 'PASV\r\n'),
    to21('server', PSH | ACK, '227 Entering Passive Mode (198,51,100,7,19,137).\r\n'),
  ]);
  assert.is(engine.expectations().length, 1);
  const data = new TcpFlow(engine, clock, 40001);
  const dataSyn = data.packet('client', SYN);
  dataSyn.dport = 19 * 256 + 137;
  const [related] = classifyPackets(engine, [dataSyn]);
  assert.is(related.ctstate, 'RELATED');
  const entries = engine.conntrackEntries();
  assert.equal(entries.map((e) => [e.id, e.helper, e.masterId]), [[results[0].ctId, 'ftp', undefined], [related.ctId, undefined, results[0].ctId]]);
  assert.equal([usage(engine).live, usage(engine).withExt], [2, 2]);
});

test.run();
