// Differential test of the bit-vector classifier (layout.ts "Classifier tables"): random rulesets
// and packets go through the linear walk and through classifiers on every chain; verdicts, the
// rules matched (in order), TRACE positions, LOG lines, marks and every counter must be identical.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLK_CTSTATE, CLK_DPORT, CLK_ICMP_TYPE, CLK_IN, CLK_SRC } from '../assembly/shared/layout.js';
import { rng } from '../bench/generate.js';
import type { ClassifierMode } from '../src/compile/index.js';
import { Engine } from '../src/engine/engine.js';
import { encodePackets } from '../src/packets/encode.js';
import type { PacketInput } from '../src/packets/types.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { formatIPv4 } from '../src/ruleset/names.js';
import type { Ruleset } from '../src/ruleset/types.js';
import { routerHost } from './engine-support.js';

type Random = () => number;

const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)];
const chance = (r: Random, p: number) => r() < p;
const not = (r: Random, p = 0.2) => (chance(r, p) ? '! ' : '');

// Few distinct values, so rules and packets meet often.
const NETS = [0x0a000000, 0x0a000100, 0x0a0001f0, 0xc0000200, 0xc6336400, 0xc6336401, 0x08080808];
const PORTS = [22, 53, 80, 443, 1024, 8080, 65535];
const INS = ['eth0', 'eth1', 'eth+', 'ppp0', 'lo', 'e+'];
const OUTS = ['eth0', 'eth1', 'eth+', 'ppp+'];
const STATES = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED', 'ESTABLISHED,RELATED', 'NEW,INVALID'];
const MARKS = [0, 1, 2, 3, 0x10];

function address(r: Random): string {
  const len = pick(r, [0, 8, 16, 24, 28, 32, 32]);
  return `${formatIPv4(pick(r, NETS) + Math.floor(r() * 4))}/${len}`;
}

function portSpec(r: Random): string {
  const a = pick(r, PORTS);
  return a > 1000 && chance(r, 0.3) ? `1000:${a}` : `${a}`;
}

function l4Matches(r: Random, proto: string): string[] {
  const out: string[] = [];
  if (proto === 'tcp' || proto === 'udp') {
    if (chance(r, 0.6)) out.push(`-m ${proto} ${not(r)}--dport ${portSpec(r)}`);
    if (chance(r, 0.3)) out.push(`-m ${proto} ${not(r)}--sport ${portSpec(r)}`);
    if (chance(r, 0.25)) out.push(`-m multiport ${not(r)}--${pick(r, ['dports', 'sports', 'ports'])} ${portSpec(r)},${pick(r, PORTS)}`);
  } else if (proto === 'icmp' && chance(r, 0.7)) {
    out.push(`-m icmp ${not(r)}--icmp-type ${pick(r, ['8', '0', '3', '3/1', 'any'])}`);
  }
  return out;
}

/** A rule's matches, in random order relative to the stateful ones (limit, recent). */
function ruleMatches(r: Random, chain: string): string {
  const parts: string[] = [];
  if (chance(r, 0.4)) parts.push(`${not(r)}-s ${address(r)}`);
  if (chance(r, 0.4)) parts.push(`${not(r)}-d ${address(r)}`);
  if (chain !== 'OUTPUT' && chance(r, 0.3)) parts.push(`${not(r)}-i ${pick(r, INS)}`);
  if ((chain === 'FORWARD' || chain === 'OUTPUT') && chance(r, 0.3)) parts.push(`${not(r)}-o ${pick(r, OUTS)}`);
  let proto = '';
  if (chance(r, 0.6)) {
    proto = pick(r, ['tcp', 'udp', 'icmp', 'gre']);
    parts.push(`${not(r, 0.1)}-p ${proto}`);
    if (parts[parts.length - 1].startsWith('!')) proto = '';
  }
  if (chance(r, 0.05)) parts.push(`${not(r, 0.5)}-f`);
  const extras = l4Matches(r, proto);
  if (chance(r, 0.25)) {
    const [module, option] = pick(r, [['state', '--state'], ['conntrack', '--ctstate']]);
    extras.push(`-m ${module} ${not(r, 0.1)}${option} ${pick(r, STATES)}`);
  }
  if (chance(r, 0.15)) extras.push(`-m mark ${not(r)}--mark ${pick(r, MARKS)}/0x${pick(r, ['ff', '3', '1'])}`);
  if (chance(r, 0.05)) extras.push(`-m iprange ${not(r)}--src-range 10.0.0.0-10.0.1.255`);
  if (chance(r, 0.12)) extras.push('-m limit --limit 2/sec --limit-burst 3');
  if (chance(r, 0.12)) extras.push(`-m recent ${pick(r, ['--set', '--rcheck --seconds 1', '--update --hitcount 2'])} --name r${Math.floor(r() * 2)}`);
  for (let i = extras.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [extras[i], extras[j]] = [extras[j], extras[i]];
  }
  return [...parts, ...extras].join(' ');
}

