// The distinct bit rows of one chain's classifier: equal rows are stored once (equivalence
// classes), so a field whose many intervals select the same rules costs one row. A stored row is
// its summary (bit c set when 128-bit chunk c has any rule) and then its bits (layout.ts
// "Classifier tables").

export class RowPool {
  /** Words of a row's bits: 4 per 128-rule chunk. */
  readonly dataWords: number;
  /** Words of a row's summary: 4 per 128 chunks. */
  readonly summaryWords: number;
  /** Words of a stored row (summary, then bits). */
  readonly storedWords: number;
  private data: Uint32Array;
  private rows = 0;
  private readonly byHash = new Map<number, number[]>();

  constructor(readonly chunks: number) {
    this.dataWords = chunks * 4;
    this.summaryWords = Math.ceil(chunks / 128) * 4;
    this.storedWords = this.summaryWords + this.dataWords;
    this.data = new Uint32Array(this.storedWords * 8);
  }

  get count(): number {
    return this.rows;
  }

  /** The id of a row equal to `row` (dataWords words), added if new. */
  add(row: Uint32Array): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < this.dataWords; i++) hash = Math.imul(hash ^ row[i], 0x01000193);
    const same = this.byHash.get(hash);
    if (same) {
      for (const id of same) if (this.equals(id, row)) return id;
    }
    if ((this.rows + 1) * this.storedWords > this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    const at = this.rows * this.storedWords;
    for (let c = 0; c < this.chunks; c++) {
      if ((row[4 * c] | row[4 * c + 1] | row[4 * c + 2] | row[4 * c + 3]) !== 0) this.data[at + (c >>> 5)] |= 1 << (c & 31);
    }
    this.data.set(row.subarray(0, this.dataWords), at + this.summaryWords);
    if (same) same.push(this.rows);
    else this.byHash.set(hash, [this.rows]);
    return this.rows++;
  }

  /** Set bits of row `id`. */
  ones(id: number): number {
    let count = 0;
    const at = id * this.storedWords + this.summaryWords;
    for (let i = 0; i < this.dataWords; i++) {
      let v = this.data[at + i];
      v -= (v >>> 1) & 0x55555555;
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      count += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    return count;
  }

  private equals(id: number, row: Uint32Array): boolean {
    const at = id * this.storedWords + this.summaryWords;
    for (let i = 0; i < this.dataWords; i++) if (this.data[at + i] !== row[i]) return false;
    return true;
  }

  /** Every stored row, id order. */
  words(): Uint32Array {
    return this.data.subarray(0, this.rows * this.storedWords);
  }
}

/** A row with no rule's bit set. */
export function emptyRow(pool: RowPool): Uint32Array {
  return new Uint32Array(pool.dataWords);
}

export function setBit(row: Uint32Array, i: number): void {
  row[i >>> 5] |= 1 << (i & 31);
}

export function clearBit(row: Uint32Array, i: number): void {
  row[i >>> 5] &= ~(1 << (i & 31));
}
