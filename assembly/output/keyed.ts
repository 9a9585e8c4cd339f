// A record as a map of keys (msgpack) or a JSON object (JSON lines), in outputRecord's key order
// (src/output/record.ts): n, verdict, ctstate, hook, path, matched, decided_by, mark, out, helper,
// ct_id, tcp_state, ct_dir, ct_status, ct_note, ct_reason, notes. The two formats differ only in
// how numbers, lists and the record's ends are written; the keys come with the fragments.
import {
  C_CT_ID, C_MARK, C_MATCHED, C_N, C_NAT_NOTES, C_NOTHING_MATCHED, FK_CONST, FK_CT_NOTE, FK_CT_REASON,
  FK_CT_STATE, FK_DECIDED, FK_HEAD, FK_HELPER, FK_NONE, FK_OUT, FK_RULE, FK_SOLE,
} from './abi';
import { outCode, put } from './fragments';
import { decimal, msgpackNumber, msgpackUint } from './numbers';
import * as res from './result';
import { claim, patchU16, putByte } from './sink';

/** Writes the record of the result just read (result.ts); false when its out-interface has no code left. */
export function keyedRecord(msgpack: bool, n: f64, outName: usize, events: usize): bool {
  let mapSize: usize = 0;
  if (msgpack) {
    mapSize = claim(3);
    if (mapSize) store<u8>(mapSize, 0xde);
  }
  let fields = put(FK_CONST, C_N);
  if (msgpack) msgpackNumber(n);
  else decimal(<u64>n);
  fields += put(FK_HEAD, res.head);
  if (res.soleMatch) fields += put(FK_SOLE, res.entry);
  else if (res.matchedCount == 0) fields += res.entry >= 0 ? put(FK_NONE, res.entry) : put(FK_CONST, C_NOTHING_MATCHED);
  else {
    fields += put(FK_CONST, C_MATCHED);
    if (msgpack) arrayHeader(res.matchedCount);
    let first = true;
    for (let i = res.eventFirst, last = res.eventFirst + res.eventCount; i < last; i++) {
      const rule = res.ruleAt(events, i);
      if (rule < 0) continue;
      if (!msgpack && !first) putByte(0x2c); // ,
      put(FK_RULE, rule);
      first = false;
    }
    if (!msgpack) putByte(0x5d); // ]
    if (res.entry >= 0) fields += put(FK_DECIDED, res.entry);
  }
  if (res.mark != 0) {
    fields += put(FK_CONST, C_MARK);
    number(msgpack, res.mark);
  }
  if (load<u8>(outName) != 0) {
    const code = outCode(outName);
    if (code < 0) return false;
    fields += put(FK_OUT, code);
  }
  if (res.helper != 0) fields += put(FK_HELPER, res.helper);
  if (res.ctId != 0) {
    fields += put(FK_CONST, C_CT_ID);
    number(msgpack, res.ctId);
    fields += put(FK_CT_STATE, res.ctState);
  }
  if (res.ctNote != 0) fields += put(FK_CT_NOTE, res.ctNote);
  if (res.ctReason != 0) fields += put(FK_CT_REASON, res.ctReason);
  if (res.natSkipped) fields += put(FK_CONST, C_NAT_NOTES);
  if (msgpack) {
    if (mapSize) patchU16(mapSize + 1, fields);
  } else {
    const at = claim(2);
    if (at) store<u16>(at, 0x0a7d); // }\n
  }
  return true;
}

function number(msgpack: bool, value: u32): void {
  if (msgpack) msgpackUint(value);
  else decimal(value);
}

/** A msgpack array header, as msgpackr sizes it. */
function arrayHeader(length: u32): void {
  if (length < 0x10) putByte(0x90 | length);
  else if (length < 0x10000) {
    const at = claim(3);
    if (!at) return;
    store<u8>(at, 0xdc);
    store<u16>(at + 1, bswap<u16>(<u16>length));
  } else {
    const at = claim(5);
    if (!at) return;
    store<u8>(at, 0xdd);
    store<u32>(at + 1, bswap<u32>(length));
  }
}
