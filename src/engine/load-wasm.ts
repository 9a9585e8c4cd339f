// Loading the core: the .wasm is inlined as base64 (WASM-NOTES.md §1), compiled once per process
// and instantiated with no imports, the same way in Node, browsers and workers.
import { WASM_BASE64 } from './wasm-bytes.generated.js';

/** What assembly/index.ts exports. */
export interface CoreExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  evaluate(cfg: number, pkts: number, count: number, results: number): number;
  /** Expires conntrack entries and expectations as of the last packet; returns that time (ms). */
  conntrackExpire(cfg: number): number;
  /** Benchmark: lookup-or-insert of `count` 16-byte tuples; returns how many were found. */
  conntrackLookupOrInsert(cfg: number, tuples: number, count: number): number;
  /** Writes output records of evaluated packets (assembly/output/abi.ts); returns a WW_* status. */
  writeRecords(ctl: number): number;
}

export type CoreSource = WebAssembly.Module | BufferSource;

let inlinedModule: Promise<WebAssembly.Module> | undefined;

export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The compiled core: from `source` when given, else the inlined bytes (compiled once). */
export function compileCore(source?: CoreSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return Promise.resolve(source);
  if (source) return WebAssembly.compile(source);
  inlinedModule ??= WebAssembly.compile(decodeBase64(WASM_BASE64));
  return inlinedModule;
}

/** A fresh instance (fresh memory) of the core. */
export async function instantiateCore(source?: CoreSource): Promise<CoreExports> {
  const instance = await WebAssembly.instantiate(await compileCore(source), {});
  return instance.exports as unknown as CoreExports;
}
