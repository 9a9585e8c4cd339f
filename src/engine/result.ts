// Turning one result record and its events (assembly/shared/layout.ts "Results", "Events") into
// the PacketResult the API reports.
import {
  E_ARG0, E_TARGET, ENTRY_SIZE, EV_POLICY, EV_RETURN, EV_RULE, EVENT_SIZE, PKT_IN_IFACE, PKT_OUT_IFACE,
  RES_CT_ID, RES_CT_NOTE, RES_CT_REASON, RES_CTDIR, RES_CTSTATUS, RES_TCP_STATE,
  RES_CTMARK, RES_CTSTATE, RES_ENTRY, RES_EVENT_COUNT, RES_EVENT_FIRST, RES_FLAGS, RES_HELPER,
  RES_HOOK, RES_MARK, RES_PATH, RES_REJECT, RES_VERDICT, RF_EVENTS_TRUNCATED, RF_NAT_SKIPPED,
  RF_TRACED, T_LOG, T_NFLOG, V_REJECT,
} from '../../assembly/shared/layout.js';
import { answered, decodeReply, type PacketReply } from './reply.js';
import type { CompiledRuleset } from '../compile/types.js';
import { ctNoteNames, ctReasonText, ctStatusNames, TCP_STATE_NAMES } from '../conntrack/names.js';
import { formatLogLine } from '../log/format.js';
import { decodeDefrag, type DefragResult } from './defrag.js';
import type { LogAction, NflogAction } from '../modules/module.js';
import {
  ctstateName, HELPER_NAMES, HOOK_NAMES, REJECT_NAMES, VERDICT_NAMES, type CtStateName, type HookName,
  type PathName, type Verdict,
} from './names.js';

export interface PacketResult {
  verdict: Verdict;
  path: PathName;
  /** The hook where the verdict fell (the last hook traversed when accepted). */
  hook: HookName;
  /** The rule or policy that decided: "filter:INPUT:3" or "filter:INPUT:policy". */
  decidedBy?: string;
  /** The reply a REJECT sent, as --reject-with names it. */
  rejectWith?: string;
  ctstate: CtStateName;
  mark: number;
  ctmark: number;
  outIface?: string;
  helper?: string;
  /** "table:chain:N" of every counted rule, in order. */
  matched: string[];
  /** The kernel's TRACE positions, "table:chain:rule:N" / ":return:N" / ":policy:N", in order. */
  trace: string[];
  /** LOG lines, as the kernel would write them. */
  logs: string[];
  nflog: { group: number; prefix: string }[];
  flags: { traced: boolean; natSkipped: boolean; eventsTruncated: boolean };
  // Set only when the ruleset turns conntrack on (NETFILTER.md §0):
  /** conntrack -L id= of the packet's conntrack (none when INVALID or UNTRACKED). */
  ctId?: number;
  /** TCP state after this packet (conntrack -L names: SYN_SENT, ESTABLISHED, …). */
  tcpState?: string;
  ctDir?: 'ORIGINAL' | 'REPLY';
  /** --ctstatus bits after this packet: EXPECTED, SEEN_REPLY, ASSURED, CONFIRMED. */
  ctStatus?: string[];
  /** What the conntrack stage did: created, expected, invalid, discarded, … (src/conntrack/names.ts). */
  ctNote?: string[];
  /** Why the packet is INVALID or conntrack dropped it, in the kernel's words. */
  ctReason?: string;
  /** What IPv4 reassembly did (conntrack on only; docs/fragments.md). */
  defrag?: DefragResult;
  /** The answer a REJECT sent, walked through OUTPUT and POSTROUTING (docs/outputs.md). */
  reply?: PacketReply;
  /** Why a REJECTed packet got no answer (no RST for a RST, …), in words. */
  noReply?: string;
}

/** Where one walk's events go: the original packet's, or its reply's. */
export interface Walk {
  matched: string[];
  trace: string[];
  logs: string[];
  nflog: { group: number; prefix: string }[];
}

