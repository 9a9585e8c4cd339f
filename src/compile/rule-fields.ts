// What one compiled rule allows on each field the classifier knows (layout.ts "Classifier
// tables"), read back from its entry (basic match) and its match code, so the tables follow the
// exact path's semantics by construction. Anything not understood here stays unconstrained: the
// classifier may only ever over-approximate, the exact check after it decides.
import {
  CLK_CTSTATE, CLK_DPORT, CLK_DST, CLK_ICMP_TYPE, CLK_PROTOFRAG, CLK_SPORT, CLK_SRC, E_CODE_LEN, E_CODE_OFF, E_DMSK, ENTRY_SIZE,
  E_DST, E_FLAGS, E_IN_MASK, E_IN_NAME, E_INVFLAGS, E_OUT_MASK, E_OUT_NAME, E_PROTO, E_SMSK, E_SRC, EF_FRAG,
  FD_CTSTATE, FD_DPORT, FD_DST, FD_ICMP_TYPE, FD_PROTO, FD_SPORT, FD_SRC, INS_INVERT, INV_DST, INV_FRAG,
  INV_IN, INV_OUT, INV_PROTO, INV_SRC, OP_ANYBIT, OP_FAIL, OP_HASHLIMIT, OP_ICMP, OP_IPRANGE, OP_L4HDR,
  OP_LIMIT, OP_MASKEQ, OP_PORTS, OP_RANGE, OP_RECENT,
} from '../../assembly/shared/layout.js';
import { EMPTY, enumerate, intersect, inverted, normalize, type ValueSet } from './value-set.js';

const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
const U8_MAX = 0xff;
const PROTOFRAG_MAX = 511;
const IFNAMSIZ = 16;
const PORTS_SOURCE = 0;
const PORTS_DESTINATION = 1;
const ICMP_ANY_TYPE = 0xff;

/**
 * Fields up to this size (protocol, ICMP type, ctstate) have their value sets built once per
 * distinct option and shared by every rule that has it; larger ones get a set per rule.
 */
export const SHARED_SETS_MAX = PROTOFRAG_MAX;

/** Largest value of each value field (CLK_SRC..CLK_CTSTATE). */
export const FIELD_MAX: readonly number[] = [U32_MAX, U32_MAX, PROTOFRAG_MAX, U16_MAX, U16_MAX, U8_MAX, U8_MAX];

/** The field descriptors (FD_*) of compare opcodes that read a classified field. */
const FIELD_OF_DESCRIPTOR = new Map<number, number>([
  [FD_SRC, CLK_SRC],
  [FD_DST, CLK_DST],
  [FD_SPORT, CLK_SPORT],
  [FD_DPORT, CLK_DPORT],
  [FD_ICMP_TYPE, CLK_ICMP_TYPE],
  [FD_CTSTATE, CLK_CTSTATE],
  [FD_PROTO, CLK_PROTOFRAG],
]);

/** An interface the rule names (-i/-o): compared like ifname_compare_aligned, with its `!`. */
export interface InterfacePattern {
  name: Uint8Array;
  mask: Uint8Array;
  invert: boolean;
  /** name + mask as text: equal keys are the same pattern. */
  key: string;
}

/** What each rule of a chain allows, field by field (columns: one array per field, one slot per rule). */
export interface ChainFields {
  /** [CLK_SRC..CLK_CTSTATE][rule]; undefined = any value. */
  values: (ValueSet | undefined)[][];
  in: (InterfacePattern | undefined)[];
  out: (InterfacePattern | undefined)[];
}

/** The protocol value as the field's own encoding: the PROTOFRAG field holds proto << 1 | fragment. */
function fieldValueOf(kind: number, encoded: number): number {
  return kind === CLK_PROTOFRAG ? encoded >>> 1 : encoded;
}

/** Values with (v & mask) == value when that is one interval (a prefix mask), else undefined. */
function prefixInterval(mask: number, value: number, max: number): ValueSet | undefined {
  const free = ~mask & max;
  if ((free & (free + 1)) !== 0) return undefined;
  if ((value & free) !== 0) return EMPTY;
  return [value >>> 0, (value | free) >>> 0];
}

/** Small-domain enumerations repeat across rules (same protocol, same state list): built once. */
const memo = new Map<string, ValueSet>();
function remembered(key: string, build: () => ValueSet): ValueSet {
  let set = memo.get(key);
  if (!set) {
    set = build();
    memo.set(key, set);
  }
  return set;
}

/**
 * What one compare opcode allows on `kind`, before its `!`. Operands after the field: OP_RANGE /
 * OP_IPRANGE lo, hi; OP_MASKEQ mask, value; OP_ANYBIT bits.
 */
