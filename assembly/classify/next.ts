// "The next entry at or after position k that can match": the AND of the selected rows (rows.ts),
// 128 rules at a time, lowest set bit first (layout.ts "Classifier tables"). The rows' summaries
// (one bit per 128-rule chunk) are ANDed first, so runs of chunks where some field rules every
// rule out are skipped without touching them: a packet that matches nothing until the end of a
// 10k-rule chain reads a few summary words per field, not 79 chunks.
import { CL_CHUNKS, CL_RULES, CL_START } from '../shared/layout';
import { codeBase } from '../vm/config';
import { rowAddresses, rowCount, selectRows } from './rows';

/** The AND of `bits` and every row's 16 bytes at `offset`; stops once nothing is left (the
 * compiler puts the sparsest fields first). */
@inline function andRows(bits: v128, offset: usize, rows: i32): v128 {
  for (let f = 0; f < rows; f++) {
    bits = v128.and(bits, v128.load(load<usize>(rowAddresses + (<usize>f << 2)) + offset));
    if (!v128.any_true(bits)) break;
  }
  return bits;
}

/** The bits of a chunk from `bit` (0..127) upward. */
@inline function fromBit(bit: u32): v128 {
  const ones: i64 = -1;
  if (bit < 64) return i64x2.replace_lane(i64x2.splat(ones), 0, ones << <i64>bit);
  return i64x2.replace_lane(i64x2.splat(0), 1, ones << <i64>(bit - 64));
}

@inline function lowestBit(bits: v128): u32 {
  const low = i64x2.extract_lane(bits, 0);
  return low != 0 ? <u32>ctz(low) : 64 + <u32>ctz(i64x2.extract_lane(bits, 1));
}

/**
 * The lowest bit >= `from` and < `limit` set in every row's bit array that starts `offset` bytes
 * into the row (bits past the array's last real bit are zero); `limit` when there is none.
 */
function firstCommon(offset: usize, from: u32, limit: u32, rows: i32): u32 {
  let chunk = from >>> 7;
  const chunks = (limit + 127) >>> 7;
  let bits = andRows(fromBit(from & 127), offset + (<usize>chunk << 4), rows);
  while (true) {
    if (v128.any_true(bits)) {
      const found = (chunk << 7) + lowestBit(bits);
      return found < limit ? found : limit;
    }
    if (++chunk >= chunks) return limit;
    bits = andRows(i64x2.splat(-1), offset + (<usize>chunk << 4), rows);
  }
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
  const rules = load<u32>(h, CL_RULES << 2);
  const chunks = load<u32>(h, CL_CHUNKS << 2);
  const summaryBytes = <usize>((chunks + 127) >>> 7) << 4;
  let bit = at - start;
  while (bit < rules) {
    const chunk = firstCommon(0, bit >>> 7, chunks, rows);
    if (chunk >= chunks) break;
    const chunkStart = chunk << 7;
    const end = chunkStart + 128;
    const found = firstCommon(summaryBytes, bit > chunkStart ? bit : chunkStart, end, rows);
    if (found < end) return start + found;
    bit = end;
  }
  return start + rules;
}
