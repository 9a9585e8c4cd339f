// The distinct bit rows of one chain's classifier: equal rows are stored once (equivalence
// classes), so a field whose many intervals select the same rules costs one row. A stored row is
// its summary (bit c set when 128-bit chunk c has any rule) and then its bits (layout.ts
// "Classifier tables"). Rows are held as Int32Array (the same bits): word values above 2^31 in a
// Uint32Array are heap numbers for V8, which unoptimised code allocates on every read.

const BLOCK_WORDS = 1 << 18;
const EMPTY_SLOT = -1;

/**
 * A WebAssembly memory a pool may keep its rows in, from byte `at` on, instead of blocks of its
 * own: the core's, where the rows are going anyway (bitvector.ts builds a chain's rows where its
 * classifier block will be, so loading writes them no more: at 10k rules that is ~20 MiB less to
 * allocate, fault in and copy in a fresh process).
 */
export interface RowMemory {
  memory: WebAssembly.Memory;
  /** Makes `memory` hold at least `bytes` bytes. */
  grow(bytes: number): void;
  /** Byte address of the first row (16-byte aligned). */
  at: number;
}

export class RowPool {
  /** Words of a row's bits: 4 per 128-rule chunk. */
  readonly dataWords: number;
  /** Words of a row's summary: 4 per 128 chunks. */
  readonly summaryWords: number;
  /** Words of a stored row (summary, then bits). */
  readonly storedWords: number;
  /** Fixed-size blocks, never copied as the pool grows (10k-rule chains hold ~20 MiB of rows). */
  private readonly blocks: Int32Array[] = [];
  private readonly rowsPerBlock: number;
  /** The buffer `blocks` view when they lie in `place`'s memory (a grown memory has a new one). */
  private viewed?: ArrayBuffer;
  private rows = 0;
  /** rowHash and set bits of each row, by id. */
  private hashes = new Int32Array(64);
  private counts = new Int32Array(64);
  /** Open-addressing index of the rows by hash: row ids, EMPTY_SLOT where free (a Map of arrays allocated per row). */
  private slots = new Int32Array(128).fill(EMPTY_SLOT);

  /** Where the rows are kept when not in blocks of the pool's own (a copy: moveTo changes `at`). */
  private readonly place?: RowMemory;

  constructor(readonly chunks: number, place?: RowMemory) {
    this.place = place && { memory: place.memory, grow: place.grow, at: place.at };
    this.dataWords = chunks * 4;
    this.summaryWords = Math.ceil(chunks / 128) * 4;
    this.storedWords = this.summaryWords + this.dataWords;
    this.rowsPerBlock = Math.max(8, Math.floor(BLOCK_WORDS / this.storedWords));
  }

  get count(): number {
    return this.rows;
  }

  /**
   * The id of a row equal to `row` (dataWords words), added if new. `hash` is rowHash(row) and
   * `ones` its set bits, passed by callers that keep them up to date as they change single bits (a
   * sweep changes a few words between rows, and rehashing all of them was most of the compile time
   * at 10k rules).
   */
  add(row: Int32Array, hash = rowHash(row, this.dataWords), ones = countOnes(row, this.dataWords)): number {
    if (this.place && this.viewed !== this.place.memory.buffer) this.viewBlocks();
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (let id = this.slots[slot]; id !== EMPTY_SLOT; id = this.slots[slot]) {
      if (this.hashes[id] === hash && this.equals(id, row)) return id;
      slot = (slot + 1) & mask;
    }
    const id = this.rows++;
    if (id % this.rowsPerBlock === 0) this.addBlock();
    const block = this.blocks[this.blocks.length - 1];
    const at = (id % this.rowsPerBlock) * this.storedWords;
    // memory below a row may hold anything: the summary's padding words are written too
    for (let w = Math.ceil(this.chunks / 32); w < this.summaryWords; w++) block[at + w] = 0;
    for (let c0 = 0; c0 < this.chunks; c0 += 32) {
      let summary = 0;
      const end = Math.min(c0 + 32, this.chunks);
      for (let c = c0, w = 4 * c0; c < end; c++, w += 4) {
        if ((row[w] | row[w + 1] | row[w + 2] | row[w + 3]) !== 0) summary |= 1 << (c & 31);
      }
      block[at + (c0 >>> 5)] = summary;
    }
    block.set(row.length === this.dataWords ? row : row.subarray(0, this.dataWords), at + this.summaryWords);
    if (id === this.hashes.length) {
      this.hashes = grown(this.hashes);
      this.counts = grown(this.counts);
    }
    this.hashes[id] = hash;
    this.counts[id] = ones;
    this.slots[slot] = id;
    // at most half full, so probes stay short
    if (2 * this.rows > this.slots.length) this.rehash();
    return id;
  }

  private get blockWords(): number {
    return this.rowsPerBlock * this.storedWords;
  }

  private addBlock(): void {
    if (!this.place) {
      this.blocks.push(new Int32Array(this.blockWords));
      return;
    }
    this.place.grow(this.place.at + (this.blocks.length + 1) * this.blockWords * 4);
    this.blocks.push(new Int32Array(0));
    this.viewBlocks();
  }

  /** (Re)makes the views of the blocks in `place`'s memory. */
  private viewBlocks(): void {
    const { memory, at } = this.place!;
    this.viewed = memory.buffer;
    for (let b = 0; b < this.blocks.length; b++) this.blocks[b] = new Int32Array(memory.buffer, at + b * this.blockWords * 4, this.blockWords);
  }

