// Inputs the output-path equivalence tests share (fastpath-equivalence, core-writer): a router
// ruleset with something of every kind in front of its ACL, the scenario's host, and the record
// path's output (PacketResult → OutputRecord → recordEncoder) they are held to.
import * as assert from 'uvu/assert';
import { unpackMultiple } from 'msgpackr';
import { Engine } from '../src/engine/engine.js';
import { hostModelFromObject } from '../src/host/load.js';
import type { HostModel } from '../src/host/model.js';
import { RECORD_FORMATS, recordEncoder, type RecordFormat } from '../src/output/encode.js';
import type { OutputRecord } from '../src/output/record.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { openInput } from '../src/node/inputs.js';
import { classifyInput, type Classifier } from '../src/node/stream.js';
import { ShardPool } from '../src/node/shard.js';
import { scenarioHost, scenarioRules } from '../bench/scenario.js';

/** The scenario's router with something of every kind in front of its ACL. */
export function richRules(): string {
  const extra = [
    '-A FORWARD -p tcp --dport 22 -m conntrack --ctstate NEW -j LOG --log-prefix "ssh-new " --log-tcp-options',
    '-A FORWARD -p udp --dport 123 -j NFLOG --nflog-group 3 --nflog-prefix ntp',
    '-A FORWARD -p udp --dport 53 -m conntrack --ctstate NEW -m length --length 0:60 -j REJECT',
    '-A FORWARD -p icmp -j LOG --log-prefix "icmp "',
  ];
  const text = scenarioRules().replace(':OUTPUT ACCEPT [0:0]\n-A INPUT -i lo', `:OUTPUT ACCEPT [0:0]\n${extra.join('\n')}\n-A INPUT -i lo`);
  const mangle = ['*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', '-A PREROUTING -p tcp --dport 80 -j MARK --set-mark 0x5', 'COMMIT'];
  const nat = ['*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', '-A POSTROUTING -o eth0 -p udp -j MASQUERADE', 'COMMIT'];
  // what the ACL refuses is answered rather than dropped
  const refused = text.replace(/COMMIT\n$/, '-A FORWARD -p tcp -j REJECT --reject-with tcp-reset\nCOMMIT\n');
  return `${mangle.join('\n')}\n${nat.join('\n')}\n${refused}`;
}

export const scenarioHostModel = () => hostModelFromObject(JSON.parse(scenarioHost()));

/** The rules and host of fragments that are held, reassembled (one with a LOG line) and dropped by policy. */
export const FRAGMENT_RULES =
  '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A INPUT -p udp --dport 53 -j LOG\n-A INPUT -p udp --dport 53 -j ACCEPT\nCOMMIT\n';

export const fragmentHost = () => hostModelFromObject({ interfaces: [{ name: 'eth0', addresses: ['198.51.100.1/24'] }], routes: [{ to: 'default', via: '198.51.100.254' }] });

/** JSON lines of fragmented DNS queries (first and last fragment), SSH SYNs and unfragmented queries. */
export function fragmentLines(): string {
  const from = { in: 'eth0', src: '192.0.2.1', dst: '198.51.100.1' };
  const lines: object[] = [];
  for (let id = 1; id <= 10; id++) {
    lines.push({ ...from, ts: id, proto: 'udp', sport: 1000 + id, dport: 53, id, mf: true, len: 1500 });
    lines.push({ ...from, ts: id + 0.1, proto: 'udp', id, frag_offset: 185, len: 520 });
    lines.push({ ...from, ts: id + 0.2, proto: 'tcp', sport: 2000 + id, dport: 22, flags: 'S' });
    lines.push({ ...from, ts: id + 0.3, proto: 'udp', sport: 1000 + id, dport: 53 });
  }
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

export type Make = () => Promise<Classifier>;

export const oneEngine = (rules: string, host: HostModel): Make => () => Engine.create(parseRuleset(rules, 'rules'), host);
export const shards = (rules: string, host: HostModel, workers: number): Make => () => ShardPool.start({ rulesText: rules, rulesName: 'rules', host, workers });

export async function withClassifier<T>(make: Make, use: (classifier: Classifier) => Promise<T>): Promise<T> {
  const classifier = await make();
  try {
    return await use(classifier);
  } finally {
    if (classifier instanceof ShardPool) await classifier.close();
  }
}

export interface Run {
  chunks: Record<RecordFormat, (string | Uint8Array)[]>;
  records: OutputRecord[];
}

export const emptyRun = (): Run => ({ chunks: { jsonl: [], msgpack: [], csv: [] }, records: [] });

/** The record path: each batch's records through recordEncoder, every format (those `keep` keeps). */
export const recordPath = (make: Make, input: string, batchSize = 7, keep: (rec: OutputRecord) => boolean = () => true) =>
  withClassifier(make, async (classifier) => {
    const encoders = RECORD_FORMATS.map((format) => recordEncoder(format));
    const run = emptyRun();
    for await (const batch of classifyInput(classifier, await openInput(input), { batchSize })) {
      // as the CLI writes them: a batch with no record kept writes nothing
      const kept = batch.records.filter(keep);
      if (kept.length) for (const encoder of encoders) run.chunks[encoder.format].push(encoder.encode(kept));
      run.records.push(...batch.records);
    }
    return run;
  });

/** Two chunks of output the same; text compared line by line first, msgpack decoded when the bytes differ, to show where. */
export function assertSameChunk(fast: string | Uint8Array, old: string | Uint8Array, what: string): void {
  if (typeof old === 'string') {
    assert.type(fast, 'string', what);
    // line by line first, so a difference is shown where it is
    const fastLines = (fast as string).split('\n');
    old.split('\n').forEach((line, i) => assert.is(fastLines[i], line, `${what}, line ${i}`));
    assert.is(fast, old, what);
    return;
  }
  if (Buffer.compare(Buffer.from(old), Buffer.from(fast)) !== 0) {
    assert.equal(unpackMultiple(Buffer.from(fast)), unpackMultiple(Buffer.from(old)), `${what} decodes differently`);
    assert.unreachable(`${what} decodes the same but its bytes differ`);
  }
}
