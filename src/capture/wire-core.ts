// The core's capture parser exports (assembly/wire/parse.ts): in an instance of its own, or in an
// engine's instance shared with the ruleset (the fused path: records are evaluated where they are
// parsed). The same inlined module either way.
import { instantiateCore, type CoreSource } from '../engine/load-wasm.js';

export interface WireExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  /** Parses what the context block at `ctx` describes; returns a WS_* status (assembly/wire/abi.ts). */
  wireParse(ctx: number): number;
}

/** The parser exports of a core instance, checked. */
export function wireExportsOf(core: object): WireExports {
  const exports = core as Partial<WireExports>;
  if (typeof exports.wireParse !== 'function' || typeof exports.heapBase !== 'function' || !exports.memory) {
    throw new Error('this build of the nfwasm core has no capture parser (wireParse): rebuild it with npm run build');
  }
  return exports as WireExports;
}

export async function instantiateWire(source?: CoreSource): Promise<WireExports> {
  return wireExportsOf(await instantiateCore(source));
}
