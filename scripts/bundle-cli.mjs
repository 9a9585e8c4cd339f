// The `nfwasm` command as one file (dist/src/node/nfwasm.mjs, package.json "bin"): a fresh
// process then loads one module instead of ~150, which is ~50-100 ms of every run's start-up
// (issue 6, bench/RESULTS.md). Built from tsc's output by esbuild (already tsx's bundler).
// Commands other than save/list/classify stay separate modules, loaded from dist/ beside it when
// run: they find their own files (workers, examples, conformance helpers) relative to themselves.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/src/node/cli.js'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: 'dist/src/node/nfwasm.mjs',
  external: ['./commands/bench.js', './commands/conformance.js', './commands/demo.js', './commands/trace.js'],
  // CommonJS dependencies bundled into an ES module still call require()
  banner: { js: "import { createRequire as __nfwasmRequire } from 'node:module'; const require = __nfwasmRequire(import.meta.url);" },
  logLevel: 'warning',
});
