// The traffic generator: conversations between hosts on the client side and the server side of
// the lab router, written as the router's two ports see them (client-side frames arrive on eth0,
// server-side frames on eth1). Sequence and acknowledgement numbers follow the conversation and
// every checksum is right, unless a case asks for an odd packet on purpose.
import { LAB, parseIPv4, sideOf, type Side } from './lab.js';
import { writePcapng, type CapturedFrame } from './capture-files.js';
import {
  ethernet, icmp, ipv4, PROTO_ICMP, PROTO_TCP, PROTO_UDP, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, tcp, text, udp,
  type TcpFields,
} from './frames.js';

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

export class Traffic {
  readonly frames: TrafficFrame[] = [];
  private nextId = 1;

  /** An IPv4 packet sent from `side` towards the router. */
  ip(side: Side, src: string, dst: string, proto: number, payload: Uint8Array): this {
    const packet = ipv4({ src, dst, proto, id: this.nextId++ }, payload);
    const station = LAB[side];
    this.frames.push({ side, bytes: ethernet(station.routerMac, station.peerMac, ETHERTYPE_IPV4, packet) });
    return this;
  }

  tcpSegment(side: Side, from: Endpoint, to: Endpoint, fields: Omit<TcpFields, 'sport' | 'dport'>, data?: Uint8Array): this {
    return this.ip(side, from.addr, to.addr, PROTO_TCP, tcp(from.addr, to.addr, { sport: from.port, dport: to.port, ...fields }, data));
  }

  udpDatagram(side: Side, from: Endpoint, to: Endpoint, data: Uint8Array): this {
    return this.ip(side, from.addr, to.addr, PROTO_UDP, udp(from.addr, to.addr, from.port, to.port, data));
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
    const [fromSide, toSide] = sides(from, to);
    this.tcpSegment(fromSide, from, to, { seq: isn, ack: 0, flags: TCP_SYN, options: MSS_1460 });
    return this.tcpSegment(toSide, to, from, { seq: 0, ack: isn + 1, flags: TCP_RST | TCP_ACK, window: 0 });
  }

  /**
   * A whole TCP connection: handshake, the client's request and the server's answer (each
   * acknowledged), then the client closes and the server closes back.
   */
  tcpSession(from: Endpoint, to: Endpoint, opts: { request?: string; response?: string; clientIsn?: number; serverIsn?: number } = {}): this {
    const [c, s] = sides(from, to);
    const request = text(opts.request ?? 'GET / HTTP/1.0\r\n\r\n');
    const response = text(opts.response ?? 'HTTP/1.0 200 OK\r\n\r\nhello');
    let cseq = opts.clientIsn ?? 0x1000_0000;
    let sseq = opts.serverIsn ?? 0x7000_0000;
    this.tcpSegment(c, from, to, { seq: cseq, ack: 0, flags: TCP_SYN, options: MSS_1460 });
    cseq += 1;
    this.tcpSegment(s, to, from, { seq: sseq, ack: cseq, flags: TCP_SYN | TCP_ACK, options: MSS_1460 });
    sseq += 1;
    this.tcpSegment(c, from, to, { seq: cseq, ack: sseq, flags: TCP_ACK });
    this.tcpSegment(c, from, to, { seq: cseq, ack: sseq, flags: TCP_PSH | TCP_ACK }, request);
    cseq += request.length;
    this.tcpSegment(s, to, from, { seq: sseq, ack: cseq, flags: TCP_ACK });
    this.tcpSegment(s, to, from, { seq: sseq, ack: cseq, flags: TCP_PSH | TCP_ACK }, response);
    sseq += response.length;
    this.tcpSegment(c, from, to, { seq: cseq, ack: sseq, flags: TCP_ACK });
    this.tcpSegment(c, from, to, { seq: cseq, ack: sseq, flags: TCP_FIN | TCP_ACK });
    cseq += 1;
    this.tcpSegment(s, to, from, { seq: sseq, ack: cseq, flags: TCP_FIN | TCP_ACK });
    sseq += 1;
    return this.tcpSegment(c, from, to, { seq: cseq, ack: sseq, flags: TCP_ACK });
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

/** MSS 1460, as every SYN of a real stack carries. */
const MSS_1460 = new Uint8Array([2, 4, 0x05, 0xb4]);

function sideOfEndpoint(e: Endpoint): Side {
  const side = sideOf(parseIPv4(e.addr) ?? 0);
  if (!side) throw new Error(`${e.addr} lies on neither side of the lab router`);
  return side;
}

/** Which side each end sends from: client-side subnet, else the server side (incl. 192.0.2.0/24). */
function sides(from: Endpoint, to: Endpoint): [Side, Side] {
  const a = sideOfEndpoint(from);
  const b = sideOfEndpoint(to);
  if (a === b) throw new Error(`${from.addr} and ${to.addr} are on the same side of the router`);
  return [a, b];
}
