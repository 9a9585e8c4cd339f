// Corrupt input never crashes the WASM capture parser (no trap, no hang, no exception other than
// CaptureError) and never loses a frame's outcome: seeded random byte flips, cuts and length
// rewrites over captures of every format and link type.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CaptureError } from '../src/capture/errors.js';
import { CaptureParser } from '../src/capture/parser.js';
import type { FrameInfo } from '../src/capture/frames.js';
import {
  ethernet, icmp, ip, ipv4, loopback, nflog, pcapFile, pcapngSection, sll, tcp, udp,
} from './capture-support.js';
import { fixtureCaptures } from './fixtures/make-captures.js';
import { rng } from '../bench/generate.js';

const SRC = ip('10.0.0.1');
const DST = ip('10.0.0.2');
const udpPacket = ipv4({ src: SRC, dst: DST, proto: 17, payload: udp({ src: SRC, dst: DST, sport: 1, dport: 2, payload: new Uint8Array(12) }) });
const tcpPacket = ipv4({ src: SRC, dst: DST, proto: 6, payload: tcp({ src: SRC, dst: DST, sport: 1, dport: 2, flags: 2, options: [2, 4, 5, 0xb4, 1, 3, 3, 7] }) });
const icmpError = ipv4({ src: SRC, dst: DST, proto: 1, payload: icmp({ type: 3, code: 3, body: udpPacket.subarray(0, 28) }) });

const SAMPLES: Record<string, Uint8Array> = {
  ...fixtureCaptures(),
  'sll.pcap': pcapFile({ linkType: 113, packets: [{ ts: 1, data: sll(tcpPacket) }, { ts: 2, data: sll(icmpError, { packetType: 4 }) }] }),
  'null.pcap': pcapFile({ linkType: 0, packets: [{ ts: 1, data: loopback(udpPacket, 2) }] }),
  'nflog-be.pcap': pcapFile({ linkType: 239, bigEndian: true, packets: [{ ts: 1, data: nflog({ little: false, hook: 2, prefix: 'x', indev: 1, outdev: 2, payload: icmpError }) }] }),
  'be.pcapng': pcapngSection({ bigEndian: true, blocks: [{ kind: 'idb', iface: { linkType: 1, name: 'eth0', tsresol: 0x83 } }, { kind: 'epb', iface: 0, ticks: 5n, data: ethernet(tcpPacket), flags: 1 }, { kind: 'pb', iface: 0, ticks: 9n, data: ethernet(icmpError) }] }),
};

const STATUSES = new Set(['ipv4', 'ipv6', 'arp', 'non-ip', 'truncated', 'malformed', 'other-host']);

function mutate(bytes: Uint8Array, rnd: () => number): Uint8Array {
  const out = bytes.slice();
  const kind = Math.floor(rnd() * 4);
  if (kind === 0) {
    const flips = 1 + Math.floor(rnd() * 8);
    for (let i = 0; i < flips; i++) out[Math.floor(rnd() * out.length)] = Math.floor(rnd() * 256);
  } else if (kind === 1) {
    return out.subarray(0, Math.floor(rnd() * out.length));
  } else if (kind === 2) {
    // a 32-bit length-like field somewhere past the header set to an extreme
    const at = 4 + Math.floor(rnd() * (out.length - 8));
    const values = [0, 1, 0xffffffff, 0x7fffffff, 0x10000, 13];
    new DataView(out.buffer).setUint32(at, values[Math.floor(rnd() * values.length)], rnd() < 0.5);
  } else {
    for (let i = 0; i < 3; i++) {
      const at = Math.floor(rnd() * out.length);
      out[at] ^= 1 << Math.floor(rnd() * 8);
    }
  }
  return out;
}

async function survive(bytes: Uint8Array, chunk: number): Promise<FrameInfo[]> {
  const parser = await CaptureParser.create({ inInterface: 'eth0', bufferSize: 1 << 20 });
  const frames: FrameInfo[] = [];
  try {
    for (let at = 0; at < bytes.length; at += chunk) for (const b of parser.feed(bytes.subarray(at, at + chunk))) frames.push(...b.frames);
    for (const b of parser.end()) frames.push(...b.frames);
  } catch (err) {
    if (!(err instanceof CaptureError)) throw err;
  }
  return frames;
}

test('seeded corruptions of every sample: only CaptureError, one ordered outcome per frame', async () => {
  const rnd = rng(0xc0ffee); // seeded, so a failure can be replayed
  let cases = 0;
  for (const [name, sample] of Object.entries(SAMPLES)) {
    for (let i = 0; i < 150; i++) {
      const bytes = mutate(sample, rnd);
      const chunk = 1 + Math.floor(rnd() * bytes.length + 1);
      let frames: FrameInfo[];
      try {
        frames = await survive(bytes, chunk);
      } catch (err) {
        assert.unreachable(`${name} mutation ${i}: ${(err as Error).stack}`);
        return;
      }
      assert.equal(frames.map((f) => f.index), frames.map((_, k) => k), `${name} mutation ${i}`);
      assert.ok(frames.every((f) => STATUSES.has(f.status) && (f.status === 'ipv4') === (f.record !== undefined)), `${name} mutation ${i}`);
      assert.ok(frames.length <= bytes.length / 16, `${name} mutation ${i}: more frames than bytes allow`);
      cases++;
    }
  }
  assert.is(cases, Object.keys(SAMPLES).length * 150);
});

test.run();
