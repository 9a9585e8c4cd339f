// A logged IPv4 packet → PacketInput. Complete transport headers go through completePacket (the
// same checks and defaults as JSON records); a transport header the line does not show
// (INCOMPLETE, or SCTP/DCCP whose ports the kernel never logs) leaves the L4 fields out, so the
// encoder leaves PF_L4 unset and port, flag and ICMP-type matches do not match, as they cannot
// on a header the kernel could not read.
import { PROTO_ICMP, PacketFieldError, completePacket, hasPorts } from '../packets/complete.js';
import type { InnerPacket, PacketInput } from '../packets/types.js';
import { LogFieldError } from './fields.js';
import type { LoggedIpv4 } from './ipv4-fields.js';
import { summarizeTcpOptions } from './tcp-option-bytes.js';

export interface LinkFields {
  inIface?: string;
  outIface?: string;
  srcMac?: Uint8Array;
  dstMac?: Uint8Array;
}

/** The LOG field a PacketInput field came from, for messages from completePacket. */
const LOG_KEY: Partial<Record<keyof PacketInput, string>> = {
  length: 'LEN', sport: 'SPT', dport: 'DPT', tcpFlags: 'TCP flags', icmpType: 'TYPE', icmpCode: 'CODE',
  icmpId: 'ID', icmpSeq: 'SEQ', window: 'WINDOW', seq: 'SEQ', ack: 'ACK', ttl: 'TTL', tos: 'TOS',
};

function transportMissing(d: LoggedIpv4): boolean {
  if (d.fragOffset > 0) return false;
  if (hasPorts(d.proto)) return !d.tcp && !d.udp;
  return d.proto === PROTO_ICMP && !d.icmp;
}

export function packetFromLog(d: LoggedIpv4, link: LinkFields, ts: number): PacketInput {
  const localOut = link.inIface === undefined;
  const base: PacketInput = {
    ts, localOut, src: d.src, dst: d.dst, proto: d.proto, length: d.length, ttl: d.ttl, tos: d.tos,
    fragOffset: d.fragOffset, moreFragments: d.mf, dontFragment: d.df, mark: d.mark ?? 0, ipId: d.id,
  };
  setDefined(base, {
    inIface: link.inIface, outIface: link.outIface, srcMac: link.srcMac, dstMac: link.dstMac,
    // early demux can attach a socket to an arriving packet, so the kernel may log UID= on
    // INPUT; nfwasm's owner match only looks at locally generated packets
    uid: localOut ? d.uid : undefined, gid: localOut ? d.gid : undefined,
  });
  if (transportMissing(d)) return base;

  const draft: Partial<PacketInput> = { ...base };
  if (d.tcp) {
    setDefined(draft, {
      sport: d.tcp.sport, dport: d.tcp.dport, tcpFlags: d.tcp.flags, window: d.tcp.window,
      tcpUrgPtr: d.tcp.urgentPointer, seq: d.tcp.seq, ack: d.tcp.ack,
    });
  } else if (d.udp) {
    setDefined(draft, { sport: d.udp.sport, dport: d.udp.dport });
  } else if (d.icmp) {
    setDefined(draft, { icmpType: d.icmp.type, icmpCode: d.icmp.code, icmpId: d.icmp.id, icmpSeq: d.icmp.seq });
  }
  // SEQ=/ACK= not logged (no --log-tcp-sequence): completePacket leaves them unset, and the
  // encoder marks the packet PF2_NO_SEQ
  const p = completed(draft);
  if (d.tcp?.options instanceof Uint8Array) {
    const options = summarizeTcpOptions(d.tcp.options);
    p.tcpOptions = options.kinds;
    if (options.wscale !== undefined) p.tcpWscale = options.wscale;
    if (options.sackPermitted) p.tcpSackPerm = true;
  }
  const inner = d.icmp?.quoted && d.icmp.quoted !== 'truncated' ? innerPacket(d.icmp.quoted) : undefined;
  if (inner) p.inner = inner;
  return p;
}

function completed(draft: Partial<PacketInput>): PacketInput {
  try {
    return completePacket(draft);
  } catch (e) {
    if (!(e instanceof PacketFieldError)) throw e;
    const key = LOG_KEY[e.field] ?? e.field;
    throw new LogFieldError(e.message.startsWith('is ') ? `${key} ${e.message}` : `${key}: ${e.message}`);
  }
}

/**
 * The quoted packet's tuple, or undefined when the line does not show it whole: a router that
 * quotes only 8 bytes of a TCP header (RFC 792's minimum) is logged as "PROTO=TCP INCOMPLETE
 * [8 bytes]", and without its ports conntrack could not find the connection anyway.
 */
function innerPacket(q: LoggedIpv4): InnerPacket | undefined {
  if (transportMissing(q)) return undefined;
  const inner: InnerPacket = { src: q.src, dst: q.dst, proto: q.proto };
  const ports = q.tcp ?? q.udp;
  if (ports) setDefined(inner, { sport: ports.sport, dport: ports.dport });
  if (q.icmp) setDefined(inner, { icmpType: q.icmp.type, icmpCode: q.icmp.code, icmpId: q.icmp.id });
  return inner;
}

/** Copies the fields that have a value, so absent ones stay absent rather than `undefined`. */
function setDefined<T extends object>(target: T, values: Partial<T>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
}
