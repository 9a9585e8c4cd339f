// Loading a compiled ruleset into a core instance: memory sized and grown, tables copied in, the
// config block filled (assembly/shared/layout.ts "Config block").
import {
  CFG_CODE_PTR, CFG_COUNTERS_PTR, CFG_CT_ENTRIES_PTR, CFG_CT_EXP_MAX, CFG_CT_EXP_PTR, CFG_CT_EXT_MAX,
  CFG_CT_EXT_PTR, CFG_CT_FLAGS, CFG_CT_INDEX_PTR, CFG_CT_INDEX_SLOTS, CFG_CT_MAX, CFG_CT_MAX_RETRANS,
  CFG_CT_TIMEOUTS_PTR, CFG_ENTRIES_PTR, CFG_ENTRY_COUNT, CFG_EVENTS_CAP, CFG_EVENTS_PER_PACKET_MAX,
  CFG_EVENTS_PTR, CFG_FLAGS, CFG_HOOK_START, CFG_ROUTE_COUNT, CFG_ROUTES_PTR, CFG_STACK_DEPTH,
  CFG_STACK_PTR, CFG_STATE_PTR, CFG_REPLIES_PTR, CFG_ICMP_RL_PTR, CFG_ICMP_RATELIMIT_MS, CFG_ICMP_RATEMASK, CFG_STATE_SIZE, CFG_WORDS, CTO_COUNT, CFG_DF_PTR, DF_MIN_RING,
  DF_QUEUE_MAX, DF_QUEUES_PTR, DF_RING_PTR, DF_RING_SIZE, DF_SCRATCH_PTR, DF_TIMEOUT_MS, DF_WORDS,
} from '../../assembly/shared/layout.js';
import type { CompiledRuleset } from '../compile/types.js';
import { codeAddress, conntrackSizes, ensureMemory, NO_CONNTRACK, planArena, type Arena } from './arena.js';
import type { CompileOptions } from '../compile/compile.js';
import type { DefragSettings } from './defrag.js';
import type { CoreExports } from './load-wasm.js';

export interface RouteTable {
  bytes: Uint8Array;
  count: number;
}

/**
 * Events one input packet can write: its own walk, and the walk of the answer a REJECT sends
 * (a local packet: at most as many hooks as any packet), so twice the compiler's bound.
 */
export function eventsPerPacketWithReply(compiled: CompiledRuleset): number {
  return 2 * compiled.eventsPerPacketMax;
}

/**
 * Where loadIntoCore will put the code area in `core`'s memory: compiling with it builds the
 * classifier rows there (CompileOptions.codeMemory), and loading finds them in place.
 */
export function coreCodeMemory(core: CoreExports): NonNullable<CompileOptions['codeMemory']> {
  return {
    memory: core.memory,
    grow: (bytes) => ensureMemory(core.memory, bytes),
    codeAt: (entryCount) => codeAddress(core.heapBase(), entryCount),
  };
}

