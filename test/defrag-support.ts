// Shared by the defrag-* tests: an engine whose ruleset turns conntrack on (so defragmentation
// runs, NETFILTER.md §4.1), JSON-lines packets, and the output records of a run.
import { Engine, type EngineOptions, type PacketResult } from '../src/engine/engine.js';
import { classifyPackets } from '../src/classify.js';
import { hostModelFromObject } from '../src/host/load.js';
import { outputRecord, type OutputRecord } from '../src/output/record.js';
import { parseJsonLines } from '../src/packets/json.js';
import { parseRuleset } from '../src/ruleset/load.js';

/** Host 198.51.100.1 on eth0; accepts established traffic, UDP to 53 and TCP to 80, drops the rest. */
export const STATEFUL_RULES = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A INPUT -p udp --dport 53 -j ACCEPT
-A INPUT -p tcp --dport 80 --tcp-flags SYN,ACK,FIN,RST SYN -j ACCEPT
-A INPUT -p icmp --icmp-type echo-request -j ACCEPT
COMMIT
`;

/** The same policy with no conntrack match: the kernel then neither tracks nor defragments. */
export const STATELESS_RULES = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p udp --dport 53 -j ACCEPT
-A INPUT -f -j ACCEPT
COMMIT
`;

export const HOST = hostModelFromObject({ interfaces: [{ name: 'eth0', addresses: ['198.51.100.1/24'] }], routes: [{ to: 'default', via: '198.51.100.254' }] });

export async function engineFor(rules: string, opts: EngineOptions = {}): Promise<Engine> {
  return Engine.create(parseRuleset(rules, 'defrag.rules'), HOST, opts);
}

/** JSON-lines packets from objects (docs/packet-records.md). */
export function jsonPackets(objects: object[]) {
  return parseJsonLines(objects.map((o) => JSON.stringify(o)).join('\n'));
}

export function run(engine: Engine, objects: object[]): { results: PacketResult[]; records: OutputRecord[] } {
  const results = classifyPackets(engine, jsonPackets(objects));
  return { results, records: results.map((r, i) => outputRecord(i + 1, r)) };
}

/** A rule's packet and byte counters after the run. */
export function ruleCounters(engine: Engine, chain: string, index: number): { packets: bigint; bytes: bigint } {
  const table = engine.countersInto().tables.find((t) => t.name === 'filter')!;
  return table.chains.find((c) => c.name === chain)!.rules[index].counters!;
}

export function policyCounters(engine: Engine, chain: string): { packets: bigint; bytes: bigint } {
  const table = engine.countersInto().tables.find((t) => t.name === 'filter')!;
  return table.chains.find((c) => c.name === chain)!.counters!;
}
