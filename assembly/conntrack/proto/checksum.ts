// Checksum verification shared by the trackers' error checks (NETFILTER.md §4.3): with
// nf_conntrack_checksum=1 TCP/UDP/ICMP checksums are verified only in PREROUTING; a known-bad one
// there makes the packet INVALID. Everywhere else the checksum goes unverified, which is noted.
import { CTF_CHECKSUM, CTN_CHECKSUM_SKIPPED, CTR_BAD_CHECKSUM, CTR_NONE, HOOK_PREROUTING, PF2_BAD_CSUM, PKT_FLAGS2 } from '../../shared/layout';
import { ctFlags } from '../clock';
import * as core from '../core';

/** CTR_BAD_CHECKSUM when the checksum is verified here and known bad, else CTR_NONE. */
export function checksumError(rec: usize, hook: i32): u32 {
  if ((ctFlags() & CTF_CHECKSUM) == 0 || hook != HOOK_PREROUTING) {
    core.note |= CTN_CHECKSUM_SKIPPED;
    return CTR_NONE;
  }
  return (load<u8>(rec, PKT_FLAGS2) & PF2_BAD_CSUM) != 0 ? CTR_BAD_CHECKSUM : CTR_NONE;
}
