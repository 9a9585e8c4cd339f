// Per-chain classifiers chosen at compile time (issue 6, layout.ts "Classifier tables"): chains
// of CLASSIFIER_MIN_RULES rules or more get bit-vector tables appended to the code area and
// E_CLASSIFIER set in their rule entries; smaller chains keep the linear scan, which is faster
// there (WASM-NOTES.md §2-3: linear wins below about 64 rules).
import {
  CL_CHUNKS, CL_FIELDS, CL_HEADER_WORDS, CL_RULES, CL_START, CLF_KIND, CLF_LENGTH, CLF_LOOKUP, CLF_TABLE,
  CLF_WORDS, CLK_IN, CLK_OUT, CLL_DIRECT, CLL_IFACE, CLL_SEARCH, E_CLASSIFIER,
  ENTRY_SIZE,
} from '../../assembly/shared/layout.js';
import { buildIntervalTable, expandToDirect } from './field-table.js';
import { buildIfaceTable, type IfaceTable } from './iface-table.js';
import { RowPool, type RowMemory } from './row-pool.js';
import { chainFields, FIELD_MAX, type ChainFields, type EntryRef } from './rule-fields.js';

/** 'auto': by chain size; 'linear': never (the reference path); 'always': every non-empty chain. */
export type ClassifierMode = 'auto' | 'linear' | 'always';

/** Chains with fewer rules are scanned linearly in 'auto' mode (bench/classifier.ts measures it). */
export const CLASSIFIER_MIN_RULES = 48;
/** Largest row memory one field of one chain may take; beyond it neighbouring classes merge. */
export const FIELD_ROW_BYTES_MAX = 16 << 20;
/**
 * Rules at the head of a chain that are always tried in order before the tables are consulted: a
 * packet matched there (ESTABLISHED,RELATED ACCEPT, lo, INVALID DROP) never pays for selecting
 * rows, so established traffic costs what it costs on a short chain.
 */
export const LINEAR_HEAD = 8;
/** Value fields at most this large are looked up directly instead of by binary search. */
const DIRECT_MAX = 511;
const MIN_CLASSES = 16;

export interface ChainRange {
  name: string;
  /** Entry index of the chain's first rule. */
  start: number;
  rules: number;
}

export interface ClassifierInfo {
  chain: string;
  rules: number;
  /** Fields the tables use (CLK_* numbers). */
  fields: number[];
  /** Distinct rows. */
  rows: number;
  /** Bytes of header, lookup tables and rows. */
  bytes: number;
}

type FieldPlan =
  | { kind: number; lookup: typeof CLL_DIRECT; rows: number[] }
  | { kind: number; lookup: typeof CLL_SEARCH; starts: number[]; rows: number[] }
  | { kind: number; lookup: typeof CLL_IFACE; table: IfaceTable };

/**
 * The fields worth a table, sparsest rows first. The chain's first LINEAR_HEAD rules are tried in
 * order before the tables are consulted and their bits never read, so chainFields leaves them
 * unconstrained: a field
 * only they constrain (ctstate, lo, icmp-type at the head of a stateful chain) gets no table and
 * costs no lookup per packet.
 */
function planFields(fields: ChainFields, pool: RowPool): FieldPlan[] {
  const maxClasses = Math.max(MIN_CLASSES, Math.floor(FIELD_ROW_BYTES_MAX / (pool.storedWords * 4)));
  const plans: FieldPlan[] = [];
  for (let kind = 0; kind < FIELD_MAX.length; kind++) {
    const column = fields.values[kind];
    if (!constrainsAny(column)) continue;
    const max = FIELD_MAX[kind];
    const table = buildIntervalTable(column, max, pool, maxClasses);
    if (max <= DIRECT_MAX) plans.push({ kind, lookup: CLL_DIRECT, rows: expandToDirect(table, max) });
    else plans.push({ kind, lookup: CLL_SEARCH, starts: table.starts, rows: table.rows });
  }
  for (const [kind, side] of [[CLK_IN, 'in'], [CLK_OUT, 'out']] as const) {
    const patterns = fields[side];
    if (!constrainsAny(patterns)) continue;
    plans.push({ kind, lookup: CLL_IFACE, table: buildIfaceTable(patterns, pool) });
  }
  // Sparsest rows first: the AND of a chunk stops at the first field that leaves nothing.
  const order = plans.map((plan) => ({ plan, density: density(plan, pool) })).sort((a, b) => a.density - b.density);
  return order.map((o) => o.plan);
}

