// `nfwasm classify` on the fused path (a capture, one worker, no --write) against the record path
// it keeps for --write: the same records file, summary, counters and conntrack files, and, run as
// a process, the same stderr (notes, warnings of a cut capture, the error of a corrupt block with
// the records before it written) and exit code; stdin gives what the file gives.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyCommand, type ClassifyOptions } from '../src/node/commands/classify.js';
import { RECORD_FORMATS } from '../src/output/encode.js';
import { Engine } from '../src/engine/engine.js';
import { hostModelFromObject } from '../src/host/load.js';
import { openInput } from '../src/node/inputs.js';
import { classifyInput } from '../src/node/stream.js';
import { Summary } from '../src/node/summary.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { fixture, tempDir } from './classify-support.js';
import { HOST_ADDRESS, mixedFrames, RULES, writeCorruptPcapng, writePcapng } from './fused-support.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = tempDir();
const rules = join(dir, 'rules');
const host = join(dir, 'host.json');
writeFileSync(rules, RULES);
writeFileSync(host, JSON.stringify({ interfaces: [{ name: 'eth0', addresses: [`${HOST_ADDRESS}/24`] }], routes: [{ to: 'default', via: '198.51.100.254' }] }));

interface Outputs {
  summary: string;
  files: Record<string, string>;
}

let runs = 0;
/** classifyCommand with every output file; `recordPath` adds --write, which keeps the command off the fused path. */
async function classify(capture: string, opts: Partial<ClassifyOptions>, recordPath: boolean): Promise<Outputs> {
  const prefix = join(dir, `run-${++runs}`);
  const paths = { records: `${prefix}.records`, saveCounters: `${prefix}.save`, listCounters: `${prefix}.list`, conntrack: `${prefix}.ct` };
  const write = recordPath ? { write: `${prefix}.annotated.pcapng` } : {};
  const summary = await classifyCommand(capture, { rules, host, in: 'eth0', quiet: true, ...paths, ...write, ...opts });
  const files: Record<string, string> = {};
  for (const [name, path] of Object.entries(paths)) files[name] = readFileSync(path).toString('latin1');
  return { summary: summary.format(), files };
}

test('records, summary, counters and conntrack files: the fused path and the record path agree', async () => {
  const capture = writePcapng(dir, 'mixed.pcapng', mixedFrames(300));
  for (const format of RECORD_FORMATS) {
    for (const only of [undefined, 'reject,drop,not-evaluated']) {
      const opts = { format, only };
      const fused = await classify(capture, opts, false);
      const reference = await classify(capture, opts, true);
      assert.equal(fused, reference, `${format} --only ${only ?? '-'}`);
      assert.ok(fused.files.records.length > 0 && /Chain INPUT/.test(fused.files.listCounters));
    }
  }
});

/** The CLI as a process on `capture` ('-': `stdin` is its input). */
function cli(capture: string, extra: string[] = [], stdin?: Buffer) {
  const args = ['--import', 'tsx', join(root, 'src/node/cli.ts'), 'classify', capture, '--rules', rules, '--host', host, '--in', 'eth0', ...extra];
  const out = spawnSync(process.execPath, args, { cwd: root, input: stdin, encoding: 'buffer' });
  return { status: out.status, stdout: out.stdout.toString(), stderr: out.stderr.toString() };
}

test('a cut capture: the same records and stderr (truncation warning, summary) as the record path', () => {
  const path = fixture('captures/cut.pcap');
  const fused = cli(path);
  const reference = cli(path, ['--write', join(dir, 'cut-annotated.pcapng')]);
  assert.is(fused.status, 0);
  assert.match(fused.stderr, /warning: .*capture truncated/);
  assert.equal(fused, reference);
});

test('a corrupt block: the records before it, then the error naming the file and offset, exit 1 — as on the record path', () => {
  const before = 20;
  const path = writeCorruptPcapng(dir, mixedFrames(30, 4), before);
  const fused = cli(path);
  const reference = cli(path, ['--write', join(dir, 'corrupt-annotated.pcapng')]);
  assert.is(fused.status, 1);
  assert.ok(fused.stderr.includes(`nfwasm: ${path}: `) && /block length 30/.test(fused.stderr), fused.stderr);
  assert.is(fused.stdout.split('\n').filter(Boolean).length, before);
  assert.equal(fused, reference);
});

test('stdin: the fused path reads the capture from a pipe as from the file', () => {
  const path = writePcapng(dir, 'piped.pcapng', mixedFrames(200));
  const fromFile = cli(path, ['--format', 'csv']);
  const fromStdin = cli('-', ['--format', 'csv'], readFileSync(path));
  assert.is(fromStdin.status, 0);
  assert.is(fromStdin.stdout, fromFile.stdout);
  assert.is(fromStdin.stderr, fromFile.stderr.replace(`(${path})`, '(stdin)'));
});

test('the compact path (JSON lines) tallies held fragments as the record path does', async () => {
  const from = { in: 'eth0', src: '192.0.2.7', dst: HOST_ADDRESS, proto: 'udp' };
  const lines = [1, 2, 3].flatMap((id) => [
    { ...from, ts: id, sport: 1000 + id, dport: 53, id, mf: true, len: 1500 },
    ...(id === 2 ? [] : [{ ...from, ts: id + 0.1, id, frag_offset: 185, len: 520 }]),
  ]);
  const path = join(dir, 'fragments.jsonl');
  writeFileSync(path, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  const summary = await classifyCommand(path, { rules, host, quiet: true, records: join(dir, 'fragments.out') });
  const reference = new Summary();
  for await (const batch of classifyInput(await Engine.create(parseRuleset(RULES, 'rules'), hostModelFromObject(JSON.parse(readFileSync(host, 'utf8')))), await openInput(path))) {
    for (const rec of batch.records) reference.add(rec);
  }
  assert.equal(summary.heldAtEnd(), { datagrams: 1, fragments: 1 });
  assert.equal(summary.heldAtEnd(), reference.heldAtEnd());
});

test.run();
