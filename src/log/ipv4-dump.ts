// The IPv4 part of the kernel's LOG line: nf_log_syslog.c dump_ipv4_packet and the TCP/UDP
// header dumpers, field by field in the kernel's order and spelling (NETFILTER.md §4.9). Every
// field ends with a space, as in the kernel's line.
import { formatIPv4 } from '../ruleset/names.js';
import {
  IPPROTO_AH, IPPROTO_ESP, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE, ipDumpFromBytes,
  type IpDump, type TcpFields,
} from './ipv4-header.js';

export interface DumpFlags {
  tcpSequence: boolean;
  tcpOptions: boolean;
  ipOptions: boolean;
  uid: boolean;
}

const ICMP_ECHOREPLY = 0;
const ICMP_DEST_UNREACH = 3;
const ICMP_SOURCE_QUENCH = 4;
const ICMP_REDIRECT = 5;
const ICMP_ECHO = 8;
const ICMP_TIME_EXCEEDED = 11;
const ICMP_PARAMETERPROB = 12;
const ICMP_FRAG_NEEDED = 4;

/** Bytes an ICMP message of each type must have for the kernel to print its details. */
const ICMP_REQUIRED_LENGTH: Readonly<Record<number, number>> = {
  0: 4, 3: 28, 4: 28, 5: 28, 8: 4, 11: 28, 12: 28, 13: 20, 14: 20, 17: 12, 18: 12,
};

/** Kernel order: AE CWR ECE URG ACK PSH RST SYN FIN (AE is the lowest reserved bit). */
const TCP_FLAG_WORDS: ReadonlyArray<[string, (t: TcpFields) => boolean]> = [
  ['AE', (t) => (t.reserved & 1) !== 0],
  ['CWR', (t) => (t.flags & 128) !== 0],
  ['ECE', (t) => (t.flags & 64) !== 0],
  ['URG', (t) => (t.flags & 32) !== 0],
  ['ACK', (t) => (t.flags & 16) !== 0],
  ['PSH', (t) => (t.flags & 8) !== 0],
  ['RST', (t) => (t.flags & 4) !== 0],
  ['SYN', (t) => (t.flags & 2) !== 0],
  ['FIN', (t) => (t.flags & 1) !== 0],
];

const hexUpper2 = (v: number) => v.toString(16).toUpperCase().padStart(2, '0');
const hexLower2 = (v: number) => v.toString(16).padStart(2, '0');
const optionBytes = (bytes: Uint8Array) => `OPT (${Array.from(bytes, hexUpper2).join('')}) `;
const incomplete = (bytes: number) => `INCOMPLETE [${bytes} bytes] `;

/** What a header dumper wrote, and whether the kernel stops the whole dump after it ("return 1"). */
interface Piece {
  text: string;
  stop?: boolean;
}

function dumpTcp(d: IpDump, flags: DumpFlags): Piece {
  let text = 'PROTO=TCP ';
  if (d.fragOffset !== 0) return { text };
  const t = d.tcp;
  if (!t) return { text: text + incomplete(d.l4Bytes), stop: true };
  text += `SPT=${t.sport} DPT=${t.dport} `;
  if (flags.tcpSequence) text += `SEQ=${t.seq >>> 0} ACK=${t.ack >>> 0} `;
  text += `WINDOW=${t.window} RES=0x${hexLower2((t.reserved & 0x0f) << 2)} `;
  for (const [word, isSet] of TCP_FLAG_WORDS) if (isSet(t)) text += word + ' ';
  text += `URGP=${t.urgentPointer} `;
  if (flags.tcpOptions && t.options && t.options.length > 0) text += optionBytes(t.options);
  return { text };
}

function dumpUdp(d: IpDump): Piece {
  let text = d.proto === IPPROTO_UDP ? 'PROTO=UDP ' : 'PROTO=UDPLITE ';
  if (d.fragOffset !== 0) return { text };
  if (!d.udp) return { text: text + incomplete(d.l4Bytes), stop: true };
  text += `SPT=${d.udp.sport} DPT=${d.udp.dport} LEN=${d.udp.length} `;
  return { text };
}

