// One packet's result (assembly/shared/layout.ts "Results") read into globals for the record
// walk, and whether its record is for the host to make: what src/engine/compact.ts decodes in
// full (answered verdicts, truncated events, reassembly, LOG/NFLOG lines), and what the
// fragment codes cannot hold.
import {
  EV_RULE, EVENT_SIZE, RES_CT_ID, RES_CT_NOTE, RES_CT_REASON, RES_CTDIR, RES_CTSTATE, RES_CTSTATUS,
  RES_DEFRAG_EVICTED, RES_DEFRAG_EXPIRED, RES_DEFRAG_STATE, RES_ENTRY, RES_EVENT_COUNT, RES_EVENT_FIRST,
  RES_FLAGS, RES_HELPER, RES_HOOK, RES_MARK, RES_PATH, RES_TCP_STATE, RES_VERDICT, RF_EVENTS_TRUNCATED,
  RF_NAT_SKIPPED, V_REJECT, V_TTL_EXCEEDED,
} from '../shared/layout';
import { CT_STATE_DIR_SHIFT, CT_STATE_STATUS_SHIFT, HEAD_CTSTATE_SHIFT, HEAD_HOOK_SHIFT, HEAD_PATH_SHIFT } from './abi';
import { TALLY_ENTRY_MAX } from './tally';

export let verdict: u32 = 0;
export let ctstate: u32 = 0;
/** FK_HEAD code. */
export let head: u32 = 0;
/** The deciding entry, -1: none. */
export let entry: i32 = -1;
export let mark: u32 = 0;
export let helper: u32 = 0;
export let natSkipped = false;
/** Conntrack id (0: none, or conntrack off). */
export let ctId: u32 = 0;
/** FK_CT_STATE code (meaningful when ctId != 0). */
export let ctState: u32 = 0;
export let ctNote: u32 = 0;
export let ctReason: u32 = 0;
/** The counted rules: EV_RULE events among [eventFirst, eventFirst + eventCount). */
export let eventFirst: u32 = 0;
export let eventCount: u32 = 0;
export let matchedCount: u32 = 0;
/** The only counted rule is the deciding one (the usual shape of a rule's verdict). */
export let soleMatch = false;

/**
 * Reads the result at `r` (events in the buffer at `events`; `logs`: a byte per entry, 1 when a
 * rule writes LOG/NFLOG lines); false when the packet's record is for the host to make.
 */
export function readResult(r: usize, events: usize, logs: usize, conntrack: bool): bool {
  verdict = load<u8>(r + RES_VERDICT);
  const flags: u32 = load<u8>(r + RES_FLAGS);
  if (verdict == V_REJECT || verdict == V_TTL_EXCEEDED) return false;
  if (flags & RF_EVENTS_TRUNCATED) return false;
  if (load<u8>(r + RES_DEFRAG_STATE) != 0 || load<u16>(r + RES_DEFRAG_EXPIRED) != 0 || load<u16>(r + RES_DEFRAG_EVICTED) != 0) return false;
  ctstate = load<u8>(r + RES_CTSTATE);
  const hook: u32 = load<u8>(r + RES_HOOK);
  const path: u32 = load<u8>(r + RES_PATH);
  entry = load<i32>(r + RES_ENTRY);
  if (verdict >= 16 || ctstate >= 128 || hook >= 8 || path >= 8 || entry > TALLY_ENTRY_MAX) return false;
  head = verdict | (ctstate << HEAD_CTSTATE_SHIFT) | (hook << HEAD_HOOK_SHIFT) | (path << HEAD_PATH_SHIFT);

  eventFirst = load<u32>(r + RES_EVENT_FIRST);
  eventCount = load<u32>(r + RES_EVENT_COUNT);
  matchedCount = 0;
  let only: i32 = -1;
  for (let i = eventFirst, last = eventFirst + eventCount; i < last; i++) {
    const word = load<u32>(events + i * EVENT_SIZE + 4);
    if ((word & 0xf) != EV_RULE) continue;
    const rule = word >>> 8;
    if (load<u8>(logs + rule) != 0) return false;
    only = rule;
    matchedCount++;
  }
  soleMatch = matchedCount == 1 && only == entry;

  mark = load<u32>(r + RES_MARK);
  helper = load<u8>(r + RES_HELPER);
  natSkipped = (flags & RF_NAT_SKIPPED) != 0;
  if (conntrack) {
    ctId = load<u32>(r + RES_CT_ID);
    const tcp: u32 = load<u8>(r + RES_TCP_STATE);
    const dir: u32 = load<u8>(r + RES_CTDIR) != 0 ? 1 : 0;
    const status: u32 = load<u16>(r + RES_CTSTATUS);
    if (ctId != 0 && (tcp >= 16 || status >= 16)) return false;
    ctState = tcp | (dir << CT_STATE_DIR_SHIFT) | (status << CT_STATE_STATUS_SHIFT);
    ctNote = load<u16>(r + RES_CT_NOTE);
    ctReason = load<u8>(r + RES_CT_REASON);
  } else {
    ctId = ctNote = ctReason = 0;
  }
  return true;
}

/** The entry of event `i` when it is a counted rule, else -1. */
@inline export function ruleAt(events: usize, i: u32): i32 {
  const word = load<u32>(events + i * EVENT_SIZE + 4);
  return (word & 0xf) == EV_RULE ? <i32>(word >>> 8) : -1;
}
