// The installed command (scripts/bundle-cli.mjs, src/node/launcher.ts): the build's code-cache
// training inputs exercise what a classify run does (every frame parsed, a classified chain), and
// the built launcher (tested when dist/ has been built: npm run build) gives what the CLI from source gives, through the
// code cache (classify, save) and through require() (commands that import their own modules).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTrainingInputs } from '../scripts/code-cache-training.mjs';
import { classifyCommand } from '../src/node/commands/classify.js';
import { Engine } from '../src/engine/engine.js';
import { defaultHostModel } from '../src/host/default.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { tempDir } from './classify-support.js';

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
}

test.run();
