// The `nfwasm` command as bundles (issue 6, bench/RESULTS.md): a fresh process then loads one
// file instead of ~150 modules, ~50-100 ms of every run's start-up, and a shard worker one file
// instead of ~100 (SHARDFIX). Built from tsc's output by esbuild (already tsx's bundler) into
// dist/src/node/:
// - nfwasm-cli.cjs: src/node/cli.ts and all it imports, as CommonJS, so that the launcher can
//   compile it with V8's code cache (Node 20 has that for scripts, not for ES modules);
// - nfwasm-cli.cjs.cache: that cache, recorded by a training run of `nfwasm classify`
//   (scripts/code-cache-training.mjs);
// - nfwasm.mjs: the launcher (src/node/launcher.ts), package.json "bin";
// - nfwasm-shard-worker.cjs, .cjs.cache and .mjs: the same for the shard workers the CLI starts
//   (`--workers N`: src/node/shard-worker.ts, src/node/shard-worker-launcher.ts), the cache
//   recorded by a training run with `--workers 2`.
// Commands other than save/list/classify stay separate modules, loaded from dist/ beside it when
// run: they find their own files (examples, conformance helpers) relative to themselves.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeTrainingInputs } from './code-cache-training.mjs';

const OUT = 'dist/src/node';
const CLI_BUNDLE = `${OUT}/nfwasm-cli.cjs`;
const WORKER_BUNDLE = `${OUT}/nfwasm-shard-worker.cjs`;
/** What every bundle here is: all of an entry's imports in one file, for the node this package supports. */
const FOR_NODE = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };
const EXTERNAL_COMMANDS = ['./commands/bench.js', './commands/conformance.js', './commands/demo.js', './commands/trace.js'];

await bundleCommonJs(`${OUT}/cli.js`, CLI_BUNDLE, EXTERNAL_COMMANDS);
await bundleCommonJs(`${OUT}/shard-worker.js`, WORKER_BUNDLE, []);
await bundleLauncher(`${OUT}/launcher.js`, `${OUT}/nfwasm.mjs`, '#!/usr/bin/env node');
await bundleLauncher(`${OUT}/shard-worker-launcher.js`, `${OUT}/nfwasm-shard-worker.mjs`);

const training = writeTrainingInputs();
try {
  recordCodeCache(CLI_BUNDLE, training.args);
  // the workers of a sharded capture run: the fused path on each shard
  recordCodeCache(WORKER_BUNDLE, [...training.args, '--workers', '2']);
} finally {
  rmSync(training.dir, { recursive: true, force: true });
}

/**
 * `entry` and all it imports (but `external`) as one CommonJS file that cached-bundle.ts runs: no
 * #! line there, and "use strict" first so that the code keeps the strict semantics of the ES
 * modules it came from.
 */
async function bundleCommonJs(entry, outfile, external) {
  await build({
    ...FOR_NODE,
    entryPoints: [entry],
    format: 'cjs',
    outfile,
    external,
    inject: ['scripts/cjs-import-meta.js'],
    define: { 'import.meta': '__nfwasmImportMeta' },
  });
  const source = readFileSync(outfile, 'utf8').replace(/^#!.*\n/, '');
  if (!source.startsWith('"use strict";')) throw new Error(`${outfile}: expected to start with "use strict"`);
  // Code compiled with node:vm cannot import() in Node 20: only the commands the launcher require()s may.
  const imports = [...source.matchAll(/\bimport\(\s*"([^"]*)"\s*\)/g)].map((m) => m[1]);
  const unexpected = imports.filter((specifier) => !external.includes(specifier));
  if (unexpected.length) throw new Error(`${outfile}: import() of ${unexpected.join(', ')}: bundle them, or load them outside classify/save/list`);
  writeFileSync(outfile, source);
}

/** A small ES module that runs a CommonJS bundle beside it (src/node/launcher.ts, shard-worker-launcher.ts). */
async function bundleLauncher(entry, outfile, firstLine) {
  await build({
    ...FOR_NODE,
    entryPoints: [entry],
    format: 'esm',
    outfile,
    ...(firstLine ? { banner: { js: firstLine } } : {}),
  });
}

/** Runs `nfwasm` with `args`, recording the code cache of `bundle` (src/node/cached-bundle.ts). */
function recordCodeCache(bundle, args) {
  const cache = `${bundle}.cache`;
  rmSync(cache, { force: true });
  const run = spawnSync(process.execPath, [`${OUT}/nfwasm.mjs`, ...args], {
    env: { ...process.env, NFWASM_RECORD_CODE_CACHE: bundle.slice(bundle.lastIndexOf('/') + 1), NODE_OPTIONS: '' },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`code cache training run for ${bundle} failed (${run.status}): ${run.stderr}`);
  readFileSync(cache); // recorded
}
