// A seeded pcapng of router traffic for bench/scenario.ts, written in 4 MiB chunks (never held in
// memory): TCP conversations with handshakes, data, acks and FIN teardown, FTP sessions (passive
// and active, with their data connections), DNS and NTP over UDP, pings, and connections the
// ruleset refuses. Sequence numbers, acks and checksums are right, so conntrack (which checks
// windows and, with nf_conntrack_checksum=1, checksums) sees what a real capture would show.
// Packets from clients arrive on eth0, packets from servers on eth1 (interfaces 0 and 1).
import { closeSync, openSync, writeSync } from 'node:fs';
import { rng } from './generate.js';
import { ADMIN_NET, BLOCKED_NETS, OPEN_CLIENT_NETS, servers, type Server } from './scenario.js';

const CHUNK = 4 << 20;
const TCP = 6;
const UDP = 17;
const ICMP = 1;
const FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;
/** Conversations open at once: packets of different connections interleave as on a busy link. */
const CONCURRENT = 2000;

interface Packet {
  iface: 0 | 1;
  src: number;
  dst: number;
  proto: number;
  sport: number;
  dport: number;
  /** TCP */
  flags?: number;
  seq?: number;
  ack?: number;
  /** ICMP echo: type, id, sequence (sport/dport unused). */
  icmpType?: number;
  payload?: Uint8Array;
}

export interface CaptureStats {
  packets: number;
  bytes: number;
  /** Packets with TCP port 21 at either end (what `tcpdump 'tcp port 21'` selects). */
  ftpControl: number;
  byKind: Record<string, number>;
}

// ---- frames -------------------------------------------------------------------------------

const ascii = (text: string) => new TextEncoder().encode(text);

