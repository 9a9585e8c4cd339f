// IPv4 reassembly of fragments read from captures: the bytes are put back together in WASM and
// the transport header parsed from them by the capture parser's code, so checksums cover the
// whole datagram and a TCP header split across fragments is seen whole (NETFILTER.md §4.1).
// Also the fragment captures of the corpus (skipped with a message when ../shared is absent).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Engine } from '../src/engine/engine.js';
import { outputRecord, type OutputRecord } from '../src/output/record.js';
import { ip, ipv4, parseBytes, pcapFile, tcp, udp } from './capture-support.js';
import { engineFor, ruleCounters, STATEFUL_RULES, STATELESS_RULES } from './defrag-support.js';

const CLIENT = ip('192.0.2.1');
const HOST = ip('198.51.100.1');

/** The IP datagram `segment` (an L4 segment) cut into fragments of `size` data bytes (a multiple of 8). */
function fragments(proto: number, segment: Uint8Array, size: number, id: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < segment.length; at += size) {
    const mf = at + size < segment.length;
    out.push(ipv4({ src: CLIENT, dst: HOST, proto, id, mf, fragOffset: at / 8, payload: segment.subarray(at, at + size) }));
  }
  return out;
}

async function classifyCapture(engine: Engine, packets: Uint8Array[]): Promise<OutputRecord[]> {
  const bytes = pcapFile({ linkType: 101, packets: packets.map((data, i) => ({ ts: 1000 + i / 100, data })) });
  const parsed = await parseBytes(bytes, { inInterface: 'eth0' });
  const out: OutputRecord[] = [];
  for (const batch of parsed.batches) {
    if (!batch.count) continue;
    for (const r of engine.classify(batch.records, batch.count, batch.payloads)) out.push(outputRecord(out.length + 1, r));
  }
  return out;
}

const dnsPayload = new Uint8Array(3000).map((_, i) => (i * 7) & 0xff);
const dnsSegment = udp({ src: CLIENT, dst: HOST, sport: 1000, dport: 53, payload: dnsPayload });

test('three captured fragments: two held, the third completes a 3028-byte UDP datagram', async () => {
  const engine = await engineFor(STATEFUL_RULES);
  const records = await classifyCapture(engine, fragments(17, dnsSegment, 1480, 0x4242));
  assert.equal(records.map((r) => r.verdict), ['DEFRAG', 'DEFRAG', 'ACCEPT']);
  assert.is(records[2].decided_by, 'filter:INPUT:2');
  assert.is(records[2].ctstate, 'NEW');
  assert.equal(records[2].defrag, { state: 'reassembled', queue: 1, fragments: 3 });
  assert.equal(ruleCounters(engine, 'INPUT', 1), { packets: 1n, bytes: 3028n });
});

test('out of order and with a duplicate, the captured datagram still reassembles', async () => {
  const engine = await engineFor(STATEFUL_RULES);
  const [a, b, c] = fragments(17, dnsSegment, 1480, 0x4243);
  const records = await classifyCapture(engine, [c, b, b, a]);
  assert.equal(records.map((r) => r.verdict), ['DEFRAG', 'DEFRAG', 'DROP', 'ACCEPT']);
  assert.match(records[2].defrag!.reason!, /duplicate/);
  assert.equal(ruleCounters(engine, 'INPUT', 1), { packets: 1n, bytes: 3028n });
});

test('the UDP checksum is verified over the reassembled datagram', async () => {
  const engine = await engineFor(STATEFUL_RULES);
  const frags = fragments(17, dnsSegment, 1480, 0x4244);
  const last = frags[2];
  last[last.length - 1] ^= 0xff; // one data byte of the last fragment changed in transit
  const records = await classifyCapture(engine, frags);
  // INVALID (no conntrack made); the ruleset's UDP rule does not look at the state
  assert.is(records[2].ctstate, 'INVALID');
  assert.ok(records[2].ct_reason, 'conntrack says why');
  assert.is(engine.conntrackEntries().length, 0);
});

test('a TCP header cut across fragments is whole after reassembly (tiny-fragment evasion)', async () => {
  const syn = tcp({ src: CLIENT, dst: HOST, sport: 40000, dport: 80, seq: 1, flags: 0x02, options: [2, 4, 5, 180, 1, 3, 3, 7] });
  // 8 bytes of TCP header in the first fragment: ports and sequence number, no flags
  const frags = fragments(6, syn, 8, 0x99);
  const stateful = await engineFor(STATEFUL_RULES);
  const records = await classifyCapture(stateful, frags);
  assert.is(records.length, frags.length);
  const final = records[records.length - 1];
  assert.is(final.verdict, 'ACCEPT');
  assert.is(final.decided_by, 'filter:INPUT:3'); // --tcp-flags SYN,ACK,FIN,RST SYN needed the flags
  assert.is(final.tcp_state, 'SYN_SENT');
  assert.equal(ruleCounters(stateful, 'INPUT', 2), { packets: 1n, bytes: BigInt(20 + syn.length) });
  // Without conntrack the first fragment has no flags to match and the rest have no header at all.
  const stateless = await engineFor(STATELESS_RULES);
  const alone = await classifyCapture(stateless, frags);
  assert.is(alone[0].verdict, 'DROP');
  assert.is(alone[1].decided_by, 'filter:INPUT:2');
});

test('every fragment capture of the corpus: one record per packet, each fragment accounted for', async () => {
  const dir = fileURLToPath(new URL('../../shared/data/pcaps/misc/', import.meta.url));
  if (!existsSync(dir)) {
    console.log(`  (skipped: ${dir} is absent)`);
    return;
  }
  const files = readdirSync(dir).filter((f) => /frag/i.test(f)).sort();
  let reassembled = 0;
  const tally: string[] = [];
  for (const file of files) {
    const engine = await engineFor(STATEFUL_RULES);
    const parsed = await parseBytes(new Uint8Array(readFileSync(dir + file)), { inInterface: 'eth0' });
    let fragmentRecords = 0;
    let count = 0;
    const states: Record<string, number> = {};
    for (const batch of parsed.batches) {
      if (!batch.count) continue;
      const view = new DataView(batch.records.buffer, batch.records.byteOffset);
      for (let i = 0; i < batch.count; i++) {
        const flags = view.getUint8(i * 256 + 19);
        if (flags & 3) fragmentRecords++; // PF_FRAG_NONFIRST | PF_MF
      }
      const results = engine.classify(batch.records, batch.count, batch.payloads);
      assert.is(results.length, batch.count, file);
      count += results.length;
      for (const r of results) if (r.defrag?.state) states[r.defrag.state] = (states[r.defrag.state] ?? 0) + 1;
    }
    const accounted = (states.held ?? 0) + (states.reassembled ?? 0) + (states.dropped ?? 0);
    assert.is(accounted, fragmentRecords, `${file}: every fragment is held, reassembles or is dropped`);
    reassembled += states.reassembled ?? 0;
    tally.push(`${file}: ${count} packets, ${fragmentRecords} fragments, ${JSON.stringify(states)}`);
  }
  console.log(tally.map((t) => `  ${t}`).join('\n'));
  if (files.some((f) => /zeek__ipv4__fragmented/.test(f))) assert.ok(reassembled > 0, 'some datagrams reassembled');
});

test.run();
