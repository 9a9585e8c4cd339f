// Where the conntrack tables live and the sysctl-derived switches, read from the config block
// once per evaluate() call (assembly/shared/layout.ts "Connection tracking", CFG_CT_*).
import {
  CFG_CT_ENTRIES_PTR, CFG_CT_EXP_MAX, CFG_CT_EXP_PTR, CFG_CT_EXT_MAX, CFG_CT_EXT_PTR, CFG_CT_FLAGS,
  CFG_CT_HIGH, CFG_CT_INDEX_PTR, CFG_CT_INDEX_SLOTS, CFG_CT_MAX, CFG_CT_MAX_RETRANS, CFG_CT_TIMEOUTS_PTR,
} from '../shared/layout';
import { indexSlotsFor } from './index-size';

export let ctConfigBase: usize = 0;
export let ctConfigFlags: u32 = 0;
export let entriesBase: usize = 0;
export let entryCapacity: u32 = 0;
export let indexBase: usize = 0;
/** Index slots in use (a power of two): follows the peak of live entries (index-size.ts). */
export let indexSlots: u32 = 0;
/** Index slots the host reserved (CFG_CT_INDEX_SLOTS): the size in use once the table can be full. */
export let indexReserved: u32 = 0;
export let extBase: usize = 0;
export let extCapacity: u32 = 0;
export let expBase: usize = 0;
export let expCapacity: u32 = 0;
export let timeoutsBase: usize = 0;
export let maxRetrans: u32 = 0;

@inline export function cfgWordAddress(index: i32): usize {
  return ctConfigBase + (<usize>index << 2);
}

@inline export function cfgWord(index: i32): u32 {
  return load<u32>(cfgWordAddress(index));
}

@inline export function setCfgWord(index: i32, value: u32): void {
  store<u32>(cfgWordAddress(index), value);
}

export function loadConntrackConfig(cfg: usize): void {
  ctConfigBase = cfg;
  ctConfigFlags = cfgWord(CFG_CT_FLAGS);
  entriesBase = cfgWord(CFG_CT_ENTRIES_PTR);
  entryCapacity = cfgWord(CFG_CT_MAX);
  indexBase = cfgWord(CFG_CT_INDEX_PTR);
  indexReserved = cfgWord(CFG_CT_INDEX_SLOTS);
  indexSlots = indexSlotsFor(cfgWord(CFG_CT_HIGH), entryCapacity, indexReserved);
  extBase = cfgWord(CFG_CT_EXT_PTR);
  extCapacity = cfgWord(CFG_CT_EXT_MAX);
  expBase = cfgWord(CFG_CT_EXP_PTR);
  expCapacity = cfgWord(CFG_CT_EXP_MAX);
  timeoutsBase = cfgWord(CFG_CT_TIMEOUTS_PTR);
  maxRetrans = cfgWord(CFG_CT_MAX_RETRANS);
}

/** The index was rebuilt at `slots` slots (table.ts). */
export function setIndexSlots(slots: u32): void {
  indexSlots = slots;
}
