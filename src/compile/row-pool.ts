// The distinct bit rows of one chain's classifier: equal rows are stored once (equivalence
// classes), so a field whose many intervals select the same rules costs one row. A stored row is
// its summary (bit c set when 128-bit chunk c has any rule) and then its bits (layout.ts
// "Classifier tables").

const BLOCK_WORDS = 1 << 18;

export class RowPool {
  /** Words of a row's bits: 4 per 128-rule chunk. */
  readonly dataWords: number;
  /** Words of a row's summary: 4 per 128 chunks. */
  readonly summaryWords: number;
  /** Words of a stored row (summary, then bits). */
  readonly storedWords: number;
  /** Fixed-size blocks, never copied as the pool grows (10k-rule chains hold ~20 MiB of rows). */
  private readonly blocks: Uint32Array[] = [];
  private readonly rowsPerBlock: number;
  private rows = 0;
  private readonly byHash = new Map<number, number[]>();

  constructor(readonly chunks: number) {
    this.dataWords = chunks * 4;
    this.summaryWords = Math.ceil(chunks / 128) * 4;
    this.storedWords = this.summaryWords + this.dataWords;
    this.rowsPerBlock = Math.max(8, Math.floor(BLOCK_WORDS / this.storedWords));
  }

  /** The block holding row `id` and the row's word offset in it. */
  private place(id: number): [Uint32Array, number] {
    return [this.blocks[Math.floor(id / this.rowsPerBlock)], (id % this.rowsPerBlock) * this.storedWords];
  }

  get count(): number {
    return this.rows;
  }

  /**
   * The id of a row equal to `row` (dataWords words), added if new. `hash` is rowHash(row), passed
   * by callers that keep it up to date as they change single bits (a sweep changes a few words
   * between rows, and rehashing all of them was most of the compile time at 10k rules).
   */
  add(row: Uint32Array, hash = rowHash(row, this.dataWords)): number {
    const same = this.byHash.get(hash);
    if (same) {
      for (const id of same) if (this.equals(id, row)) return id;
    }
    if (this.rows % this.rowsPerBlock === 0) this.blocks.push(new Uint32Array(this.rowsPerBlock * this.storedWords));
    const block = this.blocks[this.blocks.length - 1];
    const at = (this.rows % this.rowsPerBlock) * this.storedWords;
    for (let c = 0; c < this.chunks; c++) {
      if ((row[4 * c] | row[4 * c + 1] | row[4 * c + 2] | row[4 * c + 3]) !== 0) block[at + (c >>> 5)] |= 1 << (c & 31);
    }
    block.set(row.length === this.dataWords ? row : row.subarray(0, this.dataWords), at + this.summaryWords);
    if (same) same.push(this.rows);
    else this.byHash.set(hash, [this.rows]);
    return this.rows++;
  }

  /** Set bits of row `id`. */
  ones(id: number): number {
    let count = 0;
    const [block, row] = this.place(id);
    const at = row + this.summaryWords;
    for (let i = 0; i < this.dataWords; i++) {
      let v = block[at + i];
      v -= (v >>> 1) & 0x55555555;
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      count += Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    return count;
  }

  private equals(id: number, row: Uint32Array): boolean {
    const [block, stored] = this.place(id);
    const at = stored + this.summaryWords;
    for (let i = 0; i < this.dataWords; i++) if (block[at + i] !== row[i]) return false;
    return true;
  }

  get words(): number {
    return this.rows * this.storedWords;
  }

  /** Writes every stored row, in id order, into `target` from word `at`. */
  copyTo(target: Uint32Array, at: number): void {
    let left = this.words;
    for (const block of this.blocks) {
      const n = Math.min(left, block.length);
      target.set(block.subarray(0, n), at);
      at += n;
      left -= n;
    }
  }
}

/** Word `index` of a row holding `value`, hashed; 0 for an empty word so that empty rows hash to 0. */
function wordHash(index: number, value: number): number {
  if (value === 0) return 0;
  let h = Math.imul(value ^ Math.imul(index + 1, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** XOR of the word hashes: a change of one word updates it in O(1) (TrackedRow). */
export function rowHash(row: Uint32Array, words = row.length): number {
  let hash = 0;
  for (let i = 0; i < words; i++) if (row[i] !== 0) hash ^= wordHash(i, row[i]);
  return hash;
}

/** A row being edited bit by bit, with its rowHash kept current and whether it changed since `settle`. */
export class TrackedRow {
  readonly bits: Uint32Array;
  hash = 0;
  changed = true;

  constructor(pool: RowPool) {
    this.bits = emptyRow(pool);
  }

  private write(word: number, value: number): void {
    const old = this.bits[word];
    if (old === value) return;
    this.hash ^= wordHash(word, old) ^ wordHash(word, value);
    this.bits[word] = value;
    this.changed = true;
  }

  set(i: number): void {
    this.write(i >>> 5, this.bits[i >>> 5] | (1 << (i & 31)));
  }

  clear(i: number): void {
    this.write(i >>> 5, this.bits[i >>> 5] & ~(1 << (i & 31)));
  }

  /** ORs `other` into this row. */
  include(other: Uint32Array): void {
    for (let w = 0; w < this.bits.length; w++) if (other[w] !== 0) this.write(w, this.bits[w] | other[w]);
  }

  reset(): void {
    this.bits.fill(0);
    this.hash = 0;
    this.changed = true;
  }

  /** The id of this row in `pool`; clears `changed`. */
  addTo(pool: RowPool): number {
    this.changed = false;
    return pool.add(this.bits, this.hash);
  }
}

/** A row with no rule's bit set. */
export function emptyRow(pool: RowPool): Uint32Array {
  return new Uint32Array(pool.dataWords);
}

export function setBit(row: Uint32Array, i: number): void {
  row[i >>> 5] |= 1 << (i & 31);
}
