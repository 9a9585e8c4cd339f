// What the CLI's shard workers start from (src/node/shard.ts; dist/src/node/nfwasm-shard-worker.mjs,
// built from this file by scripts/bundle-cli.mjs): shard-worker.ts and all it imports as one
// CommonJS bundle beside it, nfwasm-shard-worker.cjs, compiled with its code cache
// (cached-bundle.ts). A worker thread then loads one file, not ~100 modules from dist/.
import { fileURLToPath } from 'node:url';
import { runCachedBundle } from './cached-bundle.js';

runCachedBundle(fileURLToPath(new URL('./nfwasm-shard-worker.cjs', import.meta.url)));
