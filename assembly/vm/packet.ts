// What the core knows about the packet being evaluated, beyond its record: the hook being
// traversed, the interface names the basic match sees there, and how the evaluation has gone so
// far. Reset for every packet by resetPacket().
import { HOOK_FORWARD, HOOK_INPUT, HOOK_PREROUTING, PKT_IN_IFACE, PKT_OUT_IFACE, PKT_TS } from '../shared/layout';

/** All-zero interface name: the kernel's view of "no device" (nulldevname in ip_packet_match). */
export const NO_IFACE: usize = memory.data(16);
/** "lo", NUL-padded: the device locally delivered packets arrive on (local -> local). */
export const LOOPBACK_IFACE: usize = memory.data<u8>([0x6c, 0x6f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

export let record: usize = 0; // the packet record
export let index: u32 = 0; // its position in this evaluate() call
export let timestamp: f64 = 0;
export let hook: i32 = 0; // the hook being traversed
export let inName: usize = NO_IFACE; // what `-i` compares in this hook
export let outName: usize = NO_IFACE; // what `-o` compares in this hook

export let flags: u32 = 0; // RF_* result flags
export let helper: u32 = 0; // helper assigned by CT --helper
/** skb already carries a conntrack (or the untracked marker): NOTRACK and CT do nothing then. */
export let ctAttached: bool = false;
/** Second pass of a local -> local packet (in on lo): nat was settled on the first pass. */
export let loopbackPass: bool = false;
/**
 * A router-made reply carrying the original's conntrack (nf_ct_attach): the conntrack stage and
 * confirm leave it alone, and nat sees it only in `replyNatHook` (-1: nowhere).
 */
export let replyAttached: bool = false;
export let replyNatHook: i32 = -1;

// How the packet ended: set by the traversal (traverse.ts), reported by evaluate.ts.
export let verdict: u32 = 0; // V_*, 0 while undecided
export let rejectKind: u32 = 0;
export let decidedEntry: i32 = -1; // entry that dropped/rejected/queued, or the last accepting one
export let decidedTable: i32 = -1;
export let filterAcceptEntry: i32 = -1; // the filter table's last ACCEPT (rule or policy)

export function resetPacket(rec: usize, i: u32): void {
  record = rec;
  index = i;
  timestamp = load<f64>(rec, PKT_TS);
  flags = 0;
  helper = 0;
  ctAttached = false;
  loopbackPass = false;
  replyAttached = false;
  replyNatHook = -1;
  verdict = 0;
  rejectKind = 0;
  decidedEntry = -1;
  decidedTable = -1;
  filterAcceptEntry = -1;
}

/**
 * Enter `h`: the devices ipt_do_table is given there (nf_hook's in/out arguments): PREROUTING and
 * INPUT have only the in device, OUTPUT and POSTROUTING only the out device, FORWARD both.
 */
export function enterHook(h: i32): void {
  hook = h;
  const hasIn = h == HOOK_PREROUTING || h == HOOK_INPUT || h == HOOK_FORWARD;
  const hasOut = h != HOOK_PREROUTING && h != HOOK_INPUT;
  inName = hasIn ? record + PKT_IN_IFACE : NO_IFACE;
  outName = hasOut ? record + PKT_OUT_IFACE : NO_IFACE;
}
