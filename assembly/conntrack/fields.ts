// The entry fields that share bytes or may live in the ext record (assembly/shared/layout.ts
// "Conntrack entry"): status and CTE flags share one byte, the TCP state shares its byte with the
// TCP tracker's flags, and the id, connmark and helper move to the ext record when there is one.
// Everything outside entries.ts reads and writes them only through here.
import {
  CT_FLAGS, CT_ID, CT_STATE, CT_STATUS, CT_STATUS_MASK, CX_CT_HELPER, CX_ID, CX_MARK,
} from '../shared/layout';
import { attachedExt, extOf } from './entries';

const TCP_STATE_MASK: u32 = 0xf;

/** CTSTATUS_* bits of `ct`. */
@inline export function statusOf(ct: usize): u32 {
  return <u32>load<u8>(ct, CT_STATUS) & CT_STATUS_MASK;
}

@inline export function hasStatus(ct: usize, bits: u32): bool {
  return (statusOf(ct) & bits) != 0;
}

@inline export function addStatus(ct: usize, bits: u32): void {
  store<u8>(ct, load<u8>(ct, CT_STATUS) | <u8>(bits & CT_STATUS_MASK), CT_STATUS);
}

/** CTE_* bits of `ct`. */
@inline export function flagsOf(ct: usize): u32 {
  return <u32>load<u8>(ct, CT_FLAGS) & ~CT_STATUS_MASK;
}

@inline export function hasFlag(ct: usize, bits: u32): bool {
  return (flagsOf(ct) & bits) != 0;
}

@inline export function addFlags(ct: usize, bits: u32): void {
  store<u8>(ct, load<u8>(ct, CT_FLAGS) | <u8>bits, CT_FLAGS);
}

@inline export function clearFlags(ct: usize, bits: u32): void {
  store<u8>(ct, load<u8>(ct, CT_FLAGS) & ~<u8>bits, CT_FLAGS);
}

/** TCP_* state of a TCP conntrack (0 for the others). */
@inline export function tcpStateOf(ct: usize): u8 {
  return <u8>(<u32>load<u8>(ct, CT_STATE) & TCP_STATE_MASK);
}

@inline export function setTcpState(ct: usize, state: u8): void {
  store<u8>(ct, <u8>((<u32>load<u8>(ct, CT_STATE) & ~TCP_STATE_MASK) | <u32>state), CT_STATE);
}

/** The conntrack's id (conntrack -L id=, RES_CT_ID). */
@inline export function idOf(ct: usize): u32 {
  const ext = attachedExt(ct);
  return ext != 0 ? load<u32>(ext, CX_ID) : load<u32>(ct, CT_ID);
}

/** Connmark (ct->mark): 0 unless an ext record holds one. */
@inline export function markOf(ct: usize): u32 {
  const ext = attachedExt(ct);
  return ext == 0 ? 0 : load<u32>(ext, CX_MARK);
}

/** Sets the connmark; a non-zero one needs an ext record (lost only if the pool is exhausted). */
export function setMark(ct: usize, mark: u32): void {
  const ext = extOf(ct, mark != 0);
  if (ext != 0) store<u32>(ext, mark, CX_MARK);
}

/** HELPER_* assigned to the conntrack. */
@inline export function helperOf(ct: usize): u8 {
  const ext = attachedExt(ct);
  return ext == 0 ? 0 : load<u8>(ext, CX_CT_HELPER);
}

/** Assigns a helper; one needs an ext record (for its state too), none is the default. */
export function setHelper(ct: usize, helper: u8): void {
  const ext = extOf(ct, helper != 0);
  if (ext != 0) store<u8>(ext, helper, CX_CT_HELPER);
}
