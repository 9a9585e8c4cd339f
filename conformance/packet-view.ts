// Reading back what the harness needs from an Ethernet/IPv4 frame: a one-line description for
// reports, a key that identifies the packet across the router (which only lowers the TTL and so
// rewrites the header checksum), and what kind of answer a router-made frame is.
import { formatIPv4 } from '../src/ruleset/names.js';
import { PROTO_ICMP, PROTO_TCP, PROTO_UDP, TCP_RST } from './frames.js';

export interface IPv4View {
  ip: Uint8Array;
  src: number;
  dst: number;
  proto: number;
  ttl: number;
}

/** The IPv4 packet of an Ethernet frame, or undefined for anything else (ARP, IPv6). */
export function ipv4Of(frame: Uint8Array): IPv4View | undefined {
  if (frame.length < 34 || frame[12] !== 0x08 || frame[13] !== 0x00) return undefined;
  const ip = frame.subarray(14);
  const v = new DataView(ip.buffer, ip.byteOffset, ip.byteLength);
  return { ip, src: v.getUint32(12), dst: v.getUint32(16), proto: ip[9], ttl: ip[8] };
}

/** The packet with TTL and header checksum blanked: equal for a packet and its forwarded copy. */
export function crossingKey(p: IPv4View): string {
  const copy = Uint8Array.from(p.ip.subarray(0, new DataView(p.ip.buffer, p.ip.byteOffset).getUint16(2)));
  copy[8] = 0;
  copy[10] = 0;
  copy[11] = 0;
  return Buffer.from(copy).toString('hex');
}

const TCP_FLAG_LETTERS: [number, string][] = [[0x02, 'S'], [0x01, 'F'], [0x04, 'R'], [0x08, 'P'], [0x10, '.']];

export function describe(p: IPv4View): string {
  const hl = (p.ip[0] & 15) * 4;
  const l4 = p.ip.subarray(hl);
  const v = new DataView(l4.buffer, l4.byteOffset, l4.byteLength);
  const src = formatIPv4(p.src);
  const dst = formatIPv4(p.dst);
  if ((p.proto === PROTO_TCP || p.proto === PROTO_UDP) && l4.length >= 8) {
    const ports = `${src}:${v.getUint16(0)} > ${dst}:${v.getUint16(2)}`;
    if (p.proto === PROTO_UDP) return `udp ${ports}`;
    const flags = TCP_FLAG_LETTERS.filter(([bit]) => l4[13] & bit).map(([, c]) => c).join('');
    const payload = new DataView(p.ip.buffer, p.ip.byteOffset).getUint16(2) - hl - (l4[12] >> 4) * 4;
    return `tcp ${ports} [${flags}] seq ${v.getUint32(4)}${l4[13] & 0x10 ? ` ack ${v.getUint32(8)}` : ''} len ${payload}`;
  }
  if (p.proto === PROTO_ICMP && l4.length >= 4) return `icmp ${src} > ${dst} type ${l4[0]} code ${l4[1]}`;
  return `proto ${p.proto} ${src} > ${dst}`;
}

const ICMP_UNREACH_NAMES: Record<number, string> = {
  0: 'icmp-net-unreachable', 1: 'icmp-host-unreachable', 2: 'icmp-proto-unreachable', 3: 'icmp-port-unreachable',
  9: 'icmp-net-prohibited', 10: 'icmp-host-prohibited', 13: 'icmp-admin-prohibited',
};

/** What a frame the router made itself answers with, in --reject-with words where they exist. */
export function answerKind(p: IPv4View): string {
  const l4 = p.ip.subarray((p.ip[0] & 15) * 4);
  if (p.proto === PROTO_TCP && l4.length >= 14 && l4[13] & TCP_RST) return 'tcp-reset';
  if (p.proto === PROTO_ICMP && l4[0] === 3) return ICMP_UNREACH_NAMES[l4[1]] ?? `icmp-unreachable code ${l4[1]}`;
  if (p.proto === PROTO_ICMP) return `icmp type ${l4[0]} code ${l4[1]}`;
  return describe(p);
}