function dumpIcmp(d: IpDump, flags: DumpFlags, outer: boolean): Piece {
  let text = 'PROTO=ICMP ';
  if (d.fragOffset !== 0) return { text };
  const icmp = d.icmp;
  if (!icmp) return { text: text + incomplete(d.l4Bytes) };
  text += `TYPE=${icmp.type} CODE=${icmp.code} `;
  const required = ICMP_REQUIRED_LENGTH[icmp.type];
  if (required !== undefined && d.l4Bytes < required) return { text: text + incomplete(d.l4Bytes) };
  switch (icmp.type) {
    case ICMP_ECHOREPLY:
    case ICMP_ECHO:
      text += `ID=${icmp.restOfHeader >>> 16} SEQ=${icmp.restOfHeader & 0xffff} `;
      break;
    case ICMP_PARAMETERPROB:
      text += `PARAMETER=${icmp.restOfHeader >>> 24} `;
      break;
    case ICMP_REDIRECT:
    case ICMP_DEST_UNREACH:
    case ICMP_SOURCE_QUENCH:
    case ICMP_TIME_EXCEEDED:
      if (icmp.type === ICMP_REDIRECT) text += `GATEWAY=${formatIPv4(icmp.restOfHeader)} `;
      // The quoted packet, one level deep; left out when its bytes were not recorded.
      if (outer && icmp.body) {
        const quoted = ipDumpFromBytes(icmp.body);
        text += '[' + (quoted ? dumpIpv4(quoted, flags, false, 0) : 'TRUNCATED') + '] ';
      }
      if (icmp.type === ICMP_DEST_UNREACH && icmp.code === ICMP_FRAG_NEEDED) text += `MTU=${icmp.restOfHeader & 0xffff} `;
      break;
  }
  return { text };
}

function dumpIpsec(d: IpDump): Piece {
  const isAh = d.proto === IPPROTO_AH;
  // AH prints nothing at all for a non-first fragment; ESP prints its name first.
  if (isAh && d.fragOffset !== 0) return { text: '' };
  let text = isAh ? 'PROTO=AH ' : 'PROTO=ESP ';
  if (d.fragOffset !== 0) return { text };
  const headerLength = isAh ? 12 : 8;
  if (d.l4Bytes < headerLength) return { text: text + incomplete(d.l4Bytes) };
  if (d.spi !== undefined) text += `SPI=0x${(d.spi >>> 0).toString(16)} `;
  return { text };
}

function dumpTransport(d: IpDump, flags: DumpFlags, outer: boolean): Piece {
  switch (d.proto) {
    case IPPROTO_TCP:
      return dumpTcp(d, flags);
    case IPPROTO_UDP:
    case IPPROTO_UDPLITE:
      return dumpUdp(d);
    case IPPROTO_ICMP:
      return dumpIcmp(d, flags, outer);
    case IPPROTO_AH:
    case IPPROTO_ESP:
      return dumpIpsec(d);
    default:
      return { text: `PROTO=${d.proto} ` };
  }
}

/**
 * dump_ipv4_packet: from SRC= to MARK=. `outer` is false for the packet quoted in an ICMP error,
 * which gets neither UID/GID nor MARK.
 */
export function dumpIpv4(d: IpDump, flags: DumpFlags, outer: boolean, mark: number): string {
  let text = `SRC=${formatIPv4(d.src)} DST=${formatIPv4(d.dst)} `;
  text += `LEN=${d.totalLength} TOS=0x${hexUpper2(d.tos & 0x1e)} PREC=0x${hexUpper2(d.tos & 0xe0)} TTL=${d.ttl} ID=${d.id} `;
  if (d.ce) text += 'CE ';
  if (d.df) text += 'DF ';
  if (d.mf) text += 'MF ';
  if (d.fragOffset !== 0) text += `FRAG:${d.fragOffset} `;
  if (flags.ipOptions && d.optionsLength > 0 && d.options && d.options.length === d.optionsLength) {
    text += optionBytes(d.options);
  }
  const transport = dumpTransport(d, flags, outer);
  text += transport.text;
  if (transport.stop || !outer) return text;
  if (flags.uid && d.owner) text += `UID=${d.owner.uid >>> 0} GID=${d.owner.gid >>> 0} `;
  if (mark !== 0) text += `MARK=0x${(mark >>> 0).toString(16)} `;
  return text;
}
