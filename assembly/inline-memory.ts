// Fixed-size zeroing and copying as plain loads and stores. V8 compiles memory.fill and
// memory.copy to a call out of the WASM code whatever the size: for the few bytes of a record or
// a name, that call costs more than the bytes (a packet record is cleared for every frame).

/** Zeroes `bytes` (a multiple of 16) at `at`. */
@inline export function zeroBlocks(at: usize, bytes: usize): void {
  for (let i: usize = 0; i < bytes; i += 16) v128.store(at + i, i64x2.splat(0));
}

/** Copies 16 bytes (an interface name). */
@inline export function copy16(to: usize, from: usize): void {
  v128.store(to, v128.load(from));
}

/** Copies 6 bytes (a MAC address). */
@inline export function copy6(to: usize, from: usize): void {
  store<u32>(to, load<u32>(from));
  store<u16>(to + 4, load<u16>(from + 4));
}

/** Longest copy done with loads and stores: beyond it the call's cost is small against the bytes. */
const INLINE_COPY_MAX: usize = 256;

/** Copies `length` bytes, reading and writing none outside either range (the ranges must not overlap). */
export function copyBytes(to: usize, from: usize, length: usize): void {
  if (length > INLINE_COPY_MAX) {
    memory.copy(to, from, length);
    return;
  }
  let i: usize = 0;
  for (; i + 16 <= length; i += 16) v128.store(to + i, v128.load(from + i));
  if (i + 8 <= length) {
    store<u64>(to + i, load<u64>(from + i));
    i += 8;
  }
  if (i + 4 <= length) {
    store<u32>(to + i, load<u32>(from + i));
    i += 4;
  }
  if (i + 2 <= length) {
    store<u16>(to + i, load<u16>(from + i));
    i += 2;
  }
  if (i < length) store<u8>(to + i, load<u8>(from + i));
}
