// The host's areas (assembly/shared/layout.ts "Config block"), read once per evaluate() call so
// the hot path loads them from globals instead of re-reading the config block.
import {
  CFG_CODE_PTR, CFG_COUNTERS_PTR, CFG_ENTRIES_PTR, CFG_EVENTS_CAP, CFG_EVENTS_PER_PACKET_MAX,
  CFG_EVENTS_PTR, CFG_FLAGS, CFG_REPLIES_PTR, CFG_HOOK_START, CFG_ROUTE_COUNT, CFG_ROUTES_PTR, CFG_STACK_DEPTH,
  CFG_STACK_PTR, CFG_STATE_PTR, ENTRY_SIZE, HOOK_COUNT, TABLE_COUNT,
} from '../shared/layout';

export let cfgBase: usize = 0;
export let entriesBase: usize = 0;
export let codeBase: usize = 0;
export let countersBase: usize = 0;
export let routesBase: usize = 0;
export let routeCount: u32 = 0;
export let configFlags: u32 = 0;
export let stackBase: usize = 0;
export let stackDepth: u32 = 0;
export let stateBase: usize = 0;
export let eventsBase: usize = 0;
export let eventsCapacity: u32 = 0;
export let eventsPerPacketMax: u32 = 0;
/** REPLY_SIZE slots parallel to the packets of this call; 0 = replies are not built. */
export let repliesBase: usize = 0;
/** Bit table * HOOK_COUNT + hook set when that table has a chain in that hook (CFG_HOOK_START >= 0). */
export let chainsPresent: u32 = 0;

@inline function word(cfg: usize, index: i32): u32 {
  return load<u32>(cfg + (<usize>index << 2));
}

export function loadConfig(cfg: usize): void {
  cfgBase = cfg;
  entriesBase = word(cfg, CFG_ENTRIES_PTR);
  codeBase = word(cfg, CFG_CODE_PTR);
  countersBase = word(cfg, CFG_COUNTERS_PTR);
  routesBase = word(cfg, CFG_ROUTES_PTR);
  routeCount = word(cfg, CFG_ROUTE_COUNT);
  configFlags = word(cfg, CFG_FLAGS);
  stackBase = word(cfg, CFG_STACK_PTR);
  stackDepth = word(cfg, CFG_STACK_DEPTH);
  stateBase = word(cfg, CFG_STATE_PTR);
  eventsBase = word(cfg, CFG_EVENTS_PTR);
  eventsCapacity = word(cfg, CFG_EVENTS_CAP);
  eventsPerPacketMax = word(cfg, CFG_EVENTS_PER_PACKET_MAX);
  repliesBase = word(cfg, CFG_REPLIES_PTR);
  let present: u32 = 0;
  for (let slot = 0; slot < TABLE_COUNT * HOOK_COUNT; slot++) {
    if (<i32>word(cfg, CFG_HOOK_START + slot) >= 0) present |= 1 << slot;
  }
  chainsPresent = present;
}

/**
 * Whether `table` has a chain in `hook`: an absent one lets every packet through uncounted, so
 * the hook walk skips it (and the checks deciding whether it applies) without a call.
 */
@inline export function hasChain(table: i32, hook: i32): bool {
  return (chainsPresent & (1 << (table * HOOK_COUNT + hook))) != 0;
}

/** First entry of `table`'s chain for `hook`, or -1 when the table or chain is absent. */
@inline export function hookStart(table: i32, hook: i32): i32 {
  return load<i32>(cfgBase + (<usize>(CFG_HOOK_START + table * HOOK_COUNT + hook) << 2));
}

@inline export function entryAddress(index: u32): usize {
  return entriesBase + <usize>index * ENTRY_SIZE;
}
