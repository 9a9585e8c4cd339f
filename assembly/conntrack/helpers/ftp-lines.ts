// Where FTP lines start (NETFILTER.md §4.8 points 2–3): per direction, up to two TCP sequence
// numbers known to follow a "\n" (the kernel's seq_aft_nl), kept in the conntrack's ext record.
import { CX_HELPER } from '../../shared/layout';

const REMEMBERED: u32 = 2;
// CX_HELPER area: u32 seq_aft_nl[dir][2], then u8 seq_aft_nl_num[2] (layout.ts).
const SEQ_AFTER_NEWLINE = CX_HELPER;
const SEQ_AFTER_NEWLINE_COUNT = CX_HELPER + 16;

@inline function slotAt(ext: usize, dir: i32, i: u32): usize {
  return ext + SEQ_AFTER_NEWLINE + (<usize>dir << 3) + (<usize>i << 2);
}

@inline function countOf(ext: usize, dir: i32): u32 {
  return <u32>load<u8>(ext + <usize>dir, SEQ_AFTER_NEWLINE_COUNT);
}

/** Sequence-space order, wrap-aware (the kernel's before()). */
@inline function seqBefore(a: u32, b: u32): bool {
  return <i32>(a - b) < 0;
}

/** Is `seq` a remembered line start in direction `dir`? (ext 0: nothing remembered yet) */
export function startsLine(ext: usize, dir: i32, seq: u32): bool {
  if (ext == 0) return false;
  const n = countOf(ext, dir);
  for (let i: u32 = 0; i < n; i++) {
    if (load<u32>(slotAt(ext, dir, i)) == seq) return true;
  }
  return false;
}

/**
 * Remembers `seq` (the sequence number after a segment ending in "\n"): added while fewer than two
 * are known, otherwise it replaces the older of the two, but only if it is later than that one —
 * an old retransmission never pushes out a newer line start (update_nl_seq).
 */
export function rememberLineStart(ext: usize, dir: i32, seq: u32): void {
  const n = countOf(ext, dir);
  for (let i: u32 = 0; i < n; i++) {
    if (load<u32>(slotAt(ext, dir, i)) == seq) return;
  }
  if (n < REMEMBERED) {
    store<u32>(slotAt(ext, dir, n), seq);
    store<u8>(ext + <usize>dir, <u8>(n + 1), SEQ_AFTER_NEWLINE_COUNT);
    return;
  }
  const oldest: u32 = seqBefore(load<u32>(slotAt(ext, dir, 0)), load<u32>(slotAt(ext, dir, 1))) ? 0 : 1;
  if (seqBefore(load<u32>(slotAt(ext, dir, oldest)), seq)) store<u32>(slotAt(ext, dir, oldest), seq);
}
