// Seeded random cases: a filter table over the grammar nfwasm supports (user chains with jumps,
// gotos and RETURN; tcp/udp/icmp/multiport/state/conntrack/iprange/mark/comment/length/ttl
// matches; ACCEPT/DROP/REJECT/LOG/MARK targets; random policies) and random traffic aimed at it. The
// same seed gives the same case, so a divergence found once can be replayed
// (`npm run conformance -- --random N --seed S random-S.I`).
//
// Optional parts, on with `--with reject,ttl` (CI's `conformance:ci` turns both on): they once
// diverged (the router's answers were not walked through OUTPUT; FORWARD saw the TTL before the
// router lowered it; the kernel's per-destination ICMP rate limit was not modelled) and are kept
// switchable to bisect.
// Traffic only crosses the router: packets for the router itself would be answered by its own
// stack, which nfwasm does not model.
import { rng } from '../bench/generate.js';
import type { ConformanceCase } from './case.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, text } from './frames.js';
import { host, Traffic, type Endpoint } from './traffic.js';

type Random = () => number;

/** Parts of the grammar held back by default (see above). */
export type HeldBack = 'reject' | 'ttl';
export const HELD_BACK: readonly HeldBack[] = ['reject', 'ttl'];

interface Grammar {
  with: ReadonlySet<HeldBack>;
}

