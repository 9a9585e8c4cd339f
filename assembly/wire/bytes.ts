// Reading multi-byte fields: network headers are big-endian; capture file headers are in the byte
// order of the machine that wrote them (pcap header magic, pcapng section byte-order magic), which
// `fileBigEndian` follows while a file or section is being read.

export let fileBigEndian: bool = false;

export function setFileBigEndian(big: bool): void {
  fileBigEndian = big;
}

@inline export function be16(p: usize): u32 {
  return <u32>bswap<u16>(load<u16>(p));
}

@inline export function be32(p: usize): u32 {
  return bswap<u32>(load<u32>(p));
}

@inline export function file16(p: usize): u32 {
  const v = load<u16>(p);
  return fileBigEndian ? <u32>bswap<u16>(v) : <u32>v;
}

@inline export function file32(p: usize): u32 {
  const v = load<u32>(p);
  return fileBigEndian ? bswap<u32>(v) : v;
}

@inline export function file64(p: usize): u64 {
  const v = load<u64>(p);
  return fileBigEndian ? bswap<u64>(v) : v;
}

/** The length of the NUL-terminated text at `p`, reading at most `max` bytes. */
export function textLength(p: usize, max: u32): u32 {
  let n: u32 = 0;
  while (n < max && load<u8>(p + n) != 0) n++;
  return n;
}
