// Host-neutral glue: packets described as PacketInput go through the engine in batches.
import { PKT_SIZE } from '../assembly/shared/layout.js';
import type { Engine, PacketResult } from './engine/engine.js';
import { encodePacket } from './packets/encode.js';
import type { PacketInput } from './packets/types.js';

/** Classify packets in order; returns one result per packet. */
export function classifyPackets(engine: Engine, packets: readonly PacketInput[]): PacketResult[] {
  const bytes = new Uint8Array(packets.length * PKT_SIZE);
  const view = new DataView(bytes.buffer);
  packets.forEach((p, i) => encodePacket(view, i * PKT_SIZE, p));
  return engine.classify(bytes, packets.length);
}