function target(r: Random, chain: string, userChains: string[]): string {
  const user = chain.startsWith('U') ? Number(chain.slice(1)) : -1;
  const below = userChains.filter((u) => Number(u.slice(1)) > user);
  const choices: string[] = ['', '-j ACCEPT', '-j DROP', '-j REJECT', '-j LOG --log-prefix "L "', '-j MARK --set-xmark 0x1/0x3', '-j MARK --set-xmark 0x10/0x10'];
  if (below.length) choices.push(`-j ${pick(r, below)}`, `-j ${pick(r, below)}`, `-g ${pick(r, below)}`);
  if (user >= 0 || chance(r, 0.3)) choices.push('-j RETURN');
  // mostly non-terminal, so packets walk far and the "next candidate after k" path is exercised
  const t = pick(r, choices);
  return t === '-j ACCEPT' || t === '-j DROP' || t === '-j REJECT' ? (chance(r, 0.4) ? t : '-j LOG --log-prefix "N "') : t;
}

function randomRuleset(r: Random, total: number): string {
  const users = ['U0', 'U1', 'U2', 'U3'];
  const chains = ['INPUT', 'FORWARD', 'OUTPUT', ...users];
  const lines = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...users.map((u) => `:${u} - [0:0]`)];
  for (let i = 0; i < total; i++) {
    const chain = pick(r, chains);
    lines.push(`-A ${chain} ${ruleMatches(r, chain)} ${target(r, chain, users)}`.replace(/ +/g, ' ').trim());
  }
  lines.push('COMMIT');
  // raw: NOTRACK changes the ctstate that filter's state rules (classified on it) then see
  lines.push('*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]');
  for (let i = 0; i < total / 4; i++) {
    const chain = pick(r, ['PREROUTING', 'OUTPUT']);
    const t = pick(r, ['-j NOTRACK', '-j CT --notrack', '', '-j LOG --log-prefix "R "', '-j MARK --set-xmark 0x2/0x3', '-j ACCEPT']);
    lines.push(`-A ${chain} ${ruleMatches(r, chain)} ${t}`.replace(/ +/g, ' ').trim());
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

function randomPacket(r: Random, i: number): PacketInput {
  const proto = pick(r, [6, 6, 17, 17, 1, 47]);
  const localOut = chance(r, 0.2);
  const p: PacketInput = {
    ts: 1000 + i * 0.05,
    localOut,
    src: (pick(r, NETS) + Math.floor(r() * 300)) >>> 0,
    dst: (pick(r, NETS) + Math.floor(r() * 4)) >>> 0,
    proto,
    length: 40 + Math.floor(r() * 1400),
    ttl: 64,
    tos: 0,
    fragOffset: chance(r, 0.05) ? 10 : 0,
    moreFragments: false,
    dontFragment: false,
    mark: pick(r, MARKS),
    ctstate: pick(r, [1, 2, 2, 4, 8, 8, 16]),
  };
  if (!localOut) p.inIface = pick(r, [...INS.filter((n) => !n.endsWith('+')), 'eth2', 'e']);
  if (chance(r, 0.3)) p.outIface = pick(r, ['eth0', 'eth1', 'ppp3']);
  if (proto === 6 || proto === 17) {
    p.sport = chance(r, 0.5) ? pick(r, PORTS) : Math.floor(r() * 65536);
    p.dport = chance(r, 0.7) ? pick(r, PORTS) : Math.floor(r() * 65536);
    if (proto === 6) p.tcpFlags = 2;
  } else if (proto === 1) {
    p.icmpType = pick(r, [0, 3, 8, 11]);
    p.icmpCode = pick(r, [0, 1]);
  }
  return p;
}

interface Outcome {
  results: unknown[];
  counters: string;
  classified: number;
}

async function run(ruleset: Ruleset, packets: PacketInput[], classifier: ClassifierMode): Promise<Outcome> {
  const engine = await Engine.create(ruleset, routerHost(), { conntrack: false, classifier, batchSize: 64 });
  const results = engine.classify(encodePackets(packets), packets.length).map((p) => ({
    verdict: p.verdict, decidedBy: p.decidedBy, matched: p.matched, trace: p.trace, logs: p.logs, mark: p.mark,
  }));
  const counted = engine.countersInto().tables.flatMap((t) =>
    t.chains.flatMap((c) => [`${c.name} ${c.counters.packets}/${c.counters.bytes}`, ...c.rules.map((rule) => `${rule.counters.packets}/${rule.counters.bytes}`)]),
  );
  return { results, counters: counted.join(' '), classified: engine.compiled.classifiers.length };
}

/** `mode` 'always' tables every chain from its first rule; 'auto' keeps small chains and chain heads linear. */
async function compare(seed: number, rules: number, packetCount: number, mode: ClassifierMode): Promise<void> {
  const r = rng(seed);
  const text = randomRuleset(r, rules);
  const packets = Array.from({ length: packetCount }, (_, i) => randomPacket(r, i));
  await compareOn(`seed ${seed} (${rules} rules)`, text, packets, mode);
}

async function compareOn(label: string, text: string, packets: PacketInput[], mode: ClassifierMode): Promise<void> {
  const ruleset = parseRuleset(text, { filename: 'random.rules' });
  const linear = await run(ruleset, packets, 'linear');
  const classified = await run(ruleset, packets, mode);
  assert.is(linear.classified, 0);
  assert.ok(classified.classified > 0, `${label}: no chain got a classifier`);
  for (let i = 0; i < packets.length; i++) {
    assert.equal(classified.results[i], linear.results[i], `${label}, packet ${i}`);
  }
  assert.is(classified.counters, linear.counters, `${label}: counters`);
}

/**
 * Many distinct prefixes and port ranges (long CLL_SEARCH tables, every length from 1 up), and
 * packets on and around every interval edge, where a search that is one off picks the wrong row.
 */
function edgeCase(seed: number, rules: number): { text: string; packets: PacketInput[] } {
  const r = rng(seed);
  const lines = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]'];
  const edges: number[][] = [[], [], []];
  for (let i = 0; i < rules; i++) {
    const len = pick(r, [8, 16, 20, 24, 28, 31, 32]);
    const mask = (0xffffffff << (32 - len)) >>> 0;
    const net = ((0x0a000000 + Math.floor(r() * 0x40000)) & mask) >>> 0;
    const low = Math.floor(r() * 65000);
    const high = low + Math.floor(r() * 500);
    edges[0].push(net, (net | ~mask) >>> 0);
    edges[1].push(low, high);
    const dst = 0xc0000000 + Math.floor(r() * 0x1000);
    edges[2].push(dst, dst);
    const parts = [chance(r, 0.8) ? `-s ${formatIPv4(net)}/${len}` : '', chance(r, 0.5) ? `-d ${formatIPv4(dst)}` : '', '-p tcp'];
    parts.push(`-m tcp --${chance(r, 0.5) ? 'dport' : 'sport'} ${low}:${high}`);
    lines.push(`-A FORWARD ${parts.join(' ')} ${pick(r, ['-j ACCEPT', '-j LOG --log-prefix "E "', '-j DROP'])}`.replace(/ +/g, ' '));
  }
  lines.push('COMMIT', '');
  // Mostly aimed at one rule: an edge of its source and of its port range, its destination.
  const near = (value: number, max: number) => Math.min(max, Math.max(0, value + pick(r, [-1, 0, 0, 1])));
  const packets = Array.from({ length: 600 }, (_, i): PacketInput => {
    const rule = Math.floor(r() * rules);
    const aimed = (k: number) => (chance(r, 0.8) ? edges[k][2 * rule + Math.floor(r() * 2)] : pick(r, edges[k]));
    const port = near(aimed(1), 65535);
    const sourcePort = chance(r, 0.5);
    return {
      ts: 1000 + i * 0.05, localOut: false, inIface: 'eth0',
      src: near(aimed(0), 0xffffffff) >>> 0, dst: aimed(2),
      proto: 6, sport: sourcePort ? port : 1, dport: sourcePort ? 1 : port, tcpFlags: 2,
      length: 60, ttl: 64, tos: 0, fragOffset: 0, moreFragments: false, dontFragment: false, mark: 0,
    };
  });
  return { text: lines.join('\n'), packets };
}

