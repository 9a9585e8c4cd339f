// Shared by the engine-*/compile-* tests: packets with defaults, hosts, engines over rules text,
// and a test-only match module that emits raw core instructions (to exercise every opcode
// independently of the real match modules).
import { Engine, type EngineOptions, type PacketResult } from '../src/engine/engine.js';
import { defaultHostModel } from '../src/host/default.js';
import { hostModelFromObject } from '../src/host/load.js';
import type { HostModel } from '../src/host/model.js';
import type { MatchModule } from '../src/modules/module.js';
import { defaultRegistry, type ModuleRegistry } from '../src/modules/registry.js';
import { encodePackets } from '../src/packets/encode.js';
import type { PacketInput } from '../src/packets/types.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { parseIPv4 } from '../src/ruleset/names.js';
import type { Rule, Ruleset } from '../src/ruleset/types.js';

export function ip(text: string): number {
  const v = parseIPv4(text);
  if (v === undefined) throw new Error(`bad address ${text}`);
  return v;
}

export type PacketSpec = Partial<Omit<PacketInput, 'src' | 'dst'>> & { src?: string; dst?: string };

/** A packet: TCP 192.0.2.1:40000 -> 198.51.100.1:22 SYN in on eth0, 60 bytes, unless overridden. */
export function packet(spec: PacketSpec = {}): PacketInput {
  const { src, dst, ...rest } = spec;
  const localOut = spec.localOut ?? false;
  const p: PacketInput = {
    ts: 1000,
    localOut,
    src: ip(src ?? '192.0.2.1'),
    dst: ip(dst ?? '198.51.100.1'),
    proto: 6,
    length: 60,
    ttl: 64,
    tos: 0,
    fragOffset: 0,
    moreFragments: false,
    dontFragment: false,
    sport: 40000,
    dport: 22,
    tcpFlags: 2,
    mark: 0,
    ...rest,
  };
  if (!localOut && spec.inIface === undefined) p.inIface = 'eth0';
  return p;
}

/** A router: eth0 198.51.100.1/24 (outside), eth1 10.0.0.1/24 (inside), default via 198.51.100.254. */
export function routerHost(forwarding = true): HostModel {
  return hostModelFromObject({
    interfaces: [
      { name: 'eth0', addresses: ['198.51.100.1/24'] },
      { name: 'eth1', addresses: ['10.0.0.1/24'] },
    ],
    routes: [
      { to: 'default', via: '198.51.100.254' },
      { to: '203.0.113.0/24', type: 'blackhole' },
    ],
    forwarding,
  });
}

export { defaultHostModel };

/** Rules text (save form or an iptables script); bare `-A`/`:` lines are wrapped in *filter ... COMMIT. */
export function rules(text: string, registry?: ModuleRegistry): Ruleset {
  const bare = /^\s*[-:]/.test(text);
  const body = bare ? `*filter\n${text}\nCOMMIT\n` : text;
  return parseRuleset(body, { filename: 'test.rules', registry });
}

/**
 * An engine for rule-evaluation tests: conntrack off unless asked for, so the ctstate each test
 * packet claims is what the rules see (conntrack itself is tested in test/ct-*.test.ts).
 */
export async function engineFor(ruleset: Ruleset | string, host: HostModel = defaultHostModel(), opts: EngineOptions = {}): Promise<Engine> {
  const rs = typeof ruleset === 'string' ? rules(ruleset, opts.registry) : ruleset;
  return Engine.create(rs, host, { conntrack: false, ...opts });
}

export function classify(engine: Engine, packets: PacketInput[]): PacketResult[] {
  return engine.classify(encodePackets(packets), packets.length);
}

export async function classifyOne(ruleset: Ruleset | string, p: PacketSpec = {}, host?: HostModel): Promise<PacketResult> {
  const engine = await engineFor(ruleset, host);
  return classify(engine, [packet(p)])[0];
}

/** Counters of a rule or policy after a run: "table:chain:N" or "table:chain:policy". */
export function counters(engine: Engine, where: string): { packets: number; bytes: number } {
  const [table, chain, n] = where.split(':');
  const rs = engine.countersInto();
  const c = rs.tables.find((t) => t.name === table)!.chains.find((ch) => ch.name === chain)!;
  const picked = n === 'policy' ? c.counters : c.rules[Number(n) - 1].counters;
  return { packets: Number(picked.packets), bytes: Number(picked.bytes) };
}

// ---------------------------------------------------------------------------------------------
// `-m ops`: a test match whose options are raw instructions, so opcode tests do not depend on
// the real match modules. Rules using it are built by hand (withOps) rather than parsed.

export interface Instruction {
  op: number;
  operands: number[];
  invert?: boolean;
  /** Replace operand i with a fresh state offset of this many bytes (allocState). */
  state?: { operand: number; bytes: number; shared?: string };
}

export const OPS_MODULE: MatchModule<Instruction[]> = {
  name: 'ops',
  options: [],
  init: () => [],
  parse: () => undefined,
  finalize: () => undefined,
  save: () => '',
  list: () => '',
  compile(instructions, em) {
    for (const ins of instructions) {
      const operands = [...ins.operands];
      if (ins.state) {
        const { operand, bytes, shared } = ins.state;
        operands[operand] = shared ? em.sharedState(shared, bytes) : em.allocState(bytes);
      }
      em.op(ins.op, operands, ins.invert);
    }
  },
};

export const testRegistry: ModuleRegistry = {
  matchModule: (name) => (name === 'ops' ? OPS_MODULE : defaultRegistry.matchModule(name)),
  targetModule: (name) => defaultRegistry.targetModule(name),
  implicitMatchForProto: (proto) => defaultRegistry.implicitMatchForProto(proto),
};

/** Adds `-m ops` instructions to rule `n` (from 1) of table:chain. */
export function withOps(ruleset: Ruleset, where: string, instructions: Instruction[]): Ruleset {
  const [table, chain, n] = where.split(':');
  const rule: Rule = ruleset.tables.find((t) => t.name === table)!.chains.find((c) => c.name === chain)!.rules[Number(n) - 1];
  rule.matches.push({ module: 'ops', opts: instructions });
  return ruleset;
}
