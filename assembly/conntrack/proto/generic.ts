// The generic tracker (NETFILTER.md §4.5): protocols without their own tracker are tracked by
// address and protocol, with one timeout (nf_conntrack_generic_timeout, 600 s) and no state.
import { CTO_GENERIC, CTR_NONE } from '../../shared/layout';
import { nowMs, timeoutMs } from '../clock';
import { TRK_ACCEPT } from '../ctinfo';
import { setExpires } from '../timer-blocks';

export function genericNew(ct: usize, rec: usize): u32 {
  return CTR_NONE;
}

export function genericPacket(ct: usize, rec: usize, dir: i32, ctinfo: i32): i32 {
  setExpires(ct, nowMs + timeoutMs(CTO_GENERIC));
  return TRK_ACCEPT;
}
