// Where the capture parser's areas go in the core's memory (assembly/wire/abi.ts), each 16-byte
// aligned: the fixed areas (context, ifindex map, interface table, records, frame infos) in one
// block, the payload arena and input buffer in another, which is replaced by a larger one when a
// pcapng block does not fit (the old one is abandoned: growth is rare and at most doubles).
import { FR_SIZE, IF_SIZE, IM_SIZE, X_BYTES } from '../../assembly/wire/abi.js';
import { PKT_SIZE } from '../../assembly/shared/layout.js';

export interface AreaSizes {
  /** Packet records and frame infos per batch. */
  batch: number;
  ifmapEntries: number;
  interfaces: number;
}

export interface Areas {
  ctx: number;
  ifmap: number;
  ifaces: number;
  records: number;
  frames: number;
  end: number;
  sizes: AreaSizes;
}

export interface Buffers {
  /** The payload arena, as large as the input buffer (a unit's payload fits). */
  arena: number;
  input: number;
  /** Bytes of input the buffer holds. */
  size: number;
  end: number;
}

/** A block of `bytes` of the core's memory, 16-byte aligned at least, for the parser's use. */
export type ReserveMemory = (bytes: number) => number;

function allocator(base: number): (bytes: number) => number {
  let next = base;
  return (bytes) => {
    const at = (next + 15) & ~15;
    next = at + bytes;
    return at;
  };
}

export function planAreas(base: number, sizes: AreaSizes): Areas {
  const take = allocator(base);
  const ctx = take(X_BYTES);
  const ifmap = take(Math.max(1, sizes.ifmapEntries) * IM_SIZE);
  const ifaces = take(sizes.interfaces * IF_SIZE);
  const records = take(sizes.batch * PKT_SIZE);
  const frames = take(sizes.batch * FR_SIZE);
  return { ctx, ifmap, ifaces, records, frames, end: take(0), sizes };
}

export function planBuffers(base: number, size: number): Buffers {
  const take = allocator(base);
  const arena = take(size);
  const input = take(size);
  return { arena, input, size, end: take(0) };
}

/** The fixed areas in a block from `reserve`. */
export function reserveAreas(reserve: ReserveMemory, sizes: AreaSizes): Areas {
  return planAreas(reserve(planAreas(0, sizes).end), sizes);
}

/** Arena and input buffer of `size` bytes each in a block from `reserve`. */
export function reserveBuffers(reserve: ReserveMemory, size: number): Buffers {
  return planBuffers(reserve(planBuffers(0, size).end), size);
}
