// Where the capture parser's areas go in its instance's memory (assembly/wire/abi.ts): above
// heapBase(), each 16-byte aligned, the input buffer last so it can grow.
import { FR_SIZE, IF_SIZE, IM_SIZE, X_BYTES } from '../../assembly/wire/abi.js';
import { PKT_SIZE } from '../../assembly/shared/layout.js';

export interface AreaSizes {
  /** Packet records and frame infos per batch. */
  batch: number;
  ifmapEntries: number;
  interfaces: number;
  /** Bytes of input the buffer holds; the payload arena is as large (a unit's payload fits). */
  input: number;
}

export interface Areas {
  ctx: number;
  ifmap: number;
  ifaces: number;
  records: number;
  frames: number;
  arena: number;
  input: number;
  end: number;
  sizes: AreaSizes;
}

export function planAreas(heapBase: number, sizes: AreaSizes): Areas {
  let next = heapBase;
  const take = (bytes: number): number => {
    const at = (next + 15) & ~15;
    next = at + bytes;
    return at;
  };
  const ctx = take(X_BYTES);
  const ifmap = take(Math.max(1, sizes.ifmapEntries) * IM_SIZE);
  const ifaces = take(sizes.interfaces * IF_SIZE);
  const records = take(sizes.batch * PKT_SIZE);
  const frames = take(sizes.batch * FR_SIZE);
  const arena = take(sizes.input);
  const input = take(sizes.input);
  return { ctx, ifmap, ifaces, records, frames, arena, input, end: take(0), sizes };
}
