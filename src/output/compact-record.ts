// Output records from compact batches (src/engine/compact.ts), for the outputs that want them as
// objects (JSON lines, CSV, --write annotations), and the few fields the summary and --only read,
// without building the record.
import { RES_CTSTATE, RES_ENTRY, RES_SIZE, RES_VERDICT } from '../../assembly/shared/layout.js';
import { compactPacketResult, type CompactBatch, type CompactLabels } from '../engine/compact.js';
import { ctstateName, VERDICT_NAMES } from '../engine/names.js';
import type { ResultDecoder } from '../engine/result.js';
import { outputRecord, type OutputRecord } from './record.js';

/** outputRecord(n, result) for packet `i` of `batch`. */
export function compactOutputRecord(n: number, batch: CompactBatch, i: number, decoder: ResultDecoder): OutputRecord {
  return outputRecord(n, compactPacketResult(batch, i, decoder));
}

/** What the summary and --only read of a record (verdict, ctstate, decided_by), written into `into`. */
export interface RecordHead {
  n: number;
  verdict: string;
  ctstate?: string;
  decided_by?: string;
}

/** The head of packet `i`'s record into `into` (reused: no object per packet). */
export function compactRecordHead(n: number, batch: CompactBatch, i: number, labels: CompactLabels, into: RecordHead): RecordHead {
  const full = batch.special.get(i);
  if (full) {
    const rec = outputRecord(n, full);
    into.n = n;
    into.verdict = rec.verdict;
    into.ctstate = rec.ctstate;
    into.decided_by = rec.decided_by;
    return into;
  }
  const at = i * RES_SIZE;
  const r = batch.results;
  const entry = r[at + RES_ENTRY] | (r[at + RES_ENTRY + 1] << 8) | (r[at + RES_ENTRY + 2] << 16) | (r[at + RES_ENTRY + 3] << 24);
  into.n = n;
  into.verdict = VERDICT_NAMES[r[at + RES_VERDICT]] ?? 'DROP';
  into.ctstate = ctstateName(r[at + RES_CTSTATE]);
  into.decided_by = entry >= 0 ? labels.decidedLabel[entry] : undefined;
  return into;
}
