// The text the kernel's LOG target writes for a packet (nf_log_syslog.c nf_log_ip_packet,
// NETFILTER.md §4.9): "<prefix>IN=<in> OUT=<out> [MAC...] SRC=... " up to "MARK=0x.. ".
// Like the kernel's, the line ends with the space after its last field; no newline, and no
// syslog level or timestamp (those belong to the syslog record, not the line).
import type { LogAction } from '../modules/module.js';
import { HOOK_FORWARD, HOOK_INPUT, HOOK_OUTPUT, HOOK_POSTROUTING, HOOK_PREROUTING } from '../../assembly/shared/layout.js';
import { ipDumpFromRecord } from './ipv4-header.js';
import { dumpIpv4 } from './ipv4-dump.js';
import { dumpMacHeader } from './mac.js';

export interface LogPoint {
  /** HOOK_* where the LOG rule matched. */
  hook: number;
  inIface: string;
  outIface: string;
  /** skb->mark at that moment (the event's mark word). */
  mark: number;
  /**
   * The packet's L4 payload (for ICMP errors: the quoted packet after the 8-byte header), when
   * it is not reachable through PKT_PAYLOAD_PTR in `view`.
   */
  payload?: Uint8Array;
}

/** The hooks that have an input device (ip_rcv side) and an output device (routing done). */
const HAS_IN = new Set([HOOK_PREROUTING, HOOK_INPUT, HOOK_FORWARD]);
const HAS_OUT = new Set([HOOK_FORWARD, HOOK_OUTPUT, HOOK_POSTROUTING]);

/**
 * `view` holds the packet record at `pktOff`; PKT_PAYLOAD_PTR, when set, is read as an offset
 * into the same view (the view spans the WASM memory from address 0).
 */
export function formatLogLine(action: LogAction, view: DataView, pktOff: number, at: LogPoint): string {
  const inDev = HAS_IN.has(at.hook) ? at.inIface : '';
  const outDev = HAS_OUT.has(at.hook) ? at.outIface : '';
  let line = `${action.prefix}IN=${inDev} OUT=${outDev} `;
  if (inDev !== '') line += dumpMacHeader(view, pktOff, action.macDecode);
  line += dumpIpv4(ipDumpFromRecord(view, pktOff, at.payload), action, true, at.mark);
  return line;
}
