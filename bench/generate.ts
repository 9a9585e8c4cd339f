// Seeded generators for benchmark inputs: a stateful-looking filter ruleset of N rules and random
// packets aimed at it.
import type { PacketInput } from '../src/packets/types.js';

/** Small deterministic PRNG (mulberry32) so every run measures the same inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateRules(n: number, seed: number): string {
  const r = rng(seed);
  const lines = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]'];
  lines.push('-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT');
  for (let i = 1; i < n; i++) {
    const net = `${10 + Math.floor(r() * 200)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.0/24`;
    const port = 1 + Math.floor(r() * 65000);
    const proto = r() < 0.7 ? 'tcp' : 'udp';
    lines.push(`-A INPUT -s ${net} -p ${proto} -m ${proto} --dport ${port} -j ACCEPT`);
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

export function generatePackets(count: number, seed: number): PacketInput[] {
  const r = rng(seed);
  const out: PacketInput[] = [];
  for (let i = 0; i < count; i++) {
    const tcp = r() < 0.7;
    out.push({
      ts: 1000 + i * 0.001,
      inIface: 'eth0',
      localOut: false,
      src: (Math.floor(r() * 0xffffffff) >>> 0),
      dst: 0xc6336401,
      proto: tcp ? 6 : 17,
      length: 60,
      ttl: 64,
      tos: 0,
      fragOffset: 0,
      moreFragments: false,
      dontFragment: true,
      sport: 1024 + Math.floor(r() * 60000),
      dport: 1 + Math.floor(r() * 65000),
      tcpFlags: tcp ? 2 : undefined,
      mark: 0,
      ctstate: 8,
    });
  }
  return out;
}
