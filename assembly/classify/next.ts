// "The next entry at or after position k that can match": the AND of the selected rows (rows.ts),
// 128 rules at a time, lowest set bit first (layout.ts "Classifier tables").
import { CL_CHUNKS, CL_RULES, CL_START } from '../shared/layout';
import { codeBase } from '../vm/config';
import { rowAddresses, rowCount, selectRows } from './rows';

@inline function chunkOfAll(offset: usize, rows: i32): v128 {
  let bits = v128.load(load<usize>(rowAddresses) + offset);
  for (let f = 1; f < rows; f++) bits = v128.and(bits, v128.load(load<usize>(rowAddresses + (<usize>f << 2)) + offset));
  return bits;
}

/** The bits of a chunk from `bit` (0..127) upward. */
@inline function fromBit(bit: u32): v128 {
  const ones: i64 = -1;
  if (bit < 64) return i64x2.replace_lane(i64x2.splat(ones), 0, ones << <i64>bit);
  return i64x2.replace_lane(i64x2.splat(0), 1, ones << <i64>(bit - 64));
}

/**
 * The first rule of the chain whose classifier header is at word `header`, at or after entry
 * `at`, that the tables do not rule out; the chain's tail when there is none.
 */
export function nextCandidate(header: u32, at: u32): u32 {
  const h = codeBase + (<usize>header << 2);
  selectRows(h);
  const rows = rowCount;
  if (rows == 0) return at;
  const start = load<u32>(h, CL_START << 2);
  const chunks = load<u32>(h, CL_CHUNKS << 2);
  const bit = at - start;
  let chunk = bit >>> 7;
  let offset = <usize>chunk << 4;
  let bits = v128.and(chunkOfAll(offset, rows), fromBit(bit & 127));
  while (true) {
    if (v128.any_true(bits)) {
      const low = i64x2.extract_lane(bits, 0);
      const found = low != 0 ? <u32>ctz(low) : 64 + <u32>ctz(i64x2.extract_lane(bits, 1));
      return start + (chunk << 7) + found;
    }
    if (++chunk >= chunks) return start + load<u32>(h, CL_RULES << 2);
    offset += 16;
    bits = chunkOfAll(offset, rows);
  }
}
