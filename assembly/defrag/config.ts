// The defrag block (assembly/shared/layout.ts "Defragmentation"): where the queue table, the
// fragment store and the scratch buffer are, read once per evaluate() call.
import {
  CFG_DF_PTR, DF_QUEUE_MAX, DF_QUEUES_PTR, DF_RING_PTR, DF_RING_SIZE, DF_SCRATCH_PTR, DF_TIMEOUT_MS,
} from '../shared/layout';

export let block: usize = 0; // 0: defragmentation off
export let queuesBase: usize = 0;
export let queueMax: u32 = 0;
export let ringBase: usize = 0;
export let ringSize: u32 = 0;
export let scratch: usize = 0;
export let timeoutSeconds: f64 = 30;

@inline export function word(index: i32): u32 {
  return load<u32>(block + (<usize>index << 2));
}

@inline export function setWord(index: i32, value: u32): void {
  store<u32>(block + (<usize>index << 2), value);
}

export function loadDefragConfig(cfg: usize): void {
  block = load<u32>(cfg + (<usize>CFG_DF_PTR << 2));
  if (block == 0) return;
  queuesBase = word(DF_QUEUES_PTR);
  queueMax = word(DF_QUEUE_MAX);
  ringBase = word(DF_RING_PTR);
  ringSize = word(DF_RING_SIZE);
  scratch = word(DF_SCRATCH_PTR);
  timeoutSeconds = <f64>word(DF_TIMEOUT_MS) / 1000;
}

export function defragEnabled(): bool {
  return block != 0;
}
