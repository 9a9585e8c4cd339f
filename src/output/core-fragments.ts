// The fragments the record writer in WASM (assembly/output/) copies, by kind and code
// (assembly/output/abi.ts FK_*): made on first use by the compact encoders' own fragment makers
// (compact-msgpack.ts, compact-jsonl.ts, compact-csv.ts), so both paths write the same bytes.
import {
  C_CT_ID, C_MARK, C_MATCHED, C_N, C_NAT_NOTES, C_NOTHING_MATCHED, CT_STATE_DIR_SHIFT, CT_STATE_STATUS_SHIFT,
  FK_CONST, FK_CT_NOTE, FK_CT_REASON, FK_CT_STATE, FK_DECIDED, FK_HEAD, FK_HELPER, FK_NONE, FK_OUT, FK_RULE,
  FK_SOLE, HEAD_CTSTATE_SHIFT, HEAD_HOOK_SHIFT, HEAD_PATH_SHIFT,
} from '../../assembly/output/abi.js';
import type { CompactLabels } from '../engine/compact.js';
import { csvFragments, CSV_NAT_NOTES } from './compact-csv.js';
import { JSONL_KEYS, jsonlFragments } from './compact-jsonl.js';
import { MSGPACK_KEYS, msgpackFragments } from './compact-msgpack.js';
import type { RecordFormat } from './encode.js';

/** Bytes to copy, and abi.ts FRAG_AUX for them. */
export interface CoreFragment {
  bytes: Uint8Array;
  aux: number;
}

/** The fragment of `kind` for `code`; `outName` gives the out-interface name of an FK_OUT code. */
export type FragmentMaker = (kind: number, code: number, outName: (code: number) => string) => CoreFragment;

const utf8 = new TextEncoder();

const headCodes = (code: number) => [code & 15, (code >>> HEAD_CTSTATE_SHIFT) & 127, (code >>> HEAD_HOOK_SHIFT) & 7, code >>> HEAD_PATH_SHIFT] as const;
const ctStateCodes = (code: number) => [code & 15, (code >>> CT_STATE_DIR_SHIFT) & 1, code >>> CT_STATE_STATUS_SHIFT] as const;

function unknownKind(kind: number, code: number): never {
  throw new Error(`record writer: no fragment of kind ${kind} (code ${code}) in this format`);
}

/** A fragment of one field, or none (an absent field) when empty. */
const oneField = (bytes: Uint8Array): CoreFragment => ({ bytes, aux: bytes.length > 0 ? 1 : 0 });

function msgpackMaker(labels: CompactLabels): FragmentMaker {
  const make = msgpackFragments(labels);
  const constants: Record<number, Uint8Array> = {
    [C_N]: MSGPACK_KEYS.n,
    [C_MATCHED]: MSGPACK_KEYS.matched,
    [C_NOTHING_MATCHED]: MSGPACK_KEYS.nothingMatched,
    [C_MARK]: MSGPACK_KEYS.mark,
    [C_CT_ID]: MSGPACK_KEYS.ctId,
    [C_NAT_NOTES]: MSGPACK_KEYS.natNotes,
  };
  // aux: the fields each fragment holds (the writer sizes the record's map by their sum)
  return (kind, code, outName) => {
    switch (kind) {
      case FK_HEAD: return { bytes: make.head(...headCodes(code)), aux: 4 };
      case FK_HELPER: return oneField(make.helper(code));
      case FK_CT_REASON: return oneField(make.ctReason(code));
      case FK_CT_NOTE: return oneField(make.ctNote(code));
      case FK_CT_STATE: {
        const { bytes, fields } = make.ctState(...ctStateCodes(code));
        return { bytes, aux: fields };
      }
      case FK_OUT: return { bytes: make.out(outName(code)), aux: 1 };
      case FK_RULE: return { bytes: make.ruleLabel(code), aux: 0 };
      case FK_DECIDED: return oneField(make.decided(code));
      case FK_SOLE: return { bytes: make.decidedBySole(code), aux: 2 };
      case FK_NONE: return { bytes: make.decidedByNone(code), aux: 2 };
      case FK_CONST: if (constants[code]) return { bytes: constants[code], aux: 1 };
    }
    return unknownKind(kind, code);
  };
}

function jsonlMaker(labels: CompactLabels): FragmentMaker {
  const make = jsonlFragments(labels);
  const constants: Record<number, string> = {
    [C_N]: JSONL_KEYS.n,
    [C_MATCHED]: JSONL_KEYS.matched,
    [C_NOTHING_MATCHED]: JSONL_KEYS.nothingMatched,
    [C_MARK]: JSONL_KEYS.mark,
    [C_CT_ID]: JSONL_KEYS.ctId,
    [C_NAT_NOTES]: JSONL_KEYS.natNotes,
  };
  const text = (kind: number, code: number, outName: (code: number) => string): string => {
    switch (kind) {
      case FK_HEAD: return make.head(...headCodes(code));
      case FK_HELPER: return make.helper(code);
      case FK_CT_REASON: return make.ctReason(code);
      case FK_CT_NOTE: return make.ctNote(code);
      case FK_CT_STATE: return make.ctState(...ctStateCodes(code));
      case FK_OUT: return make.out(outName(code));
      case FK_RULE: return make.ruleLabel(code);
      case FK_DECIDED: return make.decided(code);
      case FK_SOLE: return make.decidedBySole(code);
      case FK_NONE: return make.decidedByNone(code);
      case FK_CONST: if (constants[code] !== undefined) return constants[code];
    }
    return unknownKind(kind, code);
  };
  return (kind, code, outName) => ({ bytes: utf8.encode(text(kind, code, outName)), aux: 0 });
}

function csvMaker(labels: CompactLabels): FragmentMaker {
  const make = csvFragments(labels);
  const of = (text: string): CoreFragment => ({ bytes: utf8.encode(text), aux: 0 });
  return (kind, code, outName) => {
    switch (kind) {
      case FK_HEAD: return of(make.head(...headCodes(code)).join(','));
      case FK_HELPER: return of(make.helper(code));
      case FK_CT_REASON: return of(make.ctReason(code));
      case FK_CT_NOTE: return of(make.ctNote(code));
      case FK_CT_STATE: {
        // ct_id comes between tcp_state and ct_dir: aux is where the writer puts it
        const [tcp, dir, status] = make.ctState(...ctStateCodes(code));
        return { bytes: utf8.encode(`${tcp}${dir},${status}`), aux: utf8.encode(tcp).length };
      }
      case FK_OUT: return of(make.out(outName(code)));
      case FK_RULE: {
        // the bare label, joined with others by the writer; aux 1 when the list cell would need quotes
        const label = labels.ruleLabel[code];
        return { bytes: utf8.encode(label), aux: make.matchedList([code]) !== label ? 1 : 0 };
      }
      case FK_DECIDED: return of(make.decided(code));
      case FK_SOLE: return of(make.soleMatched(code));
      case FK_CONST: if (code === C_NAT_NOTES) return of(CSV_NAT_NOTES); // rows need no other constant
    }
    return unknownKind(kind, code);
  };
}

export function fragmentMaker(format: RecordFormat, labels: CompactLabels): FragmentMaker {
  switch (format) {
    case 'msgpack': return msgpackMaker(labels);
    case 'jsonl': return jsonlMaker(labels);
    case 'csv': return csvMaker(labels);
  }
}
