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

  constructor(private readonly context: SummaryContext = {}) {}

  add(rec: OutputRecord): void {
    this.packets++;
    bump(this.verdicts, rec.verdict);
    if (rec.ctstate) bump(this.ctstates, rec.ctstate);
    if (rec.decided_by) bump(this.decidedBy, rec.decided_by);
    if (rec.verdict === 'UNPARSED') bump(this.unparsed, rec.reason_class ?? 'other');
    if (rec.verdict === 'NOT_EVALUATED') bump(this.notEvaluated, rec.reason_class ?? 'other');
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
    const modes = this.context.conntrackModes;
    lines.push(`conntrack: ${modes === undefined ? '-' : modes.length ? modes.join('; ') : 'off (no rule needs it)'}`);
    return lines.join('\n') + '\n';
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
