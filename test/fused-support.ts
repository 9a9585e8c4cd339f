// What the fused-path tests share: the two ways to classify a capture file on one engine — the
// record path (classifyInput: batches copied out of the parser, into the engine, OutputRecords,
// recordEncoder), which is the reference, and the fused path (classifyCaptureInPlace with the
// CoreRecordWriter) — each giving output bytes, summary, counters, conntrack and warnings;
// and capture builders for the cases the tests need.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine, type EngineOptions } from '../src/engine/engine.js';
import { hostModelFromObject } from '../src/host/load.js';
import { CoreRecordWriter } from '../src/output/core-writer.js';
import { recordEncoder, type RecordFormat } from '../src/output/encode.js';
import type { RecordFilter } from '../src/output/only.js';
import type { OutputRecord } from '../src/output/record.js';
import { formatSave } from '../src/ruleset/print-save.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { classifyCaptureInPlace } from '../src/node/fused-capture.js';
import { openInput, type CaptureInput } from '../src/node/inputs.js';
import { classifyInput } from '../src/node/stream.js';
import { Summary } from '../src/node/summary.js';
import type { CaptureOptions } from '../src/capture/parser.js';
import type { HostModel } from '../src/host/model.js';
import { ethernet, icmp, ip, ipv4, ipv6, MAC_A, pcapFile, pcapngSection, sll, tcp, udp, type NgBlock } from './capture-support.js';

export interface PathResult {
  bytes: Buffer;
  /** Output chunks written (one per batch that kept a record). */
  chunks: number;
  summary: string;
  counters: string;
  conntrack: string;
  warnings: string[];
}

export interface RunSpec {
  rules: string;
  host: HostModel;
  format: RecordFormat;
  only?: RecordFilter;
  engine?: EngineOptions;
}

const asBuffer = (chunk: string | Uint8Array) => (typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));

async function onEngine(spec: RunSpec, path: string, run: (engine: Engine, input: CaptureInput, summary: Summary, chunks: Buffer[]) => Promise<void>): Promise<PathResult> {
  const ruleset = parseRuleset(spec.rules, 'rules');
  const engine = await Engine.create(ruleset, spec.host, spec.engine);
  const input = await openInput(path, { inInterface: 'eth0' });
  if (input.kind !== 'capture') throw new Error(`${path} is not a capture`);
  const summary = new Summary({ input: 'capture', conntrackModes: engine.conntrackModes() });
  const chunks: Buffer[] = [];
  const head = recordEncoder(spec.format).start();
  if (head) chunks.push(Buffer.from(head));
  await run(engine, input, summary, chunks);
  return {
    bytes: Buffer.concat(chunks),
    chunks: chunks.length,
    summary: summary.format(),
    counters: formatSave(engine.countersInto(ruleset), { counters: true }),
    conntrack: engine.formatConntrack(),
    warnings: input.warnings,
  };
}

/** The reference: the capture parsed in its own instance, records copied out and in, OutputRecords encoded. */
export function recordPath(spec: RunSpec, path: string): Promise<PathResult> {
  return onEngine(spec, path, async (engine, input, summary, chunks) => {
    const encoder = recordEncoder(spec.format);
    for await (const batch of classifyInput(engine, input)) {
      for (const rec of batch.records) summary.add(rec);
      const kept = spec.only ? batch.records.filter(spec.only) : batch.records;
      summary.written += kept.length;
      if (kept.length) chunks.push(asBuffer(encoder.encode(kept)));
    }
  });
}

/** The fused path: parsed in the engine's instance and evaluated in place; `parser` overrides the parser's options. */
export function fusedPath(spec: RunSpec, path: string, parser: Partial<CaptureOptions> = {}): Promise<PathResult> {
  return onEngine(spec, path, async (engine, input, summary, chunks) => {
    Object.assign(input.options, parser);
    const writer = new CoreRecordWriter(engine, spec.format, { tally: summary, only: spec.only });
    // chunks are views the writer reuses: copied
    for await (const chunk of classifyCaptureInPlace(engine, input, writer)) if (chunk.output.length) chunks.push(Buffer.from(asBuffer(chunk.output)));
    summary.written = writer.written;
  });
}

