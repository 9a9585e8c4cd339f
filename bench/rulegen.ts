// ClassBench-style rule and traffic generator (Taylor & Turner's ClassBench: rules drawn from
// "seed" distributions of prefix lengths, port classes and protocols; traces made of header
// tuples taken from the rules). Two seed flavours like ClassBench's: 'acl' (specific sources,
// mostly exact well-known destination ports) and 'fw' (wildcard-heavy, port ranges). Layouts:
// - realistic: a stateful filter (ESTABLISHED,RELATED first, INVALID, lo, ping, then seed rules,
//   a final LOG) with 80 % established traffic, the rest new connections aimed at the rules;
// - worst: seed rules no packet matches, then a catch-all: every packet scans to the end.
import type { PacketInput } from '../src/packets/types.js';
import { formatIPv4 } from '../src/ruleset/names.js';
import { rng } from './generate.js';

type Random = () => number;
export type Seed = 'acl' | 'fw';
export type Layout = 'realistic' | 'worst';

/** [value, weight] pairs. */
type Distribution = readonly (readonly [number | string, number])[];

interface SeedParams {
  srcLen: Distribution;
  dstLen: Distribution;
  proto: Distribution;
  /** 'exact' a well-known port, 'range' a random range, 'high' 1024:65535, 'any' none. */
  dport: Distribution;
  sport: Distribution;
}

const SEEDS: Record<Seed, SeedParams> = {
  acl: {
    srcLen: [[0, 0.25], [16, 0.1], [24, 0.3], [28, 0.1], [32, 0.25]],
    dstLen: [[0, 0.1], [24, 0.3], [28, 0.1], [32, 0.5]],
    proto: [['tcp', 0.75], ['udp', 0.2], ['any', 0.05]],
    dport: [['exact', 0.7], ['high', 0.1], ['any', 0.2]],
    sport: [['any', 0.9], ['high', 0.1]],
  },
  fw: {
    srcLen: [[0, 0.5], [8, 0.05], [16, 0.1], [24, 0.2], [32, 0.15]],
    dstLen: [[0, 0.3], [24, 0.3], [32, 0.4]],
    proto: [['tcp', 0.5], ['udp', 0.3], ['icmp', 0.05], ['any', 0.15]],
    dport: [['any', 0.4], ['exact', 0.4], ['range', 0.2]],
    sport: [['any', 0.8], ['range', 0.2]],
  },
};

const WELL_KNOWN = [20, 21, 22, 23, 25, 53, 80, 110, 123, 143, 161, 389, 443, 445, 465, 587, 993, 995, 1433, 3306, 3389, 5432, 8080, 8443];

function draw(r: Random, d: Distribution): number | string {
  let x = r() * d.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, weight] of d) {
    x -= weight;
    if (x < 0) return value;
  }
  return d[d.length - 1][0];
}

/** Header fields of one generated rule (ports as inclusive ranges, undefined = any). */
export interface RuleHeader {
  src?: [number, number];
  dst?: [number, number];
  proto?: 'tcp' | 'udp' | 'icmp';
  sport?: [number, number];
  dport?: [number, number];
}

/** Addresses come from a few hundred /16 blocks so prefixes nest as in real rule sets. */
function prefix(r: Random, len: number, base: number): { text: string; range: [number, number] } {
  const block = (base + Math.floor(r() * 256) * 0x10000) >>> 0;
  const addr = (block | Math.floor(r() * 0x10000)) >>> 0;
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  const net = (addr & mask) >>> 0;
  return { text: `${formatIPv4(net)}/${len}`, range: [net, (net | ~mask) >>> 0] };
}

function portRange(r: Random, kind: string): [number, number] | undefined {
  if (kind === 'exact') {
    const p = WELL_KNOWN[Math.floor(r() * WELL_KNOWN.length)];
    return [p, p];
  }
  if (kind === 'high') return [1024, 65535];
  if (kind === 'range') {
    const lo = Math.floor(r() * 60000);
    return [lo, lo + 1 + Math.floor(r() * 2000)];
  }
  return undefined;
}

function ports(range: [number, number]): string {
  return range[0] === range[1] ? `${range[0]}` : `${range[0]}:${range[1]}`;
}

