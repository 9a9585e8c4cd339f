// The conntrack index grows with the peak of live entries (assembly/conntrack/index-size.ts,
// table.ts) instead of spreading a few flows over the slots reserved for nf_conntrack_max. What
// must not change is what early_drop sees once the table is full (NETFILTER.md §4.3): the slot of
// every key. The kernel-free reference here is a model: a linear-probing table of the size in use
// into which the live keys are inserted oldest conntrack first (ORIGINAL before REPLY), with no
// deletions — the layout a never-grown index reaches too, since backward-shift deletion leaves the
// keys as if the deleted ones had never been inserted. The index in the core's memory must equal
// that model slot for slot after growth, deletions, reuse of freed entries and early drops.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CFG_CT_ENTRIES_PTR, CFG_CT_EXT_PTR, CFG_CT_HIGH, CFG_CT_INDEX_PTR, CFG_CT_INDEX_SLOTS, CFG_CT_MAX,
  CT_EXT_SIZE, CT_FLAGS, CT_ID, CT_ORIG_DPORT, CT_ORIG_DST, CT_ORIG_SPORT, CT_ORIG_SRC, CT_PROTO, CT_SIZE,
  CT_SLOT_SIZE, CT_STATUS_MASK, CTE_EXT, CTE_NAT, CTSTATUS_ASSURED, CTSTATUS_CONFIRMED, CX_ID,
} from '../assembly/shared/layout.js';
import { classifyPackets } from '../src/classify.js';
import type { Arena } from '../src/engine/arena.js';
import { Engine, type PacketResult } from '../src/engine/engine.js';
import type { CoreExports } from '../src/engine/load-wasm.js';
import { hostModelFromObject } from '../src/host/load.js';
import type { PacketInput } from '../src/packets/types.js';
import { parseRuleset } from '../src/ruleset/load.js';

const CLIENTS = 0xc0000200; // 192.0.2.0/24 on eth0
const SERVER = 0xc6336407; // 198.51.100.7 on eth1
const UDP = 17;
const ICMP = 1;
/** 4 slots per entry rounded up to a power of two: 2052 -> 4096 slots reserved. */
const MAX = 513;

const RULES = [
  '*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]',
  ':POSTROUTING ACCEPT [0:0]',
  // a connmark gives these conntracks an ext record, which then holds the id
  '-A PREROUTING -p udp --dport 53 -j CONNMARK --set-mark 0x5', 'COMMIT',
  '*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]',
  '-A FORWARD -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT', 'COMMIT', '',
].join('\n');

async function router(): Promise<Engine> {
  const host = hostModelFromObject({
    interfaces: [{ name: 'eth0', addresses: ['192.0.2.1/24'] }, { name: 'eth1', addresses: ['198.51.100.1/24'] }],
    forwarding: true,
    sysctl: { nf_conntrack_max: MAX },
  });
  return Engine.create(parseRuleset(RULES, { filename: 'ct-index-growth' }), host);
}

function packet(ts: number, fromClient: boolean, client: number, proto: number, clientPort: number, serverPort: number): PacketInput {
  const p: PacketInput = {
    ts, inIface: fromClient ? 'eth0' : 'eth1', localOut: false, src: fromClient ? client : SERVER, dst: fromClient ? SERVER : client,
    proto, length: 60, ttl: 64, tos: 0, fragOffset: 0, moreFragments: false, dontFragment: false, mark: 0,
  };
  if (proto === ICMP) Object.assign(p, { icmpType: fromClient ? 8 : 0, icmpCode: 0, icmpId: clientPort, icmpSeq: 1 });
  else Object.assign(p, { sport: fromClient ? clientPort : serverPort, dport: fromClient ? serverPort : clientPort });
  return p;
}

/** `n` new unanswered flows from distinct clients at `ts`; every third one to port 53 (connmark). */
function newFlows(engine: Engine, ts: number, first: number, n: number): PacketResult[] {
  const packets: PacketInput[] = [];
  for (let i = first; i < first + n; i++) {
    const proto = i % 7 === 0 ? ICMP : UDP;
    packets.push(packet(ts, true, CLIENTS + (i % 200) + 10, proto, 1024 + i, i % 3 === 0 ? 53 : 5000));
  }
  return classifyPackets(engine, packets);
}