function sum16(bytes: Uint8Array, from: number, to: number, start = 0): number {
  let sum = start;
  for (let i = from; i + 1 < to; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if ((to - from) & 1) sum += bytes[to - 1] << 8;
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const MAC_CLIENT_SIDE = [0x02, 0, 0, 0, 0, 1];
const MAC_SERVER_SIDE = [0x02, 0, 0, 0, 0, 2];
const MAC_ROUTER = [0x02, 0, 0, 0, 0, 0xfe];

/** Ethernet + IPv4 + L4 frame of `p` into `out` at `at`; returns its length. */
function writeFrame(out: Uint8Array, at: number, p: Packet, ipId: number): number {
  const payload = p.payload ?? new Uint8Array(0);
  const l4Header = p.proto === TCP ? 20 : 8;
  const ipLen = 20 + l4Header + payload.length;
  out.set(MAC_ROUTER, at);
  out.set(p.iface === 0 ? MAC_CLIENT_SIDE : MAC_SERVER_SIDE, at + 6);
  out[at + 12] = 0x08;
  out[at + 13] = 0x00;
  const ip = at + 14;
  const v = new DataView(out.buffer, out.byteOffset);
  out[ip] = 0x45;
  out[ip + 1] = 0;
  v.setUint16(ip + 2, ipLen);
  v.setUint16(ip + 4, ipId & 0xffff);
  v.setUint16(ip + 6, 0x4000); // DF
  out[ip + 8] = 64;
  out[ip + 9] = p.proto;
  v.setUint16(ip + 10, 0);
  v.setUint32(ip + 12, p.src >>> 0);
  v.setUint32(ip + 16, p.dst >>> 0);
  v.setUint16(ip + 10, fold(sum16(out, ip, ip + 20)));
  const l4 = ip + 20;
  out.fill(0, l4, l4 + l4Header);
  if (p.proto === TCP) {
    v.setUint16(l4, p.sport);
    v.setUint16(l4 + 2, p.dport);
    v.setUint32(l4 + 4, p.seq! >>> 0);
    v.setUint32(l4 + 8, p.ack! >>> 0);
    out[l4 + 12] = 5 << 4;
    out[l4 + 13] = p.flags!;
    v.setUint16(l4 + 14, 65535);
  } else if (p.proto === UDP) {
    v.setUint16(l4, p.sport);
    v.setUint16(l4 + 2, p.dport);
    v.setUint16(l4 + 4, 8 + payload.length);
  } else {
    out[l4] = p.icmpType!;
    v.setUint16(l4 + 4, p.sport); // id
    v.setUint16(l4 + 6, p.dport); // sequence
  }
  out.set(payload, l4 + l4Header);
  const l4Len = l4Header + payload.length;
  const checksumAt = p.proto === TCP ? l4 + 16 : p.proto === UDP ? l4 + 6 : l4 + 2;
  const pseudo = p.proto === ICMP ? 0 : (p.src >>> 16) + (p.src & 0xffff) + (p.dst >>> 16) + (p.dst & 0xffff) + p.proto + l4Len;
  let checksum = fold(sum16(out, l4, l4 + l4Len, pseudo));
  if (p.proto === UDP && checksum === 0) checksum = 0xffff;
  v.setUint16(checksumAt, checksum);
  return 14 + ipLen;
}

// ---- pcapng -------------------------------------------------------------------------------

/** Section header + one Ethernet interface block per name (if_name set, microsecond timestamps). */
function pcapngHeader(names: string[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  const shb = new DataView(new ArrayBuffer(28));
  shb.setUint32(0, 0x0a0d0d0a, true);
  shb.setUint32(4, 28, true);
  shb.setUint32(8, 0x1a2b3c4d, true);
  shb.setUint16(12, 1, true);
  shb.setBigInt64(16, -1n, true);
  shb.setUint32(24, 28, true);
  blocks.push(new Uint8Array(shb.buffer));
  for (const name of names) {
    const nameBytes = ascii(name);
    const padded = (nameBytes.length + 3) & ~3;
    const len = 20 + 4 + padded + 4 + 4;
    const idb = new Uint8Array(len);
    const v = new DataView(idb.buffer);
    v.setUint32(0, 1, true);
    v.setUint32(4, len, true);
    v.setUint16(8, 1, true); // LINKTYPE_ETHERNET
    v.setUint32(12, 65535, true);
    v.setUint16(16, 2, true); // if_name
    v.setUint16(18, nameBytes.length, true);
    idb.set(nameBytes, 20);
    // opt_endofopt is the 4 zero bytes after the padded name
    v.setUint32(len - 4, len, true);
    blocks.push(idb);
  }
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** Appends frames as pcapng enhanced packet blocks, flushing to the file descriptor in chunks. */
class PcapngWriter {
  private readonly buffer = new Uint8Array(CHUNK);
  private readonly view = new DataView(this.buffer.buffer);
  private at = 0;
  private ipId = 1;
  bytes = 0;

  constructor(private readonly fd: number) {
    this.put(pcapngHeader(['eth0', 'eth1']));
  }

  private put(bytes: Uint8Array): void {
    if (this.at + bytes.length > CHUNK) this.flush();
    this.buffer.set(bytes, this.at);
    this.at += bytes.length;
  }

  packet(tsMicros: number, p: Packet): void {
    if (this.at + 2048 > CHUNK) this.flush();
    const start = this.at;
    const frameLen = writeFrame(this.buffer, start + 28, p, this.ipId++);
    const padded = (frameLen + 3) & ~3;
    const blockLen = 28 + padded + 4;
    this.buffer.fill(0, start + 28 + frameLen, start + 28 + padded);
    this.view.setUint32(start, 6, true);
    this.view.setUint32(start + 4, blockLen, true);
    this.view.setUint32(start + 8, p.iface, true);
    this.view.setUint32(start + 12, Math.floor(tsMicros / 2 ** 32), true);
    this.view.setUint32(start + 16, tsMicros >>> 0, true);
    this.view.setUint32(start + 20, frameLen, true);
    this.view.setUint32(start + 24, frameLen, true);
    this.view.setUint32(start + blockLen - 4, blockLen, true);
    this.at += blockLen;
  }

  flush(): void {
    for (let done = 0; done < this.at; ) done += writeSync(this.fd, this.buffer, done, this.at - done);
    this.bytes += this.at;
    this.at = 0;
  }
}

// ---- conversations ------------------------------------------------------------------------

/** One TCP connection's two sequence spaces; methods yield its packets. */
class TcpConnection {
  private clientSeq: number;
  private serverSeq: number;

  constructor(
    readonly client: number,
    readonly server: number,
    readonly cport: number,
    readonly sport: number,
    r: () => number,
    /** Which side's packets arrive on eth0: the side outside (the client, except active FTP data). */
    private readonly clientOutside = true,
  ) {
    this.clientSeq = Math.floor(r() * 2 ** 32);
    this.serverSeq = Math.floor(r() * 2 ** 32);
  }

  private packet(fromClient: boolean, flags: number, payload?: Uint8Array): Packet {
    const p: Packet = {
      iface: fromClient === this.clientOutside ? 0 : 1,
      src: fromClient ? this.client : this.server,
      dst: fromClient ? this.server : this.client,
      proto: TCP,
      sport: fromClient ? this.cport : this.sport,
      dport: fromClient ? this.sport : this.cport,
      flags,
      seq: (fromClient ? this.clientSeq : this.serverSeq) >>> 0,
      ack: flags & ACK ? (fromClient ? this.serverSeq : this.clientSeq) >>> 0 : 0,
      payload,
    };
    const advance = (payload?.length ?? 0) + (flags & (SYN | FIN) ? 1 : 0);
    if (fromClient) this.clientSeq = (this.clientSeq + advance) >>> 0;
    else this.serverSeq = (this.serverSeq + advance) >>> 0;
    return p;
  }

  *open(): Generator<Packet> {
    yield this.packet(true, SYN);
    yield this.packet(false, SYN | ACK);
    yield this.packet(true, ACK);
  }

  /** A segment and the other side's ack of it. */
  *send(fromClient: boolean, payload: Uint8Array): Generator<Packet> {
    yield this.packet(fromClient, PSH | ACK, payload);
    yield this.packet(!fromClient, ACK);
  }

  *close(fromClient = true): Generator<Packet> {
    yield this.packet(fromClient, FIN | ACK);
    yield this.packet(!fromClient, FIN | ACK);
    yield this.packet(fromClient, ACK);
  }

  /** A SYN nobody answers (the ruleset drops it), retried. */
  *refusedSyn(tries: number): Generator<Packet> {
    for (let i = 0; i < tries; i++) yield { ...this.packet(true, SYN), seq: this.clientSeq - 1 };
  }

  reset(fromClient: boolean): Packet {
    return this.packet(fromClient, RST | ACK);
  }
}

const filler = (n: number, r: () => number) => {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) bytes[i] = 32 + Math.floor(r() * 90);
  return bytes;
};

const octets = (n: number) => `${n >>> 24},${(n >>> 16) & 255},${(n >>> 8) & 255},${n & 255}`;

class TrafficMix {
  private readonly r: () => number;
  private readonly servers: Server[];
  private readonly byService = new Map<string, Server[]>();
  private nextPort = 20000;

  constructor(seed: number) {
    this.r = rng(seed);
    this.servers = servers();
    for (const s of this.servers) {
      for (const p of s.tcp) this.push(`tcp/${p}`, s);
      for (const p of s.udp) this.push(`udp/${p}`, s);
    }
  }

  private push(key: string, s: Server): void {
    const list = this.byService.get(key) ?? [];
    list.push(s);
    this.byService.set(key, list);
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.r() * list.length)];
  }

  private client(admin = false): number {
    const net = admin ? ADMIN_NET : this.pick(OPEN_CLIENT_NETS);
    return (net | Math.floor(1 + this.r() * 65000)) >>> 0;
  }

  private ephemeral(): number {
    this.nextPort = this.nextPort >= 60999 ? 20000 : this.nextPort + 1;
    return this.nextPort;
  }

  private serverFor(service: string): Server {
    return this.pick(this.byService.get(service) ?? this.servers);
  }

  /** A new conversation, by kind; `kind` names it for the statistics. */
  next(): { kind: string; packets: Generator<Packet> } {
    const x = this.r();
    if (x < 0.5) return { kind: 'web', packets: this.web() };
    if (x < 0.52) return { kind: 'ftp', packets: this.ftp() };
    if (x < 0.6) return { kind: 'ssh', packets: this.ssh() };
    if (x < 0.8) return { kind: 'dns', packets: this.udp() };
    if (x < 0.9) return { kind: 'ping', packets: this.ping() };
    return { kind: 'refused', packets: this.refused() };
  }

  private *web(): Generator<Packet> {
    const port = this.r() < 0.5 ? 80 : 443;
    const c = new TcpConnection(this.client(), this.serverFor(`tcp/${port}`).addr, this.ephemeral(), port, this.r);
    yield* c.open();
    const exchanges = 1 + Math.floor(this.r() * 4);
    for (let i = 0; i < exchanges; i++) {
      yield* c.send(true, filler(60 + Math.floor(this.r() * 200), this.r));
      const segments = 1 + Math.floor(this.r() * 4);
      for (let k = 0; k < segments; k++) yield* c.send(false, filler(100 + Math.floor(this.r() * 500), this.r));
    }
    if (this.r() < 0.1) yield c.reset(true);
    else yield* c.close(this.r() < 0.5);
  }

  private *ssh(): Generator<Packet> {
    const c = new TcpConnection(this.client(true), this.serverFor('tcp/22').addr, this.ephemeral(), 22, this.r);
    yield* c.open();
    const n = 4 + Math.floor(this.r() * 12);
    for (let i = 0; i < n; i++) yield* c.send(this.r() < 0.5, filler(36 + Math.floor(this.r() * 64), this.r));
    yield* c.close();
  }

  private *ftp(): Generator<Packet> {
    const client = this.client();
    const server = this.serverFor('tcp/21').addr;
    const ctl = new TcpConnection(client, server, this.ephemeral(), 21, this.r);
    const say = (fromClient: boolean, text: string) => ctl.send(fromClient, ascii(text));
    yield* ctl.open();
    yield* say(false, '220 bench FTP server ready\r\n');
    yield* say(true, 'USER anonymous\r\n');
    yield* say(false, '331 Please specify the password.\r\n');
    yield* say(true, 'PASS bench@\r\n');
    yield* say(false, '230 Login successful.\r\n');
    const transfers = 1 + Math.floor(this.r() * 3);
    for (let t = 0; t < transfers; t++) {
      const dataPort = this.ephemeral();
      let data: TcpConnection;
      if (this.r() < 0.7) {
        yield* say(true, 'PASV\r\n');
        yield* say(false, `227 Entering Passive Mode (${octets(server)},${dataPort >> 8},${dataPort & 255}).\r\n`);
        yield* say(true, `RETR file${t}.bin\r\n`);
        data = new TcpConnection(client, server, this.ephemeral(), dataPort, this.r);
      } else {
        yield* say(true, `PORT ${octets(client)},${dataPort >> 8},${dataPort & 255}\r\n`);
        yield* say(false, '200 PORT command successful.\r\n');
        yield* say(true, `RETR file${t}.bin\r\n`);
        // active mode: the server connects from port 20 to the client's port, from the inside
        data = new TcpConnection(server, client, 20, dataPort, this.r, false);
      }
      yield* say(false, '150 Opening BINARY mode data connection.\r\n');
      yield* data.open();
      const fromServer = data.client !== server;
      const segments = 1 + Math.floor(this.r() * 6);
      for (let k = 0; k < segments; k++) yield* data.send(!fromServer ? true : false, filler(512, this.r));
      yield* data.close(!fromServer);
      yield* say(false, '226 Transfer complete.\r\n');
    }
    yield* say(true, 'QUIT\r\n');
    yield* say(false, '221 Goodbye.\r\n');
    yield* ctl.close();
  }

  private *udp(): Generator<Packet> {
    const ntp = this.r() < 0.2;
    const port = ntp ? 123 : 53;
    const server = this.serverFor(`udp/${port}`).addr;
    const client = this.client();
    const cport = this.ephemeral();
    const queries = 1 + Math.floor(this.r() * 2);
    for (let i = 0; i < queries; i++) {
      yield { iface: 0, src: client, dst: server, proto: UDP, sport: cport, dport: port, payload: filler(ntp ? 48 : 32 + Math.floor(this.r() * 20), this.r) };
      yield { iface: 1, src: server, dst: client, proto: UDP, sport: port, dport: cport, payload: filler(ntp ? 48 : 60 + Math.floor(this.r() * 100), this.r) };
    }
  }

  private *ping(): Generator<Packet> {
    const client = this.client();
    const server = this.pick(this.servers).addr;
    const id = Math.floor(this.r() * 65536);
    const n = 1 + Math.floor(this.r() * 4);
    for (let seq = 1; seq <= n; seq++) {
      yield { iface: 0, src: client, dst: server, proto: ICMP, sport: id, dport: seq, icmpType: 8, payload: filler(56, this.r) };
      yield { iface: 1, src: server, dst: client, proto: ICMP, sport: id, dport: seq, icmpType: 0, payload: filler(56, this.r) };
    }
  }

  private *refused(): Generator<Packet> {
    const server = this.pick(this.servers).addr;
    if (this.r() < 0.3) {
      // to a service the ruleset does not open on that server: retried SYNs
      const c = new TcpConnection(this.client(), server, this.ephemeral(), 1 + Math.floor(this.r() * 10000), this.r);
      yield* c.refusedSyn(1 + Math.floor(this.r() * 3));
    } else if (this.r() < 0.5) {
      yield { iface: 0, src: this.client(), dst: server, proto: UDP, sport: this.ephemeral(), dport: 1000 + Math.floor(this.r() * 30000), payload: filler(40, this.r) };
    } else {
      // from a blocked network (the last client networks), to an open service
      const blocked = (this.pick(BLOCKED_NETS) | Math.floor(1 + this.r() * 65000)) >>> 0;
      const c = new TcpConnection(blocked, this.serverFor('tcp/443').addr, this.ephemeral(), 443, this.r);
      yield* c.refusedSyn(1 + Math.floor(this.r() * 2));
    }
  }
}

export interface CaptureOptions {
  seed?: number;
  /** Conversations open at once (default 2000); small captures want fewer, to see them through. */
  concurrent?: number;
}

/** Writes `packets` packets of the traffic mix to `path` (pcapng); the same options, the same file. */
export function writeCapture(path: string, packets: number, opts: CaptureOptions = {}): CaptureStats {
  const seed = opts.seed ?? 1;
  const concurrent = Math.max(1, opts.concurrent ?? CONCURRENT);
  const fd = openSync(path, 'w');
  const writer = new PcapngWriter(fd);
  const mix = new TrafficMix(seed);
  const r = rng(seed + 1);
  const stats: CaptureStats = { packets: 0, bytes: 0, ftpControl: 0, byKind: {} };
  const open: { kind: string; packets: Generator<Packet> }[] = [];
  let micros = 1_700_000_000 * 1e6;
  try {
    while (stats.packets < packets) {
      while (open.length < concurrent) open.push(mix.next());
      const slot = Math.floor(r() * open.length);
      const step = open[slot].packets.next();
      if (step.done) {
        open[slot] = mix.next();
        continue;
      }
      const p = step.value;
      micros += 1 + Math.floor(r() * 8);
      writer.packet(micros, p);
      stats.packets++;
      stats.byKind[open[slot].kind] = (stats.byKind[open[slot].kind] ?? 0) + 1;
      if (p.proto === TCP && (p.sport === 21 || p.dport === 21)) stats.ftpControl++;
    }
    writer.flush();
  } finally {
    closeSync(fd);
  }
  stats.bytes = writer.bytes;
  return stats;
}
