// The `nfwasm` command as installed (package.json "bin": dist/src/node/nfwasm.mjs, built from this
// file by scripts/bundle-cli.mjs; it runs from dist/ only). The CLI (cli.ts and all it imports) is
// one CommonJS bundle beside it, nfwasm-cli.cjs. classify, save and list, whose start-up is what a
// run costs, compile that bundle with V8's code cache (nfwasm-cli.cjs.cache, recorded by the build
// from a training run): their functions arrive as bytecode instead of being parsed and compiled
// again in every process (issue 6, bench/RESULTS.md "Start-up: time to first packet"). Node 20 has
// no module compile cache (module.enableCompileCache is Node 22), and code compiled with node:vm
// cannot import() there, so the other commands, which import their own modules when run, load the
// same bundle with require().
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const bundle = fileURLToPath(new URL('./nfwasm-cli.cjs', import.meta.url));
const cacheFile = `${bundle}.cache`;
/** Commands that import() nothing: everything they run is in the bundle. */
const COMPILED_COMMANDS = new Set(['classify', 'save', 'list']);
/** The build's training run: no cache read, and the cache written at exit. */
const recording = process.env.NFWASM_RECORD_CODE_CACHE === '1';

type CommonJsMain = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

if (recording || COMPILED_COMMANDS.has(process.argv[2])) runCompiled();
else createRequire(import.meta.url)(bundle);

/** The bundle run as require() runs it (the same wrapper and arguments), compiled with the cache. */
function runCompiled(): void {
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(bundle, 'utf8')}\n})`;
  const script = new Script(source, { filename: bundle, cachedData: recording ? undefined : usableCache() });
  if (recording) process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
  const main = script.runInThisContext() as CommonJsMain;
  const module = { exports: {} };
  main.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}

/**
 * The recorded cache, unless the bundle was written after it (V8 refuses a cache made for other
 * V8 versions or flags, or for a source of another length, and then compiles as usual).
 */
function usableCache(): Buffer | undefined {
  try {
    if (statSync(cacheFile).mtimeMs < statSync(bundle).mtimeMs) return undefined;
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}
