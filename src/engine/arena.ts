// Where the host puts everything in the core's memory (assembly/shared/layout.ts: the host owns
// all memory above heapBase()), and growing the memory to fit.
import {
  CFG_WORDS, CT_EXT_SIZE, CT_SIZE, CT_SLOT_SIZE, CTO_COUNT, DF_MIN_RING, DF_SCRATCH_SIZE, DF_WORDS,
  DFQ_SIZE, ENTRY_SIZE, EVENT_SIZE, EXP_SIZE, ICMP_RL_PEER_SIZE, ICMP_RL_SLOTS, PKT_SIZE, REPLY_SIZE, RES_SIZE, ROUTE_SIZE,
} from '../../assembly/shared/layout.js';

export interface ArenaSizes {
  entryCount: number;
  codeWords: number;
  stackDepth: number;
  stateBytes: number;
  routeCount: number;
  batchSize: number;
  eventCapacity: number;
  /** Conntrack tables (all zero when the ruleset does not turn conntrack on). */
  conntrack: ConntrackSizes;
  /** Reassembly tables (none without conntrack: the kernel defragments for conntrack only). */
  defrag?: DefragSizes;
}

export interface DefragSizes {
  /** Reassembly queues at once. */
  queues: number;
  /** Bytes of the fragment store (at least DF_MIN_RING). */
  ringBytes: number;
}

export interface ConntrackSizes {
  entries: number;
  indexSlots: number;
  extRecords: number;
  expectations: number;
}

export const NO_CONNTRACK: ConntrackSizes = { entries: 0, indexSlots: 0, extRecords: 0, expectations: 0 };

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
  /** Router-made replies (REJECT answers), one slot per packet of the batch, parallel to results. */
  replies: number;
  /** Per-destination ICMP error rate limit state (ICMP_RL_SLOTS peers), kept across batches. */
  icmpPeers: number;
  events: number;
  ctEntries: number;
  ctIndex: number;
  ctExt: number;
  ctExpectations: number;
  ctTimeouts: number;
  /** The defrag block and its areas; 0 when there is no defragmentation. */
  dfBlock: number;
  dfQueues: number;
  dfRing: number;
  dfScratch: number;
  /** Packet payloads of the current batch; last, so it can grow with the batch. */
  payloads: number;
  end: number;
}

const PAGE = 65536;
const CACHE_LINE = 64;
const COUNTER_BYTES = 16;
/**
 * One ext record per conntrack slot: the TCP tracker keeps per-connection bookkeeping there, so a
 * smaller pool would make behaviour depend on how many connections are live. Untouched pages of
 * fresh WASM memory cost no physical memory, so only connections that use a record pay for it.
 */
const EXT_PER_ENTRY = 1;
const MIN_EXT_RECORDS = 64;

/** Table sizes for `maxEntries` conntracks: 4 index slots each keeps the load <= 0.5 (2 keys). */
export function conntrackSizes(maxEntries: number, maxExpectations: number): ConntrackSizes {
  let slots = 16;
  while (slots < 4 * maxEntries) slots *= 2;
  return {
    entries: maxEntries,
    indexSlots: slots,
    extRecords: Math.max(MIN_EXT_RECORDS, Math.ceil(maxEntries * EXT_PER_ENTRY)),
    expectations: maxExpectations,
  };
}

export function planArena(heapBase: number, s: ArenaSizes): Arena {
  let next = heapBase;
  // 16-byte alignment keeps v128 loads of interface names and u64/f64 fields aligned.
  const take = (bytes: number, align = 16): number => {
    const at = Math.ceil(next / align) * align;
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
  const replies = take(s.batchSize * REPLY_SIZE);
  const icmpPeers = take(ICMP_RL_SLOTS * ICMP_RL_PEER_SIZE);
  const events = take(s.eventCapacity * EVENT_SIZE);
  const ct = s.conntrack;
  // Cache-line aligned: a lookup touches one line of the index and one of the entry.
  const ctEntries = take(ct.entries * CT_SIZE, CACHE_LINE);
  const ctIndex = take(ct.indexSlots * CT_SLOT_SIZE, CACHE_LINE);
  const ctExt = take(ct.extRecords * CT_EXT_SIZE, CACHE_LINE);
  const ctExpectations = take(ct.expectations * EXP_SIZE);
  const ctTimeouts = take(CTO_COUNT * 4);
  const df = s.defrag;
  const dfBlock = df ? take(DF_WORDS * 4) : 0;
  const dfQueues = df ? take(df.queues * DFQ_SIZE, CACHE_LINE) : 0;
  const dfRing = df ? take(Math.max(df.ringBytes, DF_MIN_RING)) : 0;
  const dfScratch = df ? take(DF_SCRATCH_SIZE) : 0;
  const payloads = take(0);
  return {
    cfg, entries, code, counters, stack, state, routes, packets, results, replies, icmpPeers, events, ctEntries, ctIndex, ctExt,
    ctExpectations, ctTimeouts, dfBlock, dfQueues, dfRing, dfScratch, payloads, end: payloads,
  };
}

/** Where planArena puts the code area of a ruleset of `entryCount` entries (nothing before it depends on more). */
export function codeAddress(heapBase: number, entryCount: number): number {
  return planArena(heapBase, {
    entryCount, codeWords: 0, stackDepth: 0, stateBytes: 0, routeCount: 0, batchSize: 0, eventCapacity: 0, conntrack: NO_CONNTRACK,
  }).code;
}

/** Largest memory a wasm32 instance can have, in pages. */
const MAX_PAGES = 65536;
/**
 * A growing memory gets this much more than asked for. Every grow() makes a new ArrayBuffer over
 * the whole memory, which V8 counts as fresh external memory until a GC: a run's set-up reserves
 * its areas one after the other (engine, record writer, capture parser), and growing by exactly
 * each one cost three or four forced GCs before the first packet. Pages never touched cost no
 * physical memory.
 */
const GROWTH_FACTOR = 1.5;

/** Grows `memory` until it holds `bytes` (with room to spare, when the memory can have it). */
export function ensureMemory(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return;
  const needed = Math.ceil((bytes - have) / PAGE);
  const roomy = Math.min(Math.ceil((bytes * GROWTH_FACTOR - have) / PAGE), MAX_PAGES - have / PAGE);
  if (roomy > needed) {
    try {
      memory.grow(roomy);
      return;
    } catch {
      // beyond the memory's maximum (or the address space): exactly what was asked for
    }
  }
  memory.grow(needed);
}