function compareSet(op: number, kind: number, x: number, y: number): ValueSet | undefined {
  const max = FIELD_MAX[kind];
  if (max <= SHARED_SETS_MAX) {
    return remembered(`${op}:${kind}:${x}:${y}`, () => {
      if (op === OP_RANGE || op === OP_IPRANGE) return enumerate(max, (v) => fieldValueOf(kind, v) >= x && fieldValueOf(kind, v) <= y);
      if (op === OP_MASKEQ) return enumerate(max, (v) => ((fieldValueOf(kind, v) & x) >>> 0) === y);
      return enumerate(max, (v) => (fieldValueOf(kind, v) & x) !== 0);
    });
  }
  if (op === OP_RANGE || op === OP_IPRANGE) return x <= y ? [x, Math.min(y, max)] : EMPTY;
  if (op === OP_MASKEQ) return prefixInterval(x, y, max);
  return undefined;
}

function portsSet(code: Uint32Array, at: number): ValueSet {
  const n = code[at + 2];
  const ranges: number[] = [];
  for (let i = 0; i < n; i++) {
    const range = code[at + 3 + i];
    ranges.push(range >>> 16, range & U16_MAX);
  }
  return normalize(ranges);
}

function icmpTypeSet(type: number, codeLo: number, codeHi: number, invert: boolean): ValueSet | undefined {
  if (type === ICMP_ANY_TYPE) return invert ? EMPTY : undefined;
  if (!invert) return [type, type];
  // ! (type == T and code in range): every other type, and T itself unless the range is all codes
  return codeLo === 0 && codeHi >= U8_MAX ? inverted([type, type], true, U8_MAX) : undefined;
}

/**
 * Intersections of the same two set objects, made once: rules repeat the pair (`-p tcp` with the
 * tcp match's header check, 256 intervals each, per rule was a cold compile's largest cost at 1k
 * rules), and one shared result lets the interval sweep move those rules as one group
 * (field-table.ts). Weak, so sets of a finished compile are not kept.
 */
const intersections = new WeakMap<ValueSet, WeakMap<ValueSet, ValueSet>>();

function sharedIntersection(a: ValueSet, b: ValueSet): ValueSet {
  let withA = intersections.get(a);
  if (!withA) {
    withA = new WeakMap();
    intersections.set(a, withA);
  }
  let both = withA.get(b);
  if (!both) {
    both = intersect(a, b);
    withA.set(b, both);
  }
  return both;
}

/** Writes one rule's sets into the chain's columns (one builder for all the chain's rules: no object per rule). */
class FieldsBuilder {
  /** The rule being read. */
  rule = 0;

  constructor(private readonly values: (ValueSet | undefined)[][]) {}

  allow(kind: number, set: ValueSet | undefined): void {
    if (!set) return;
    const column = this.values[kind];
    const known = column[this.rule];
    column[this.rule] = known ? sharedIntersection(known, set) : set;
  }

  never(): void {
    this.values[CLK_PROTOFRAG][this.rule] = EMPTY;
  }
}

function addressSet(addr: number, mask: number, invert: boolean): ValueSet | undefined {
  const set = prefixInterval(mask >>> 0, addr >>> 0, U32_MAX);
  return set && inverted(set, invert, U32_MAX);
}

/** PROTOFRAG sets of the basic match, by protocol and its three flags (built once each). */
const protoFragMemo = new Map<number, ValueSet>();

function basicMatchFields(entry: EntryRef, into: FieldsBuilder): void {
  const { view, at } = entry;
  const inv = view.getUint8(at + E_INVFLAGS);
  into.allow(CLK_SRC, addressSet(view.getUint32(at + E_SRC, true), view.getUint32(at + E_SMSK, true), (inv & INV_SRC) !== 0));
  into.allow(CLK_DST, addressSet(view.getUint32(at + E_DST, true), view.getUint32(at + E_DMSK, true), (inv & INV_DST) !== 0));
  // ip_packet_match: protocol 0 is any protocol whatever its `!`; -f / ! -f test the fragment bit
  const proto = view.getUint16(at + E_PROTO, true);
  const protoInvert = (inv & INV_PROTO) !== 0;
  const wantsFragment = (view.getUint8(at + E_FLAGS) & EF_FRAG) !== 0;
  const fragInvert = (inv & INV_FRAG) !== 0;
  const key = proto * 8 + (protoInvert ? 4 : 0) + (wantsFragment ? 2 : 0) + (fragInvert ? 1 : 0);
  let set = protoFragMemo.get(key);
  if (!set) {
    set = enumerate(PROTOFRAG_MAX, (v) => {
      const protoOk = proto === 0 || ((v >>> 1) === proto) !== protoInvert;
      const laterFragment = (v & 1) === 1;
      return protoOk && (wantsFragment && !laterFragment) === fragInvert;
    });
    protoFragMemo.set(key, set);
  }
  into.allow(CLK_PROTOFRAG, set);
}

