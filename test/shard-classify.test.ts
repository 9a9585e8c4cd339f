// --workers N: the same capture through 1, 2 and 3 shards gives the same records (but ct_id, which
// each shard numbers itself), the same counters (iptables-save -c and -L -v), and the same
// conntrack table up to ids and timers. The capture is the end-to-end benchmark's router traffic
// (FTP sessions with passive and active data connections included), so a connection split across
// shards would show up as RELATED packets turned NEW or dropped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeCapture } from '../bench/gen-capture.js';
import { scenarioHost, scenarioRules } from '../bench/scenario.js';
import { classifyCommand } from '../src/node/commands/classify.js';
import { classifyFileBatches } from '../src/node/stream.js';
import { formatSave } from '../src/ruleset/print-save.js';
import { jsonlRecords, tempDir } from './classify-support.js';

const dir = tempDir();
const capture = join(dir, 'traffic.pcapng');
const rules = join(dir, 'rules');
const host = join(dir, 'host.json');
const stats = writeCapture(capture, 6000, { seed: 3, concurrent: 40 });
writeFileSync(rules, scenarioRules());
writeFileSync(host, scenarioHost());

interface RunOutput {
  records: string;
  counters: string;
  list: string;
  conntrack: string;
}

const runs = new Map<number, Promise<RunOutput>>();
const run = (workers: number) => runs.get(workers) ?? runs.set(workers, runOnce(workers)).get(workers)!;

async function runOnce(workers: number): Promise<RunOutput> {
  const out = (name: string) => join(dir, `${name}-${workers}`);
  await classifyCommand(capture, {
    rules,
    host,
    workers,
    quiet: true,
    records: out('records'),
    saveCounters: out('counters'),
    listCounters: out('list'),
    conntrack: out('conntrack'),
  });
  const read = (name: string) => readFileSync(out(name), 'utf8');
  return { records: read('records'), counters: read('counters'), list: read('list'), conntrack: read('conntrack') };
}

const withoutCtId = (text: string) => jsonlRecords(text).map(({ ct_id: _id, ...rest }) => rest);
/** conntrack -L lines without the per-shard id and the timer (which counts from each shard's last packet), sorted. */
const connections = (text: string) =>
  text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/^(\S+\s+\d+\s+)\d+ /, '$1').replace(/^\d+ /, '').replace(/ id=\d+/g, ''))
    .sort();

const single = run(1);

test('the capture has FTP data connections the helper makes RELATED', async () => {
  const one = await single;
  const records = jsonlRecords(one.records);
  assert.is(records.length, stats.packets);
  assert.ok(stats.ftpControl > 0);
  assert.ok(records.filter((r) => r.ctstate === 'RELATED').length > 0, 'some packets are RELATED');
  assert.ok(records.some((r) => r.verdict === 'DROP'), 'some packets are dropped');
});

for (const workers of [2, 3]) {
  test(`${workers} workers: records in input order, same verdicts and states`, async () => {
    const [one, many] = await Promise.all([single, run(workers)]);
    assert.equal(withoutCtId(many.records), withoutCtId(one.records));
  });

  test(`${workers} workers: counters equal a 1-worker run (--save-counters, --list-counters)`, async () => {
    const [one, many] = await Promise.all([single, run(workers)]);
    assert.ok(/\[[1-9]\d*:\d+\]/.test(one.counters), 'the run counted something');
    assert.is(many.counters, one.counters);
    assert.is(many.list, one.list);
  });

  test(`${workers} workers: the merged conntrack table holds the same connections`, async () => {
    const [one, many] = await Promise.all([single, run(workers)]);
    const expected = connections(one.conntrack);
    assert.ok(expected.length > 100);
    assert.equal(connections(many.conntrack), expected);
  });
}

test('classifyFile API: workers and onFinish give the summed counters', async () => {
  const counted = async (workers: number) => {
    let saved = '';
    let packets = 0;
    for await (const batch of classifyFileBatches(capture, { rules, host, workers, onFinish: async (run) => void (saved = formatSave(await run.counters(), { counters: true })) })) {
      packets += batch.records.length;
    }
    return { saved, packets };
  };
  const [one, two] = await Promise.all([counted(1), counted(2)]);
  assert.is(two.packets, stats.packets);
  assert.is(two.saved, one.saved);
  assert.is(one.saved, (await single).counters);
});

test('classifyFile API: workers with an engine of its own is refused', async () => {
  const { Engine } = await import('../src/engine/engine.js');
  const { parseRuleset } = await import('../src/ruleset/load.js');
  const { defaultHostModel } = await import('../src/host/default.js');
  const engine = await Engine.create(parseRuleset(scenarioRules()), defaultHostModel());
  try {
    for await (const _ of classifyFileBatches(capture, { engine, workers: 2 })) break;
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.match((err as Error).message, /workers/);
  }
});

test.run();
