// Running one of the build's CommonJS bundles (scripts/bundle-cli.mjs: the CLI, the shard worker)
// compiled with V8's code cache recorded beside it (`<bundle>.cache`): its functions arrive as
// bytecode instead of being parsed and compiled again in every process or worker thread (issue
// 6, bench/RESULTS.md "Start-up" and SHARDFIX). Node 20 has no module compile cache
// (module.enableCompileCache is Node 22), and code compiled with node:vm cannot import() there.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { Script } from 'node:vm';
import { threadId } from 'node:worker_threads';

/**
 * The environment variable of the build's training runs: the file name of the bundle whose cache
 * the run records (written when the process or worker thread exits), not read.
 */
export const RECORD_CODE_CACHE = 'NFWASM_RECORD_CODE_CACHE';

type CommonJsMain = (exports: object, require: NodeJS.Require, module: { exports: object }, filename: string, dirname: string) => void;

/** Whether this run records the code cache of `bundle` (a path or a file name). */
export function recordingCodeCache(bundle: string): boolean {
  return process.env[RECORD_CODE_CACHE] === basename(bundle);
}

/** Runs `bundle` as require() runs it (the same wrapper and arguments), compiled with its cache. */
export function runCachedBundle(bundle: string): void {
  const cacheFile = `${bundle}.cache`;
  const recording = recordingCodeCache(bundle);
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(bundle, 'utf8')}\n})`;
  const script = new Script(source, { filename: bundle, cachedData: recording ? undefined : usableCache(bundle, cacheFile) });
  if (recording) process.once('exit', () => writeAtomically(cacheFile, script.createCachedData()));
  const main = script.runInThisContext() as CommonJsMain;
  const module = { exports: {} };
  main.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}

/** Every shard worker of a training run records the same cache: whole files replace each other, never mix. */
function writeAtomically(file: string, data: Buffer): void {
  const temporary = `${file}.${process.pid}-${threadId}`;
  writeFileSync(temporary, data);
  renameSync(temporary, file);
}

/**
 * The recorded cache, unless the bundle was written after it (V8 refuses a cache made for other
 * V8 versions or flags, or for a source of another length, and then compiles as usual).
 */
function usableCache(bundle: string, cacheFile: string): Buffer | undefined {
  try {
    if (statSync(cacheFile).mtimeMs < statSync(bundle).mtimeMs) return undefined;
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}
