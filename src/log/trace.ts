// What a TRACE-marked packet logs at each rule it meets (ip_tables.c trace_packet): the normal
// LOG dump with a "TRACE: table:chain:type:n " prefix, level 4 and the default log flags
// (TCP sequence, TCP options, IP options, UID). NETFILTER.md §4.2.
import type { LogAction } from '../modules/module.js';

export type TraceKind = 'rule' | 'return' | 'policy';

/** The LogAction to format one TRACE line with; `position` counts entries from the chain head, from 1. */
export function traceLogAction(table: string, chain: string, kind: TraceKind, position: number): LogAction {
  return {
    type: 'LOG', prefix: `TRACE: ${table}:${chain}:${kind}:${position} `, level: 4,
    tcpSequence: true, tcpOptions: true, ipOptions: true, uid: true, macDecode: false,
  };
}
