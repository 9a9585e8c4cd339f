// The end-of-run tally printed on stderr: packets, verdicts, ctstates, rules that decided.
import type { OutputRecord } from '../output/record.js';

export class Summary {
  packets = 0;
  readonly verdicts = new Map<string, number>();
  readonly ctstates = new Map<string, number>();
  readonly decidedBy = new Map<string, number>();

  add(rec: OutputRecord): void {
    this.packets++;
    bump(this.verdicts, rec.verdict);
    if (rec.ctstate) bump(this.ctstates, rec.ctstate);
    if (rec.decided_by) bump(this.decidedBy, rec.decided_by);
  }

  format(): string {
    const top = [...this.decidedBy].sort((a, b) => b[1] - a[1]).slice(0, 5);
    return [
      `packets: ${this.packets}`,
      `verdicts: ${tally(this.verdicts)}`,
      `ctstates: ${tally(this.ctstates)}`,
      `decided by (top ${top.length}): ${top.map(([k, v]) => `${k} ${v}`).join(', ')}`,
      '',
    ].join('\n');
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function tally(map: Map<string, number>): string {
  return [...map].map(([k, v]) => `${k} ${v}`).join(', ') || '-';
}
