// A batch of results in compact form (issue 6, the end-to-end fast path): the core's result
// records copied once out of its memory, the counted rules as entry numbers, out-interfaces as
// indexes into a small name list. Nothing per packet is an object, so a batch costs a few copies,
// crosses threads as transferable buffers (shard workers) and is encoded straight to bytes
// (src/output/compact-msgpack.ts). The rare packets whose output needs the core's memory or the
// full decoder (LOG/NFLOG lines, REJECT answers, reassembly, truncated events) are decoded to a
// PacketResult on the spot and kept beside the arrays.
import { EVENT_SIZE, EV_RULE, PKT_OUT_IFACE, PKT_SIZE, REPLY_SIZE, RES_DEFRAG_EVICTED, RES_DEFRAG_EXPIRED, RES_DEFRAG_STATE, RES_EVENT_COUNT, RES_EVENT_FIRST, RES_FLAGS, RES_SIZE, RES_VERDICT, RF_EVENTS_TRUNCATED } from '../../assembly/shared/layout.js';
import { ifaceName, type PacketResult, type ResultDecoder } from './result.js';
import { answered } from './reply.js';

/**
 * What encoding a compact batch needs besides the batch: the engine's entry labels. A shard worker
 * sends its engine's (compactLabels) so the main thread encodes without compiling the ruleset.
 */
export interface CompactLabels {
  /** "table:chain:N" of each entry (matched lists). */
  ruleLabel: readonly string[];
  /** "table:chain:N" or "table:chain:policy" of each entry (decided_by). */
  decidedLabel: readonly string[];
  /** Whether conntrack runs: results then carry conntrack fields. */
  conntrackEnabled: boolean;
}

/** The labels of a decoder as plain data (they cross threads). */
export function compactLabels(decoder: ResultDecoder): CompactLabels {
  return { ruleLabel: decoder.ruleLabel, decidedLabel: decoder.decidedLabel, conntrackEnabled: decoder.conntrackEnabled };
}

export interface CompactBatch {
  count: number;
  /** The core's result record of each packet (RES_SIZE bytes each, assembly/shared/layout.ts "Results"). */
  results: Uint8Array;
  /** Index into `ifaces` of each packet's out-interface; 0: none. */
  outIface: Uint16Array;
  /** Out-interface names; [0] is ''. */
  ifaces: string[];
  /** Packet i counted the rules (entry numbers) matchedEntries[matchedStart[i] .. matchedStart[i + 1]). */
  matchedStart: Uint32Array;
  matchedEntries: Uint32Array;
  /** Packets decoded in full at classify time: by index in the batch. */
  special: Map<number, PacketResult>;
}

/**
 * Packet `i` of `batch` as a PacketResult. For packets not decoded in full, `trace` stays empty:
 * a compact batch keeps the counted rules, not every TRACE position.
 */
export function compactPacketResult(batch: CompactBatch, i: number, decoder: ResultDecoder): PacketResult {
  const full = batch.special.get(i);
  if (full) return full;
  const view = new DataView(batch.results.buffer, batch.results.byteOffset, batch.results.byteLength);
  const result = decoder.decodeRecord(view, i * RES_SIZE, batch.ifaces[batch.outIface[i]]);
  for (let m = batch.matchedStart[i]; m < batch.matchedStart[i + 1]; m++) result.matched.push(decoder.ruleLabel[batch.matchedEntries[m]]);
  return result;
}

/** The buffers a worker hands over instead of copying (postMessage transfer list). */
export function compactTransferables(batch: CompactBatch): ArrayBuffer[] {
  return [batch.results.buffer, batch.outIface.buffer, batch.matchedStart.buffer, batch.matchedEntries.buffer] as ArrayBuffer[];
}

/** Fills a CompactBatch as the core completes packets, in order. */
export class CompactBuilder {
  private readonly results: Uint8Array;
  private readonly outIface: Uint16Array;
  private readonly matchedStart: Uint32Array;
  private matchedEntries: Uint32Array;
  private matchedCount = 0;
  private readonly ifaces: string[] = [''];
  private readonly ifaceIndex = new Map<string, number>();
  private readonly special = new Map<number, PacketResult>();
  private done = 0;

  constructor(
    private readonly count: number,
    private readonly decoder: ResultDecoder,
  ) {
    this.results = new Uint8Array(count * RES_SIZE);
    this.outIface = new Uint16Array(count);
    this.matchedStart = new Uint32Array(count + 1);
    this.matchedEntries = new Uint32Array(Math.max(16, count * 2));
  }

  /**
   * Takes the next `n` packets of the batch from the core's memory (as evaluate() left it): results
   * from `res`, records from `pkt`, reply slots from `reply` (at their strides), events in the
   * buffer at `events`.
   */
  add(view: DataView, bytes: Uint8Array, res: number, pkt: number, reply: number, n: number, events: number): void {
    const start = this.done;
    if (start + n > this.count) throw new Error(`compact batch: more than ${this.count} packets completed`);
    this.results.set(bytes.subarray(res, res + n * RES_SIZE), start * RES_SIZE);
    this.done += n;
    for (let j = 0; j < n; j++) {
      const k = start + j;
      const r = res + j * RES_SIZE;
      const p = pkt + j * PKT_SIZE;
      if (bytes[p + PKT_OUT_IFACE] !== 0) this.outIface[k] = this.iface(ifaceName(bytes, p + PKT_OUT_IFACE));
      const first = view.getUint32(r + RES_EVENT_FIRST, true);
      const count = view.getUint32(r + RES_EVENT_COUNT, true);
      let needsDecoder =
        answered(bytes[r + RES_VERDICT]) ||
        (bytes[r + RES_FLAGS] & RF_EVENTS_TRUNCATED) !== 0 ||
        bytes[r + RES_DEFRAG_STATE] !== 0 ||
        view.getUint16(r + RES_DEFRAG_EXPIRED, true) !== 0 ||
        view.getUint16(r + RES_DEFRAG_EVICTED, true) !== 0;
      for (let i = first; i < first + count; i++) {
        const word = view.getUint32(events + i * EVENT_SIZE + 4, true);
        if ((word & 0xf) !== EV_RULE) continue;
        const entry = word >>> 8;
        if (this.decoder.writesLogs(entry)) needsDecoder = true;
        this.pushMatched(entry);
      }
      this.matchedStart[k + 1] = this.matchedCount;
      if (needsDecoder) this.special.set(k, this.decoder.decode(view, bytes, r, p, events, reply + j * REPLY_SIZE));
    }
  }

  finish(): CompactBatch {
    if (this.done !== this.count) throw new Error(`compact batch: ${this.done} of ${this.count} packets completed`);
    return {
      count: this.count,
      results: this.results,
      outIface: this.outIface,
      ifaces: this.ifaces,
      matchedStart: this.matchedStart,
      matchedEntries: this.matchedEntries.slice(0, this.matchedCount),
      special: this.special,
    };
  }

  private pushMatched(entry: number): void {
    if (this.matchedCount === this.matchedEntries.length) {
      const grown = new Uint32Array(this.matchedEntries.length * 2);
      grown.set(this.matchedEntries);
      this.matchedEntries = grown;
    }
    this.matchedEntries[this.matchedCount++] = entry;
  }

  private iface(name: string): number {
    let index = this.ifaceIndex.get(name);
    if (index === undefined) {
      index = this.ifaces.length;
      if (index > 0xffff) throw new Error('compact batch: more than 65535 distinct out-interfaces');
      this.ifaces.push(name);
      this.ifaceIndex.set(name, index);
    }
    return index;
  }
}
