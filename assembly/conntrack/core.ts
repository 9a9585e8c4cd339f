// What the conntrack stage reports about the current packet, shared with the protocol trackers
// and helpers: CTN_* notes, the CTR_* reason, and entries to delete once the packet is done
// (the kernel's nf_ct_kill from a tracker, NETFILTER.md §4.4 "a RST deletes the entry at once").
import { CTE_DYING, CTN_DELETED } from '../shared/layout';
import { addFlags } from './fields';

/** CTN_* bits for the current packet (OR into it). */
export let note: u32 = 0;
/** CTR_* reason for the current packet (why INVALID, or why conntrack dropped it). */
export let reason: u32 = 0;
/** Entry to delete after the packet (0 = none). */
export let pendingKill: usize = 0;

export function resetReport(): void {
  note = 0;
  reason = 0;
  pendingKill = 0;
}

export function addNote(bits: u32): void {
  note |= bits;
}

export function setReason(r: u32): void {
  reason = r;
}

/**
 * Deletes `ct` once the packet is done: the packet keeps its conntrack for the rest of its way
 * (as the kernel's packet keeps its reference), later packets no longer find it.
 */
export function killAfterPacket(ct: usize): void {
  pendingKill = ct;
  addFlags(ct, CTE_DYING);
  note |= CTN_DELETED;
}