/** Lays out and fills a fresh core's memory; returns where everything went. */
export function loadIntoCore(
  core: CoreExports, compiled: CompiledRuleset, routes: RouteTable, batchSize: number, eventCapacity: number,
  defrag?: DefragSettings,
): Arena {
  const ct = compiled.conntrack;
  // Conntrack tables are only laid out when the ruleset turns conntrack on (§0); fresh memory is
  // zero, which is an empty table, so nothing is written into them.
  const ctSizes = ct.enabled ? conntrackSizes(ct.maxEntries, ct.maxExpectations) : NO_CONNTRACK;
  const arena = planArena(core.heapBase(), {
    entryCount: compiled.entryCount,
    codeWords: compiled.codeWords,
    stackDepth: compiled.stackDepth,
    stateBytes: compiled.stateSize,
    routeCount: routes.count,
    batchSize,
    eventCapacity,
    conntrack: ctSizes,
    // nf_defrag_ipv4 comes with conntrack (NETFILTER.md §4.1)
    defrag: ct.enabled && defrag ? { queues: defrag.maxQueues, ringBytes: Math.max(defrag.maxBytes, DF_MIN_RING) } : undefined,
  });
  ensureMemory(core.memory, arena.end);
  // A fresh instance's memory is zero: counters and match state start empty.
  const bytes = new Uint8Array(core.memory.buffer);
  bytes.set(compiled.entries, arena.entries);
  compiled.writeCode(new Uint32Array(core.memory.buffer, arena.code, compiled.codeWords));
  bytes.set(routes.bytes, arena.routes);
  new Uint32Array(core.memory.buffer, arena.ctTimeouts, CTO_COUNT).set(ct.timeoutsMs);
  const cfg = new Uint32Array(core.memory.buffer, arena.cfg, CFG_WORDS);
  cfg[CFG_ENTRIES_PTR] = arena.entries;
  cfg[CFG_ENTRY_COUNT] = compiled.entryCount;
  cfg[CFG_CODE_PTR] = arena.code;
  cfg[CFG_COUNTERS_PTR] = arena.counters;
  cfg[CFG_ROUTES_PTR] = arena.routes;
  cfg[CFG_ROUTE_COUNT] = routes.count;
  cfg[CFG_FLAGS] = compiled.configFlags;
  cfg[CFG_STACK_PTR] = arena.stack;
  cfg[CFG_STACK_DEPTH] = compiled.stackDepth;
  cfg[CFG_STATE_PTR] = arena.state;
  cfg[CFG_STATE_SIZE] = compiled.stateSize;
  cfg[CFG_EVENTS_CAP] = eventCapacity;
  cfg[CFG_EVENTS_PTR] = arena.events;
  cfg[CFG_EVENTS_PER_PACKET_MAX] = eventsPerPacketWithReply(compiled);
  cfg[CFG_REPLIES_PTR] = arena.replies;
  cfg[CFG_ICMP_RL_PTR] = arena.icmpPeers;
  cfg[CFG_ICMP_RATELIMIT_MS] = compiled.icmpRateLimit.ms;
  cfg[CFG_ICMP_RATEMASK] = compiled.icmpRateLimit.mask;
  for (let i = 0; i < compiled.hookStarts.length; i++) cfg[CFG_HOOK_START + i] = compiled.hookStarts[i];
  cfg[CFG_CT_FLAGS] = ct.flags;
  cfg[CFG_CT_ENTRIES_PTR] = arena.ctEntries;
  cfg[CFG_CT_MAX] = ctSizes.entries;
  cfg[CFG_CT_INDEX_PTR] = arena.ctIndex;
  cfg[CFG_CT_INDEX_SLOTS] = ctSizes.indexSlots;
  cfg[CFG_CT_EXT_PTR] = arena.ctExt;
  cfg[CFG_CT_EXT_MAX] = ctSizes.extRecords;
  cfg[CFG_CT_EXP_PTR] = arena.ctExpectations;
  cfg[CFG_CT_EXP_MAX] = ctSizes.expectations;
  cfg[CFG_CT_TIMEOUTS_PTR] = arena.ctTimeouts;
  cfg[CFG_CT_MAX_RETRANS] = ct.maxRetrans;
  if (arena.dfBlock && defrag) {
    cfg[CFG_DF_PTR] = arena.dfBlock;
    const block = new Uint32Array(core.memory.buffer, arena.dfBlock, DF_WORDS);
    block[DF_QUEUES_PTR] = arena.dfQueues;
    block[DF_QUEUE_MAX] = defrag.maxQueues;
    block[DF_RING_PTR] = arena.dfRing;
    block[DF_RING_SIZE] = Math.max(defrag.maxBytes, DF_MIN_RING);
    block[DF_SCRATCH_PTR] = arena.dfScratch;
    block[DF_TIMEOUT_MS] = Math.round(defrag.timeoutSeconds * 1000);
  }
  return arena;
}
