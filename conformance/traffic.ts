// The traffic generator: conversations between hosts on the client side and the server side of
// the lab router, written as the router's two ports see them (client-side frames arrive on eth0,
// server-side frames on eth1). Sequence and acknowledgement numbers follow the conversation and
// every checksum is right, unless a case asks for an odd packet on purpose.
import { LAB, parseIPv4, sideOf, type Side } from './lab.js';
import { writePcapng, type CapturedFrame } from './capture-files.js';
import { ethernet, icmp, internetChecksum, ipv4, PROTO_ICMP, PROTO_TCP, PROTO_UDP, tcp, text, udp, type TcpFields } from './frames.js';
import { writeFtpSession, type FtpSessionOptions } from './ftp-session.js';
import { TcpConversation } from './tcp-conversation.js';

const ETHERTYPE_IPV4 = 0x0800;
const FRAME_GAP_US = 1000n;
const START_US = 1_700_000_000_000_000n;

export interface Endpoint {
  addr: string;
  port: number;
}

export interface TrafficFrame {
  side: Side;
  /** Ethernet frame as it arrives at the router. */
  bytes: Uint8Array;
}

/** A host address on the given side (defaults: the lab's client and server). */
export function host(side: Side, port = 0, addr = LAB[side].peerAddr): Endpoint {
  return { addr, port };
}

/** The client's and the server's peer at `port`: what most cases' packets go between. */
export const client = (port: number): Endpoint => host('client', port);
export const server = (port: number): Endpoint => host('server', port);

export class Traffic {
  readonly frames: TrafficFrame[] = [];
  private nextId = 1;

  /** An IPv4 packet sent from `side` towards the router (`ttl`: 64 unless given). */
  ip(side: Side, src: string, dst: string, proto: number, payload: Uint8Array, opts: { ttl?: number } = {}): this {
    const packet = ipv4({ src, dst, proto, id: this.nextId++, ttl: opts.ttl }, payload);
    const station = LAB[side];
    this.frames.push({ side, bytes: ethernet(station.routerMac, station.peerMac, ETHERTYPE_IPV4, packet) });
    return this;
  }

  tcpSegment(side: Side, from: Endpoint, to: Endpoint, fields: Omit<TcpFields, 'sport' | 'dport'>, data?: Uint8Array): this {
    return this.ip(side, from.addr, to.addr, PROTO_TCP, tcp(from.addr, to.addr, { sport: from.port, dport: to.port, ...fields }, data));
  }

  /**
   * A UDP datagram; `odd` makes it one the receiving tracker judges (NETFILTER.md §4.5): no
   * checksum at all (0, allowed in IPv4), a wrong one, or a length field longer than the datagram.
   */
  udpDatagram(side: Side, from: Endpoint, to: Endpoint, data: Uint8Array, odd?: 'no-checksum' | 'bad-checksum' | 'long-length'): this {
    const datagram = udp(from.addr, to.addr, from.port, to.port, data);
    const fields = new DataView(datagram.buffer, datagram.byteOffset);
    if (odd === 'no-checksum') fields.setUint16(6, 0);
    if (odd === 'bad-checksum') fields.setUint16(6, (fields.getUint16(6) + 1) & 0xffff || 1);
    if (odd === 'long-length') fields.setUint16(4, datagram.length + 8);
    return this.ip(side, from.addr, to.addr, PROTO_UDP, datagram);
  }

  /** Echo request from the client side and, unless `answered` is false, its reply. */
  ping(from: Endpoint, to: Endpoint, opts: { id?: number; seq?: number; answered?: boolean } = {}): this {
    const [fromSide, toSide] = sides(from, to);
    const rest = ((opts.id ?? 0x4242) << 16) | (opts.seq ?? 1);
    const data = text('nfwasm conformance ping');
    this.ip(fromSide, from.addr, to.addr, PROTO_ICMP, icmp(8, 0, rest, data));
    if (opts.answered !== false) this.ip(toSide, to.addr, from.addr, PROTO_ICMP, icmp(0, 0, rest, data));
    return this;
  }

  /** A request datagram and, unless `answered` is false, one answer. */
  udpExchange(from: Endpoint, to: Endpoint, opts: { answered?: boolean } = {}): this {
    const [fromSide, toSide] = sides(from, to);
    this.udpDatagram(fromSide, from, to, text('query'));
    if (opts.answered !== false) this.udpDatagram(toSide, to, from, text('answer'));
    return this;
  }