function constrainsAny(column: readonly unknown[]): boolean {
  for (let i = 0; i < column.length; i++) if (column[i] !== undefined) return true;
  return false;
}

/** Mean set bits of the distinct rows a field's table uses. */
function density(plan: FieldPlan, pool: RowPool): number {
  const ids = plan.lookup === CLL_IFACE ? plan.table.classes.map((c) => c.row) : plan.rows;
  const seen = new Uint8Array(pool.count);
  let distinct = 0;
  let ones = 0;
  for (let i = 0; i < ids.length; i++) {
    if (seen[ids[i]]) continue;
    seen[ids[i]] = 1;
    distinct++;
    ones += pool.ones(ids[i]);
  }
  return ones / distinct;
}

function tableWords(plan: FieldPlan): number {
  if (plan.lookup === CLL_DIRECT) return plan.rows.length;
  if (plan.lookup === CLL_SEARCH) return 2 * plan.starts.length;
  return plan.table.patterns.length * 8 + 1 + 2 * plan.table.classes.length;
}

const align4 = (words: number) => (words + 3) & ~3;

/** One chain's classifier: header and lookup tables (`head`), then the rows (`pool`) from word `rowsAt`. */
interface ChainBlock {
  head: Uint32Array;
  rowsAt: number;
  pool: RowPool;
  words: number;
  info: ClassifierInfo;
}

/**
 * Where the code area will be loaded, when that is known while compiling (`at`: the byte address
 * of its word 0): a chain's rows are then built there instead of in blocks copied in at load.
 */
export type CodePlace = RowMemory;

/**
 * One chain's classifier block, to be placed at word `base` of the code area (a multiple of 4).
 * With `place`, its rows are built at the block's own place there.
 */
function chainBlock(range: ChainRange, fields: ChainFields, base: number, place?: CodePlace): ChainBlock | undefined {
  const chunks = Math.ceil(range.rules / 128);
  // rows first built from the block's start, moved behind its header and tables once those are sized
  const pool = new RowPool(chunks, place && { memory: place.memory, grow: place.grow, at: place.at + base * 4 });
  const plans = planFields(fields, pool);
  if (plans.length === 0) return undefined; // every rule is a candidate for every packet
  const headerWords = CL_HEADER_WORDS + plans.length * CLF_WORDS;
  const tableAt: number[] = [];
  let next = headerWords;
  for (const plan of plans) {
    tableAt.push(next);
    next += tableWords(plan);
  }
  const rowsAt = align4(next);
  if (place) pool.moveTo(place.at + (base + rowsAt) * 4);
  const words = new Uint32Array(rowsAt);
  const rowWord = (id: number) => base + rowsAt + id * pool.storedWords;
  words[CL_START] = range.start;
  words[CL_RULES] = range.rules;
  words[CL_CHUNKS] = chunks;
  words[CL_FIELDS] = plans.length;
  plans.forEach((plan, f) => {
    const d = CL_HEADER_WORDS + f * CLF_WORDS;
    const t = tableAt[f];
    words[d + CLF_KIND] = plan.kind;
    words[d + CLF_LOOKUP] = plan.lookup;
    words[d + CLF_TABLE] = base + t;
    if (plan.lookup === CLL_DIRECT) {
      words[d + CLF_LENGTH] = plan.rows.length;
      plan.rows.forEach((id, v) => (words[t + v] = rowWord(id)));
    } else if (plan.lookup === CLL_SEARCH) {
      const n = plan.starts.length;
      words[d + CLF_LENGTH] = n;
      words.set(plan.starts, t);
      plan.rows.forEach((id, j) => (words[t + n + j] = rowWord(id)));
    } else {
      const { patterns, classes } = plan.table;
      words[d + CLF_LENGTH] = patterns.length;
      const bytes = new Uint8Array(words.buffer, t * 4, patterns.length * 32);
      patterns.forEach((p, j) => {
        bytes.set(p.name, j * 32);
        bytes.set(p.mask, j * 32 + 16);
      });
      const c = t + patterns.length * 8;
      words[c] = classes.length;
      classes.forEach((cls, i) => {
        words[c + 1 + 2 * i] = cls.signature;
        words[c + 2 + 2 * i] = rowWord(cls.row);
      });
    }
  });
  const total = rowsAt + pool.words;
  return {
    head: words, rowsAt, pool, words: total,
    info: { chain: range.name, rules: range.rules, fields: plans.map((p) => p.kind), rows: pool.count, bytes: total * 4 },
  };
}

