// The binary interface between the record writer in WASM (assembly/output/writer.ts) and its host
// (src/output/core-writer.ts). Like assembly/shared/layout.ts this file is compiled by both asc
// and tsc, so it holds nothing but integer constants. All values are little-endian.
//
// writeRecords(ctl) writes the output record of each packet the last evaluate() call completed
// (results, packet records and events where evaluate() left them) into the output area, in the
// --format's bytes, from fragments the host encoded once (a key with its value: a verdict, a
// rule label, a conntrack status set, …) and numbers it writes itself. It stops, with a WW_*
// status and W_NEXT at the packet concerned, when the host must act: a packet only the full
// decoder can report (LOG lines, REJECT answers, reassembly, …), a fragment not encoded yet, a
// full output area or a full tally table. The host acts and calls again; the packet is then
// written from scratch (nothing of a packet it stopped at was kept).

// ----------------------------------------------------------------------------------------------
// Control block: W_BYTES bytes; byte offsets. "host" fields are set by the host, "out" fields
// written by the writer, "in/out" both.
export const W_BYTES = 128;
export const W_FORMAT = 0; // host: WF_*
export const W_OPTIONS = 4; // host: WO_* bits
export const W_RES = 8; // host: result of packet 0 (RES_SIZE apart)
export const W_PKT = 12; // host: packet record of packet 0 (PKT_SIZE apart)
export const W_EVENTS = 16; // host: the event buffer of the evaluate() call
export const W_COUNT = 20; // host: packets
export const W_NEXT = 24; // in/out: the packet to write next; at a stop, the packet concerned
export const W_NUMBER = 32; // host: f64, the record number (n) of packet 0
export const W_OUT_PTR = 40; // host: output area
export const W_OUT_CAP = 44; // host: its bytes (WW_FULL leaves W_OUT_SLACK of them unused)
export const W_OUT_POS = 48; // in/out: bytes written in it
export const W_WRITTEN = 52; // in/out: records written (the host takes and zeroes it)
export const W_MISS_KIND = 56; // out (WW_MISS): FK_* of the fragment missing
export const W_MISS_CODE = 60; // out (WW_MISS): its code (index in that kind's table)
export const W_TABLE = 64; // host: fragment table (TB_* slots of u32 fragment addresses, 0: none yet)
export const W_ENTRIES = 68; // host: entries of the compiled ruleset (the per-entry tables' size)
export const W_LOGS = 72; // host: one byte per entry, 1: a rule that writes LOG or NFLOG lines
export const W_VERDICT_KEEP = 76; // host (WO_ONLY): 256 bytes by V_*, 1: --only keeps the verdict
export const W_CTSTATE_KEEP = 80; // host (WO_ONLY): 256 bytes by ctstate bits, 1: --only keeps it
export const W_TALLY = 84; // host: tally table, W_TALLY_SLOTS slots of TALLY_SLOT_BYTES
export const W_TALLY_SLOTS = 88; // host: a power of two
export const W_TALLY_USED = 92; // in/out: slots in use (the host empties the table and zeroes it)
export const W_NAMES = 96; // host: out-interface names, NAME_BYTES each (NUL-padded), OUT_NAMES_MAX
export const W_NAMES_COUNT = 100; // in/out: names in it (FK_OUT code = the name's index)
export const W_TALLY_ORDER = 104; // host: u32 per slot in use, the slots' addresses in the order they were taken
export const W_MISS_SLOT = 108; // out (WW_MISS): the missing fragment's slot in the table (where the host puts it)
// 112..127 reserved

export const WF_MSGPACK = 1;
export const WF_JSONL = 2;
export const WF_CSV = 3;

export const WO_CONNTRACK = 1; // results carry conntrack fields
export const WO_ONLY = 2; // --only: write a record when W_VERDICT_KEEP or W_CTSTATE_KEEP says so

export const WW_DONE = 0; // every packet written (W_NEXT = W_COUNT)
export const WW_SPECIAL = 1; // packet W_NEXT is for the host to decode, tally and write
export const WW_MISS = 2; // packet W_NEXT needs fragment W_MISS_KIND / W_MISS_CODE
export const WW_FULL = 3; // packet W_NEXT does not fit in the rest of the output area
export const WW_TALLY_FULL = 4; // the tally table is half full: the host folds it into the summary