function interfacePattern(entry: EntryRef, nameAt: number, maskAt: number, invert: boolean, into: FieldsBuilder): InterfacePattern | undefined {
  const { bytes } = entry;
  nameAt += entry.at;
  maskAt += entry.at;
  let compared = false;
  for (let i = 0; i < IFNAMSIZ && !compared; i++) compared = bytes[maskAt + i] !== 0;
  if (!compared) {
    // compares nothing: always equal, so `!` never matches
    if (invert) into.never();
    return undefined;
  }
  const name = bytes.slice(nameAt, nameAt + IFNAMSIZ);
  const mask = bytes.slice(maskAt, maskAt + IFNAMSIZ);
  for (let i = 0; i < IFNAMSIZ; i++) name[i] &= mask[i];
  return { name, mask, invert, key: `${name.join(',')}/${mask.join(',')}` };
}

/**
 * Matches with side effects (token buckets, recent lists, hashlimit's hot drop): the kernel runs
 * them whenever the matches before them passed, even if a later one then fails. A rule is skipped
 * only on what precedes them, so they run exactly as often as in the linear walk.
 */
const SIDE_EFFECT_OPS = new Set([OP_LIMIT, OP_RECENT, OP_HASHLIMIT]);

function matchCodeFields(code: Uint32Array, off: number, len: number, into: FieldsBuilder): void {
  const end = off + len;
  for (let at = off; at < end; ) {
    const header = code[at];
    const words = header >>> 16;
    if (words === 0) return; // the core fails such a rule; nothing to learn
    const op = header & 0xff;
    if (SIDE_EFFECT_OPS.has(op)) return;
    const invert = (header & INS_INVERT) !== 0;
    if (op === OP_RANGE || op === OP_IPRANGE || op === OP_MASKEQ || op === OP_ANYBIT) {
      const kind = FIELD_OF_DESCRIPTOR.get(code[at + 1]);
      if (kind !== undefined) {
        const set = compareSet(op, kind, code[at + 2], code[at + 3]);
        into.allow(kind, set && inverted(set, invert, FIELD_MAX[kind]));
      }
    } else if (op === OP_PORTS) {
      const mode = code[at + 1];
      const kind = mode === PORTS_SOURCE ? CLK_SPORT : mode === PORTS_DESTINATION ? CLK_DPORT : undefined;
      if (kind !== undefined) into.allow(kind, inverted(portsSet(code, at), invert, U16_MAX));
    } else if (op === OP_ICMP) {
      into.allow(CLK_ICMP_TYPE, icmpTypeSet(code[at + 1], code[at + 2], code[at + 3], invert));
    } else if (op === OP_L4HDR) {
      // never a non-first fragment (the header-present half is not classified)
      into.allow(CLK_PROTOFRAG, remembered('l4hdr', () => enumerate(PROTOFRAG_MAX, (v) => (v & 1) === 0)));
    } else if (op === OP_FAIL) {
      into.never();
    }
    at += words;
  }
}

/** One entry of the entry table, read in place (`bytes` and `view` cover the whole table). */
export interface EntryRef {
  bytes: Uint8Array;
  view: DataView;
  /** Byte offset of the entry. */
  at: number;
}

/**
 * The fields of rules `from` .. `count` - 1 of the chain whose first rule's entry is at byte
 * `start` of `entry`'s table, their match code in `code` (E_CODE_OFF, E_CODE_LEN). Rules before
 * `from` are left unconstrained (the classifier never reads their bits).
 */
export function chainFields(entry: EntryRef, code: Uint32Array, start: number, count: number, from: number): ChainFields {
  const fields: ChainFields = {
    values: FIELD_MAX.map(() => new Array<ValueSet | undefined>(count).fill(undefined)),
    in: new Array<InterfacePattern | undefined>(count).fill(undefined),
    out: new Array<InterfacePattern | undefined>(count).fill(undefined),
  };
  const builder = new FieldsBuilder(fields.values);
  const { view } = entry;
  for (let i = from; i < count; i++) {
    entry.at = start + i * ENTRY_SIZE;
    builder.rule = i;
    basicMatchFields(entry, builder);
    matchCodeFields(code, view.getUint32(entry.at + E_CODE_OFF, true), view.getUint32(entry.at + E_CODE_LEN, true), builder);
    const inv = view.getUint8(entry.at + E_INVFLAGS);
    fields.in[i] = interfacePattern(entry, E_IN_NAME, E_IN_MASK, (inv & INV_IN) !== 0, builder);
    fields.out[i] = interfacePattern(entry, E_OUT_NAME, E_OUT_MASK, (inv & INV_OUT) !== 0, builder);
  }
  return fields;
}
