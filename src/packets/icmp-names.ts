// ICMP types and codes by the names iptables' icmp match uses (`iptables -p icmp -h`), plus the
// query/reply pairs conntrack knows (NETFILTER.md §4.5).
import { ValueError, showValue } from './values.js';

export interface IcmpName {
  name: string;
  type: number;
  /** Absent: the name stands for the whole type. */
  code?: number;
}

const ICMP_NAMES: readonly IcmpName[] = [
  { name: 'echo-reply', type: 0 }, { name: 'pong', type: 0 },
  { name: 'destination-unreachable', type: 3 },
  { name: 'network-unreachable', type: 3, code: 0 },
  { name: 'host-unreachable', type: 3, code: 1 },
  { name: 'protocol-unreachable', type: 3, code: 2 },
  { name: 'port-unreachable', type: 3, code: 3 },
  { name: 'fragmentation-needed', type: 3, code: 4 },
  { name: 'source-route-failed', type: 3, code: 5 },
  { name: 'network-unknown', type: 3, code: 6 },
  { name: 'host-unknown', type: 3, code: 7 },
  { name: 'network-prohibited', type: 3, code: 9 },
  { name: 'host-prohibited', type: 3, code: 10 },
  { name: 'TOS-network-unreachable', type: 3, code: 11 },
  { name: 'TOS-host-unreachable', type: 3, code: 12 },
  { name: 'communication-prohibited', type: 3, code: 13 },
  { name: 'host-precedence-violation', type: 3, code: 14 },
  { name: 'precedence-cutoff', type: 3, code: 15 },
  { name: 'source-quench', type: 4 },
  { name: 'redirect', type: 5 },
  { name: 'network-redirect', type: 5, code: 0 },
  { name: 'host-redirect', type: 5, code: 1 },
  { name: 'TOS-network-redirect', type: 5, code: 2 },
  { name: 'TOS-host-redirect', type: 5, code: 3 },
  { name: 'echo-request', type: 8 }, { name: 'ping', type: 8 },
  { name: 'router-advertisement', type: 9 },
  { name: 'router-solicitation', type: 10 },
  { name: 'time-exceeded', type: 11 }, { name: 'ttl-exceeded', type: 11 },
  { name: 'ttl-zero-during-transit', type: 11, code: 0 },
  { name: 'ttl-zero-during-reassembly', type: 11, code: 1 },
  { name: 'parameter-problem', type: 12 },
  { name: 'ip-header-bad', type: 12, code: 0 },
  { name: 'required-option-missing', type: 12, code: 1 },
  { name: 'timestamp-request', type: 13 },
  { name: 'timestamp-reply', type: 14 },
  { name: 'info-request', type: 15 },
  { name: 'info-reply', type: 16 },
  { name: 'address-mask-request', type: 17 },
  { name: 'address-mask-reply', type: 18 },
];

const BY_NAME = new Map(ICMP_NAMES.map((n) => [n.name.toLowerCase(), n]));

/** The type (and, for code names such as "port-unreachable", the code) a name stands for. */
export function icmpName(text: string): IcmpName | undefined {
  return BY_NAME.get(text.trim().toLowerCase());
}

/** A type given as a number 0..255 or a name; code names set the code as well. */
export function icmpTypeOf(value: unknown): { type: number; code?: number } {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255) return { type: value };
  if (typeof value === 'string') {
    if (/^\d+$/.test(value.trim()) && Number(value) <= 255) return { type: Number(value) };
    const named = icmpName(value);
    if (named) return named.code === undefined ? { type: named.type } : { type: named.type, code: named.code };
  }
  throw new ValueError(`${showValue(value)} is not an ICMP type (0..255 or a name such as echo-request, port-unreachable)`);
}

/** A code as a number 0..255 or a code name, which must belong to `type`. */
export function icmpCodeOf(value: unknown, type: number | undefined): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255) return value;
  if (typeof value === 'string') {
    if (/^\d+$/.test(value.trim()) && Number(value) <= 255) return Number(value);
    const named = icmpName(value);
    if (named?.code !== undefined) {
      if (type !== undefined && named.type !== type) {
        throw new ValueError(`${showValue(value)} is a code of ICMP type ${named.type}, not of type ${type}`);
      }
      return named.code;
    }
  }
  throw new ValueError(`${showValue(value)} is not an ICMP code (0..255 or a name such as port-unreachable)`);
}

// Query types and their replies: the messages that carry an identifier and a sequence number and
// that conntrack tracks as a flow (nf_conntrack_proto_icmp.c invmap).
const QUERY_REPLY: ReadonlyMap<number, number> = new Map([
  [8, 0], [0, 8], [13, 14], [14, 13], [15, 16], [16, 15], [17, 18], [18, 17],
]);

/** Echo, timestamp, information and address-mask messages carry id and sequence. */
export function icmpHasIdSeq(type: number): boolean {
  return QUERY_REPLY.has(type);
}

/** The type of the answer to a query type (echo-request → echo-reply), or undefined. */
export function icmpReplyType(type: number): number | undefined {
  return QUERY_REPLY.get(type);
}
