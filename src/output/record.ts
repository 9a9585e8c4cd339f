// The per-packet output record: what `nfwasm classify` writes, one per input packet, in order.
import type { PacketResult } from '../engine/engine.js';

export interface OutputRecord {
  n: number;
  verdict: string;
  ctstate?: string;
  /** The hook where the verdict fell (the last hook traversed for accepted packets). */
  hook?: string;
  /** INPUT, FORWARD or OUTPUT: the route the packet took. */
  path?: string;
  /** The rule or policy that decided, as table:chain:N or table:chain:policy. */
  decided_by?: string;
  reject_with?: string;
  matched?: string[];
  mark?: number;
  out?: string;
  helper?: string;
  logs?: string[];
  nflog?: { group: number; prefix: string }[];
  notes?: string[];
  error?: string;
}

export function outputRecord(n: number, r: PacketResult): OutputRecord {
  const rec: OutputRecord = {
    n,
    verdict: r.verdict,
    ctstate: r.ctstate,
    hook: r.hook,
    path: r.path,
    matched: r.matched,
  };
  if (r.decidedBy) rec.decided_by = r.decidedBy;
  if (r.rejectWith) rec.reject_with = r.rejectWith;
  if (r.mark) rec.mark = r.mark;
  if (r.outIface) rec.out = r.outIface;
  if (r.helper) rec.helper = r.helper;
  if (r.logs.length) rec.logs = r.logs;
  if (r.nflog.length) rec.nflog = r.nflog;
  const notes: string[] = [];
  if (r.flags.natSkipped) notes.push('a NAT target matched: NAT is not evaluated yet, the packet passed the nat table unchanged');
  if (r.flags.eventsTruncated) notes.push('trace truncated: more events than the event buffer holds');
  if (notes.length) rec.notes = notes;
  return rec;
}

/** The record for an input that could not be turned into a packet: still one record, in order. */
export function unparsedRecord(n: number, error: string): OutputRecord {
  return { n, verdict: 'UNPARSED', error };
}