/** Records of JSON-lines output bytes. */
export const jsonlOf = (bytes: Buffer): OutputRecord[] => bytes.toString().split('\n').filter(Boolean).map((line) => JSON.parse(line));

// ---- a small host and ruleset that exercise conntrack, LOG, REJECT answers and reassembly

export const HOST_ADDRESS = '198.51.100.1';
export const HOST = hostModelFromObject({ interfaces: [{ name: 'eth0', addresses: [`${HOST_ADDRESS}/24`] }], routes: [{ to: 'default', via: '198.51.100.254' }] });

export const RULES = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A INPUT -m conntrack --ctstate INVALID -j DROP
-A INPUT -p tcp --dport 22 -j LOG --log-prefix "ssh "
-A INPUT -p tcp --dport 22 -j ACCEPT
-A INPUT -p udp --dport 53 -j ACCEPT
-A INPUT -p tcp --dport 23 -j REJECT --reject-with tcp-reset
-A INPUT -p icmp -j ACCEPT
COMMIT
`;

const SYN = 0x02;
const ACK = 0x10;
const HOST_IP = ip(HOST_ADDRESS);

/** One IPv4 packet from client `c` (192.0.2.c) of kind `k`; fragments come as several. */
function packetsOf(c: number, k: number, id: number): Uint8Array[] {
  const src = ip(`192.0.2.${c}`);
  const dst = HOST_IP;
  switch (k % 6) {
    case 0: return [ipv4({ src, dst, proto: 6, payload: tcp({ src, dst, sport: 40000 + c, dport: 22, flags: SYN, seq: 1000 }) })];
    case 1: return [ipv4({ src, dst, proto: 6, payload: tcp({ src, dst, sport: 40000 + c, dport: 22, flags: ACK, seq: 1001, ack: 1 }) })];
    case 2: return [ipv4({ src, dst, proto: 17, payload: udp({ src, dst, sport: 5000 + c, dport: 53, payload: new Uint8Array(40).fill(c) }) })];
    case 3: return [ipv4({ src, dst, proto: 6, payload: tcp({ src, dst, sport: 41000 + c, dport: 23, flags: SYN }) })];
    case 4: return [ipv4({ src, dst, proto: 1, payload: icmp({ type: 8, rest: (c << 16) | k, body: new Uint8Array(16) }) })];
    default: {
      // a 3-fragment UDP datagram; every fifth one loses its last fragment and stays held
      const segment = udp({ src, dst, sport: 6000 + c, dport: 53, payload: new Uint8Array(2000).map((_, i) => (i + c) & 0xff) });
      const parts: Uint8Array[] = [];
      for (let at = 0; at < segment.length; at += 800) {
        parts.push(ipv4({ src, dst, proto: 17, id, mf: at + 800 < segment.length, fragOffset: at / 8, payload: segment.subarray(at, at + 800) }));
      }
      return id % 5 === 0 ? parts.slice(0, 2) : parts;
    }
  }
}

/** Frames that are not evaluated: ARP, IPv6, LLDP, a bad IPv4 header checksum, a frame cut inside its link header. */
export function oddFrame(i: number): Uint8Array {
  switch (i % 5) {
    case 0: return ethernet(new Uint8Array(28), { type: 0x0806 });
    case 1: return ethernet(ipv6(new Uint8Array(8)), { type: 0x86dd });
    case 2: return ethernet(new Uint8Array(40), { type: 0x88cc });
    case 3: {
      const src = ip('192.0.2.99');
      return ethernet(ipv4({ src, dst: HOST_IP, proto: 17, payload: udp({ src, dst: HOST_IP, sport: 1, dport: 53 }), badChecksum: true }));
    }
    default: return ethernet(new Uint8Array(0)).subarray(0, 10);
  }
}

/** Ethernet frames: `count` rounds of packets from 40 clients, with non-IP and broken frames between them every `oddEvery` frames (0: none). */
export function mixedFrames(count: number, oddEvery = 7): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let id = 1;
  for (let i = 0; i < count; i++) {
    for (const packet of packetsOf(1 + (i % 40), Math.floor(i / 40) + i, id++)) {
      frames.push(ethernet(packet));
      if (oddEvery > 0 && frames.length % oddEvery === 0) frames.push(oddFrame(frames.length));
    }
  }
  return frames;
}

export function writePcap(dir: string, name: string, frames: Uint8Array[]): string {
  const path = join(dir, name);
  writeFileSync(path, pcapFile({ linkType: 1, packets: frames.map((data, i) => ({ ts: 1000 + Math.floor(i / 100), sub: (i % 100) * 10_000, data })) }));
  return path;
}

/** A pcapng file of `frames` on an interface named eth0; `extra` blocks go before frame `at`. */
export function writePcapng(dir: string, name: string, frames: Uint8Array[], extra: { at: number; blocks: NgBlock[] } = { at: 0, blocks: [] }): string {
  const path = join(dir, name);
  const blocks: NgBlock[] = [{ kind: 'idb', iface: { linkType: 1, name: 'eth0' } }];
  frames.forEach((data, i) => {
    if (i === extra.at) blocks.push(...extra.blocks);
    blocks.push({ kind: 'epb', iface: 0, ticks: BigInt(1_000_000_000 + i * 1000), data });
  });
  writeFileSync(path, pcapngSection({ blocks }));
  return path;
}

/**
 * A pcapng file of `frames` whose block for frame `before` has a bad length (30: shorter than an
 * enhanced packet block), so a reader gets the frames before it, then an error at that offset.
 */
export function writeCorruptPcapng(dir: string, frames: Uint8Array[], before: number): string {
  const file = readFileSync(writePcapng(dir, 'whole.pcapng', frames));
  // the block of frame `before` starts where a file of the frames before it ends
  const at = readFileSync(writePcapng(dir, 'head.pcapng', frames.slice(0, before))).length;
  new DataView(file.buffer, file.byteOffset).setUint32(at + 4, 30, true);
  const path = join(dir, 'corrupt.pcapng');
  writeFileSync(path, file);
  return path;
}

const TCP_FLAGS: Record<string, number> = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 };

/** examples/ftp-server/packets.jsonl as a Linux cooked capture on the server: packets without `in` are its own (outgoing). */
export function ftpExampleCapture(dir: string, jsonl: string): string {
  const packets = readFileSync(jsonl, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  // Sequence numbers as the two ends would have them: the client's from 1000, the server's from 5000.
  const sent = new Map<string, number>();
  const frames = packets.map((p) => {
    const src = ip(p.src);
    const dst = ip(p.dst);
    let payload: Uint8Array;
    let proto: number;
    if (p.proto === 'tcp') {
      proto = 6;
      const flags = (p.flags as string).split(',').reduce((bits, name) => bits | TCP_FLAGS[name], 0);
      const data = new TextEncoder().encode(p.payload_text ?? '');
      const [own, peer] = [`${p.src}:${p.sport}`, `${p.dst}:${p.dport}`];
      const [ownStart, peerStart] = p.in ? [1000, 5000] : [5000, 1000];
      const seq = ownStart + (flags & SYN ? 0 : 1) + (sent.get(own) ?? 0);
      const ack = flags & ACK ? peerStart + 1 + (sent.get(peer) ?? 0) : 0;
      sent.set(own, (sent.get(own) ?? 0) + data.length);
      payload = tcp({ src, dst, sport: p.sport, dport: p.dport, flags, seq, ack, payload: data });
    } else {
      proto = 1;
      payload = icmp({ type: 8, rest: (p.icmp_id << 16) | p.icmp_seq });
    }
    return { ts: Math.floor(p.ts), sub: Math.round((p.ts % 1) * 1e6), data: sll(ipv4({ src, dst, proto, payload }), { packetType: p.in ? 0 : 4, address: MAC_A }) };
  });
  const path = join(dir, 'ftp-example.pcap');
  writeFileSync(path, pcapFile({ linkType: 113, packets: frames }));
  return path;
}
