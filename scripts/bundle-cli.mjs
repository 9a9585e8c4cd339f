// The `nfwasm` command as one bundle (issue 6, bench/RESULTS.md): a fresh process then loads one
// file instead of ~150 modules, ~50-100 ms of every run's start-up. Built from tsc's output by
// esbuild (already tsx's bundler) into dist/src/node/:
// - nfwasm-cli.cjs: src/node/cli.ts and all it imports, as CommonJS, so that the launcher can
//   compile it with V8's code cache (Node 20 has that for scripts, not for ES modules);
// - nfwasm-cli.cjs.cache: that cache, recorded by a training run of `nfwasm classify`
//   (scripts/code-cache-training.mjs);
// - nfwasm.mjs: the launcher (src/node/launcher.ts), package.json "bin".
// Commands other than save/list/classify stay separate modules, loaded from dist/ beside it when
// run: they find their own files (workers, examples, conformance helpers) relative to themselves.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeTrainingInputs } from './code-cache-training.mjs';

const OUT = 'dist/src/node';
const BUNDLE = `${OUT}/nfwasm-cli.cjs`;
const EXTERNAL_COMMANDS = ['./commands/bench.js', './commands/conformance.js', './commands/demo.js', './commands/trace.js'];

await build({
  entryPoints: [`${OUT}/cli.js`],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: BUNDLE,
  external: EXTERNAL_COMMANDS,
  inject: ['scripts/cjs-import-meta.js'],
  define: { 'import.meta': '__nfwasmImportMeta' },
  logLevel: 'warning',
});

// The launcher wraps the bundle in a function: no #! line there, and "use strict" first so that
// the code keeps the strict semantics of the ES modules it came from.
const source = readFileSync(BUNDLE, 'utf8').replace(/^#!.*\n/, '');
if (!source.startsWith('"use strict";')) throw new Error(`${BUNDLE}: expected to start with "use strict"`);
// Code compiled with node:vm cannot import() in Node 20: only the commands the launcher require()s may.
const imports = [...source.matchAll(/\bimport\(\s*"([^"]*)"\s*\)/g)].map((m) => m[1]);
const unexpected = imports.filter((specifier) => !EXTERNAL_COMMANDS.includes(specifier));
if (unexpected.length) throw new Error(`${BUNDLE}: import() of ${unexpected.join(', ')}: bundle them, or load them outside classify/save/list`);
writeFileSync(BUNDLE, source);

await build({
  entryPoints: [`${OUT}/launcher.js`],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: `${OUT}/nfwasm.mjs`,
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});

const cache = `${BUNDLE}.cache`;
rmSync(cache, { force: true });
const training = writeTrainingInputs();
try {
  const run = spawnSync(process.execPath, [`${OUT}/nfwasm.mjs`, ...training.args], {
    env: { ...process.env, NFWASM_RECORD_CODE_CACHE: '1', NODE_OPTIONS: '' },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`code cache training run failed (${run.status}): ${run.stderr}`);
} finally {
  rmSync(training.dir, { recursive: true, force: true });
}
readFileSync(cache); // recorded
