// The capture parser's own instance of the core (the engine's instances are separate): the same
// inlined module, of which it uses only heapBase() and wireParse() (assembly/wire/parse.ts).
import { instantiateCore, type CoreSource } from '../engine/load-wasm.js';

export interface WireExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  /** Parses what the context block at `ctx` describes; returns a WS_* status (assembly/wire/abi.ts). */
  wireParse(ctx: number): number;
}

export async function instantiateWire(source?: CoreSource): Promise<WireExports> {
  const core = (await instantiateCore(source)) as unknown as Partial<WireExports>;
  if (typeof core.wireParse !== 'function' || typeof core.heapBase !== 'function' || !core.memory) {
    throw new Error('this build of the nfwasm core has no capture parser (wireParse): rebuild it with npm run build');
  }
  return core as WireExports;
}
