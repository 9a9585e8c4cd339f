// One TCP connection as a script: each step writes the segments both ends would send, and the
// sequence numbers follow the bytes actually sent, so the router's window tracking (NETFILTER.md
// §4.4) sees a conversation a real stack could have had. FTP control and data connections and
// the plain sessions of the generator are all built from these steps.
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, text, type TcpFields } from './frames.js';
import type { Side } from './lab.js';
import type { Endpoint } from './traffic.js';

/** MSS 1460, as every SYN of a real stack carries. */
export const MSS_1460 = new Uint8Array([2, 4, 0x05, 0xb4]);

/** What a conversation needs from the traffic it writes into. */
export interface SegmentSink {
  tcpSegment(side: Side, from: Endpoint, to: Endpoint, fields: Omit<TcpFields, 'sport' | 'dport'>, data?: Uint8Array): unknown;
}

type End = 'opener' | 'answerer';

export class TcpConversation {
  private seq: Record<End, number>;
  /** Window field of each end's segments after its SYN (unscaled value as written on the wire). */
  private windows: Partial<Record<End, number>> = {};

  /** `opener` sends the SYN from `openerSide`; `answerer` answers from the other side. */
  constructor(
    private readonly sink: SegmentSink,
    private readonly opener: Endpoint,
    private readonly answerer: Endpoint,
    private readonly sides: Record<End, Side>,
    isn: { opener?: number; answerer?: number } = {},
  ) {
    this.seq = { opener: isn.opener ?? 0x1000_0000, answerer: isn.answerer ?? 0x7000_0000 };
  }

  private other(end: End): End {
    return end === 'opener' ? 'answerer' : 'opener';
  }

  private send(end: End, flags: number, data?: Uint8Array, extra: Partial<TcpFields> = {}): this {
    const [from, to] = end === 'opener' ? [this.opener, this.answerer] : [this.answerer, this.opener];
    const window = flags & TCP_SYN ? undefined : this.windows[end];
    this.sink.tcpSegment(this.sides[end], from, to, { seq: this.seq[end], ack: this.seq[this.other(end)], flags, ...(window === undefined ? {} : { window }), ...extra }, data);
    this.seq[end] += (data?.length ?? 0) + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
    return this;
  }

  /** SYN, SYN/ACK, ACK; `options` replaces an end's SYN options (default MSS 1460). */
  handshake(opts: { options?: Partial<Record<End, Uint8Array>> } = {}): this {
    this.send('opener', TCP_SYN, undefined, { ack: 0, options: opts.options?.opener ?? MSS_1460 });
    this.send('answerer', TCP_SYN | TCP_ACK, undefined, { options: opts.options?.answerer ?? MSS_1460 });
    return this.send('opener', TCP_ACK);
  }

  /** From now on `end` advertises this window field (after its SYN; scaled by the receiver if window scaling was agreed). */
  window(end: End, value: number): this {
    this.windows[end] = value;
    return this;
  }

  /**
   * A segment off the conversation's sequence (NETFILTER.md §4.4 window checks): sent at the
   * sender's next seq plus `seqOffset`, acknowledging the peer's next seq plus `ackOffset`; the
   * conversation goes on as if it had never been sent.
   */
  stray(end: End, flags: number, offsets: { seqOffset?: number; ackOffset?: number }, data?: string | Uint8Array): this {
    const payload = typeof data === 'string' ? text(data) : data;
    const seq = (this.seq[end] + (offsets.seqOffset ?? 0)) >>> 0;
    const ack = (this.seq[this.other(end)] + (offsets.ackOffset ?? 0)) >>> 0;
    const saved = this.seq[end];
    this.send(end, flags, payload, { seq, ack });
    this.seq[end] = saved;
    return this;
  }

  /** A SYN the other end refuses with RST/ACK. */
  refused(): this {
    this.send('opener', TCP_SYN, undefined, { ack: 0, options: MSS_1460 });
    return this.send('answerer', TCP_RST | TCP_ACK, undefined, { seq: 0, window: 0 });
  }

  /**
   * `end` sends `data` (one segment) and, unless told otherwise, the other end acknowledges it.
   * A `lost` segment never reaches the peer (dropped on the way): no acknowledgement, and the
   * sender's next segment starts where this one did (a retransmission, possibly of other bytes).
   */
  data(end: End, data: string | Uint8Array, opts: { acked?: boolean; lost?: boolean } = {}): this {
    if (opts.lost) return this.stray(end, TCP_PSH | TCP_ACK, {}, data);
    this.send(end, TCP_PSH | TCP_ACK, typeof data === 'string' ? text(data) : data);
    return opts.acked === false ? this : this.send(this.other(end), TCP_ACK);
  }

  /** `end` closes first, the other end closes back, `end` acknowledges the last FIN. */
  close(end: End = 'opener'): this {
    this.send(end, TCP_FIN | TCP_ACK);
    this.send(this.other(end), TCP_FIN | TCP_ACK);
    return this.send(end, TCP_ACK);
  }
}