/** `n` UDP streams made assured (request, answer, request 3 s later: early_drop spares them). */
function assuredStreams(engine: Engine, ts: number, first: number, n: number): void {
  const packets: PacketInput[] = [];
  for (let i = first; i < first + n; i++) packets.push(packet(ts, true, CLIENTS + 250, UDP, 1024 + i, 6000));
  for (let i = first; i < first + n; i++) packets.push(packet(ts + 0.1, false, CLIENTS + 250, UDP, 1024 + i, 6000));
  for (let i = first; i < first + n; i++) packets.push(packet(ts + 3, true, CLIENTS + 250, UDP, 1024 + i, 6000));
  classifyPackets(engine, packets);
}

function mix64(x: bigint): bigint {
  return BigInt.asUintN(64, x);
}

/** The tuple hash of assembly/conntrack/table.ts: the upper half of a 64-bit mix; its low bits are the home slot. */
function fingerprint(src: number, dst: number, ports: number, proto: number): number {
  let h = mix64(((BigInt(src) << 32n) | BigInt(dst)) * 0x9e3779b97f4a7c15n);
  h ^= mix64((((BigInt(ports) << 8n) | BigInt(proto)) + 0x632be59bd9b4e019n) * 0xc2b2ae3d27d4eb4fn);
  h ^= h >> 31n;
  h = mix64(h * 0xff51afd7ed558ccdn);
  return Number(h >> 32n);
}

interface Key {
  id: number;
  dir: number;
  fingerprint: number;
  handle: number;
}

interface IndexView {
  /** Slots in use (the rest of the reservation is empty). */
  inUse: number;
  reserved: number;
  high: number;
  live: number;
}

/** Checks the index in the core's memory against the model; returns its sizes. */
function checkIndex(engine: Engine, label: string): IndexView {
  const { core, arena } = engine as unknown as { core: CoreExports; arena: Arena };
  const view = new DataView(core.memory.buffer);
  const word = (i: number) => view.getUint32(arena.cfg + 4 * i, true);
  const entries = word(CFG_CT_ENTRIES_PTR);
  const ext = word(CFG_CT_EXT_PTR);
  const index = word(CFG_CT_INDEX_PTR);
  const reserved = word(CFG_CT_INDEX_SLOTS);
  const high = word(CFG_CT_HIGH);
  const keys: Key[] = [];
  for (let i = 0; i < high; i++) {
    const ct = entries + i * CT_SIZE;
    const link = view.getUint32(ct + CT_ID, true);
    const flags = view.getUint8(ct + CT_FLAGS);
    if (link === 0 || (flags & CT_STATUS_MASK & CTSTATUS_CONFIRMED) === 0) continue;
    assert.is(flags & CTE_NAT, 0, 'no NAT here: the reply tuple is the inverted original');
    const id = flags & CTE_EXT ? view.getUint32(ext + (link - 1) * CT_EXT_SIZE + CX_ID, true) : link;
    const src = view.getUint32(ct + CT_ORIG_SRC, true);
    const dst = view.getUint32(ct + CT_ORIG_DST, true);
    const sport = view.getUint16(ct + CT_ORIG_SPORT, true);
    const dport = view.getUint16(ct + CT_ORIG_DPORT, true);
    const proto = view.getUint8(ct + CT_PROTO);
    // ICMP "ports": id << 16 | type << 8 | code; the reply has the echo reply type (0 for 8)
    const replyPorts = proto === ICMP ? ((sport << 16) | (dport & 0xff)) >>> 0 : ((dport << 16) | sport) >>> 0;
    // Both keys of an ASSURED entry carry bit 30 (early_drop reads it from the slot).
    const assured = flags & CT_STATUS_MASK & CTSTATUS_ASSURED ? 1 << 30 : 0;
    keys.push({ id, dir: 0, fingerprint: fingerprint(src, dst, ((sport << 16) | dport) >>> 0, proto), handle: (assured | (i + 1)) >>> 0 });
    keys.push({ id, dir: 1, fingerprint: fingerprint(dst, src, replyPorts, proto), handle: ((1 << 31) | assured | (i + 1)) >>> 0 });
  }
  // In use: 4 slots per entry of the peak rounded up to a power of two, at least 512, and the
  // whole reservation once the peak is nf_conntrack_max.
  const inUse = high >= word(CFG_CT_MAX) ? reserved : Math.min(reserved, Math.max(512, 2 ** Math.ceil(Math.log2(4 * high))));
  // Oldest first (ids count up here, no wrap), ORIGINAL before REPLY; plain linear probing, no deletion.
  keys.sort((a, b) => a.id - b.id || a.dir - b.dir);
  const model = new Uint32Array(2 * inUse);
  for (const key of keys) {
    let slot = key.fingerprint & (inUse - 1);
    while (model[2 * slot + 1] !== 0) slot = (slot + 1) & (inUse - 1);
    model[2 * slot] = key.fingerprint;
    model[2 * slot + 1] = key.handle;
  }
  for (let s = 0; s < reserved; s++) {
    const fp = view.getUint32(index + s * CT_SLOT_SIZE, true);
    const handle = view.getUint32(index + s * CT_SLOT_SIZE + 4, true);
    const want = s < inUse ? [model[2 * s], model[2 * s + 1]] : [0, 0];
    if (handle !== want[1] || (handle !== 0 && fp !== want[0])) assert.unreachable(`${label}: slot ${s} holds ${handle}/${fp}, the model ${want[1]}/${want[0]}`);
  }
  return { inUse, reserved, high, live: keys.length / 2 };
}

