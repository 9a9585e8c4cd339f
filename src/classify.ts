// Host-neutral glue: packets described as PacketInput go through the engine in batches.
import type { Engine, PacketResult } from './engine/engine.js';
import { encodeBatch } from './packets/encode.js';
import type { PacketInput } from './packets/types.js';

/** Classify packets in order (conntrack state carries over between calls); one result per packet. */
export function classifyPackets(engine: Engine, packets: readonly PacketInput[]): PacketResult[] {
  const { records, payloads, ctstateGiven } = encodeBatch(packets);
  engine.noteClaimedCtstate(ctstateGiven);
  return engine.classify(records, packets.length, payloads);
}