test('long interval tables: packets on every edge get the rows the linear walk agrees with', async () => {
  for (const [seed, rules] of [[301, 60], [302, 333], [303, 1500]]) {
    const { text, packets } = edgeCase(seed, rules);
    for (const mode of ['always', 'auto'] as const) await compareOn(`edges seed ${seed} ${mode}`, text, packets, mode);
  }
});

test('fields only the linear head constrains get no table, and results stay those of the linear walk', async () => {
  const r = rng(401);
  const lines = [
    '*filter', ':INPUT DROP [0:0]',
    '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A INPUT -m conntrack --ctstate INVALID -j DROP',
    '-A INPUT -i lo -j ACCEPT',
    '-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT',
  ];
  for (let i = 0; i < 120; i++) lines.push(`-A INPUT -s 10.0.${i}.0/24 -p tcp -m tcp --dport ${pick(r, PORTS)} -j ${pick(r, ['ACCEPT', 'DROP'])}`);
  lines.push('COMMIT', '');
  const text = lines.join('\n');
  const engine = await Engine.create(parseRuleset(text, { filename: 'head.rules' }), routerHost(), { conntrack: false });
  const fields = engine.compiled.classifiers[0].fields;
  for (const kind of [CLK_CTSTATE, CLK_IN, CLK_ICMP_TYPE]) assert.not.ok(fields.includes(kind), `field ${kind} has a table: ${fields}`);
  for (const kind of [CLK_SRC, CLK_DPORT]) assert.ok(fields.includes(kind), `field ${kind} has no table: ${fields}`);
  const packets = Array.from({ length: 400 }, (_, i) => {
    const p = randomPacket(r, i);
    if (chance(r, 0.5)) p.src = (0x0a000000 + Math.floor(r() * 0x9000)) >>> 0;
    return p;
  });
  await compareOn('linear head', text, packets, 'auto');
});

