// Where the host puts everything in the core's memory (assembly/shared/layout.ts: the host owns
// all memory above heapBase()), and growing the memory to fit.
import {
  CFG_WORDS, ENTRY_SIZE, EVENT_SIZE, PKT_SIZE, RES_SIZE, ROUTE_SIZE,
} from '../../assembly/shared/layout.js';

export interface ArenaSizes {
  entryCount: number;
  codeWords: number;
  stackDepth: number;
  stateBytes: number;
  routeCount: number;
  batchSize: number;
  eventCapacity: number;
}

/** Byte addresses of the areas. */
export interface Arena {
  cfg: number;
  entries: number;
  code: number;
  counters: number;
  stack: number;
  state: number;
  routes: number;
  packets: number;
  results: number;
  events: number;
  end: number;
}

const PAGE = 65536;
const COUNTER_BYTES = 16;

export function planArena(heapBase: number, s: ArenaSizes): Arena {
  let next = heapBase;
  // 16-byte alignment keeps v128 loads of interface names and u64/f64 fields aligned.
  const take = (bytes: number): number => {
    const at = (next + 15) & ~15;
    next = at + bytes;
    return at;
  };
  const cfg = take(CFG_WORDS * 4);
  const entries = take(s.entryCount * ENTRY_SIZE);
  const code = take(s.codeWords * 4);
  const counters = take(s.entryCount * COUNTER_BYTES);
  const stack = take(s.stackDepth * 4);
  const state = take(s.stateBytes);
  const routes = take(s.routeCount * ROUTE_SIZE);
  const packets = take(s.batchSize * PKT_SIZE);
  const results = take(s.batchSize * RES_SIZE);
  const events = take(s.eventCapacity * EVENT_SIZE);
  return { cfg, entries, code, counters, stack, state, routes, packets, results, events, end: take(0) };
}

/** Grows `memory` until it holds `bytes`. */
export function ensureMemory(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
}
