// What defragmentation did with the packet being evaluated, for its result record
// (RES_DEFRAG_*): its own fate, and the queues that expired or were evicted meanwhile.
import {
  DFR_NONE, DFS_NONE, RES_DEFRAG_EVICTED, RES_DEFRAG_EVICTED_FRAGS, RES_DEFRAG_EXPIRED,
  RES_DEFRAG_EXPIRED_FRAGS, RES_DEFRAG_FRAGMENTS, RES_DEFRAG_QUEUE, RES_DEFRAG_REASON, RES_DEFRAG_STATE,
} from '../shared/layout';

export let state: u32 = DFS_NONE;
export let reason: u32 = DFR_NONE;
export let queueId: u32 = 0;
export let fragments: u32 = 0;
export let expiredQueues: u32 = 0;
export let expiredFragments: u32 = 0;
export let evictedQueues: u32 = 0;
export let evictedFragments: u32 = 0;

export function resetReport(): void {
  state = DFS_NONE;
  reason = DFR_NONE;
  queueId = 0;
  fragments = 0;
  expiredQueues = 0;
  expiredFragments = 0;
  evictedQueues = 0;
  evictedFragments = 0;
}

export function settle(how: u32, why: u32, queue: u32, count: u32): void {
  state = how;
  reason = why;
  queueId = queue;
  fragments = count;
}

export function noteExpired(count: u32): void {
  expiredQueues++;
  expiredFragments += count;
}

export function noteEvicted(count: u32): void {
  evictedQueues++;
  evictedFragments += count;
}

@inline function clamp16(v: u32): u16 {
  return <u16>min(v, 0xffff);
}

export function writeDefragResult(res: usize): void {
  store<u8>(res, <u8>state, RES_DEFRAG_STATE);
  store<u8>(res, <u8>reason, RES_DEFRAG_REASON);
  store<u16>(res, clamp16(fragments), RES_DEFRAG_FRAGMENTS);
  store<u32>(res, queueId, RES_DEFRAG_QUEUE);
  store<u16>(res, clamp16(expiredQueues), RES_DEFRAG_EXPIRED);
  store<u16>(res, clamp16(expiredFragments), RES_DEFRAG_EXPIRED_FRAGS);
  store<u16>(res, clamp16(evictedQueues), RES_DEFRAG_EVICTED);
  store<u16>(res, clamp16(evictedFragments), RES_DEFRAG_EVICTED_FRAGS);
}
