// The end-of-run summary of a sharded fused run (src/node/fused-shard.ts): each shard tallies its
// own records, noting where in the input each verdict, ctstate and reason first appeared, and the
// main thread adds the parts up into the summary one engine would have printed — the same counts,
// and the lists in the order their entries first appeared in the input.
import type { OutputRecord } from '../output/record.js';
import type { RecordTally } from '../output/record-writer.js';
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
  /** Entries of the ordered lists, in the order this shard first tallied them, with the input frame (from 0) they were first seen at or before. */
  firstSeen: { list: OrderedList; key: string; frame: number }[];
}

/**
 * A shard's RecordTally: a Summary of its own, and for each entry new to an ordered list the
 * frame `frameNow()` gives — the first frame of the segment being tallied (segments are disjoint
 * runs of frames, so comparing their first frames orders entries of different shards exactly).
 */
export class ShardTally implements RecordTally {
  readonly summary = new Summary();
  private readonly firstSeen: SummaryPart['firstSeen'] = [];
  /** Entries of each ordered list noted so far, and their total. */
  private readonly sizes = ORDERED.map(() => 0);
  private entries = 0;

  constructor(private readonly frameNow: () => number) {}

  add(rec: OutputRecord): void {
    this.summary.add(rec);
    this.noteNew();
  }

  addCounts(verdict: string, ctstate: string | undefined, decidedBy: string | undefined, count: number): void {
    this.summary.addCounts(verdict, ctstate, decidedBy, count);
    this.noteNew();
  }

  part(written: number): SummaryPart {
    const s = this.summary;
    return {
      packets: s.packets,
      written,
      lists: { verdicts: [...s.verdicts], ctstates: [...s.ctstates], unparsed: [...s.unparsed], notEvaluated: [...s.notEvaluated], decidedBy: [...s.decidedBy] },
      held: s.heldAtEnd(),
      firstSeen: this.firstSeen,
    };
  }

  /** The entries the ordered lists got since the last call (rare: checked by their total size). */
  private noteNew(): void {
    const s = this.summary;
    if (s.verdicts.size + s.ctstates.size + s.unparsed.size + s.notEvaluated.size === this.entries) return;
    const frame = this.frameNow();
    this.entries = 0;
    ORDERED.forEach((list, i) => {
      const keys = [...s[list].keys()];
      for (const key of keys.slice(this.sizes[i])) this.firstSeen.push({ list, key, frame });
      this.sizes[i] = keys.length;
      this.entries += keys.length;
    });
  }
}

/** Adds the shards' parts (index = shard) to `summary`, their ordered lists in the order of first appearance in the input. */
export function mergeSummaryParts(summary: Summary, parts: readonly SummaryPart[]): void {
  // a stable sort: entries a shard first saw in one segment keep the order it saw them in
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
