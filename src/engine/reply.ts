// The answer a REJECT sent (assembly/shared/layout.ts "Router-made replies"), decoded from its
// reply slot: what was sent and how it fared in OUTPUT and POSTROUTING (NETFILTER.md §0).
import {
  PKT_CTSTATE, PKT_OUT_IFACE, RK_ICMP, RK_TCP_RESET, RN_BAD_CHECKSUM, RN_BROADCAST, RN_ECHO_REPLY,
  RN_FRAGMENT, RN_ICMP_ERROR, RN_NO_HEADER, RN_RATE_LIMITED, RN_RST, RPL_CODE, RPL_ENTRY, RPL_EVENT_COUNT,
  RPL_EVENT_FIRST, RPL_FLAGS, RPL_HOOK, RPL_KIND, RPL_LENGTH, RPL_NONE, RPL_RECORD, RPL_TYPE,
  RPL_VERDICT, RF_EVENTS_TRUNCATED, RF_TRACED, V_REJECT, V_TTL_EXCEEDED,
} from '../../assembly/shared/layout.js';
import { ctstateName, HOOK_NAMES, VERDICT_NAMES, type CtStateName, type HookName, type Verdict } from './names.js';
import type { PacketResult, ResultDecoder, Walk } from './result.js';
import { ifaceName } from './result.js';

export interface PacketReply extends Walk {
  /** A TCP reset (nf_send_reset) or an ICMP error (icmp_send). */
  kind: 'tcp-reset' | 'icmp';
  /** ICMP type and code (icmp only). */
  type?: number;
  code?: number;
  /** What OUTPUT and POSTROUTING did with the answer: ACCEPT when it left. */
  verdict: Verdict;
  decidedBy?: string;
  /** The hook where the answer's verdict fell. */
  hook: HookName;
  /** RELATED when it carries the original's conntrack (NETFILTER.md §4.5). */
  ctstate: CtStateName;
  /** IP total length: what the answer adds to byte counters. */
  length: number;
  outIface?: string;
  traced: boolean;
  eventsTruncated: boolean;
}

/** Why the kernel sent no answer (RPL_NONE). */
const NO_REPLY_REASONS: Readonly<Record<number, string>> = {
  [RN_RST]: 'no RST is sent in answer to a RST',
  [RN_ICMP_ERROR]: 'no ICMP error is sent about an ICMP error',
  [RN_FRAGMENT]: 'only the first fragment of a datagram is answered',
  [RN_BROADCAST]: 'broadcast and multicast packets are not answered',
  [RN_BAD_CHECKSUM]: 'the packet has a bad checksum',
  [RN_NO_HEADER]: 'the packet has no complete transport header',
  [RN_ECHO_REPLY]: '--reject-with icmp-echo-reply sends nothing',
  [RN_RATE_LIMITED]: 'the ICMP error rate limit for this destination (net.ipv4.icmp_ratelimit) held it back',
};

/** Verdicts the router answers: REJECT (its --reject-with) and TTL_EXCEEDED (ICMP time exceeded). */
export function answered(verdict: number): boolean {
  return verdict === V_REJECT || verdict === V_TTL_EXCEEDED;
}

/** Adds the reply in slot `slot` (or the reason there is none) to the answered packet's `result`. */
export function decodeReply(view: DataView, bytes: Uint8Array, slot: number, events: number, decoder: ResultDecoder, result: PacketResult): void {
  const kind = view.getUint8(slot + RPL_KIND);
  if (kind !== RK_TCP_RESET && kind !== RK_ICMP) {
    const why = NO_REPLY_REASONS[view.getUint8(slot + RPL_NONE)];
    if (why) result.noReply = why;
    return;
  }
  const pkt = slot + RPL_RECORD;
  const flags = view.getUint8(slot + RPL_FLAGS);
  const reply: PacketReply = {
    kind: kind === RK_TCP_RESET ? 'tcp-reset' : 'icmp',
    verdict: VERDICT_NAMES[view.getUint8(slot + RPL_VERDICT)] ?? 'DROP',
    hook: HOOK_NAMES[view.getUint8(slot + RPL_HOOK)],
    ctstate: ctstateName(view.getUint8(pkt + PKT_CTSTATE)),
    length: view.getUint16(slot + RPL_LENGTH, true),
    traced: (flags & RF_TRACED) !== 0,
    eventsTruncated: (flags & RF_EVENTS_TRUNCATED) !== 0,
    matched: [],
    trace: [],
    logs: [],
    nflog: [],
  };
  if (kind === RK_ICMP) {
    reply.type = view.getUint8(slot + RPL_TYPE);
    reply.code = view.getUint8(slot + RPL_CODE);
  }
  const decidedBy = decoder.decidedAt(view.getInt32(slot + RPL_ENTRY, true));
  if (decidedBy) reply.decidedBy = decidedBy;
  const out = ifaceName(bytes, pkt + PKT_OUT_IFACE);
  if (out !== '') reply.outIface = out;
  decoder.decodeEvents(view, bytes, pkt, events, view.getUint32(slot + RPL_EVENT_FIRST, true), view.getUint32(slot + RPL_EVENT_COUNT, true), reply);
  result.reply = reply;
}