const utf8 = new TextDecoder();

export function ifaceName(bytes: Uint8Array, at: number): string {
  // Names are almost always ASCII: build them directly, TextDecoder costs more than the packet.
  let name = '';
  for (let i = at; i < at + 16; i++) {
    const b = bytes[i];
    if (b === 0) return name;
    if (b >= 0x80) return utf8.decode(bytes.subarray(at, at + 16)).replace(/\0.*$/s, '');
    name += String.fromCharCode(b);
  }
  return name;
}

/** Per-entry labels and actions, computed once per compiled ruleset. */
export class ResultDecoder {
  /** "table:chain:N" of each entry (matched lists). */
  readonly ruleLabel: string[];
  private readonly traceLabel: string[];
  /** "table:chain:N" or "table:chain:policy" of each entry (decided_by). */
  readonly decidedLabel: string[];
  private readonly logAction: (LogAction | undefined)[];
  private readonly nflogAction: (NflogAction | undefined)[];
  private readonly tracking: boolean;

  constructor(compiled: CompiledRuleset) {
    this.tracking = compiled.conntrack.enabled;
    const info = compiled.entryInfo;
    this.ruleLabel = info.map((e) => `${e.table}:${e.chain}:${e.n}`);
    this.traceLabel = info.map((e) => `${e.table}:${e.chain}:${e.kind}:${e.n}`);
    this.decidedLabel = info.map((e) => (e.kind === 'policy' ? `${e.table}:${e.chain}:policy` : `${e.table}:${e.chain}:${e.n}`));
    const view = new DataView(compiled.entries.buffer, compiled.entries.byteOffset, compiled.entries.byteLength);
    this.logAction = [];
    this.nflogAction = [];
    for (let i = 0; i < compiled.entryCount; i++) {
      const kind = view.getUint32(i * ENTRY_SIZE + E_TARGET, true);
      const action = compiled.actions[view.getUint32(i * ENTRY_SIZE + E_ARG0, true)];
      this.logAction.push(kind === T_LOG ? (action as LogAction) : undefined);
      this.nflogAction.push(kind === T_NFLOG ? (action as NflogAction) : undefined);
    }
  }

  /**
   * The result at `res` for the packet record at `pkt` (byte addresses in the core's memory, seen
   * through `view` and `bytes`, as the last evaluate() call left them), with its events in the
   * buffer at `events`.
   */
  decode(view: DataView, bytes: Uint8Array, res: number, pkt: number, events: number, reply?: number): PacketResult {
    const result = this.decodeRecord(view, res, ifaceName(bytes, pkt + PKT_OUT_IFACE));
    this.decodeEvents(view, bytes, pkt, events, view.getUint32(res + RES_EVENT_FIRST, true), view.getUint32(res + RES_EVENT_COUNT, true), result);
    if (reply !== undefined && answered(view.getUint8(res + RES_VERDICT))) decodeReply(view, bytes, reply, events, this, result);
    return result;
  }

