// The core's shard selection export (assembly/shard/select.ts), for the sharded fused path.
import type { CoreExports } from '../engine/load-wasm.js';

export interface ShardExports {
  /**
   * Moves the packet records of shard `shard` of `shards` to the front of `records`; writes their
   * frames (u32) at `frameOut`, and at `gapOut` the count then the frames (u32) of the frames
   * without a packet record; returns the records kept.
   */
  shardSelect(frames: number, frameCount: number, records: number, shards: number, shard: number, frameOut: number, gapOut: number): number;
}

/** The shard exports of a core instance, checked. */
export function shardExportsOf(core: CoreExports): ShardExports {
  const exports = core as unknown as Partial<ShardExports>;
  if (typeof exports.shardSelect !== 'function') throw new Error('this build of the nfwasm core has no shard selection (shardSelect): rebuild it with npm run build');
  return exports as ShardExports;
}
