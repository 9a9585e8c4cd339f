// Which row of each field of a chain's classifier the current packet selects (layout.ts
// "Classifier tables"). Computed once per chain and kept while the packet's fields stay as they
// were: a new table traversal (another hook, conntrack having run) or a target that changed the
// packet (MARK, CONNMARK, NOTRACK, CT) makes it stale.
import {
  CL_FIELDS, CL_HEADER_WORDS, CLF_KIND, CLF_LENGTH, CLF_LOOKUP, CLF_TABLE, CLF_WORDS, CLK_COUNT, CLK_CTSTATE,
  CLK_DPORT, CLK_DST, CLK_ICMP_TYPE, CLK_IN, CLK_PROTOFRAG, CLK_SPORT, CLK_SRC, CLL_DIRECT, CLL_SEARCH,
  PKT_CTSTATE, PKT_DPORT, PKT_DST, PKT_ICMP_TYPE, PKT_PROTO, PKT_SPORT, PKT_SRC,
} from '../shared/layout';
import { codeBase } from '../vm/config';
import { isLaterFragment } from '../vm/entry-match';
import * as packet from '../vm/packet';

/** Byte addresses of the selected rows, `rowCount` of them. */
export const rowAddresses: usize = memory.data(CLK_COUNT * 4, 16);
export let rowCount: i32 = 0;

let selectedFor: usize = 0;
let selectedGeneration: u32 = 0;
let generation: u32 = 1;

/** The packet's classified fields may have changed: select rows afresh. */
export function packetChanged(): void {
  generation++;
}

@inline function codeAddress(word: u32): usize {
  return codeBase + (<usize>word << 2);
}

function fieldValue(kind: u32): u32 {
  const rec = packet.record;
  switch (kind) {
    case CLK_SRC:
      return load<u32>(rec, PKT_SRC);
    case CLK_DST:
      return load<u32>(rec, PKT_DST);
    case CLK_PROTOFRAG:
      return (<u32>load<u8>(rec, PKT_PROTO) << 1) | (isLaterFragment(rec) ? 1 : 0);
    case CLK_SPORT:
      return <u32>load<u16>(rec, PKT_SPORT);
    case CLK_DPORT:
      return <u32>load<u16>(rec, PKT_DPORT);
    case CLK_ICMP_TYPE:
      return <u32>load<u8>(rec, PKT_ICMP_TYPE);
    case CLK_CTSTATE:
      return <u32>load<u8>(rec, PKT_CTSTATE);
  }
  return 0;
}

/**
 * The row of the last interval start <= value (starts ascend from 0). Branchless (a select per
 * halving, the trip count fixed by `length`): random addresses sent a branchy search through a
 * misprediction at almost every level of a 10k-interval table.
 */
function searchRow(table: usize, length: u32, value: u32): u32 {
  let base = table;
  let left = length;
  while (left > 1) {
    const half = left >>> 1;
    const middle = base + (<usize>half << 2);
    base = select<usize>(middle, base, load<u32>(middle) <= value);
    left -= half;
  }
  return load<u32>(base + (<usize>length << 2));
}

/** The row for the device's signature over the patterns, 0 when the table has no such class. */
function ifaceRow(table: usize, patterns: u32, name: usize): u32 {
  const device = v128.load(name);
  let signature: u32 = 0;
  for (let j: u32 = 0; j < patterns; j++) {
    const p = table + (<usize>j << 5);
    if (!v128.any_true(v128.and(v128.xor(device, v128.load(p)), v128.load(p, 16)))) signature |= 1 << j;
  }
  const classes = table + (<usize>patterns << 5);
  const count = load<u32>(classes);
  for (let i: u32 = 0; i < count; i++) {
    const at = classes + 4 + (<usize>i << 3);
    if (load<u32>(at) == signature) return load<u32>(at, 4);
  }
  return 0;
}

function selectRow(field: usize): u32 {
  const kind = load<u32>(field, CLF_KIND << 2);
  const lookup = load<u32>(field, CLF_LOOKUP << 2);
  const table = codeAddress(load<u32>(field, CLF_TABLE << 2));
  const length = load<u32>(field, CLF_LENGTH << 2);
  if (lookup == CLL_DIRECT) {
    const value = fieldValue(kind);
    return value < length ? load<u32>(table + (<usize>value << 2)) : 0;
  }
  if (lookup == CLL_SEARCH) return searchRow(table, length, fieldValue(kind));
  return ifaceRow(table, length, kind == CLK_IN ? packet.inName : packet.outName);
}

/** Makes rowAddresses/rowCount those of the classifier whose header is at `header`. */
export function selectRows(header: usize): void {
  if (header == selectedFor && generation == selectedGeneration) return;
  const fields = load<u32>(header, CL_FIELDS << 2);
  let count = 0;
  for (let f: u32 = 0; f < fields; f++) {
    const row = selectRow(header + (<usize>(CL_HEADER_WORDS + f * CLF_WORDS) << 2));
    if (row == 0) continue;
    store<usize>(rowAddresses + (<usize>count << 2), codeAddress(row));
    count++;
  }
  rowCount = count;
  selectedFor = header;
  selectedGeneration = generation;
}
