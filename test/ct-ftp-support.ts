// Shared by the FTP helper tests (ct-ftp*.test.ts, ct-seeds.test.ts): TCP conversations with
// consistent sequence and acknowledgement numbers, so the TCP tracker (NETFILTER.md §4.4) accepts
// them, FTP sessions built on them, and the hosts and rulesets under test/fixtures/ftp/.
import { readFileSync } from 'node:fs';
import { classifyPackets } from '../src/classify.js';
import { Engine, type PacketResult } from '../src/engine/engine.js';
import { hostModelFromObject } from '../src/host/load.js';
import type { HostModel } from '../src/host/model.js';
import type { PacketInput } from '../src/packets/types.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { parseIPv4 } from '../src/ruleset/names.js';

export const CLIENT = '192.0.2.10';
export const SERVER = '198.51.100.7';
export const THIRD_PARTY = '203.0.113.9';

const FIXTURES = new URL('./fixtures/ftp/', import.meta.url);

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export function fixtureHost(name: string, overrides: Record<string, unknown> = {}): HostModel {
  return hostModelFromObject({ ...JSON.parse(fixtureText(name)), ...overrides });
}

export async function engineFor(rulesetFile: string, host: HostModel): Promise<Engine> {
  const ruleset = parseRuleset(fixtureText(rulesetFile), { filename: rulesetFile });
  return Engine.create(ruleset, host);
}

function ip(text: string): number {
  const v = parseIPv4(text);
  if (v === undefined) throw new Error(`bad address ${text}`);
  return v;
}

/** Packet timestamps: every packet a little after the previous one, jumps on demand. */
export class Timeline {
  constructor(public now = 1_700_000_000) {}

  next(): number {
    this.now += 0.001;
    return this.now;
  }

  wait(seconds: number): void {
    this.now += seconds;
  }
}

/** One end of a TCP conversation: `iface` is where its packets arrive; none = this host sends them. */
export interface Endpoint {
  addr: string;
  port: number;
  iface?: string;
}

const FIN = 1;
const SYN = 2;
const RST = 4;
const PSH = 8;
const ACK = 16;
const IP_TCP_HEADERS = 40;
const WINDOW = 65535;

export type Side = 'opener' | 'answerer';

/**
 * A TCP connection between `opener` (sends the SYN) and `answerer`. Each method returns the packet
 * and advances that side's next sequence number, so seq/ack always agree with what was sent.
 */
export class TcpConversation {
  private readonly next: Record<Side, number>;

  constructor(
    private readonly time: Timeline,
    readonly opener: Endpoint,
    readonly answerer: Endpoint,
    isn: Record<Side, number> = { opener: 1_000_000, answerer: 5_000_000 },
  ) {
    this.next = { ...isn };
  }

  private other(side: Side): Side {
    return side === 'opener' ? 'answerer' : 'opener';
  }

  /** A segment from `side` with the given flags and payload; SYN and FIN take one sequence number. */
  segment(side: Side, flags: number, payload?: Uint8Array): PacketInput {
    const from = side === 'opener' ? this.opener : this.answerer;
    const to = side === 'opener' ? this.answerer : this.opener;
    const length = payload?.length ?? 0;
    const p: PacketInput = {
      ts: this.time.next(),
      localOut: from.iface === undefined,
      src: ip(from.addr),
      dst: ip(to.addr),
      proto: 6,
      length: IP_TCP_HEADERS + length,
      ttl: 64,
      tos: 0,
      fragOffset: 0,
      moreFragments: false,
      dontFragment: true,
      sport: from.port,
      dport: to.port,
      tcpFlags: flags,
      seq: this.next[side] >>> 0,
      ack: flags & ACK ? this.next[this.other(side)] >>> 0 : 0,
      window: WINDOW,
      mark: 0,
    };
    if (from.iface !== undefined) p.inIface = from.iface;
    if (payload !== undefined && length > 0) p.payload = payload;
    this.next[side] = (this.next[side] + length + (flags & (SYN | FIN) ? 1 : 0)) >>> 0;
    return p;
  }

  syn(): PacketInput {
    return this.segment('opener', SYN);
  }

  synAck(): PacketInput {
    return this.segment('answerer', SYN | ACK);
  }

