// IPv4 reassembly before conntrack (NETFILTER.md §4.1, docs/fragments.md): its bounds, and how a
// result's RES_DEFRAG_* fields read.
import {
  DFR_BAD_END, DFR_BEYOND_END, DFR_DUPLICATE, DFR_ECN, DFR_EMPTY, DFR_OVERLAP, DFR_OVERSIZE, DFS_DROPPED,
  DFS_HELD, DFS_REASSEMBLED, RES_DEFRAG_EVICTED, RES_DEFRAG_EVICTED_FRAGS, RES_DEFRAG_EXPIRED,
  RES_DEFRAG_EXPIRED_FRAGS, RES_DEFRAG_FRAGMENTS, RES_DEFRAG_QUEUE, RES_DEFRAG_REASON, RES_DEFRAG_STATE,
} from '../../assembly/shared/layout.js';

export interface DefragSettings {
  /** Datagrams being reassembled at once; a new one evicts the oldest (default 1024). */
  maxQueues: number;
  /** Bytes of fragment data held; room is made by evicting the oldest queues (default 4 MiB, ipfrag_high_thresh). */
  maxBytes: number;
  /** A queue is dropped this long after its first fragment (default 30 s, ipfrag_time). */
  timeoutSeconds: number;
}

export const DEFAULT_DEFRAG: DefragSettings = { maxQueues: 1024, maxBytes: 4 * 1024 * 1024, timeoutSeconds: 30 };

export function defragSettings(given: Partial<DefragSettings> = {}): DefragSettings {
  const s = { ...DEFAULT_DEFRAG, ...given };
  if (!Number.isInteger(s.maxQueues) || s.maxQueues < 1 || s.maxQueues > 1 << 20) throw new RangeError(`defrag maxQueues: ${s.maxQueues} is not 1..${1 << 20}`);
  if (!Number.isInteger(s.maxBytes) || s.maxBytes < 1 || s.maxBytes > 1 << 30) throw new RangeError(`defrag maxBytes: ${s.maxBytes} is not 1..${1 << 30}`);
  if (!(s.timeoutSeconds > 0 && s.timeoutSeconds <= 4e6)) throw new RangeError(`defrag timeoutSeconds: ${s.timeoutSeconds} is not a positive number of seconds`);
  return s;
}

export type DefragState = 'held' | 'reassembled' | 'dropped';

/** What conntrack-defrag did with one input packet (conntrack on only). */
export interface DefragResult {
  /** held: queued, no table saw it (verdict DEFRAG); reassembled: it completed the datagram, whose verdict this is; dropped: see reason. */
  state?: DefragState;
  /** Id of the reassembly queue (one per datagram; held, reassembled and dropped records of one datagram share it). */
  queue?: number;
  /** reassembled: fragments in the datagram; dropped: held fragments discarded with the queue. */
  fragments?: number;
  /** Why the fragment was dropped, in the kernel's terms. */
  reason?: string;
  /** Queues whose reassembly time ran out before this packet arrived (their fragments are dropped). */
  expired?: { queues: number; fragments: number };
  /** Queues evicted to make room for this fragment (their fragments are dropped). */
  evicted?: { queues: number; fragments: number };
}

const STATES: Readonly<Record<number, DefragState>> = { [DFS_HELD]: 'held', [DFS_REASSEMBLED]: 'reassembled', [DFS_DROPPED]: 'dropped' };

export const DEFRAG_REASONS: Readonly<Record<number, string>> = {
  [DFR_DUPLICATE]: 'duplicate fragment (lies within fragments already queued)',
  [DFR_OVERLAP]: 'overlapping fragment: the datagram is discarded',
  [DFR_BEYOND_END]: 'fragment data beyond the end of the datagram: the datagram is discarded',
  [DFR_BAD_END]: 'last fragment disagrees with the datagram length: the datagram is discarded',
  [DFR_EMPTY]: 'fragment without data',
  [DFR_OVERSIZE]: 'reassembled datagram would exceed 65535 bytes: the datagram is discarded',
  [DFR_ECN]: 'fragments mix not-ECT with ECT/CE: the datagram is discarded',
};

/** The defrag part of the result at `res`, or undefined when defrag did nothing visible. */
export function decodeDefrag(view: DataView, res: number): DefragResult | undefined {
  const state = view.getUint8(res + RES_DEFRAG_STATE);
  const expired = view.getUint16(res + RES_DEFRAG_EXPIRED, true);
  const evicted = view.getUint16(res + RES_DEFRAG_EVICTED, true);
  if (state === 0 && expired === 0 && evicted === 0) return undefined;
  const out: DefragResult = {};
  if (state !== 0) {
    out.state = STATES[state];
    const queue = view.getUint32(res + RES_DEFRAG_QUEUE, true);
    if (queue) out.queue = queue;
    const fragments = view.getUint16(res + RES_DEFRAG_FRAGMENTS, true);
    if (state !== DFS_HELD && (fragments || state === DFS_REASSEMBLED)) out.fragments = fragments;
    const reason = view.getUint8(res + RES_DEFRAG_REASON);
    if (reason) out.reason = DEFRAG_REASONS[reason] ?? `defrag reason ${reason}`;
  }
  if (expired) out.expired = { queues: expired, fragments: view.getUint16(res + RES_DEFRAG_EXPIRED_FRAGS, true) };
  if (evicted) out.evicted = { queues: evicted, fragments: view.getUint16(res + RES_DEFRAG_EVICTED_FRAGS, true) };
  return out;
}
