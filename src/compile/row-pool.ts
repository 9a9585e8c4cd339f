// The distinct bit rows of one chain's classifier: equal rows are stored once (equivalence
// classes), so a field whose many intervals select the same rules costs one row.

export class RowPool {
  readonly wordsPerRow: number;
  private data: Uint32Array;
  private rows = 0;
  private readonly byHash = new Map<number, number[]>();

  constructor(chunks: number) {
    this.wordsPerRow = chunks * 4;
    this.data = new Uint32Array(this.wordsPerRow * 8);
  }

  get count(): number {
    return this.rows;
  }

  /** The id of a row equal to `row` (wordsPerRow words), added if new. */
  add(row: Uint32Array): number {
    const w = this.wordsPerRow;
    let hash = 0x811c9dc5;
    for (let i = 0; i < w; i++) hash = Math.imul(hash ^ row[i], 0x01000193);
    const same = this.byHash.get(hash);
    if (same) {
      for (const id of same) if (this.equals(id, row)) return id;
    }
    if ((this.rows + 1) * w > this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data.set(row.subarray(0, w), this.rows * w);
    if (same) same.push(this.rows);
    else this.byHash.set(hash, [this.rows]);
    return this.rows++;
  }

  private equals(id: number, row: Uint32Array): boolean {
    const w = this.wordsPerRow;
    const at = id * w;
    for (let i = 0; i < w; i++) if (this.data[at + i] !== row[i]) return false;
    return true;
  }

  words(): Uint32Array {
    return this.data.subarray(0, this.rows * this.wordsPerRow);
  }
}

/** A row with the bits of `rules` rules, all clear. */
export function emptyRow(pool: RowPool): Uint32Array {
  return new Uint32Array(pool.wordsPerRow);
}

export function setBit(row: Uint32Array, i: number): void {
  row[i >>> 5] |= 1 << (i & 31);
}

export function clearBit(row: Uint32Array, i: number): void {
  row[i >>> 5] &= ~(1 << (i & 31));
}