test('small random rulesets: classifier and linear walk agree on every packet', async () => {
  for (let seed = 1; seed <= 40; seed++) await compare(seed, 1 + (seed * 7) % 60, 300, 'always');
});

test('large random rulesets (up to 2000 rules) agree too, with every chain tabled', async () => {
  for (const [seed, rules] of [[101, 500], [102, 1200], [103, 2000]]) await compare(seed, rules, 400, 'always');
});

test('large random rulesets agree in auto mode (linear chain heads, small chains linear)', async () => {
  for (const [seed, rules] of [[201, 400], [202, 2000]]) await compare(seed, rules, 400, 'auto');
});

test('the walk really is shortened: packets that match nothing skip straight to the policy', async () => {
  const lines = ['*filter', ':INPUT DROP [0:0]'];
  for (let i = 0; i < 500; i++) lines.push(`-A INPUT -s 10.${i >> 8}.${i & 255}.0/24 -p tcp -m tcp --dport ${1000 + i} -j ACCEPT`);
  lines.push('-A INPUT -p udp -j LOG --log-prefix "udp "', 'COMMIT', '');
  const ruleset = parseRuleset(lines.join('\n'), { filename: 'far.rules' });
  const engine = await Engine.create(ruleset, routerHost(), { conntrack: false });
  assert.is(engine.compiled.classifiers.length, 1, 'auto mode gives the 501-rule chain a classifier');
  const info = engine.compiled.classifiers[0];
  assert.is(info.rules, 501);
  assert.ok(info.bytes > 0);
  const base = { ts: 1, localOut: false, inIface: 'eth0', dst: 0xc6336401, length: 60, ttl: 64, tos: 0, fragOffset: 0, moreFragments: false, dontFragment: false, mark: 0 };
  const packets: PacketInput[] = [
    { ...base, src: 0x0a010505, proto: 6, sport: 1, dport: 1000 + 261, tcpFlags: 2 },
    { ...base, src: 0x0a010505, proto: 6, sport: 1, dport: 1000 + 262, tcpFlags: 2 },
    { ...base, src: 0x0a010505, proto: 17, sport: 1, dport: 53 },
  ];
  const [hit, miss, udp] = engine.classify(encodePackets(packets), packets.length);
  assert.is(hit.verdict, 'ACCEPT');
  assert.is(hit.decidedBy, 'filter:INPUT:262');
  assert.is(miss.verdict, 'DROP');
  assert.equal(miss.matched, []);
  assert.equal(udp.matched, ['filter:INPUT:501']);
});

test.run();
