// The "inner" object of a JSON record: the header an ICMP error quotes (PKT_INNER_*), written
// like a record's own fields: {"src", "dst", "proto", "sport", "dport"} or, for a quoted ICMP
// message, {"icmp_type", "icmp_code", "icmp_id"}. Conntrack looks it up inverted to find the
// connection the error belongs to (NETFILTER.md §4.5).
import { icmpCodeOf, icmpTypeOf } from './icmp-names.js';
import type { InnerPacket } from './types.js';
import { U16, ValueError, didYouMean, integerIn, ipv4Of, portOf, protoOf, showValue } from './values.js';

const INNER_KEYS = ['src', 'dst', 'proto', 'sport', 'dport', 'icmp_type', 'icmp_code', 'icmp_id'];

export function innerPacketOf(value: unknown): InnerPacket {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValueError(`${showValue(value)} is not the quoted packet (an object with src, dst, proto, ports or icmp_type)`);
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!INNER_KEYS.includes(key)) throw new ValueError(`unknown field "${key}"${didYouMean(key, INNER_KEYS)}; fields are ${INNER_KEYS.join(', ')}`);
  }
  for (const key of ['src', 'dst', 'proto']) {
    if (obj[key] === undefined) throw new ValueError(`"${key}" is required in the quoted packet`);
  }
  const inner: InnerPacket = { src: ipv4Of(obj.src), dst: ipv4Of(obj.dst), proto: protoOf(obj.proto) };
  if (obj.sport !== undefined) inner.sport = portOf(obj.sport);
  if (obj.dport !== undefined) inner.dport = portOf(obj.dport);
  if (obj.icmp_type !== undefined) {
    const t = icmpTypeOf(obj.icmp_type);
    inner.icmpType = t.type;
    if (t.code !== undefined) inner.icmpCode = t.code;
  }
  if (obj.icmp_code !== undefined) inner.icmpCode = icmpCodeOf(obj.icmp_code, inner.icmpType);
  if (obj.icmp_id !== undefined) inner.icmpId = integerIn(obj.icmp_id, 0, U16, 'an ICMP identifier');
  return inner;
}
