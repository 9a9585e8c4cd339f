// The `nfwasm` command as installed (package.json "bin": dist/src/node/nfwasm.mjs, built from this
// file by scripts/bundle-cli.mjs; it runs from dist/ only). The CLI (cli.ts and all it imports) is
// one CommonJS bundle beside it, nfwasm-cli.cjs. classify, save and list, whose start-up is what a
// run costs, compile that bundle with V8's code cache (cached-bundle.ts; nfwasm-cli.cjs.cache,
// recorded by the build from a training run; bench/RESULTS.md "Start-up: time to first packet").
// The other commands import() their own modules when run, which code compiled with node:vm cannot
// do on Node 20: they load the same bundle with require().
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { recordingCodeCache, runCachedBundle } from './cached-bundle.js';

const bundle = fileURLToPath(new URL('./nfwasm-cli.cjs', import.meta.url));
/** Commands that import() nothing: everything they run is in the bundle. */
const COMPILED_COMMANDS = new Set(['classify', 'save', 'list']);

if (recordingCodeCache(bundle) || COMPILED_COMMANDS.has(process.argv[2])) runCachedBundle(bundle);
else createRequire(import.meta.url)(bundle);
