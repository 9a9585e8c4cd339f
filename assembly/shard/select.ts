// shardSelect: a capture batch's packet records of one shard, for `--workers N` on the fused path
// (src/pipeline/evaluate-shard.ts). Every worker parses the whole capture (its parser skips the
// records of other shards' packets it can tell apart, assembly/wire X_SHARDS); each keeps the
// records of its shard and evaluates only those. The shard is the one src/node/shard.ts shardOf() gives
// the JS path: a hash of the unordered address pair, an ICMP error sharded by the packet it
// quotes, so a connection, its related traffic and a datagram's fragments meet one conntrack table.
import { FR_RECORD, FR_SIZE, FR_STATUS, FS_IPV4, OTHER_SHARD_RECORD } from '../wire/abi';
import { PF2_INNER, PKT_DST, PKT_FLAGS2, PKT_ICMP_TYPE, PKT_INNER_DST, PKT_INNER_SRC, PKT_PROTO, PKT_SIZE, PKT_SRC } from '../shared/layout';

const PROTO_ICMP: u8 = 1;
const NO_RECORD: u32 = 0xffffffff;

/** Destination unreachable, source quench, redirect, time exceeded, parameter problem (NETFILTER.md §4.5). */
@inline
function isIcmpError(type: u8): bool {
  return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/** The shard of the packet record at `rec` among `shards` (shardOf in src/node/shard.ts, bit for bit). */
export function shardOfRecord(rec: usize, shards: u32): u32 {
  if (load<u8>(rec + PKT_PROTO) == PROTO_ICMP && (load<u8>(rec + PKT_FLAGS2) & PF2_INNER) != 0 && isIcmpError(load<u8>(rec + PKT_ICMP_TYPE))) {
    return shardOfPair(load<u32>(rec + PKT_INNER_SRC), load<u32>(rec + PKT_INNER_DST), shards);
  }
  return shardOfPair(load<u32>(rec + PKT_SRC), load<u32>(rec + PKT_DST), shards);
}

/** The shard of the unordered address pair a, b among `shards`. */
export function shardOfPair(a: u32, b: u32, shards: u32): u32 {
  const lo = min(a, b);
  const hi = max(a, b);
  let h: u32 = (lo ^ (hi * 0x9e3779b1)) * 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h % shards;
}

/**
 * Moves the packet records of shard `shard` (of `shards`) among the batch's `frameCount` frame
 * infos to the front of the record area, in frame order, and writes each kept record's frame
 * (index in the batch) as a u32 at `frameOut`. Records move only towards the front, so the copy
 * never overwrites a record still to be read; payload pointers are absolute and stay valid.
 * At `gapOut`: the number of frames without a packet record (not evaluated, unparsed; not
 * another shard's packet), then those frames, as u32. Returns the records kept.
 */
export function shardSelect(frames: usize, frameCount: u32, records: usize, shards: u32, shard: u32, frameOut: usize, gapOut: usize): u32 {
  let kept: u32 = 0;
  let gaps: u32 = 0;
  for (let j: u32 = 0; j < frameCount; j++) {
    const info = frames + <usize>j * FR_SIZE;
    const record = load<u32>(info + FR_RECORD);
    if (record == OTHER_SHARD_RECORD) continue;
    if (load<u8>(info + FR_STATUS) != FS_IPV4 || record == NO_RECORD) {
      gaps++;
      store<u32>(gapOut + <usize>gaps * 4, j);
      continue;
    }
    const from = records + <usize>record * PKT_SIZE;
    if (shardOfRecord(from, shards) != shard) continue;
    if (record != kept) memory.copy(records + <usize>kept * PKT_SIZE, from, PKT_SIZE);
    store<u32>(frameOut + <usize>kept * 4, j);
    kept++;
  }
  store<u32>(gapOut, gaps);
  return kept;
}