export function wantsClassifier(rules: number, mode: ClassifierMode): boolean {
  if (mode === 'linear' || rules === 0) return false;
  return mode === 'always' || rules >= CLASSIFIER_MIN_RULES;
}

/** Rules of a classified chain scanned in order before its tables are used ('always': none, for tests). */
function linearHead(mode: ClassifierMode): number {
  return mode === 'always' ? 0 : LINEAR_HEAD;
}

/**
 * The code area: match code, then the chains' classifier blocks. Written once, straight into its
 * destination (the core's memory): at 10k rules the rows are ~20 MiB, and gathering them into a
 * buffer first cost a second copy of all of it.
 */
export interface CodeImage {
  /** Words of the code area. */
  readonly words: number;
  /** Writes all of it into `target` from word `at`, the padding between blocks as zeros. */
  writeTo(target: Uint32Array, at: number): void;
}

/**
 * Appends the classifiers of the chains `mode` selects to `code` and points their rule entries at
 * them (E_CLASSIFIER). Returns the whole code area.
 */
export function appendClassifiers(
  entries: Uint8Array, code: Uint32Array, chains: readonly ChainRange[], mode: ClassifierMode, place?: CodePlace,
): { image: CodeImage; classifiers: ClassifierInfo[] } {
  const view = new DataView(entries.buffer, entries.byteOffset, entries.byteLength);
  const blocks: { at: number; block: ChainBlock }[] = [];
  const classifiers: ClassifierInfo[] = [];
  // Word 0 stays code (or padding) so that E_CLASSIFIER 0 can mean "none"; rows 16-byte aligned.
  let length = Math.max(4, align4(code.length));
  for (const range of chains) {
    if (!wantsClassifier(range.rules, mode)) continue;
    const head = Math.min(linearHead(mode), range.rules);
    const entry: EntryRef = { bytes: entries, view, at: 0 };
    const fields = chainFields(entry, code, range.start * ENTRY_SIZE, range.rules, head);
    const block = chainBlock(range, fields, length, place);
    if (!block) continue;
    for (let i = head; i < range.rules; i++) view.setUint32((range.start + i) * ENTRY_SIZE + E_CLASSIFIER, length, true);
    blocks.push({ at: length, block });
    classifiers.push(block.info);
    length += align4(block.words);
  }
  if (blocks.length === 0) length = code.length;
  const writeTo = (target: Uint32Array, at: number): void => {
    target.set(code, at);
    let written = code.length;
    for (const b of blocks) {
      target.fill(0, at + written, at + b.at);
      target.set(b.block.head, at + b.at);
      b.block.pool.copyTo(target, at + b.at + b.block.rowsAt);
      written = b.at + b.block.words;
    }
    target.fill(0, at + written, at + length);
  };
  return { image: { words: length, writeTo }, classifiers };
}
