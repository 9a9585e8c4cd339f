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
