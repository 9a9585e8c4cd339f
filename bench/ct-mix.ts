// A realistic connection mix for the conntrack memory figure (bench/conntrack.ts): a router between
// clients (eth0, 10.0.0.0/8) and servers (eth1, 198.51.100.0/24) whose stateful ruleset accepts
// everything, fed whole conversations with consistent sequence numbers. Mostly TCP (web-like
// request/response, half of it closed into TIME_WAIT, some refused by RST), DNS over UDP, pings,
// and the few connections that need an ext record: SSH with a connmark, FTP control connections
// with the helper and their passive data connections (RELATED, with a master).
import type { HostModel } from '../src/host/model.js';
import { hostModelFromObject } from '../src/host/load.js';
import type { PacketInput } from '../src/packets/types.js';
import { rng } from './generate.js';

const FIN = 1;
const SYN = 2;
const RST = 4;
const PSH = 8;
const ACK = 16;

const SERVER_NET = 0xc6336400; // 198.51.100.0/24
const CLIENT_NET = 0x0a000000; // 10.0.0.0/8

export const MIX_RULESET = `*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -p tcp --dport 21 -j CT --helper ftp
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -p tcp --dport 22 -m conntrack --ctstate NEW -j CONNMARK --set-mark 0x22
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
-A FORWARD -i eth0 -m conntrack --ctstate NEW -j ACCEPT
COMMIT
`;

export function mixHost(sysctl: Record<string, number> = {}): HostModel {
  return hostModelFromObject({
    interfaces: [
      { name: 'eth0', addresses: ['10.0.0.1/8'] },
      { name: 'eth1', addresses: ['198.51.100.1/24'] },
    ],
    forwarding: true,
    sysctl,
  });
}

/** Shares of the mix, in order; the rest is web-like TCP. */
const SHARES = { refused: 0.08, dns: 0.2, ping: 0.05, ssh: 0.02, ftp: 0.01 };

export interface Mix {
  packets: PacketInput[];
  /** Conversations generated (an FTP session counts its control and data connections). */
  connections: number;
  /** Of which the kernel keeps no entry at the end (SYN answered by RST). */
  gone: number;
}

/** A conversation between one client and one server, with each side's next sequence number. */
class Conversation {
  private seqOf = { client: 0, server: 0 };

  constructor(
    private readonly out: PacketInput[],
    private t: number,
    readonly client: number,
    readonly server: number,
    readonly proto: number,
    readonly clientPort: number,
    readonly serverPort: number,
    isn: number,
  ) {
    this.seqOf = { client: isn >>> 0, server: (isn * 7 + 12345) >>> 0 };
  }

  private base(fromClient: boolean, length: number): PacketInput {
    this.t += 0.0002;
    return {
      ts: this.t, localOut: false, inIface: fromClient ? 'eth0' : 'eth1',
      src: fromClient ? this.client : this.server, dst: fromClient ? this.server : this.client,
      proto: this.proto, length, ttl: 64, tos: 0, fragOffset: 0, moreFragments: false, dontFragment: true, mark: 0,
    };
  }

  /** A TCP segment; `data` is its payload (a number = that many filler bytes). */
  tcp(fromClient: boolean, flags: number, data: number | string = 0): void {
    const side = fromClient ? 'client' : 'server';
    const peer = fromClient ? 'server' : 'client';
    const payload = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data).fill(0x61);
    const p = this.base(fromClient, 52 + payload.length);
    p.sport = fromClient ? this.clientPort : this.serverPort;
    p.dport = fromClient ? this.serverPort : this.clientPort;
    p.tcpFlags = flags;
    p.seq = this.seqOf[side];
    p.ack = flags & ACK ? this.seqOf[peer] : 0;
    p.window = 502;
    if (flags & SYN) {
      p.window = 64240;
      p.tcpWscale = 7;
      p.tcpSackPerm = true;
    }
    if (payload.length > 0) p.payload = payload;
    this.seqOf[side] = (this.seqOf[side] + payload.length + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0)) >>> 0;
    this.out.push(p);
  }

  udp(fromClient: boolean, length: number): void {
    const p = this.base(fromClient, 28 + length);
    p.sport = fromClient ? this.clientPort : this.serverPort;
    p.dport = fromClient ? this.serverPort : this.clientPort;
    this.out.push(p);
  }

  echo(fromClient: boolean, id: number): void {
    const p = this.base(fromClient, 84);
    p.icmpType = fromClient ? 8 : 0;
    p.icmpCode = 0;
    p.icmpId = id;
    p.icmpSeq = 1;
    this.out.push(p);
  }

  handshake(): void {
    this.tcp(true, SYN);
    this.tcp(false, SYN | ACK);
    this.tcp(true, ACK);
  }

  close(): void {
    this.tcp(true, FIN | ACK);
    this.tcp(false, ACK);
    this.tcp(false, FIN | ACK);
    this.tcp(true, ACK);
  }

  get time(): number {
    return this.t;
  }
}

