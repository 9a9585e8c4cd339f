// The fragment table (abi.ts TB_*): per kind and code the address of bytes the host encoded once.
// A lookup that finds none records what is missing for the host (WW_MISS). Out-interface names
// get their code here: their index in the name table, added on first sight.
import {
  FK_CONST, FK_CT_NOTE, FK_CT_REASON, FK_CT_STATE, FK_DECIDED, FK_HEAD, FK_HELPER, FK_NONE, FK_OUT,
  FK_RULE, FK_SOLE, FRAG_AUX, FRAG_HEADER, FRAG_LENGTH, NAME_BYTES, OUT_NAMES_MAX, TB_CONST, TB_CT_NOTE,
  TB_CT_REASON, TB_CT_STATE, TB_ENTRIES, TB_HEAD, TB_HELPER, TB_OUT, W_ENTRIES, W_MISS_CODE,
  W_MISS_KIND, W_MISS_SLOT, W_NAMES, W_NAMES_COUNT, W_TABLE,
} from './abi';
import { putBytes } from './sink';

let table: usize = 0;
let entries: u32 = 0;
let names: usize = 0;
let nameCount: u32 = 0;
let missKind: u32 = 0;
let missCode: u32 = 0;

export function loadFragments(ctl: usize): void {
  table = load<u32>(ctl + W_TABLE) as usize;
  entries = load<u32>(ctl + W_ENTRIES);
  names = load<u32>(ctl + W_NAMES) as usize;
  nameCount = load<u32>(ctl + W_NAMES_COUNT);
  missKind = 0;
}

export function saveFragments(ctl: usize): void {
  store<u32>(ctl + W_NAMES_COUNT, nameCount);
  store<u32>(ctl + W_MISS_KIND, missKind);
  store<u32>(ctl + W_MISS_CODE, missCode);
  if (missKind != 0) store<u32>(ctl + W_MISS_SLOT, firstSlot(missKind) + missCode);
}

/** Whether a lookup since the last clearMiss() found nothing. */
@inline export function missed(): bool {
  return missKind != 0;
}

export function clearMiss(): void {
  missKind = 0;
}

@inline function firstSlot(kind: u32): u32 {
  switch (kind) {
    case FK_HEAD: return TB_HEAD;
    case FK_HELPER: return TB_HELPER;
    case FK_CT_REASON: return TB_CT_REASON;
    case FK_CT_STATE: return TB_CT_STATE;
    case FK_CT_NOTE: return TB_CT_NOTE;
    case FK_OUT: return TB_OUT;
    case FK_CONST: return TB_CONST;
    case FK_RULE: return TB_ENTRIES;
    case FK_DECIDED: return TB_ENTRIES + entries;
    case FK_SOLE: return TB_ENTRIES + 2 * entries;
    case FK_NONE: return TB_ENTRIES + 3 * entries;
  }
  unreachable();
  return 0;
}

/** The fragment of `kind` for `code`, or 0 (recorded as the miss) when the host has not made it yet. */
@inline export function fragment(kind: u32, code: u32): usize {
  const at = load<u32>(table + ((firstSlot(kind) + code) << 2)) as usize;
  if (at == 0 && missKind == 0) {
    missKind = kind;
    missCode = code;
  }
  return at;
}

@inline export function fragmentLength(at: usize): u32 {
  return load<u32>(at + FRAG_LENGTH);
}

@inline export function fragmentAux(at: usize): u32 {
  return load<u32>(at + FRAG_AUX);
}

/** Copies a fragment into the output; what its FRAG_AUX says (msgpack: fields), 0 when missing. */
@inline export function put(kind: u32, code: u32): u32 {
  const at = fragment(kind, code);
  if (at == 0) return 0;
  putBytes(at + FRAG_HEADER, load<u32>(at + FRAG_LENGTH));
  return load<u32>(at + FRAG_AUX);
}

/** The first `length` bytes of a fragment, or those from `from` on. */
export function putPart(at: usize, from: u32, to: u32): void {
  putBytes(at + FRAG_HEADER + from, to - from);
}

/** A u64 with the bytes from the first NUL on cleared; `nul` set when it held one. */
let nul = false;
function beforeNul(word: u64): u64 {
  // The classic "has a zero byte" test: the lowest 0x80 bit set marks the first zero byte.
  const zero = (word - 0x0101010101010101) & ~word & 0x8080808080808080;
  if (zero == 0) return word;
  nul = true;
  const keep = ctz(zero) & ~7; // bits below the first zero byte
  return keep == 0 ? 0 : word & ((<u64>1 << keep) - 1);
}

/**
 * The FK_OUT code of the NUL-padded interface name at `name` (16 bytes, as in PKT_OUT_IFACE):
 * its index in the name table, the name added when new; -1 when the table is full.
 */
export function outCode(name: usize): i32 {
  nul = false;
  const low = beforeNul(load<u64>(name));
  const high = nul ? 0 : beforeNul(load<u64>(name + 8));
  for (let i: u32 = 0; i < nameCount; i++) {
    const at = names + i * NAME_BYTES;
    if (load<u64>(at) == low && load<u64>(at + 8) == high) return i;
  }
  if (nameCount == OUT_NAMES_MAX) return -1;
  const at = names + nameCount * NAME_BYTES;
  store<u64>(at, low);
  store<u64>(at + 8, high);
  return nameCount++;
}