/** Bytes the writer keeps free at the end of the output area (it copies 8 bytes at a time). */
export const W_OUT_SLACK = 16;

// ----------------------------------------------------------------------------------------------
// Fragments: FRAG_HEADER bytes, then the bytes to copy. FRAG_LENGTH: u32 byte count; FRAG_AUX: u32,
// msgpack: the map fields the bytes hold; csv: FK_RULE 1 when the label needs quoting inside a
// list cell, FK_CT_STATE the length of the tcp_state cell (ct_id comes between it and the rest).
export const FRAG_LENGTH = 0;
export const FRAG_AUX = 4;
export const FRAG_HEADER = 8;

// Fragment kinds, and where each kind's slots start in the table (TB_*; slot = TB_* + code).
export const FK_HEAD = 1; // code: HEAD_* packing of verdict, ctstate, hook, path
export const FK_HELPER = 2; // code: RES_HELPER
export const FK_CT_REASON = 3; // code: RES_CT_REASON
export const FK_CT_STATE = 4; // code: CT_STATE_* packing of tcp_state, ct_dir, ct_status
export const FK_CT_NOTE = 5; // code: RES_CT_NOTE bits
export const FK_OUT = 6; // code: index of the name in W_NAMES
export const FK_RULE = 7; // code: entry; its label as a list item
export const FK_DECIDED = 8; // code: entry; "decided_by"
export const FK_SOLE = 9; // code: entry; "matched": [its label] and "decided_by" (the usual rule verdict)
export const FK_NONE = 10; // code: entry; "matched": [] and "decided_by" (policies)
export const FK_CONST = 11; // code: C_*; filled by the host before the first call, never missed

export const HEAD_SLOTS = 131072; // verdict < 16, ctstate < 128, hook < 8, path < 8
export const CT_STATE_SLOTS = 512; // tcp_state < 16, ct_dir 0/1, ct_status < 16
export const CT_NOTE_SLOTS = 65536;
export const OUT_NAMES_MAX = 64;
export const NAME_BYTES = 16;
export const CONST_SLOTS = 16;

export const TB_HEAD = 0;
export const TB_HELPER = TB_HEAD + HEAD_SLOTS;
export const TB_CT_REASON = TB_HELPER + 256;
export const TB_CT_STATE = TB_CT_REASON + 256;
export const TB_CT_NOTE = TB_CT_STATE + CT_STATE_SLOTS;
export const TB_OUT = TB_CT_NOTE + CT_NOTE_SLOTS;
export const TB_CONST = TB_OUT + OUT_NAMES_MAX;
export const TB_ENTRIES = TB_CONST + CONST_SLOTS; // FK_RULE, FK_DECIDED, FK_SOLE, FK_NONE: W_ENTRIES slots each

// HEAD_* packing: verdict | ctstate << 4 | hook << 11 | path << 14.
export const HEAD_CTSTATE_SHIFT = 4;
export const HEAD_HOOK_SHIFT = 11;
export const HEAD_PATH_SHIFT = 14;
// CT_STATE_* packing: tcp_state | ct_dir << 4 | ct_status << 5.
export const CT_STATE_DIR_SHIFT = 4;
export const CT_STATE_STATUS_SHIFT = 5;

// Constants (FK_CONST codes): the keys around numbers and lists, per format.
export const C_N = 0; // before the record number (msgpack "n"; jsonl `{"n":`)
export const C_MATCHED = 1; // before a list of counted rules (msgpack "matched"; jsonl `,"matched":[`)
export const C_NOTHING_MATCHED = 2; // "matched": [] with no decided_by
export const C_MARK = 3; // before the mark
export const C_CT_ID = 4; // before the conntrack id
export const C_NAT_NOTES = 5; // "notes" of a packet that met a NAT target

// ----------------------------------------------------------------------------------------------
// Tally: slots of TALLY_SLOT_BYTES: u32 key + 1 (0: free), u32 packets. The key is
// verdict | ctstate << 4 | (entry + 1) << TALLY_ENTRY_SHIFT (entry -1: none). W_TALLY_ORDER lists
// the slots taken in order, so the host folds them in the order the packets came (the summary
// lists verdicts, ctstates and rules in the order first seen).
export const TALLY_SLOT_BYTES = 8;
export const TALLY_CTSTATE_SHIFT = 4;
export const TALLY_ENTRY_SHIFT = 11;
