// The end-of-run summary of a sharded fused run (src/node/fused-shard.ts): each shard tallies its
// own records, noting where in the input each verdict, ctstate and reason first appeared, and the
// main thread adds the parts up into the summary one engine would have printed — the same counts,
// and the lists in the order their entries first appeared in the input.
import type { OutputRecord } from '../output/record.js';
import type { RecordTally } from '../output/record-writer.js';
import { fieldValue } from '../output/compact-fields.js';
import type { FirstFrames } from '../pipeline/shard-first-frames.js';
import { Summary } from './summary.js';

/** The Summary lists whose order is the order of first appearance (decided_by is sorted by count). */
const ORDERED = ['verdicts', 'ctstates', 'unparsed', 'notEvaluated'] as const;
type OrderedList = (typeof ORDERED)[number];

/** A shard's tally as it crosses to the main thread. */
export interface SummaryPart {
  packets: number;
  written: number;
  lists: Record<OrderedList | 'decidedBy', [string, number][]>;
  held: { datagrams: number; fragments: number };
  /** Each entry of the ordered lists with the input frame (from 0) where this shard first saw it. */
  firstSeen: { list: OrderedList; key: string; frame: number }[];
}

/**
 * A shard's RecordTally: a Summary of its own, and the input frame where each entry of the
 * ordered lists first appeared — for records tallied one by one, their own frame; for packets
 * tallied in bulk, the frame `firstFrames` read off the results of the first packet with that
 * verdict or ctstate code.
 */
export class ShardTally implements RecordTally {
  readonly summary = new Summary();
  /** Entries first tallied from a whole record, and its frame. */
  private readonly recordFrames = new Map<string, number>();
  /** Entries of each ordered list noted so far, and their total. */
  private readonly sizes = ORDERED.map(() => 0);
  private entries = 0;

  constructor(private readonly firstFrames: FirstFrames) {}

  add(rec: OutputRecord): void {
    this.summary.add(rec);
    this.noteNew(rec.n - 1);
  }

  addCounts(verdict: string, ctstate: string | undefined, decidedBy: string | undefined, count: number): void {
    this.summary.addCounts(verdict, ctstate, decidedBy, count);
    this.noteNew(undefined);
  }

  part(written: number): SummaryPart {
    const s = this.summary;
    const codeFrames = (codes: Float64Array, name: (code: number) => string | undefined) => {
      const frames = new Map<string, number>();
      codes.forEach((frame, code) => {
        const key = name(code);
        if (key !== undefined && frame < (frames.get(key) ?? Infinity)) frames.set(key, frame);
      });
      return frames;
    };
    const bulk = { verdicts: codeFrames(this.firstFrames.verdict, fieldValue.verdict), ctstates: codeFrames(this.firstFrames.ctstate, fieldValue.ctstate) };
    const firstSeen: SummaryPart['firstSeen'] = [];
    for (const list of ORDERED) {
      for (const key of s[list].keys()) {
        const frame = Math.min(this.recordFrames.get(`${list}\0${key}`) ?? Infinity, list in bulk ? (bulk[list as keyof typeof bulk].get(key) ?? Infinity) : Infinity);
        // (no frame cannot happen: every tallied packet was read off or came as a record; after all others if it did)
        firstSeen.push({ list, key, frame: Math.min(frame, Number.MAX_SAFE_INTEGER) });
      }
    }
    return {
      packets: s.packets,
      written,
      lists: { verdicts: [...s.verdicts], ctstates: [...s.ctstates], unparsed: [...s.unparsed], notEvaluated: [...s.notEvaluated], decidedBy: [...s.decidedBy] },
      held: s.heldAtEnd(),
      firstSeen,
    };
  }

  /** The entries the ordered lists got since the last call (rare: checked by their total size), first seen at `frame` when known. */
  private noteNew(frame: number | undefined): void {
    const s = this.summary;
    if (s.verdicts.size + s.ctstates.size + s.unparsed.size + s.notEvaluated.size === this.entries) return;
    this.entries = 0;
    ORDERED.forEach((list, i) => {
      const keys = [...s[list].keys()];
      if (frame !== undefined) for (const key of keys.slice(this.sizes[i])) this.recordFrames.set(`${list}\0${key}`, frame);
      this.sizes[i] = keys.length;
      this.entries += keys.length;
    });
  }
}

/** Adds the shards' parts (index = shard) to `summary`, their ordered lists in the order of first appearance in the input. */
export function mergeSummaryParts(summary: Summary, parts: readonly SummaryPart[]): void {
  const firstSeen = parts.flatMap((part) => part.firstSeen).sort((a, b) => a.frame - b.frame);
  for (const { list, key } of firstSeen) if (!summary[list].has(key)) summary[list].set(key, 0);
  for (const part of parts) {
    summary.packets += part.packets;
    summary.written += part.written;
    for (const list of [...ORDERED, 'decidedBy'] as const) {
      for (const [key, count] of part.lists[list]) summary[list].set(key, (summary[list].get(key) ?? 0) + count);
    }
    summary.addHeldAtEnd(part.held);
  }
}