/** One seed rule: its header and its iptables matches. `srcBase` is the /8 its sources lie in (0 = any). */
function seedRule(r: Random, p: SeedParams, srcBase: number, forceSource: boolean): { header: RuleHeader; text: string } {
  const header: RuleHeader = {};
  const parts: string[] = [];
  let srcLen = Number(draw(r, p.srcLen));
  if (forceSource) srcLen = Math.max(srcLen, 8);
  if (srcLen > 0) {
    const s = prefix(r, srcLen, srcBase);
    header.src = s.range;
    parts.push(`-s ${s.text}`);
  }
  const dstLen = Number(draw(r, p.dstLen));
  if (dstLen > 0) {
    const d = prefix(r, dstLen, 0xc0000000);
    header.dst = d.range;
    parts.push(`-d ${d.text}`);
  }
  const proto = String(draw(r, p.proto));
  if (proto !== 'any') {
    header.proto = proto as RuleHeader['proto'];
    parts.push(`-p ${proto}`);
  }
  if (proto === 'tcp' || proto === 'udp') {
    header.sport = portRange(r, String(draw(r, p.sport)));
    header.dport = portRange(r, String(draw(r, p.dport)));
    if (header.sport) parts.push(`-m ${proto} --sport ${ports(header.sport)}`);
    if (header.dport) parts.push(`-m ${proto} --dport ${ports(header.dport)}`);
  } else if (proto === 'icmp') {
    parts.push('-m icmp --icmp-type 8');
  }
  return { header, text: parts.join(' ') };
}

function seedTarget(r: Random): string {
  const x = r();
  if (x < 0.7) return '-j ACCEPT';
  if (x < 0.9) return '-j DROP';
  if (x < 0.95) return '-j REJECT';
  return '-j LOG --log-prefix "seed "';
}

export interface Generated {
  /** iptables-save text (filter table, INPUT chain). */
  text: string;
  headers: RuleHeader[];
  rules: number;
}

const SOURCE_BASE = 0x0a000000; // 10/8
const FOREIGN_BASE = 0xac100000; // 172.16/16: never in a worst-case rule's source

/** `n` rules in the INPUT chain (n >= 5 for 'realistic', n >= 1 for 'worst'). */
export function generateRuleset(layout: Layout, seed: Seed, n: number, randomSeed: number): Generated {
  const r = rng(randomSeed);
  const params = SEEDS[seed];
  const lines = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]'];
  const headers: RuleHeader[] = [];
  if (layout === 'realistic') {
    lines.push(
      '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A INPUT -m conntrack --ctstate INVALID -j DROP',
      '-A INPUT -i lo -j ACCEPT',
      '-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT',
    );
    for (let i = 4; i < n - 1; i++) {
      const rule = seedRule(r, params, SOURCE_BASE, false);
      headers.push(rule.header);
      lines.push(`-A INPUT ${rule.text} ${seedTarget(r)}`);
    }
    lines.push('-A INPUT -j LOG --log-prefix "dropped "');
  } else {
    for (let i = 0; i < n - 1; i++) {
      const rule = seedRule(r, params, SOURCE_BASE, true);
      headers.push(rule.header);
      lines.push(`-A INPUT ${rule.text} ${seedTarget(r)}`);
    }
    lines.push('-A INPUT -j ACCEPT');
  }
  lines.push('COMMIT', '');
  return { text: lines.join('\n'), headers, rules: n };
}

function within(r: Random, range: [number, number] | undefined, otherwise: () => number): number {
  if (!range) return otherwise();
  return range[0] + Math.floor(r() * (range[1] - range[0] + 1));
}

/**
 * Packets for a generated ruleset: 'realistic' 80 % ESTABLISHED, the rest NEW, half of those
 * taken from a rule's header (ClassBench's trace generator) and half random; 'worst' NEW packets
 * from 172.16/16, which no rule but the last matches.
 */
export function generateTraffic(layout: Layout, generated: Generated, count: number, randomSeed: number): PacketInput[] {
  const r = rng(randomSeed);
  const out: PacketInput[] = [];
  for (let i = 0; i < count; i++) {
    const header = generated.headers.length && r() < 0.5 ? generated.headers[Math.floor(r() * generated.headers.length)] : undefined;
    const proto = header?.proto ?? (r() < 0.7 ? 'tcp' : r() < 0.9 ? 'udp' : 'icmp');
    const number = proto === 'tcp' ? 6 : proto === 'udp' ? 17 : 1;
    const p: PacketInput = {
      ts: 1000 + i * 1e-4,
      inIface: 'eth0',
      localOut: false,
      src: layout === 'worst' ? (FOREIGN_BASE | Math.floor(r() * 0x10000)) >>> 0 : within(r, header?.src, () => (SOURCE_BASE + Math.floor(r() * 0x1000000)) >>> 0),
      dst: within(r, header?.dst, () => (0xc0000000 + Math.floor(r() * 0x1000000)) >>> 0),
      proto: number,
      length: 60,
      ttl: 64,
      tos: 0,
      fragOffset: 0,
      moreFragments: false,
      dontFragment: true,
      mark: 0,
      ctstate: layout === 'realistic' && r() < 0.8 ? 2 : 8,
    };
    if (number !== 1) {
      p.sport = within(r, header?.sport, () => 1024 + Math.floor(r() * 64000));
      p.dport = within(r, header?.dport, () => WELL_KNOWN[Math.floor(r() * WELL_KNOWN.length)]);
      if (number === 6) p.tcpFlags = 2;
    } else {
      p.icmpType = 8;
      p.icmpCode = 0;
    }
    out.push(p);
  }
  return out;
}
