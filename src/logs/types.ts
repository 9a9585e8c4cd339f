// What reading one line of a firewall log gives (docs/log-lines.md): a packet, a line that is
// not a kernel LOG line, a LOG line for traffic an IPv4 ruleset does not see, or a LOG line
// that is malformed.
import type { PacketInput } from '../packets/types.js';

/** Shown with any result computed from LOG lines (docs/log-lines.md, NETFILTER.md §4.9). */
export const LOG_LINES_CAVEAT =
  'LOG lines carry no payload and no TCP sequence numbers unless --log-tcp-sequence: helpers (FTP) '
  + 'and TCP window tracking cannot be judged from logs; conntrack states derived from LOG lines are approximate.';

export type LogHook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

export interface LogLineMeta {
  /** The --log-prefix text, verbatim (often ends with a space; '' when the rule had none). */
  prefix: string;
  /** The line's own time in seconds (wall clock since the epoch, or seconds since boot for bare dmesg lines). */
  timestamp?: number;
  /** The dmesg "[seconds.micro]" time since boot, when the line has one. */
  uptime?: number;
  /** Syslog host name. */
  host?: string;
  /**
   * Where the rule that logged sat, as far as IN=/OUT= tell: IN only → INPUT (or PREROUTING),
   * both → FORWARD, OUT only → OUTPUT (or POSTROUTING, which also sees forwarded packets).
   */
  hook?: LogHook;
  /** Bridge ports (br_netfilter): the physical in/out port behind IN=/OUT=. */
  physin?: string;
  physout?: string;
  /** SEQ=/ACK= were logged (--log-tcp-sequence), so packet.seq/ack are real. */
  tcpSequenceLogged: boolean;
}

export type LogLineResult =
  | { kind: 'packet'; packet: PacketInput; meta: LogLineMeta }
  /** Not a kernel LOG line (other syslog traffic, blank lines). */
  | { kind: 'skip'; reason: string }
  /** A LOG line for a packet nfwasm does not evaluate (IPv6, ARP, non-IP frames): counted, never dropped silently. */
  | { kind: 'unsupported'; reason: string }
  /** A line that looks like a LOG line but is malformed; the message names the line (and file). */
  | { kind: 'error'; message: string };

export interface LogLineOptions {
  /** Year for syslog times, which carry none. Default: the current year (UTC). */
  defaultYear?: number;
}
