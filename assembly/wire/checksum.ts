// The Internet checksum (RFC 1071): one's-complement sum of 16-bit big-endian words. A header or
// segment whose sum, checksum field included, folds to 0xFFFF is intact.

@inline function fold(sum: u64): u32 {
  sum = (sum & 0xffffffff) + (sum >> 32);
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return <u32>((sum & 0xffff) + (sum >> 16));
}

/**
 * The folded sum of `len` bytes at `p`, as big-endian words (an odd last byte is padded with
 * zero). Little-endian loads are summed and the result swapped once: swapping the bytes of every
 * word swaps the bytes of the one's-complement sum.
 */
export function sumBytes(p: usize, len: u32): u32 {
  let sum: u64 = 0;
  let i: u32 = 0;
  if (len >= 32) {
    // 16 bytes a step, each u16 word widened into one of four u32 lanes: a lane gains at most
    // 2 x 0xffff a step, so it cannot overflow below 2^15 steps (512 KiB; an IPv4 packet is < 64 KiB).
    let lanes = i32x4.splat(0);
    for (; i + 16 <= len; i += 16) lanes = i32x4.add(lanes, i32x4.extadd_pairwise_i16x8_u(v128.load(p + i)));
    sum = <u64>i32x4.extract_lane(lanes, 0) + <u64>i32x4.extract_lane(lanes, 1) + <u64>i32x4.extract_lane(lanes, 2) + <u64>i32x4.extract_lane(lanes, 3);
  }
  for (; i + 8 <= len; i += 8) sum += <u64>load<u32>(p + i) + <u64>load<u32>(p + i + 4);
  for (; i + 2 <= len; i += 2) sum += <u64>load<u16>(p + i);
  if (i < len) sum += <u64>load<u8>(p + i);
  return <u32>bswap<u16>(<u16>fold(sum));
}

/**
 * sumBytes for an IPv4 header: the usual 20 bytes as five words added inline (no call, no
 * loops), longer ones (with options) through sumBytes. Adding a 32-bit word adds its two 16-bit
 * halves modulo 0xffff, as the fold makes it.
 */
@inline export function sumIpHeader(p: usize, len: u32): u32 {
  if (len != 20) return sumBytes(p, len);
  const sum = <u64>load<u32>(p) + <u64>load<u32>(p, 4) + <u64>load<u32>(p, 8) + <u64>load<u32>(p, 12) + <u64>load<u32>(p, 16);
  return <u32>bswap<u16>(<u16>fold(sum));
}

/** One's-complement addition of folded sums and 16/32-bit big-endian values. */
export function addSums(a: u32, b: u32): u32 {
  return fold(<u64>a + <u64>b);
}

/** The TCP/UDP pseudo header: addresses, protocol and L4 length. */
export function pseudoHeaderSum(src: u32, dst: u32, proto: u32, l4Length: u32): u32 {
  return fold(<u64>(src >>> 16) + <u64>(src & 0xffff) + <u64>(dst >>> 16) + <u64>(dst & 0xffff) + <u64>proto + <u64>l4Length);
}

@inline export function sumIsValid(sum: u32): bool {
  return sum == 0xffff;
}
