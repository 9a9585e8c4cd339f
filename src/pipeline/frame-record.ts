// The output record of a captured frame that gave no packet record: UNPARSED when the capture
// cut or mangled it, NOT_EVALUATED otherwise (IPv6, ARP, non-IP, other host).
import type { FrameInfo } from '../capture/frames.js';
import { notEvaluatedRecord, unparsedRecord, type OutputRecord } from '../output/record.js';

/** The record of frame number `n` (from 1), which gave no packet record. */
export function frameRecord(n: number, frame: FrameInfo): OutputRecord {
  const reason = `frame ${n} at byte ${frame.offset}: ${frame.reason ?? frame.status}`;
  const unparsed = frame.status === 'truncated' || frame.status === 'malformed';
  return unparsed ? unparsedRecord(n, reason, frame.status) : notEvaluatedRecord(n, reason, frame.status);
}
