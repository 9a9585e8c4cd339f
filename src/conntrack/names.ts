// Names for the conntrack numbers of assembly/shared/layout.ts: TCP states as `conntrack -L`
// prints them, ctstatus bits, the CTN_* notes and CTR_* reasons of a packet result.
import {
  CTN_CHECKSUM_SKIPPED, CTN_CREATED, CTN_DELETED, CTN_DISCARDED, CTN_EARLY_DROP, CTN_EXPECT_CREATED,
  CTN_EXPECTED, CTN_HELPER_DROP, CTN_IGNORED, CTN_INVALID, CTN_REOPENED, CTN_TABLE_FULL,
  CTN_WINDOW_UNJUDGED, CTR_BAD_CHECKSUM, CTR_EXPECT_REFUSED, CTR_FRAGMENT, CTR_FTP_PARSE,
  CTR_FTP_PARTIAL, CTR_ICMP_BAD_TYPE, CTR_ICMP_CANNOT_CREATE, CTR_ICMP_ERROR_SPOOFED,
  CTR_ICMP_ERROR_UNKNOWN, CTR_TABLE_FULL, CTR_TCP_ACK_OVER, CTR_TCP_ACK_UNDER, CTR_TCP_BAD_FLAGS,
  CTR_TCP_CANNOT_CREATE, CTR_TCP_INVALID_RST, CTR_TCP_SEQ_OVER, CTR_TCP_SEQ_UNDER, CTR_TCP_STATE,
  CTR_TRUNCATED, CTR_UDP_BAD_LENGTH, CTSTATUS_ASSURED, CTSTATUS_CONFIRMED, CTSTATUS_EXPECTED,
  CTSTATUS_SEEN_REPLY,
} from '../../assembly/shared/layout.js';

/** TCP_* numbering (nf_conntrack_tcp.h); conntrack -L prints these words. */
export const TCP_STATE_NAMES: readonly string[] = [
  'NONE', 'SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT', 'CLOSE',
  'SYN_SENT2',
];

/** `--ctstatus` words, in the order iptables lists them. */
const STATUS_BITS: ReadonlyArray<[number, string]> = [
  [CTSTATUS_EXPECTED, 'EXPECTED'],
  [CTSTATUS_SEEN_REPLY, 'SEEN_REPLY'],
  [CTSTATUS_ASSURED, 'ASSURED'],
  [CTSTATUS_CONFIRMED, 'CONFIRMED'],
];

export function ctStatusNames(bits: number): string[] {
  return STATUS_BITS.filter(([bit]) => (bits & bit) !== 0).map(([, name]) => name);
}

const NOTE_BITS: ReadonlyArray<[number, string]> = [
  [CTN_CREATED, 'created'],
  [CTN_EXPECTED, 'expected'],
  [CTN_TABLE_FULL, 'table full'],
  [CTN_EARLY_DROP, 'early drop'],
  [CTN_INVALID, 'invalid'],
  [CTN_IGNORED, 'ignored'],
  [CTN_REOPENED, 'reopened'],
  [CTN_DELETED, 'deleted'],
  [CTN_DISCARDED, 'discarded'],
  [CTN_HELPER_DROP, 'helper drop'],
  [CTN_EXPECT_CREATED, 'expectation created'],
  [CTN_WINDOW_UNJUDGED, 'window unjudged'],
  [CTN_CHECKSUM_SKIPPED, 'checksum skipped'],
];

/** What each note means, for documentation and --help texts. */
export const NOTE_MEANINGS: Readonly<Record<string, string>> = {
  created: 'this packet created a conntrack (confirmed if the packet survived every hook)',
  expected: 'this packet fulfilled an expectation: its connection is RELATED to the master',
  'table full': 'nf_conntrack: table full, dropping packet',
  'early drop': 'the table was full: an unassured conntrack was evicted to make room',
  invalid: 'conntrack found the packet INVALID (ct_reason says why)',
  ignored: 'the TCP tracker ignored the packet (state unchanged)',
  reopened: 'an old TIME_WAIT/CLOSE conntrack was replaced by a new connection',
  deleted: 'the packet ended its conntrack (e.g. a RST before any reply)',
  discarded: 'the conntrack this packet created was discarded because the packet was dropped',
  'helper drop': 'the connection helper dropped the packet (ct_reason says why)',
  'expectation created': 'the helper registered an expectation (e.g. an FTP data connection)',
  'window unjudged': 'no TCP seq/ack known: window checks were skipped',
  'checksum skipped': 'the checksum was not verified (nf_conntrack_checksum=0, or not in PREROUTING)',
};

export function ctNoteNames(bits: number): string[] {
  return NOTE_BITS.filter(([bit]) => (bits & bit) !== 0).map(([, name]) => name);
}

/** CTR_* as the kernel's log would explain it (nf_l4proto_log_invalid, nf_ct_ftp messages). */
export const CT_REASON_TEXT: Readonly<Record<number, string>> = {
  [CTR_BAD_CHECKSUM]: 'bad checksum',
  [CTR_TRUNCATED]: 'truncated packet',
  [CTR_TCP_BAD_FLAGS]: 'invalid tcp flag combination',
  [CTR_TCP_CANNOT_CREATE]: 'invalid new: only SYN (or a bare ACK with tcp_loose) may create a TCP conntrack',
  [CTR_TCP_STATE]: 'invalid state',
  [CTR_TCP_SEQ_OVER]: 'SEQ is over the upper bound (over the window of the receiver)',
  [CTR_TCP_ACK_OVER]: 'ACK is over the upper bound (ACKed data not seen yet)',
  [CTR_TCP_SEQ_UNDER]: 'SEQ is under the lower bound (already ACKed data retransmitted)',
  [CTR_TCP_ACK_UNDER]: 'ACK is under the lower bound (possible overly delayed ACK)',
  [CTR_TCP_INVALID_RST]: 'invalid rst',
  [CTR_ICMP_CANNOT_CREATE]: 'invalid new: this ICMP type cannot create a conntrack',
  [CTR_ICMP_ERROR_UNKNOWN]: 'ICMP error about a connection that is not tracked',
  [CTR_ICMP_ERROR_SPOOFED]: 'outer daddr != inner: ICMP error not sent towards the connection',
  [CTR_UDP_BAD_LENGTH]: 'truncated/malformed packet (bad UDP length)',
  [CTR_FTP_PARTIAL]: 'nf_ct_ftp: dropping packet: partial matching of a command or reply',
  [CTR_FTP_PARSE]: 'nf_ct_ftp: dropping packet: malformed PORT/EPRT/227/229 argument',
  [CTR_EXPECT_REFUSED]: 'nf_ct_ftp: dropping packet: the expectation could not be registered',
  [CTR_TABLE_FULL]: 'nf_conntrack: table full, dropping packet',
  [CTR_ICMP_BAD_TYPE]: 'invalid icmp type',
  [CTR_FRAGMENT]: 'a non-first fragment: conntrack sees whole datagrams only',
};

export function ctReasonText(code: number): string | undefined {
  if (code === 0) return undefined;
  return CT_REASON_TEXT[code] ?? `reason ${code}`;
}

/** conntrack-tools' protocol names (libnetfilter_conntrack proto2str); others print "unknown". */
const PROTO_NAMES: Readonly<Record<number, string>> = {
  1: 'icmp', 6: 'tcp', 17: 'udp', 33: 'dccp', 47: 'gre', 58: 'icmpv6', 132: 'sctp', 136: 'udplite',
};

export function conntrackProtoName(proto: number): string {
  return PROTO_NAMES[proto] ?? 'unknown';
}