/**
 * `count` conversations starting `spacing` seconds apart from `t0`, their packets interleaved by
 * time (each conversation spans a few milliseconds, so many are under way at once).
 */
export function connectionMix(count: number, seed: number, t0 = 1_700_000_000, spacing = 0.00002): Mix {
  const r = rng(seed);
  const packets: PacketInput[] = [];
  let connections = 0;
  let gone = 0;
  for (let i = 0; i < count; i++) {
    const client = (CLIENT_NET + 2 + Math.floor(r() * 0xfffff0)) >>> 0;
    const server = (SERVER_NET + 10 + Math.floor(r() * 200)) >>> 0;
    const clientPort = 1024 + Math.floor(r() * 64000);
    const at = t0 + i * spacing;
    const isn = Math.floor(r() * 2 ** 32);
    const kind = r();
    let edge = SHARES.refused;
    if (kind < edge) {
      const c = new Conversation(packets, at, client, server, 6, clientPort, 8080, isn);
      c.tcp(true, SYN);
      c.tcp(false, RST | ACK);
      connections++;
      gone++;
      continue;
    }
    if (kind < (edge += SHARES.dns)) {
      const c = new Conversation(packets, at, client, server, 17, clientPort, 53, isn);
      c.udp(true, 40);
      c.udp(false, 120);
      connections++;
      continue;
    }
    if (kind < (edge += SHARES.ping)) {
      const c = new Conversation(packets, at, client, server, 1, 0, 0, isn);
      c.echo(true, clientPort);
      c.echo(false, clientPort);
      connections++;
      continue;
    }
    if (kind < (edge += SHARES.ssh)) {
      const c = new Conversation(packets, at, client, server, 6, clientPort, 22, isn);
      c.handshake();
      c.tcp(false, PSH | ACK, 40);
      c.tcp(true, PSH | ACK, 1200);
      c.tcp(false, ACK);
      connections++;
      continue;
    }
    if (kind < (edge += SHARES.ftp)) {
      connections += ftpSession(packets, at, client, server, clientPort, isn);
      continue;
    }
    const c = new Conversation(packets, at, client, server, 6, clientPort, 443, isn);
    c.handshake();
    c.tcp(true, PSH | ACK, 517);
    for (let k = 0; k < 3; k++) c.tcp(false, ACK, 1400);
    c.tcp(true, ACK);
    if (r() < 0.5) c.close();
    connections++;
  }
  packets.sort((a, b) => a.ts - b.ts);
  return { packets, connections, gone };
}

/** A passive-mode FTP login and listing: the control connection and its data connection. */
function ftpSession(out: PacketInput[], at: number, client: number, server: number, clientPort: number, isn: number): number {
  const control = new Conversation(out, at, client, server, 6, clientPort, 21, isn);
  control.handshake();
  control.tcp(false, PSH | ACK, '220 ready\r\n');
  control.tcp(true, PSH | ACK, 'PASV\r\n');
  const dataPort = 20000 + (clientPort % 20000);
  const [a, b, c, d] = [server >>> 24, (server >>> 16) & 0xff, (server >>> 8) & 0xff, server & 0xff];
  control.tcp(false, PSH | ACK, `227 Entering Passive Mode (${a},${b},${c},${d},${dataPort >>> 8},${dataPort & 0xff}).\r\n`);
  control.tcp(true, ACK);
  const data = new Conversation(out, control.time, client, server, 6, clientPort + 1, dataPort, isn ^ 0x5a5a5a5a);
  data.handshake();
  data.tcp(false, PSH | ACK, 300);
  data.close();
  return 2;
}
