// Shared by the conntrack core tests (ct-core*, ct-udp*, ct-icmp*, ct-output*): engines over rules
// text with the host's sysctls adjustable, and packets written as JSON records
// (docs/packet-records.md) so each test reads like the capture it simulates.
import { classifyPackets } from '../src/classify.js';
import { Engine, type EngineOptions, type PacketResult } from '../src/engine/engine.js';
import { hostModelFromObject } from '../src/host/load.js';
import { packetFromJsonObject } from '../src/packets/json.js';
import type { PacketInput } from '../src/packets/types.js';
import { parseRuleset } from '../src/ruleset/load.js';

/** A host with one outside interface (eth0, 198.51.100.1/24) and one inside (eth1, 10.0.0.1/24). */
export function hostWith(sysctl: Record<string, number> = {}, extra: Record<string, unknown> = {}) {
  return hostModelFromObject({
    interfaces: [
      { name: 'eth0', addresses: ['198.51.100.1/24'] },
      { name: 'eth1', addresses: ['10.0.0.1/24'] },
    ],
    routes: [{ to: 'default', via: '198.51.100.254' }],
    forwarding: true,
    sysctl,
    ...extra,
  });
}

export const HOST_ADDR = '198.51.100.1';

/** `*filter` with the given policies and rules, plus any further tables as written. */
export function filter(rules: string[], policies = { INPUT: 'DROP', FORWARD: 'DROP', OUTPUT: 'ACCEPT' }, more = ''): string {
  return [
    '*filter',
    `:INPUT ${policies.INPUT} [0:0]`,
    `:FORWARD ${policies.FORWARD} [0:0]`,
    `:OUTPUT ${policies.OUTPUT} [0:0]`,
    ...rules,
    'COMMIT',
    more,
  ].join('\n');
}

export async function engineFor(rules: string, sysctl: Record<string, number> = {}, opts: EngineOptions = {}, extra: Record<string, unknown> = {}): Promise<Engine> {
  return Engine.create(parseRuleset(rules), hostWith(sysctl, extra), opts);
}

/** A JSON packet record (docs/packet-records.md) as PacketInput. */
export function pkt(record: Record<string, unknown>): PacketInput {
  return packetFromJsonObject(record, 1);
}

export function run(engine: Engine, records: Record<string, unknown>[]): PacketResult[] {
  return classifyPackets(engine, records.map(pkt));
}

/** A UDP packet arriving on eth0 from `src`:`sport` to `dst`:`dport` at `ts`. */
export function udpIn(ts: number, src: string, sport: number, dst: string, dport: number, more: Record<string, unknown> = {}) {
  return { ts, in: 'eth0', src, dst, proto: 'udp', sport, dport, ...more };
}

/** A UDP packet this host sends. */
export function udpOut(ts: number, src: string, sport: number, dst: string, dport: number, more: Record<string, unknown> = {}) {
  return { ts, src, dst, proto: 'udp', sport, dport, ...more };
}