  /**
   * Moves the rows of a pool kept in a memory to byte `to` of it (where their classifier block
   * puts them, known once the lookup tables before them are planned).
   */
  moveTo(to: number): void {
    const place = this.place;
    if (!place) throw new Error('RowPool.moveTo: the rows are not in a WebAssembly memory');
    if (to === place.at) return;
    place.grow(to + this.blocks.length * this.blockWords * 4);
    new Uint8Array(place.memory.buffer).copyWithin(to, place.at, place.at + this.words * 4);
    place.at = to;
    this.viewBlocks();
  }

  private rehash(): void {
    this.slots = new Int32Array(2 * this.slots.length).fill(EMPTY_SLOT);
    const mask = this.slots.length - 1;
    for (let id = 0; id < this.rows; id++) {
      let slot = this.hashes[id] & mask;
      while (this.slots[slot] !== EMPTY_SLOT) slot = (slot + 1) & mask;
      this.slots[slot] = id;
    }
  }

  /** Set bits of row `id`. */
  ones(id: number): number {
    return this.counts[id];
  }

  /** Whether the rows are at word `at` of `target` already. */
  private isAt(target: Uint32Array, at: number): boolean {
    return this.place !== undefined && target.buffer === this.place.memory.buffer && target.byteOffset + at * 4 === this.place.at;
  }

  private equals(id: number, row: Int32Array): boolean {
    const block = this.blocks[Math.floor(id / this.rowsPerBlock)];
    const at = (id % this.rowsPerBlock) * this.storedWords + this.summaryWords;
    for (let i = 0; i < this.dataWords; i++) if (block[at + i] !== row[i]) return false;
    return true;
  }

  get words(): number {
    return this.rows * this.storedWords;
  }

  /** Writes every stored row, in id order, into `target` from word `at`. */
  copyTo(target: Uint32Array, at: number): void {
    if (this.isAt(target, at)) return;
    if (this.place && this.viewed !== this.place.memory.buffer) this.viewBlocks();
    // the same element type on both sides: a plain copy
    const words = new Int32Array(target.buffer, target.byteOffset, target.length);
    let left = this.words;
    for (const block of this.blocks) {
      const n = Math.min(left, block.length);
      words.set(block.subarray(0, n), at);
      at += n;
      left -= n;
    }
  }
}

function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(2 * a.length);
  b.set(a);
  return b;
}

function popcount(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

function countOnes(row: Int32Array, words: number): number {
  let count = 0;
  for (let i = 0; i < words; i++) count += popcount(row[i]);
  return count;
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
export function rowHash(row: Int32Array, words = row.length): number {
  let hash = 0;
  for (let i = 0; i < words; i++) if (row[i] !== 0) hash ^= wordHash(i, row[i]);
  return hash;
}

/**
 * A row being edited bit by bit, with its rowHash and set bits kept current, whether it changed
 * since `addTo`, and which words changed since `copy` (so that OR-ing it into a merged row visits
 * only those).
 */
export class TrackedRow {
  readonly bits: Int32Array;
  hash = 0;
  ones = 0;
  changed = true;
  /** Words written since the last `markClean`, each listed once (`isDirty`). */
  private readonly dirty: Int32Array;
  private dirtyCount = 0;
  private readonly isDirty: Uint8Array;

  constructor(pool: RowPool) {
    this.bits = emptyRow(pool);
    this.dirty = new Int32Array(pool.dataWords);
    this.isDirty = new Uint8Array(pool.dataWords);
  }

  private write(word: number, value: number): void {
    const old = this.bits[word];
    if (old === value) return;
    this.hash ^= wordHash(word, old) ^ wordHash(word, value);
    this.ones += popcount(value) - popcount(old);
    this.bits[word] = value;
    this.changed = true;
    if (this.isDirty[word] === 0) {
      this.isDirty[word] = 1;
      this.dirty[this.dirtyCount++] = word;
    }
  }

  set(i: number): void {
    this.write(i >>> 5, this.bits[i >>> 5] | (1 << (i & 31)));
  }

  /** Sets the bits of `mask` in word `word`. */
  setBits(word: number, mask: number): void {
    this.write(word, this.bits[word] | mask);
  }

  /** Clears the bits of `mask` in word `word`. */
  clearBits(word: number, mask: number): void {
    this.write(word, this.bits[word] & ~mask);
  }

  /** Forgets which words changed. */
  markClean(): void {
    for (let k = 0; k < this.dirtyCount; k++) this.isDirty[this.dirty[k]] = 0;
    this.dirtyCount = 0;
  }

  /**
   * Becomes a copy of `other` (what clearing it and OR-ing `other` in would make, without
   * rehashing each word); `other` is marked clean, ready for `includeChanges`.
   */
  copy(other: TrackedRow): void {
    this.bits.set(other.bits);
    this.hash = other.hash;
    this.ones = other.ones;
    this.changed = true;
    other.markClean();
  }

  /**
   * ORs `other` into this row, which holds the OR of every state `other` had since it was copied
   * here: only the words `other` changed since then can add bits.
   */
  includeChanges(other: TrackedRow): void {
    for (let k = 0; k < other.dirtyCount; k++) {
      const w = other.dirty[k];
      this.write(w, this.bits[w] | other.bits[w]);
    }
  }

  /** The id of this row in `pool`; clears `changed`. */
  addTo(pool: RowPool): number {
    this.changed = false;
    return pool.add(this.bits, this.hash, this.ones);
  }
}

/** A row with no rule's bit set. */
export function emptyRow(pool: RowPool): Int32Array {
  return new Int32Array(pool.dataWords);
}

export function setBit(row: Int32Array, i: number): void {
  row[i >>> 5] |= 1 << (i & 31);
}