test('the index in use grows with the peak of live conntracks, and is the whole reservation once the table can be full', async () => {
  const engine = await router();
  const sizes: number[] = [];
  newFlows(engine, 1000, 0, 100);
  sizes.push(checkIndex(engine, 'peak 100').inUse);
  newFlows(engine, 1001, 100, 100);
  sizes.push(checkIndex(engine, 'peak 200').inUse);
  newFlows(engine, 1002, 200, 312);
  const nearlyFull = checkIndex(engine, 'peak 512');
  sizes.push(nearlyFull.inUse);
  newFlows(engine, 1003, 512, 1);
  const full = checkIndex(engine, 'peak 513');
  sizes.push(full.inUse);
  assert.equal(sizes, [512, 1024, 2048, 4096], 'at least a page of slots, then 4 per entry of the peak, rounded up to a power of two');
  assert.is(full.reserved, 4096);
  assert.is(full.live, MAX);
});

test('growth, expiry, reuse of freed entries and early drop leave every key where a never-grown index would hold it', async () => {
  const engine = await router();
  newFlows(engine, 1000, 0, 200);
  checkIndex(engine, 'first flows');
  assuredStreams(engine, 1031, 1000, 100);
  checkIndex(engine, 'assured streams');
  // 30 s timeout for unanswered UDP and ICMP: by the last packet (1034 s) the first flows have run
  // out, and listing the table collects them
  assert.is(engine.conntrackEntries().length, 100);
  const afterExpiry = checkIndex(engine, 'after expiry');
  assert.is(afterExpiry.live, 100);
  // new flows take the freed entries last-freed first, so entry order no longer follows age
  newFlows(engine, 1040, 2000, 250);
  const reused = checkIndex(engine, 'reused entries');
  assert.is(reused.high, 350, '200 freed entries reused, 50 new');
  newFlows(engine, 1041, 3000, MAX - 350);
  const full = checkIndex(engine, 'table full');
  assert.is(full.inUse, full.reserved);
  assert.is(full.live, MAX);
  const crowded = newFlows(engine, 1042, 4000, 60);
  const notes = crowded.map((r) => (r.ctNote ?? []).join(','));
  const dropped = notes.filter((n) => n.includes('early drop')).length;
  assert.ok(dropped > 0, 'some new flows early-dropped an unassured conntrack');
  assert.is(notes.filter((n) => n.includes('table full')).length + dropped, 60, 'each new flow either evicted one or was refused');
  checkIndex(engine, 'after early drops');
  assert.is(engine.conntrackEntries().filter((e) => e.status.includes('ASSURED')).length, 100, 'early_drop spares assured conntracks');
});

test.run();