  /** A SYN answered by RST/ACK (nobody listening). */
  tcpRefused(from: Endpoint, to: Endpoint, isn = 1000): this {
    this.tcp(from, to, { opener: isn }).refused();
    return this;
  }

  /**
   * A whole TCP connection: handshake, the client's request and the server's answer (each
   * acknowledged), then the client closes and the server closes back.
   */
  tcpSession(from: Endpoint, to: Endpoint, opts: { request?: string; response?: string; clientIsn?: number; serverIsn?: number } = {}): this {
    this.tcp(from, to, { opener: opts.clientIsn, answerer: opts.serverIsn })
      .handshake()
      .data('opener', opts.request ?? 'GET / HTTP/1.0\r\n\r\n')
      .data('answerer', opts.response ?? 'HTTP/1.0 200 OK\r\n\r\nhello')
      .close('opener');
    return this;
  }

  /** A TCP connection from `from` to `to`, to be scripted step by step (tcp-conversation.ts). */
  tcp(from: Endpoint, to: Endpoint, isn: { opener?: number; answerer?: number } = {}): TcpConversation {
    const [a, b] = sides(from, to);
    return new TcpConversation(this, from, to, { opener: a, answerer: b }, isn);
  }

  /** An FTP session of the given kind (ftp-session.ts). */
  ftpSession(client: Endpoint, server: Endpoint, opts: FtpSessionOptions): this {
    writeFtpSession(this, client, server, opts);
    return this;
  }

  /**
   * An ICMP error sent from `from` (any address on `side`) quoting the IP header and first 8
   * payload bytes of a packet (frame index here, or a frame never sent), the way a host or router
   * answers a packet it could not deliver (RFC 792). It goes to the quoted packet's source unless
   * `to` says otherwise.
   */
  icmpError(side: Side, from: string, quotedFrame: number | TrafficFrame, type: number, code: number, opts: { to?: string } = {}): this {
    const original = typeof quotedFrame === 'number' ? this.frames[quotedFrame] : quotedFrame;
    if (!original) throw new Error(`icmpError: no frame ${quotedFrame} to quote`);
    const headerLength = (original.bytes[14] & 15) * 4;
    const quoted = Uint8Array.from(original.bytes.subarray(14, 14 + headerLength + 8));
    // From beyond the router the quoted header is the one the router forwarded: TTL one lower.
    if (side !== original.side) lowerTtl(quoted);
    const to = opts.to ?? quoted.subarray(12, 16).join('.');
    return this.ip(side, from, to, PROTO_ICMP, icmp(type, code, 0, quoted));
  }

  /** Index of the last frame written so far (for icmpError). */
  get lastIndex(): number {
    return this.frames.length - 1;
  }

  /** The frames as the router's capture would hold them: eth0 = client side, eth1 = server side. */
  toPcapng(): Uint8Array {
    const frames: CapturedFrame[] = this.frames.map((f, i) => ({
      iface: f.side === 'client' ? 0 : 1,
      timeUs: START_US + BigInt(i) * FRAME_GAP_US,
      bytes: f.bytes,
    }));
    return writePcapng([LAB.client.routerIface, LAB.server.routerIface], frames);
  }
}

function sideOfEndpoint(e: Endpoint): Side {
  const side = sideOf(parseIPv4(e.addr) ?? 0);
  if (!side) throw new Error(`${e.addr} lies on neither side of the lab router`);
  return side;
}

/** Which side each end sends from: client-side subnet, else the server side (incl. 192.0.2.0/24). */
export function sides(from: Endpoint, to: Endpoint): [Side, Side] {
  const a = sideOfEndpoint(from);
  const b = sideOfEndpoint(to);
  if (a === b) throw new Error(`${from.addr} and ${to.addr} are on the same side of the router`);
  return [a, b];
}

/** What forwarding does to an IPv4 header: TTL one lower, header checksum recomputed. */
function lowerTtl(header: Uint8Array): void {
  const headerLength = (header[0] & 15) * 4;
  header[8]--;
  header[10] = header[11] = 0;
  const sum = internetChecksum(header.subarray(0, headerLength));
  header[10] = sum >> 8;
  header[11] = sum & 255;
}