const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)];
const chance = (r: Random, p: number): boolean => r() < p;
const int = (r: Random, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

/** Ports the rules test and the traffic uses, so rules actually match now and then. */
const PORTS = [22, 53, 80, 123, 443, 8080, 5000, 5001];
const CLIENT_HOSTS = ['198.51.100.2', '198.51.100.7'];
const SERVER_HOSTS = ['203.0.113.2', '192.0.2.20'];
const NETS = ['198.51.100.0/24', '198.51.100.2/32', '198.51.100.7/32', '203.0.113.0/24', '203.0.113.2/32', '192.0.2.0/24', '192.0.2.20/32'];
const RANGES = ['198.51.100.1-198.51.100.5', '203.0.113.2-203.0.113.9', '192.0.2.10-192.0.2.30'];
const STATES = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED'];
const TCP_FLAG_TESTS = ['--syn', '--tcp-flags FIN,SYN,RST,ACK SYN', '--tcp-flags SYN,ACK SYN,ACK', '--tcp-flags RST RST', '--tcp-flags FIN FIN'];
const ICMP_TYPES = ['8', '0', '3', '3/3', '11'];
const MARKS = ['0x1', '0x2', '0x3'];

const negated = (r: Random, s: string): string => (chance(r, 0.2) ? `! ${s}` : s);

function portMatch(r: Random, proto: 'tcp' | 'udp'): string[] {
  const parts: string[] = [];
  const port = () => {
    const p = pick(r, PORTS);
    return chance(r, 0.2) ? `${p}:${p + 100}` : String(p);
  };
  if (chance(r, 0.6)) parts.push(negated(r, `--dport ${port()}`));
  if (chance(r, 0.2)) parts.push(negated(r, `--sport ${port()}`));
  if (proto === 'tcp' && chance(r, 0.3)) parts.push(negated(r, pick(r, TCP_FLAG_TESTS)));
  return parts.length ? [`-m ${proto}`, ...parts] : [];
}

function protocolPart(r: Random): string[] {
  const proto = pick(r, ['tcp', 'tcp', 'udp', 'icmp'] as const);
  const out = [`-p ${proto}`];
  if (proto === 'icmp') {
    if (chance(r, 0.6)) out.push(`-m icmp ${negated(r, `--icmp-type ${pick(r, ICMP_TYPES)}`)}`);
  } else if (chance(r, 0.25)) {
    const ports = [...new Set([pick(r, PORTS), pick(r, PORTS), pick(r, PORTS)])].sort((a, b) => a - b).join(',');
    out.push(`-m multiport ${negated(r, `--${pick(r, ['dports', 'sports', 'ports'])} ${ports}`)}`);
  } else {
    out.push(...portMatch(r, proto));
  }
  return out;
}

function statePart(r: Random): string {
  const states = STATES.filter(() => chance(r, 0.4));
  if (!states.length) states.push(pick(r, STATES));
  return chance(r, 0.5) ? `-m state ${negated(r, `--state ${states.join(',')}`)}` : `-m conntrack ${negated(r, `--ctstate ${states.join(',')}`)}`;
}

/** The match part of one rule (-i has no meaning in OUTPUT, -o none in INPUT). */
function matches(r: Random, chain: ChainPlan, grammar: Grammar): string {
  const parts: string[] = [];
  if (chance(r, 0.25)) parts.push(negated(r, `-s ${pick(r, NETS)}`));
  if (chance(r, 0.2)) parts.push(negated(r, `-d ${pick(r, NETS)}`));
  if (chain.name !== 'OUTPUT' && chance(r, 0.3)) parts.push(negated(r, `-i ${pick(r, ['eth0', 'eth1'])}`));
  if (chain.name !== 'INPUT' && chance(r, 0.2)) parts.push(negated(r, `-o ${pick(r, ['eth0', 'eth1'])}`));
  if (chance(r, 0.6)) parts.push(...protocolPart(r));
  if (chance(r, 0.3)) parts.push(statePart(r));
  if (chance(r, 0.1)) parts.push(`-m iprange ${negated(r, `--${pick(r, ['src', 'dst'])}-range ${pick(r, RANGES)}`)}`);
  if (chance(r, 0.1)) parts.push(`-m mark ${negated(r, `--mark ${pick(r, MARKS)}${chance(r, 0.3) ? '/0xff' : ''}`)}`);
  if (chance(r, 0.1)) parts.push(`-m length ${negated(r, `--length ${pick(r, ['40', '52:60', '0:100', '60:1500'])}`)}`);
  if (grammar.with.has('ttl') && chance(r, 0.1)) parts.push(`-m ttl --ttl-${pick(r, ['eq', 'lt', 'gt'])} ${pick(r, [62, 63, 64])}`);
  return parts.join(' ');
}

interface ChainPlan {
  name: string;
  builtin: boolean;
  /** User chains this one may jump or go to (later ones only: no loops). */
  callees: string[];
}

function target(r: Random, chain: ChainPlan, ruleNo: number, grammar: Grammar): string {
  const options: string[] = ['-j ACCEPT', '-j DROP', '-j ACCEPT', '-j DROP', '', `-j LOG --log-prefix "nfwc ${chain.name} ${ruleNo}: "`, `-j MARK --set-xmark ${pick(r, MARKS)}/0xffffffff`];
  if (!chain.builtin) options.push('-j RETURN');
  if (grammar.with.has('reject')) options.push('-j REJECT --reject-with icmp-port-unreachable', '-j REJECT --reject-with icmp-admin-prohibited');
  for (const callee of chain.callees) options.push(`-j ${callee}`, `-j ${callee}`, `-g ${callee}`);
  return pick(r, options);
}

/** One random filter table (iptables-save text). */
export function randomRuleset(r: Random, grammar: Grammar = { with: new Set() }): string {
  const userCount = int(r, 0, 3);
  const users = Array.from({ length: userCount }, (_, i) => `u${i + 1}`);
  const chains: ChainPlan[] = [
    { name: 'INPUT', builtin: true, callees: [] },
    { name: 'FORWARD', builtin: true, callees: users },
    { name: 'OUTPUT', builtin: true, callees: [] },
    ...users.map((name, i) => ({ name, builtin: false, callees: users.slice(i + 1) })),
  ];
  const lines = ['*filter'];
  for (const c of chains) lines.push(`:${c.name} ${c.builtin ? pick(r, c.name === 'FORWARD' ? ['ACCEPT', 'DROP', 'DROP'] : ['ACCEPT', 'DROP']) : '-'} [0:0]`);
  for (const c of chains) {
    const count = c.name === 'FORWARD' ? int(r, 3, 12) : c.builtin ? int(r, 0, 3) : int(r, 1, 6);
    for (let i = 1; i <= count; i++) {
      const comment = chance(r, 0.15) ? ` -m comment --comment "${c.name} rule ${i}"` : '';
      const rule = [`-A ${c.name}`, matches(r, c, grammar), comment.trim(), target(r, c, i, grammar)].filter(Boolean).join(' ');
      lines.push(rule);
    }
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** Random conversations between the client and server sides (see the module comment). */
export function randomTraffic(r: Random): Traffic {
  const t = new Traffic();
  const client = (): Endpoint => host('client', int(r, 30000, 60000), pick(r, CLIENT_HOSTS));
  const server = (): Endpoint => host('server', pick(r, PORTS), pick(r, SERVER_HOSTS));
  const conversations = int(r, 6, 12);
  for (let i = 0; i < conversations; i++) {
    const c = client();
    const s = server();
    switch (int(r, 0, 9)) {
      case 0:
      case 1:
        t.tcpSession(c, s, { clientIsn: int(r, 1, 2 ** 31), serverIsn: int(r, 1, 2 ** 31) });
        break;
      case 2:
        t.tcpRefused(c, s, int(r, 1, 2 ** 31));
        break;
      case 3:
        t.udpExchange(c, s, { answered: chance(r, 0.7) });
        break;
      case 4:
        t.ping(c, s, { id: int(r, 1, 65535), seq: int(r, 1, 100), answered: chance(r, 0.8) });
        break;
      case 5:
        // Opened from the server side.
        t.tcpSession({ addr: s.addr, port: int(r, 30000, 60000) }, { addr: c.addr, port: pick(r, PORTS) });
        break;
      case 6:
        t.udpExchange(c, s, { answered: false });
        t.icmpError('server', s.addr, t.lastIndex, 3, 3);
        break;
      case 7: {
        const flags = pick(r, [TCP_SYN | TCP_FIN, TCP_RST, TCP_ACK, TCP_ACK | TCP_PSH, TCP_FIN | TCP_ACK, TCP_SYN | TCP_ACK]);
        const fromClient = chance(r, 0.6);
        const [from, to] = fromClient ? [c, s] : [s, c];
        t.tcpSegment(fromClient ? 'client' : 'server', from, to, { seq: int(r, 1, 2 ** 31), ack: int(r, 1, 2 ** 31), flags }, flags & TCP_PSH ? text('data') : undefined);
        break;
      }
      case 8:
        t.tcpSegment('client', c, s, { seq: int(r, 1, 2 ** 31), ack: 0, flags: TCP_SYN, checksumError: 1 });
        break;
      default:
        t.ftpSession(c, { addr: s.addr, port: 21 }, { mode: pick(r, ['active', 'passive', 'eprt', 'epsv'] as const), dataPort: int(r, 40000, 50000), clientDataPort: int(r, 50001, 60000) });
    }
  }
  return t;
}

/** `count` random cases from `seed`; case i is named random-SEED.I and depends on nothing else. */
export function randomCases(count: number, seed: number, withHeldBack: readonly HeldBack[] = []): ConformanceCase[] {
  const grammar = { with: new Set(withHeldBack) };
  return Array.from({ length: count }, (_, i) => {
    const caseSeed = (Math.imul(seed, 1_000_003) + i) >>> 0;
    const name = `random-${seed}.${i + 1}`;
    return {
      name,
      about: `seeded random ruleset and traffic (seed ${seed}, case ${i + 1})`,
      rules: randomRuleset(rng(caseSeed), grammar),
      traffic: () => randomTraffic(rng(caseSeed ^ 0x5bd1e995)),
    };
  });
}