  handshake(): PacketInput[] {
    return [this.syn(), this.synAck(), this.segment('opener', ACK)];
  }

  /** Data from `side` (PSH|ACK); text is sent as Latin-1 bytes. */
  send(side: Side, data: string | Uint8Array): PacketInput {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    return this.segment(side, PSH | ACK, new Uint8Array(bytes));
  }

  /** The sequence number `side` sends next. */
  nextSeq(side: Side): number {
    return this.next[side];
  }

  /**
   * Data from `side` at an earlier sequence number (a retransmission, possibly of different bytes);
   * the sequence space moves on only if it reaches beyond what was sent.
   */
  resend(side: Side, seq: number, data: string): PacketInput {
    const sent = this.next[side];
    this.next[side] = seq >>> 0;
    const p = this.send(side, data);
    if (((this.next[side] - sent) | 0) < 0) this.next[side] = sent;
    return p;
  }

  ack(side: Side): PacketInput {
    return this.segment(side, ACK);
  }

  /** FIN from each side, each acknowledged. */
  close(first: Side): PacketInput[] {
    const second = this.other(first);
    return [this.segment(first, FIN | ACK), this.segment(second, FIN | ACK), this.segment(first, ACK)];
  }

  reset(side: Side): PacketInput {
    return this.segment(side, RST | ACK);
  }
}

/** An FTP control connection: the client opens, the server answers on port 21. */
export class FtpSession {
  readonly control: TcpConversation;

  constructor(readonly time: Timeline, readonly client: Endpoint, readonly server: Endpoint, isn?: Record<Side, number>) {
    this.control = new TcpConversation(time, client, server, isn);
  }

  command(text: string): PacketInput {
    return this.control.send('opener', text);
  }

  reply(text: string): PacketInput {
    return this.control.send('answerer', text);
  }

  /** Handshake, banner and login: the first data segment in each direction is never parsed (§4.8 point 2). */
  login(): PacketInput[] {
    return [
      ...this.control.handshake(),
      this.reply('220 (vsFTPd 3.0.5)\r\n'),
      this.command('USER anonymous\r\n'),
      this.reply('331 Please specify the password.\r\n'),
      this.command('PASS guest@\r\n'),
      this.reply('230 Login successful.\r\n'),
    ];
  }

  /** A data connection from `opener` to `answerer` (active: server:20 -> client; passive: client -> server). */
  dataConnection(opener: Endpoint, answerer: Endpoint): TcpConversation {
    return new TcpConversation(this.time, opener, answerer, { opener: 7_000_000, answerer: 9_000_000 });
  }

  /** The server's end of an active-mode data connection (source port 20), to the client's port. */
  activeData(clientPort: number): TcpConversation {
    return this.dataConnection({ ...this.server, port: 20 }, { ...this.client, port: clientPort });
  }

  /** The client's passive-mode data connection to the server's announced port. */
  passiveData(serverPort: number, clientPort = 40_123): TcpConversation {
    return this.dataConnection({ ...this.client, port: clientPort }, { ...this.server, port: serverPort });
  }
}

/** Runs packets through the engine (conntrack state carries over between calls). */
export function run(engine: Engine, packets: PacketInput[]): PacketResult[] {
  return classifyPackets(engine, packets);
}

/** `a.b.c.d` text of a u32 address (for comparing the engine's expectation list). */
export function dotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** What an FTP expectation must say (NETFILTER.md §4.6, §4.8 point 7): the source port is a wildcard. */
export interface Expected {
  src: string;
  dst: string;
  dport: number;
  proto: number;
}

/**
 * The engine's live expectations, reduced to what the helper decides. Every FTP expectation must
 * have an exact source address, a wildcard source port and an exact destination (§4.6): checked
 * here so each test gets it.
 */
export function expectationsOf(engine: Engine): Expected[] {
  return engine.expectations().map((e) => {
    if (e.mask.src !== '255.255.255.255' || e.mask.sport !== 0 || e.mask.dport !== 0xffff || e.tuple.sport !== 0) {
      throw new Error(`not an FTP expectation mask: ${JSON.stringify(e)}`);
    }
    return { src: e.tuple.src, dst: e.tuple.dst, dport: e.tuple.dport ?? -1, proto: e.proto };
  });
}
