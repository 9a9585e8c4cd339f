// The output area: bytes appended at `pos` until `end`. A write that does not fit sets `overflow`
// and writes nothing; the record walk checks it once at the end of a record (the host then makes
// room and the record is written again), so no write needs an early return.
import { W_OUT_CAP, W_OUT_POS, W_OUT_PTR, W_OUT_SLACK } from './abi';

let base: usize = 0;
let pos: usize = 0;
let end: usize = 0;
export let overflow = false;

export function loadSink(ctl: usize): void {
  base = load<u32>(ctl + W_OUT_PTR) as usize;
  pos = base + load<u32>(ctl + W_OUT_POS);
  end = base + load<u32>(ctl + W_OUT_CAP) - W_OUT_SLACK;
  overflow = false;
}

export function saveSink(ctl: usize): void {
  store<u32>(ctl + W_OUT_POS, <u32>(pos - base));
}

/** Where the record being written starts: rollback() to it forgets the record. */
export function position(): usize {
  return pos;
}

export function rollback(at: usize): void {
  pos = at;
  overflow = false;
}

/** The address of the next `n` bytes, now written; 0 (and overflow) when they do not fit. */
@inline export function claim(n: usize): usize {
  if (pos + n > end) overflow = true;
  if (overflow) return 0;
  const at = pos;
  pos += n;
  return at;
}

@inline export function putByte(b: u32): void {
  const at = claim(1);
  if (at) store<u8>(at, b);
}

/**
 * `length` bytes from `src`, 16 at a time: the area keeps W_OUT_SLACK (16) bytes past `end` for
 * the overrun, and the host leaves as many readable past the last fragment.
 */
export function putBytes(src: usize, length: usize): void {
  const at = claim(length);
  if (!at) return;
  for (let i: usize = 0; i < length; i += 16) v128.store(at + i, v128.load(src + i));
}

/** Back-patches a big-endian u16 (a msgpack map16 size) at `at`. */
export function patchU16(at: usize, value: u32): void {
  store<u8>(at, value >> 8);
  store<u8>(at + 1, value);
}
