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
  /** conntrack -L id= of the packet's conntrack (conntrack on only). */
  ct_id?: number;
  /** TCP state after the packet (SYN_SENT, ESTABLISHED, …). */
  tcp_state?: string;
  ct_dir?: string;
  ct_status?: string[];
  /** What the conntrack stage did: created, expected, invalid, discarded, … */
  ct_note?: string[];
  /** Why the packet is INVALID or conntrack dropped it. */
  ct_reason?: string;
  /**
   * UNPARSED and NOT_EVALUATED only: the kind of reason, one word (ipv6, arp, non-ip, other-host,
   * truncated, malformed, not-ipv4, parse-error), for filters and the summary; `error` says it in words.
   */
  reason_class?: string;
  /**
   * IPv4 reassembly before conntrack (docs/fragments.md): `state` held (verdict DEFRAG), reassembled
   * (this record carries the datagram's verdict) or dropped; `queue` ties a datagram's records together.
   */
  /**
   * The answer a REJECT sent (a TCP reset or an ICMP error) and how it fared as a locally
   * generated packet in OUTPUT and POSTROUTING (docs/outputs.md); `verdict` is the answer's own.
   */
  reply?: OutputReply;
  defrag?: {
    state?: string;
    queue?: number;
    fragments?: number;
    reason?: string;
    expired?: { queues: number; fragments: number };
    evicted?: { queues: number; fragments: number };
  };
}

export interface OutputReply {
  kind: 'tcp-reset' | 'icmp';
  type?: number;
  code?: number;
  verdict: string;
  decided_by?: string;
  matched: string[];
  /** IP total length of the answer. */
  length: number;
  hook: string;
  ctstate: string;
  out?: string;
  logs?: string[];
}

function outputReply(r: NonNullable<PacketResult['reply']>): OutputReply {
  const rec: OutputReply = { kind: r.kind, verdict: r.verdict, matched: r.matched, length: r.length, hook: r.hook, ctstate: r.ctstate };
  if (r.type !== undefined) rec.type = r.type;
  if (r.code !== undefined) rec.code = r.code;
  if (r.decidedBy) rec.decided_by = r.decidedBy;
  if (r.outIface) rec.out = r.outIface;
  if (r.logs.length) rec.logs = r.logs;
  return rec;
}

/** The note of a packet that met a NAT target (the fast encoder, compact-msgpack.ts, writes it too). */
export const NAT_SKIPPED_NOTE = 'a NAT target matched: NAT is not evaluated yet, the packet passed the nat table unchanged';

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
  if (r.ctId !== undefined) rec.ct_id = r.ctId;
  if (r.tcpState) rec.tcp_state = r.tcpState;
  if (r.ctDir) rec.ct_dir = r.ctDir;
  if (r.ctStatus?.length) rec.ct_status = r.ctStatus;
  if (r.ctNote) rec.ct_note = r.ctNote;
  if (r.ctReason) rec.ct_reason = r.ctReason;
  if (r.reply) rec.reply = outputReply(r.reply);
  if (r.defrag) {
    rec.defrag = r.defrag;
    // Stolen at -400, before raw: no conntrack was looked up, so there is no ctstate to report.
    if (r.defrag.state === 'held' || r.defrag.state === 'dropped') delete rec.ctstate;
  }
  const notes: string[] = [];
  if (r.flags.natSkipped) notes.push(NAT_SKIPPED_NOTE);
  if (r.flags.eventsTruncated || r.reply?.eventsTruncated) notes.push('trace truncated: more events than the event buffer holds');
  if (r.noReply) notes.push(`REJECT sent no answer: ${r.noReply}`);
  if (notes.length) rec.notes = notes;
  return rec;
}

/** An input nfwasm does not evaluate with an IPv4 ruleset (IPv6, ARP, non-IP): reported, never dropped silently. */
export function notEvaluatedRecord(n: number, reason: string, reasonClass?: string): OutputRecord {
  const rec: OutputRecord = { n, verdict: 'NOT_EVALUATED', error: reason };
  if (reasonClass) rec.reason_class = reasonClass;
  return rec;
}

/** The record for an input that could not be turned into a packet: still one record, in order. */
export function unparsedRecord(n: number, error: string, reasonClass?: string): OutputRecord {
  const rec: OutputRecord = { n, verdict: 'UNPARSED', error };
  if (reasonClass) rec.reason_class = reasonClass;
  return rec;
}
