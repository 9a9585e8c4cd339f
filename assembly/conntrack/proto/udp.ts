// The UDP tracker (nf_conntrack_proto_udp.c, NETFILTER.md §4.5): a truncated header or a bad
// length field is INVALID, so is a bad checksum where verified. Unreplied 30 s; once both
// directions were seen, 30 s until 2 s after creation, then 120 s and ASSURED ("stream").
import {
  CT_PRIV, CTO_UDP, CTO_UDP_STREAM, CTR_NONE, CTR_UDP_BAD_LENGTH,
  CTSTATUS_CONFIRMED, CTSTATUS_SEEN_REPLY, PF2_TRUNCATED_L4, PKT_FLAGS2,
} from '../../shared/layout';
import { nowMs, timeoutMs } from '../clock';
import { TRK_ACCEPT } from '../ctinfo';
import { setExpires } from '../timer-blocks';
import { statusOf } from '../fields';
import { markAssured } from '../table';
import { checksumError } from './checksum';

/** The stream rule applies from this long after creation (udp_packet: stream_ts = now + 2 s). */
const STREAM_AFTER_MS: u32 = 2000;
const UDP_CREATED = CT_PRIV;

export function udpError(rec: usize, hook: i32): u32 {
  if ((load<u8>(rec, PKT_FLAGS2) & PF2_TRUNCATED_L4) != 0) return CTR_UDP_BAD_LENGTH;
  return checksumError(rec, hook);
}

export function udpNew(ct: usize, rec: usize): u32 {
  return CTR_NONE;
}

export function udpPacket(ct: usize, rec: usize, dir: i32, ctinfo: i32): i32 {
  const status = statusOf(ct);
  if ((status & CTSTATUS_CONFIRMED) == 0) store<u32>(ct, nowMs, UDP_CREATED);
  if ((status & CTSTATUS_SEEN_REPLY) == 0) {
    setExpires(ct, nowMs + timeoutMs(CTO_UDP));
    return TRK_ACCEPT;
  }
  // time_after(jiffies, stream_ts): strictly later than 2 s after creation.
  const stream = <i32>(nowMs - (load<u32>(ct, UDP_CREATED) + STREAM_AFTER_MS)) > 0;
  setExpires(ct, nowMs + timeoutMs(stream ? CTO_UDP_STREAM : CTO_UDP));
  if (stream) markAssured(ct);
  return TRK_ACCEPT;
}
