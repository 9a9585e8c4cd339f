// The end-of-run tally printed on stderr: the input, packets, verdicts, ctstates, the rules that
// decided most, what was not parsed or not evaluated (by kind of reason), the conntrack modes.
// It counts every record, whatever --only lets through.
import type { OutputRecord } from '../output/record.js';

export interface SummaryContext {
  /** What the input was: pcap, pcapng, JSON lines, LOG lines. */
  input?: string;
  /** Engine.conntrackModes(): empty when conntrack is off. */
  conntrackModes?: readonly string[];
}

const TOP_RULES = 5;

export class Summary {
  packets = 0;
  readonly verdicts = new Map<string, number>();
  readonly ctstates = new Map<string, number>();
  readonly decidedBy = new Map<string, number>();
  /** UNPARSED and NOT_EVALUATED records by reason class. */
  readonly unparsed = new Map<string, number>();
  readonly notEvaluated = new Map<string, number>();
  /** Records written (after --only). */
  written = 0;
  /**
   * Per engine, its reassembly queues: a sharded run's shards number their queues each from 1, so
   * a queue number means nothing without the engine that gave it.
   */
  private readonly heldByEngine = new Map<number, HeldFragments>();
  /** Fragments held at the end by engines tallied elsewhere (the shards of a sharded fused run). */
  private heldElsewhere = { datagrams: 0, fragments: 0 };

  constructor(private readonly context: SummaryContext = {}) {}

  /** `engine`: which engine classified the record (a sharded run's shard); its defrag queue is that engine's. */
  add(rec: OutputRecord, engine = 0): void {
    this.packets++;
    bump(this.verdicts, rec.verdict);
    if (rec.ctstate) bump(this.ctstates, rec.ctstate);
    if (rec.decided_by) bump(this.decidedBy, rec.decided_by);
    if (rec.verdict === 'UNPARSED') bump(this.unparsed, rec.reason_class ?? 'other');
    if (rec.verdict === 'NOT_EVALUATED') bump(this.notEvaluated, rec.reason_class ?? 'other');
    if (rec.defrag) this.heldIn(engine).note(rec.defrag);
  }

  /**
   * `count` packets that share verdict, ctstate and deciding rule, tallied in bulk by an encoder
   * that never builds their records (src/output/record-writer.ts). Not for UNPARSED,
   * NOT_EVALUATED or reassembly records: those go through add().
   */
  addCounts(verdict: string, ctstate: string | undefined, decidedBy: string | undefined, count: number): void {
    if (count === 0) return;
    this.packets += count;
    this.verdicts.set(verdict, (this.verdicts.get(verdict) ?? 0) + count);
    if (ctstate) this.ctstates.set(ctstate, (this.ctstates.get(ctstate) ?? 0) + count);
    if (decidedBy) this.decidedBy.set(decidedBy, (this.decidedBy.get(decidedBy) ?? 0) + count);
  }

  private heldIn(engine: number): HeldFragments {
    let held = this.heldByEngine.get(engine);
    if (!held) this.heldByEngine.set(engine, (held = new HeldFragments()));
    return held;
  }

  /** Adds what another tally of another engine (a shard's) found held at the end: queues are per engine. */
  addHeldAtEnd(held: { datagrams: number; fragments: number }): void {
    this.heldElsewhere = { datagrams: this.heldElsewhere.datagrams + held.datagrams, fragments: this.heldElsewhere.fragments + held.fragments };
  }

  /**
   * Fragments still waiting for the rest of their datagram when the input ended: the kernel would
   * drop them when their reassembly time runs out; no rule ever saw them.
   */
  heldAtEnd(): { datagrams: number; fragments: number } {
    let { datagrams, fragments } = this.heldElsewhere;
    for (const held of this.heldByEngine.values()) {
      const left = held.atEnd();
      datagrams += left.datagrams;
      fragments += left.fragments;
    }
    return { datagrams, fragments };
  }

  format(): string {
    const top = [...this.decidedBy].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP_RULES);
    const lines: string[] = [];
    if (this.context.input) lines.push(`input: ${this.context.input}`);
    lines.push(
      `packets: ${this.packets}`,
      `verdicts: ${tally(this.verdicts)}`,
      `ctstates: ${tally(this.ctstates)}`,
      `decided by (top ${top.length}): ${top.map(([k, v]) => `${k} ${v}`).join(', ') || '-'}`,
      `unparsed: ${total(this.unparsed)}${this.unparsed.size ? ` (${tally(this.unparsed)})` : ''}`,
      `not evaluated: ${total(this.notEvaluated)}${this.notEvaluated.size ? ` (${tally(this.notEvaluated)})` : ''}`,
    );
    if (this.written !== this.packets) lines.push(`records written: ${this.written} (--only)`);
    const held = this.heldAtEnd();
    if (held.fragments > 0) {
      lines.push(`fragments never completed: ${held.fragments} in ${held.datagrams} datagram(s) still held at the end of the input (no rule saw them; the kernel drops them when ipfrag_time runs out)`);
    }
    const modes = this.context.conntrackModes;
    lines.push(`conntrack: ${modes === undefined ? '-' : modes.length ? modes.join('; ') : 'off (no rule needs it)'}`);
    return lines.join('\n') + '\n';
  }
}

/** One engine's reassembly queues as its records report them (docs/fragments.md). */
class HeldFragments {
  /** Queues holding fragments, and how many each holds. */
  private readonly queues = new Map<number, number>();
  /** Queues and fragments the engine reported expired or evicted (it does not say which). */
  private lostQueues = 0;
  private lostFragments = 0;

  note(d: NonNullable<OutputRecord['defrag']>): void {
    if (d.state === 'held' && d.queue !== undefined) this.queues.set(d.queue, (this.queues.get(d.queue) ?? 0) + 1);
    if ((d.state === 'reassembled' || d.state === 'dropped') && d.queue !== undefined) this.queues.delete(d.queue);
    for (const gone of [d.expired, d.evicted]) {
      if (!gone) continue;
      this.lostQueues += gone.queues;
      this.lostFragments += gone.fragments;
    }
  }

  atEnd(): { datagrams: number; fragments: number } {
    let fragments = 0;
    for (const n of this.queues.values()) fragments += n;
    return { datagrams: Math.max(0, this.queues.size - this.lostQueues), fragments: Math.max(0, fragments - this.lostFragments) };
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function total(map: Map<string, number>): number {
  let sum = 0;
  for (const v of map.values()) sum += v;
  return sum;
}

function tally(map: Map<string, number>): string {
  return [...map].map(([k, v]) => `${k} ${v}`).join(', ') || '-';
}
