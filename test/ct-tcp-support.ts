// Shared by the TCP tracker tests (ct-tcp*.test.ts): a router between clients (eth0,
// 192.0.2.0/24) and servers (eth1, 198.51.100.0/24) whose stateful ruleset accepts everything, so
// every packet reaches the confirm stage and the conntrack table shows exactly what the TCP
// tracker decided (NETFILTER.md §4.4). Packets are built by TcpFlow, which keeps each side's next
// sequence number so seq/ack agree with what was sent unless a test says otherwise.
import { classifyPackets } from '../src/classify.js';
import { Engine, type PacketResult } from '../src/engine/engine.js';
import { hostModelFromObject } from '../src/host/load.js';
import type { PacketInput } from '../src/packets/types.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { parseIPv4 } from '../src/ruleset/names.js';

export const FIN = 1;
export const SYN = 2;
export const RST = 4;
export const PSH = 8;
export const ACK = 16;
export const URG = 32;

export const CLIENT = '192.0.2.10';
export const SERVER = '198.51.100.7';
const ROUTER_CLIENT_SIDE = '192.0.2.1';

const ACCEPT_ALL_STATEFUL = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate ESTABLISHED -j ACCEPT
COMMIT
`;

/** The router with `sysctl` overrides (net.netfilter names without the prefix). */
export async function routerEngine(sysctl: Record<string, number> = {}): Promise<Engine> {
  const host = hostModelFromObject({
    interfaces: [
      { name: 'eth0', addresses: [`${ROUTER_CLIENT_SIDE}/24`] },
      { name: 'eth1', addresses: ['198.51.100.1/24'] },
    ],
    forwarding: true,
    sysctl,
  });
  return Engine.create(parseRuleset(ACCEPT_ALL_STATEFUL, { filename: 'ct-tcp-router' }), host);
}

function ip(text: string): number {
  const v = parseIPv4(text);
  if (v === undefined) throw new Error(`bad address ${text}`);
  return v;
}

/** Packet timestamps: each packet 1 ms after the previous one unless a test waits. */
export class Clock {
  constructor(public now = 1_700_000_000) {}

  tick(): number {
    this.now += 0.001;
    return this.now;
  }

  wait(seconds: number): void {
    this.now += seconds;
  }
}

export type Side = 'client' | 'server';

export interface SegmentOptions {
  /** Payload bytes (their count is the segment length); a number makes that many 'x' bytes. */
  data?: number | Uint8Array;
  seq?: number;
  ack?: number;
  window?: number;
  wscale?: number;
  sackOk?: boolean;
  checksumBad?: boolean;
  /** Leave seq and ack out of the record (PF2_NO_SEQ). */
  noSeq?: boolean;
  /** Do not advance the sender's next sequence number (a retransmission or a stray segment). */
  keepSeq?: boolean;
}

/**
 * One TCP connection through the router: the client (port `clientPort`) on eth0 opens to the
 * server's port 80 on eth1. `next` is each side's next sequence number.
 */
export class TcpFlow {
  readonly next: Record<Side, number>;

  constructor(
    readonly engine: Engine,
    readonly clock: Clock,
    readonly clientPort: number,
    readonly isn: Record<Side, number> = { client: 1000, server: 5000 },
    readonly window = 65535,
  ) {
    this.next = { ...isn };
  }

  static other(side: Side): Side {
    return side === 'client' ? 'server' : 'client';
  }

  /** The packet `side` sends with `flags`, advancing its next sequence number unless told not to. */
  packet(side: Side, flags: number, o: SegmentOptions = {}): PacketInput {
    const fromClient = side === 'client';
    const payload = typeof o.data === 'number' ? new Uint8Array(o.data).fill(0x78) : o.data;
    const length = payload?.length ?? 0;
    const seq = o.seq ?? this.next[side];
    const p: PacketInput = {
      ts: this.clock.tick(),
      inIface: fromClient ? 'eth0' : 'eth1',
      localOut: false,
      src: ip(fromClient ? CLIENT : SERVER),
      dst: ip(fromClient ? SERVER : CLIENT),
      proto: 6,
      length: 40 + length,
      ttl: 64,
      tos: 0,
      fragOffset: 0,
      moreFragments: false,
      dontFragment: true,
      sport: fromClient ? this.clientPort : 80,
      dport: fromClient ? 80 : this.clientPort,
      tcpFlags: flags,
      window: o.window ?? this.window,
      mark: 0,
    };
    if (!o.noSeq) {
      p.seq = seq >>> 0;
      p.ack = (o.ack ?? (flags & ACK ? this.next[TcpFlow.other(side)] : 0)) >>> 0;
    }
    if (payload && length > 0) p.payload = payload;
    if (o.wscale !== undefined) p.tcpWscale = o.wscale;
    if (o.sackOk) p.tcpSackPerm = true;
    if (o.checksumBad) p.checksumBad = true;
    if (!o.keepSeq) this.next[side] = (seq + length + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0)) >>> 0;
    return p;
  }

  /** Sends one packet through the engine. */
  send(side: Side, flags: number, o: SegmentOptions = {}): PacketResult {
    return classifyPackets(this.engine, [this.packet(side, flags, o)])[0];
  }

  /** SYN, SYN/ACK, ACK. */
  handshake(): PacketResult[] {
    return [this.send('client', SYN), this.send('server', SYN | ACK), this.send('client', ACK)];
  }
}

/** The fields of a result the tests compare: ctstate and TCP state. */
export function seen(r: PacketResult): string {
  return `${r.ctstate} ${r.tcpState ?? '-'}`;
}
