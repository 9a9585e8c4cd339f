// A record as a CSV row (src/output/csv.ts CSV_COLUMNS, in their order): n, verdict, ctstate,
// hook, path, decided_by, matched, reject_with, mark, out, helper, tcp_state, ct_id, ct_dir,
// ct_status, ct_note, ct_reason, error, reason_class, logs, nflog, notes, defrag, reply. The
// fragments are cells, quoted as csvField quotes them; the columns a packet written here never
// fills (reject_with, error, reason_class, logs, nflog, defrag, reply) stay empty.
import { C_NAT_NOTES, FK_CONST, FK_CT_NOTE, FK_CT_REASON, FK_CT_STATE, FK_DECIDED, FK_HEAD, FK_HELPER, FK_OUT, FK_RULE, FK_SOLE } from './abi';
import { fragment, fragmentAux, fragmentLength, outCode, put, putPart } from './fragments';
import { decimal } from './numbers';
import * as res from './result';
import { claim, putByte } from './sink';

const COMMA: u32 = 0x2c;

/** Writes the row of the result just read (result.ts); false when the host must write it. */
export function csvRecord(n: f64, outName: usize, events: usize): bool {
  decimal(<u64>n);
  putByte(COMMA);
  put(FK_HEAD, res.head);
  putByte(COMMA);
  if (res.entry >= 0) put(FK_DECIDED, res.entry);
  putByte(COMMA);
  if (res.soleMatch) put(FK_SOLE, res.entry);
  else if (res.matchedCount != 0 && !matchedList(events)) return false;
  putByte(COMMA); // reject_with
  putByte(COMMA);
  if (res.mark != 0) decimal(res.mark);
  putByte(COMMA);
  if (load<u8>(outName) != 0) {
    const code = outCode(outName);
    if (code < 0) return false;
    put(FK_OUT, code);
  }
  putByte(COMMA);
  if (res.helper != 0) put(FK_HELPER, res.helper);
  putByte(COMMA);
  // tcp_state, ct_id, ct_dir, ct_status: the state fragment holds all but ct_id, split at FRAG_AUX
  const state = res.ctId != 0 ? fragment(FK_CT_STATE, res.ctState) : 0;
  if (state) putPart(state, 0, fragmentAux(state));
  putByte(COMMA);
  if (res.ctId != 0) decimal(res.ctId);
  putByte(COMMA);
  if (state) putPart(state, fragmentAux(state), fragmentLength(state));
  else putByte(COMMA); // ct_dir, ct_status
  putByte(COMMA);
  if (res.ctNote != 0) put(FK_CT_NOTE, res.ctNote);
  putByte(COMMA);
  if (res.ctReason != 0) put(FK_CT_REASON, res.ctReason);
  const gap = claim(5); // error, reason_class, logs, nflog
  if (gap) {
    store<u32>(gap, 0x2c2c2c2c);
    store<u8>(gap + 4, COMMA);
  }
  if (res.natSkipped) put(FK_CONST, C_NAT_NOTES);
  const end = claim(4); // defrag, reply, CRLF
  if (end) store<u32>(end, 0x0a0d2c2c);
  return true;
}

/**
 * Several counted rules: their labels joined by spaces, one cell. A label that needs quoting
 * (FRAG_AUX) would quote the whole cell: left to the host (false).
 */
function matchedList(events: usize): bool {
  let first = true;
  for (let i = res.eventFirst, last = res.eventFirst + res.eventCount; i < last; i++) {
    const rule = res.ruleAt(events, i);
    if (rule < 0) continue;
    const label = fragment(FK_RULE, rule);
    if (label == 0) continue; // missed: the record is written again once the host made it
    if (fragmentAux(label) != 0) return false;
    if (!first) putByte(0x20);
    putPart(label, 0, fragmentLength(label));
    first = false;
  }
  return true;
}
