// What the matches read of a packet's conntrack, copied into its record once the conntrack stage
// attached one (state, conntrack, connmark, helper: assembly/shared/layout.ts PKT_CT*).
import {
  CT_EXPIRES, CT_ORIG_DPORT, CT_ORIG_DST, CT_ORIG_SPORT, CT_ORIG_SRC, CT_PROTO,
  CTSTATE_ESTABLISHED, CTSTATE_NEW, CTSTATE_RELATED, CX_FLAGS, CXF_MASTER_HELPER_SHIFT,
  PKT_CT_ORIG_DPORT, PKT_CT_ORIG_DST, PKT_CT_ORIG_SPORT, PKT_CT_ORIG_SRC, PKT_CT_REPL_DPORT,
  PKT_CT_REPL_DST, PKT_CT_REPL_SPORT, PKT_CT_REPL_SRC, PKT_CTDIR, PKT_CTEXPIRE, PKT_CTMARK,
  PKT_CTPROTO, PKT_CTSTATE, PKT_CTSTATUS, PKT_HELPER,
} from '../shared/layout';
import { nowMs } from './clock';
import { IP_CT_NEW, IP_CT_RELATED, IP_CT_RELATED_REPLY } from './ctinfo';
import { attachedExt } from './entries';
import { markOf, statusOf } from './fields';
import { isConfirmed } from './lifecycle';
import { replyDst, replyPorts, replySrc } from './tuple';

function ctstateOf(ctinfo: i32): u8 {
  if (ctinfo == IP_CT_NEW) return <u8>CTSTATE_NEW;
  if (ctinfo == IP_CT_RELATED || ctinfo == IP_CT_RELATED_REPLY) return <u8>CTSTATE_RELATED;
  return <u8>CTSTATE_ESTABLISHED;
}

/** HELPER_* of the master of an expected connection (what `-m helper` tests, §0, §4.7). */
function masterHelper(ct: usize): u8 {
  const ext = attachedExt(ct);
  if (ext == 0) return 0;
  return <u8>(<u32>load<u16>(ext, CX_FLAGS) >> CXF_MASTER_HELPER_SHIFT);
}

/** Seconds left on the timer as xt_conntrack sees it: 0 until confirmed (timeout still relative). */
function secondsLeft(ct: usize): u32 {
  if (!isConfirmed(ct)) return 0;
  const left = <i32>(load<u32>(ct, CT_EXPIRES) - nowMs);
  return left <= 0 ? 0 : <u32>left / 1000;
}

/** Copies what the matches read (state, conntrack, connmark, helper) into the packet record. */
export function publish(rec: usize, ct: usize, dir: i32, ctinfo: i32): void {
  store<u8>(rec, ctstateOf(ctinfo), PKT_CTSTATE);
  store<u8>(rec, <u8>dir, PKT_CTDIR);
  store<u32>(rec, statusOf(ct), PKT_CTSTATUS);
  store<u32>(rec, markOf(ct), PKT_CTMARK);
  store<u32>(rec, secondsLeft(ct), PKT_CTEXPIRE);
  store<u8>(rec, load<u8>(ct, CT_PROTO), PKT_CTPROTO);
  store<u8>(rec, masterHelper(ct), PKT_HELPER);
  store<u32>(rec, load<u32>(ct, CT_ORIG_SRC), PKT_CT_ORIG_SRC);
  store<u32>(rec, load<u32>(ct, CT_ORIG_DST), PKT_CT_ORIG_DST);
  store<u16>(rec, load<u16>(ct, CT_ORIG_SPORT), PKT_CT_ORIG_SPORT);
  store<u16>(rec, load<u16>(ct, CT_ORIG_DPORT), PKT_CT_ORIG_DPORT);
  const ports = replyPorts(ct);
  store<u32>(rec, replySrc(ct), PKT_CT_REPL_SRC);
  store<u32>(rec, replyDst(ct), PKT_CT_REPL_DST);
  store<u16>(rec, <u16>(ports >>> 16), PKT_CT_REPL_SPORT);
  store<u16>(rec, <u16>ports, PKT_CT_REPL_DPORT);
}

