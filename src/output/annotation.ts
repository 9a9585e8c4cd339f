// The one-line comment an annotated capture carries per packet (pcapng opt_comment), short
// enough to read in Wireshark's packet list: `filter:INPUT:7 DROP ctstate=INVALID`.
import type { OutputRecord } from './record.js';

export function annotation(rec: OutputRecord): string {
  if (rec.verdict === 'UNPARSED' || rec.verdict === 'NOT_EVALUATED') {
    return `nfwasm: ${rec.verdict}${rec.error ? `: ${rec.error}` : ''}`;
  }
  const parts: string[] = [];
  // Packets the ruleset never decided (routed away, accepted by every hook) still say where they ended.
  const where = rec.decided_by ?? (rec.hook ? `hook ${rec.hook}` : undefined);
  if (where) parts.push(where);
  parts.push(rec.reject_with ? `${rec.verdict} ${rec.reject_with}` : rec.verdict);
  if (rec.ctstate) parts.push(`ctstate=${rec.ctstate}`);
  if (rec.tcp_state) parts.push(`tcp=${rec.tcp_state}`);
  if (rec.mark) parts.push(`mark=0x${rec.mark.toString(16)}`);
  if (rec.ct_reason) parts.push(`(${rec.ct_reason})`);
  return parts.join(' ');
}
