// A core with nothing but a conntrack table to drive through conntrackLookupOrInsert (the raw
// index and entry code, no tracker, no rules): bench/conntrack.ts measures it on random flows,
// bench/floor.ts on a capture's own flow sequence.
import { compileRuleset } from '../src/compile/compile.js';
import { readConntrackUsage } from '../src/conntrack/read.js';
import { ensureMemory } from '../src/engine/arena.js';
import { loadIntoCore } from '../src/engine/core-setup.js';
import { instantiateCore } from '../src/engine/load-wasm.js';
import { defaultHostModel } from '../src/host/default.js';
import { buildRouteTable } from '../src/host/routes.js';
import { parseRuleset } from '../src/ruleset/load.js';

/** Bytes per tuple: u32 src, u32 dst, u32 sport << 16 | dport, u32 proto (conntrack/exports.ts). */
export const TUPLE_BYTES = 16;
const STATEFUL = '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m state --state ESTABLISHED -j ACCEPT\nCOMMIT\n';

/** A table of `capacity` entries (nf_conntrack_max) taking tuples in batches of at most `batch`. */
export async function rawTable(capacity: number, batch: number) {
  const defaults = defaultHostModel();
  const host = { ...defaults, sysctl: { ...defaults.sysctl, nf_conntrack_max: capacity } };
  const compiled = compileRuleset(parseRuleset(STATEFUL), host);
  const core = await instantiateCore();
  const arena = loadIntoCore(core, compiled, buildRouteTable(host), 1, 16);
  const tuplesAt = arena.payloads;
  ensureMemory(core.memory, tuplesAt + batch * TUPLE_BYTES);
  /** Looks up (or inserts) tuples [from, from + count) of `tuples`; returns how many were found. */
  const run = (tuples: Uint32Array, from: number, count: number): number => {
    new Uint32Array(core.memory.buffer, tuplesAt, count * 4).set(tuples.subarray(from * 4, (from + count) * 4));
    return core.conntrackLookupOrInsert(arena.cfg, tuplesAt, count);
  };
  const usage = () => readConntrackUsage(core.memory.buffer, arena.cfg);
  return { run, usage };
}
