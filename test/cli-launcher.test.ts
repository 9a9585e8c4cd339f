// The installed command (scripts/bundle-cli.mjs, src/node/launcher.ts): the build's code-cache
// training inputs exercise what a classify run does (every frame parsed, a classified chain), and
// the built launcher (tested when dist/ has been built: npm run build) gives what the CLI from source gives, through the
// code cache (classify, save) and through require() (commands that import their own modules).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeTrainingInputs } from '../scripts/code-cache-training.mjs';
import { classifyCommand } from '../src/node/commands/classify.js';
import { Engine } from '../src/engine/engine.js';
import { defaultHostModel } from '../src/host/default.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { tempDir } from './classify-support.js';
import { HOST_ADDRESS, mixedFrames, RULES, writePcapng } from './fused-support.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const launcher = join(root, 'dist/src/node/nfwasm.mjs');
const bundle = join(root, 'dist/src/node/nfwasm-cli.cjs');
const built = existsSync(bundle) && existsSync(launcher) && statSync(launcher).size < 16384;

test('training inputs: a ruleset with a classified chain and a capture whose frames all parse', async () => {
  const training = writeTrainingInputs();
  try {
    const [, capture, , rules] = training.args;
    const engine = await Engine.create(parseRuleset(readFileSync(rules, 'utf8'), { filename: 'training' }), defaultHostModel());
    assert.ok(engine.compiled.classifiers.length > 0, 'a chain long enough for a classifier');
    const summary = await classifyCommand(capture, { rules, records: join(training.dir, 'out'), format: 'msgpack', quiet: true });
    assert.is(summary.packets, 6);
    assert.not.match(summary.format(), /unparsed: [1-9]/);
  } finally {
    rmSync(training.dir, { recursive: true, force: true });
  }
});

function run(args: string[], viaSource: boolean) {
  const entry = viaSource ? ['--import', 'tsx', join(root, 'src/node/cli.ts')] : [launcher];
  const r = spawnSync(process.execPath, [...entry, ...args], { cwd: root, encoding: 'latin1' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

if (built) {
  const dir = tempDir();
  const rules = join(root, 'examples/ftp-server/rules.sh');
  const host = join(root, 'examples/ftp-server/host.json');
  const packets = join(root, 'examples/ftp-server/packets.jsonl');

  test('built launcher: classify (code cache), save, and demo (require) as the CLI from source', () => {
    const cases = [
      ['classify', packets, '--rules', rules, '--host', host, '--format', 'csv', '--save-counters', '-'],
      ['save', rules],
      ['demo'],
    ];
    for (const args of cases) {
      const built = run(args, false);
      const source = run(args, true);
      assert.is(built.status, 0, `${args[0]}: ${built.stderr}`);
      assert.equal(built, source, args[0]);
      assert.ok(built.stdout.length > 0);
    }
    assert.ok(existsSync(`${bundle}.cache`), 'the build recorded a code cache');
  });

  test('built launcher: with a cache older than the bundle (not used) the run is the same', () => {
    const cache = `${bundle}.cache`;
    const before = statSync(cache);
    const args = ['classify', packets, '--rules', rules, '--host', host, '--records', join(dir, 'records')];
    const withCache = run(args, false);
    utimesSync(cache, before.atime, new Date(statSync(bundle).mtimeMs - 60_000));
    try {
      const without = run(args, false);
      assert.equal(without, withCache);
    } finally {
      utimesSync(cache, before.atime, before.mtime);
    }
  });

  // a capture with conntrack, fragments and oddities, sharded by address pair (test/fused-support.ts)
  const capture = writePcapng(dir, 'mixed.pcapng', mixedFrames(300));
  const shardedRules = join(dir, 'sharded.rules');
  writeFileSync(shardedRules, RULES);
  const shardedHost = join(dir, 'sharded-host.json');
  writeFileSync(shardedHost, JSON.stringify({ interfaces: [{ name: 'eth0', addresses: [`${HOST_ADDRESS}/24`] }], routes: [{ to: 'default', via: '198.51.100.254' }] }));
  const shardedArgs = (workers: string) => ['classify', capture, '--rules', shardedRules, '--host', shardedHost, '--in', 'eth0', '--format', 'jsonl', '--workers', workers];

  test('built launcher: --workers 2 starts its workers from the worker bundle (the bundles alone, away from dist/, suffice)', () => {
    const alone = join(dir, 'bundles-alone');
    mkdirSync(alone);
    const files = readdirSync(dirname(launcher)).filter((name) => name.startsWith('nfwasm'));
    assert.ok(files.includes('nfwasm-shard-worker.mjs') && files.includes('nfwasm-shard-worker.cjs.cache'), `the worker bundle and its cache: ${files}`);
    for (const name of files) copyFileSync(join(dirname(launcher), name), join(alone, name));
    const sharded = spawnSync(process.execPath, [join(alone, 'nfwasm.mjs'), ...shardedArgs('2')], { cwd: dir, encoding: 'latin1' });
    const source = run(shardedArgs('2'), true);
    assert.is(sharded.status, 0, sharded.stderr);
    assert.ok(sharded.stdout.split('\n').length > 100);
    assert.is(sharded.stdout, source.stdout);
    assert.is(sharded.stderr, source.stderr);
  });

  test('built library (dist/src/node/index.js): classifyFile with workers: 2 writes what the CLI from source writes', () => {
    // a script file, not --eval: workers inherit the process's execArgv, and --input-type fails there
    const script = join(dir, 'library.mjs');
    writeFileSync(script, `
      import { classifyFile } from ${JSON.stringify(pathToFileURL(join(root, 'dist/src/node/index.js')).href)};
      for await (const r of classifyFile(${JSON.stringify(capture)}, { rules: ${JSON.stringify(shardedRules)}, host: ${JSON.stringify(shardedHost)}, in: 'eth0', workers: 2 })) {
        process.stdout.write(JSON.stringify(r) + '\\n');
      }`);
    const out = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'latin1' });
    const source = run(shardedArgs('2'), true);
    assert.is(out.stderr, '');
    assert.ok(out.stdout.split('\n').length > 100);
    assert.is(out.stdout, source.stdout);
  });
}

test.run();