  /**
   * What the result record at `res` says by itself (no events, no reply): the part of decode()
   * that a copy of the record (compact.ts) still answers. `out` is the packet's out-interface.
   */
  decodeRecord(view: DataView, res: number, out: string): PacketResult {
    const verdictCode = view.getUint8(res + RES_VERDICT);
    const flagBits = view.getUint8(res + RES_FLAGS);
    const entry = view.getInt32(res + RES_ENTRY, true);
    const helperId = view.getUint8(res + RES_HELPER);
    const result: PacketResult = {
      verdict: VERDICT_NAMES[verdictCode] ?? 'DROP',
      path: HOOK_NAMES[view.getUint8(res + RES_PATH)] as PathName,
      hook: HOOK_NAMES[view.getUint8(res + RES_HOOK)],
      ctstate: ctstateName(view.getUint8(res + RES_CTSTATE)),
      mark: view.getUint32(res + RES_MARK, true),
      ctmark: view.getUint32(res + RES_CTMARK, true),
      matched: [],
      trace: [],
      logs: [],
      nflog: [],
      flags: {
        traced: (flagBits & RF_TRACED) !== 0,
        natSkipped: (flagBits & RF_NAT_SKIPPED) !== 0,
        eventsTruncated: (flagBits & RF_EVENTS_TRUNCATED) !== 0,
      },
    };
    if (entry >= 0) result.decidedBy = this.decidedLabel[entry];
    if (verdictCode === V_REJECT) result.rejectWith = REJECT_NAMES[view.getUint8(res + RES_REJECT)];
    if (out !== '') result.outIface = out;
    if (helperId !== 0) result.helper = HELPER_NAMES[helperId] ?? `helper-${helperId}`;
    if (this.tracking) {
      this.decodeConntrack(view, res, result);
      const defrag = decodeDefrag(view, res);
      if (defrag) result.defrag = defrag;
    }
    return result;
  }

  /**
   * Events [first, first + count) of the packet record at `pkt` into `walk`: TRACE positions,
   * counted rules, LOG lines and NFLOG actions.
   */
  decodeEvents(view: DataView, bytes: Uint8Array, pkt: number, events: number, first: number, count: number, walk: Walk): void {
    const out = ifaceName(bytes, pkt + PKT_OUT_IFACE);
    for (let i = first; i < first + count; i++) {
      const at = events + i * EVENT_SIZE;
      const word = view.getUint32(at + 4, true);
      const kind = word & 0xf;
      const hook = (word >>> 4) & 0xf;
      const index = word >>> 8;
      walk.trace.push(this.traceLabel[index]);
      if (kind === EV_RULE) {
        walk.matched.push(this.ruleLabel[index]);
        const log = this.logAction[index];
        const nflog = this.nflogAction[index];
        if (log || nflog) {
          const point = { hook, inIface: ifaceName(bytes, pkt + PKT_IN_IFACE), outIface: out, mark: view.getUint32(at + 8, true) };
          if (log) walk.logs.push(formatLogLine(log, view, pkt, point));
          if (nflog) walk.nflog.push({ group: nflog.group, prefix: nflog.prefix });
        }
      } else if (kind !== EV_RETURN && kind !== EV_POLICY) {
        throw new Error(`core wrote an event of unknown kind ${kind}`);
      }
    }
  }

  /** Whether a rule counted at `entry` writes a LOG line or an NFLOG action (its packet then needs decode()). */
  writesLogs(entry: number): boolean {
    return this.logAction[entry] !== undefined || this.nflogAction[entry] !== undefined;
  }

  /** Whether conntrack runs: results then carry conntrack fields. */
  get conntrackEnabled(): boolean {
    return this.tracking;
  }

  /** "table:chain:N" or "table:chain:policy" of a deciding entry. */
  decidedAt(entry: number): string | undefined {
    return entry >= 0 ? this.decidedLabel[entry] : undefined;
  }

  private decodeConntrack(view: DataView, res: number, result: PacketResult): void {
    const id = view.getUint32(res + RES_CT_ID, true);
    if (id !== 0) {
      result.ctId = id;
      const tcp = view.getUint8(res + RES_TCP_STATE);
      if (tcp !== 0) result.tcpState = TCP_STATE_NAMES[tcp] ?? `state-${tcp}`;
      result.ctDir = view.getUint8(res + RES_CTDIR) ? 'REPLY' : 'ORIGINAL';
      result.ctStatus = ctStatusNames(view.getUint16(res + RES_CTSTATUS, true));
    }
    const notes = ctNoteNames(view.getUint16(res + RES_CT_NOTE, true));
    if (notes.length) result.ctNote = notes;
    const reason = ctReasonText(view.getUint8(res + RES_CT_REASON));
    if (reason) result.ctReason = reason;
  }
}
