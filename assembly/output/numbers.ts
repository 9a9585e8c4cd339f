// Numbers in the forms the JS encoders write them: msgpack in the smallest form msgpackr picks
// (src/output/msgpack-writer.ts number()), JSON and CSV as the decimal text String(n) gives for
// an integer.
import { claim, putByte } from './sink';

/** An unsigned 32-bit integer in msgpack: positive fixint, uint8, uint16 or uint32. */
export function msgpackUint(value: u32): void {
  if (value < 0x80) putByte(value);
  else if (value < 0x100) {
    const at = claim(2);
    if (!at) return;
    store<u8>(at, 0xcc);
    store<u8>(at + 1, value);
  } else if (value < 0x10000) {
    const at = claim(3);
    if (!at) return;
    store<u8>(at, 0xcd);
    store<u16>(at + 1, bswap<u16>(<u16>value));
  } else {
    const at = claim(5);
    if (!at) return;
    store<u8>(at, 0xce);
    store<u32>(at + 1, bswap<u32>(value));
  }
}

/** A record number (an integer >= 0): above u32 msgpackr writes a float64. */
export function msgpackNumber(value: f64): void {
  if (value <= 4294967295.0) {
    msgpackUint(<u32>value);
    return;
  }
  const at = claim(9);
  if (!at) return;
  store<u8>(at, 0xcb);
  store<u64>(at + 1, bswap<u64>(reinterpret<u64>(value)));
}

/** An integer >= 0 below 2^53 in decimal. */
export function decimal(value: u64): void {
  // u32 values (nearly all) with 32-bit divisions by 10, which the engine turns into multiplications
  if (value <= <u64>u32.MAX_VALUE) decimalOf<u32>(<u32>value);
  else decimalOf<u64>(value);
}

function decimalOf<T>(value: T): void {
  let digits: usize = 1;
  for (let v = value; v >= <T>10; v /= <T>10) digits++;
  const at = claim(digits);
  if (!at) return;
  let p = at + digits;
  let v = value;
  do {
    store<u8>(--p, <u32>(v % <T>10) + 0x30);
    v /= <T>10;
  } while (v != <T>0);
}
