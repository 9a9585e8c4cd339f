// --format records written by the core itself (issue 6): assembly/output/ reads each packet's
// result where evaluate() left it and writes its record into an output area in the core's
// memory, from fragments made here once (core-fragments.ts) and numbers it writes itself. No
// object per packet, no copy of the results. The packets the compact path decodes in full
// (src/engine/compact.ts: LOG/NFLOG lines, REJECT answers, reassembly, truncated events), and any
// the core cannot write (codes beyond its tables), come back here and are written by the record
// encoders in their place. The bytes are what recordEncoder(format).encode(records) writes
// (test/core-writer.test.ts).
import {
  FRAG_AUX, FRAG_HEADER, FRAG_LENGTH, FK_CONST, C_CT_ID, C_MARK, C_MATCHED, C_N, C_NAT_NOTES,
  C_NOTHING_MATCHED, CONST_SLOTS, NAME_BYTES, OUT_NAMES_MAX, TALLY_CTSTATE_SHIFT, TALLY_ENTRY_SHIFT,
  TALLY_SLOT_BYTES, TB_CONST, TB_ENTRIES, W_BYTES, W_COUNT, W_CTSTATE_KEEP, W_ENTRIES, W_EVENTS,
  W_FORMAT, W_LOGS, W_MISS_CODE, W_MISS_KIND, W_NAMES, W_MISS_SLOT, W_NEXT, W_NUMBER, W_OPTIONS,
  W_OUT_CAP, W_OUT_POS, W_OUT_PTR, W_OUT_SLACK, W_PKT, W_RES, W_TABLE, W_TALLY, W_TALLY_ORDER,
  W_TALLY_SLOTS, W_TALLY_USED, W_VERDICT_KEEP, W_WRITTEN, WF_CSV, WF_JSONL, WF_MSGPACK, WO_CONNTRACK,
  WO_ONLY, WW_DONE, WW_FULL, WW_MISS, WW_SPECIAL, WW_TALLY_FULL,
} from '../../assembly/output/abi.js';
import { PKT_SIZE, REPLY_SIZE, RES_SIZE } from '../../assembly/shared/layout.js';
import type { Engine } from '../engine/engine.js';
import type { CoreExports } from '../engine/load-wasm.js';
import { ifaceName, type ResultDecoder } from '../engine/result.js';
import { fieldValue } from './compact-fields.js';
import { fragmentMaker, type FragmentMaker } from './core-fragments.js';
import { csvRow } from './csv.js';
import type { RecordFormat } from './encode.js';
import { MsgpackWriter } from './msgpack-writer.js';
import type { RecordFilter } from './only.js';
import { outputRecord, type OutputRecord } from './record.js';
import type { EvaluatedRecordWriter, RecordTally, RecordWriterOptions } from './record-writer.js';

export interface CoreWriterOptions extends RecordWriterOptions {
  /** Bytes of the output area in the core's memory (default 1 MiB): a full area is moved out and reused. */
  outputBytes?: number;
}

const FORMAT_CODES: Record<RecordFormat, number> = { msgpack: WF_MSGPACK, jsonl: WF_JSONL, csv: WF_CSV };
const TALLY_SLOTS = 4096;
const DEFAULT_OUTPUT_BYTES = 4 << 20;
/** Room before the output area for a chunk's msgpack array header, so a chunk is one view. */
const HEADER_ROOM = 8;
const utf8 = new TextEncoder();

/** The host's blocks for the writer, carved out of one engine.reserve(). */
interface Areas {
  ctl: number;
  table: number;
  logs: number;
  verdictKeep: number;
  ctstateKeep: number;
  tally: number;
  tallyOrder: number;
  names: number;
  out: number;
  outBytes: number;
  heap: number;
  heapEnd: number;
}

function planAreas(engine: Engine, entries: number, outputBytes: number, heapBytes: number): Areas {
  const sizes = {
    ctl: W_BYTES,
    table: (TB_ENTRIES + 4 * entries) * 4,
    logs: entries,
    verdictKeep: 256,
    ctstateKeep: 256,
    tally: TALLY_SLOTS * TALLY_SLOT_BYTES,
    tallyOrder: (TALLY_SLOTS / 2) * 4,
    names: OUT_NAMES_MAX * NAME_BYTES,
    out: HEADER_ROOM + outputBytes,
    // 16 spare bytes: the core copies fragments 16 bytes at a time (assembly/output/sink.ts putBytes)
    heap: heapBytes + 16,
  };
  const align = (n: number) => Math.ceil(n / 16) * 16;
  const total = Object.values(sizes).reduce((sum, size) => sum + align(size), 0);
  let at = engine.reserveZeroed(total);
  const place = (size: number) => {
    const start = at;
    at += align(size);
    return start;
  };
  const areas = {
    ctl: place(sizes.ctl),
    table: place(sizes.table),
    logs: place(sizes.logs),
    verdictKeep: place(sizes.verdictKeep),
    ctstateKeep: place(sizes.ctstateKeep),
    tally: place(sizes.tally),
    tallyOrder: place(sizes.tallyOrder),
    names: place(sizes.names),
    out: place(sizes.out) + HEADER_ROOM,
    outBytes: outputBytes,
    heap: 0,
    heapEnd: 0,
  };
  areas.heap = place(sizes.heap);
  areas.heapEnd = areas.heap + heapBytes;
  return areas;
}

/**
 * Writes the records of evaluated packets in the core (EvaluatedRecordWriter). Make it before the
 * run starts, not while the engine is evaluating: its areas are reserved (engine.reserve) once,
 * here, and are not moved afterwards.
 */
export class CoreRecordWriter implements EvaluatedRecordWriter {
  private readonly core: CoreExports;
  private readonly decoder: ResultDecoder;
  private readonly entries: number;
  private readonly areas: Areas;
  private readonly make: FragmentMaker;
  private readonly tally?: RecordTally;
  private readonly only?: RecordFilter;
  private readonly encodeRecord: (rec: OutputRecord) => Uint8Array | string;
  private heapPos: number;
  /** Bytes moved out of a full output area, in order, before what the area holds now. */
  private pieces: Uint8Array[] = [];
  /** Where take() joins pieces and the area's bytes when the area filled during a chunk (reused). */
  private joined = new Uint8Array(0);
  /** Records written, but those the core counted since the last packets() call ended. */
  private writtenBefore = 0;
  /** Of the records written, those encoded here (specials, record()) rather than by the core. */
  writtenByHost = 0;
  private chunkStart = 0;
  private buffer: ArrayBufferLike | undefined;
  private mem = new Uint8Array(0);
  private view = new DataView(new ArrayBuffer(0));

  constructor(engine: Engine, private readonly format: RecordFormat, options: CoreWriterOptions = {}) {
    this.core = engine.coreExports;
    this.decoder = engine.resultDecoder;
    const labels = engine.compactLabels;
    this.entries = labels.ruleLabel.length;
    this.tally = options.tally;
    this.only = options.only;
    this.make = fragmentMaker(format, labels);
    const outputBytes = Math.max(256, Math.floor(options.outputBytes ?? DEFAULT_OUTPUT_BYTES));
    // room for every entry's fragments (a label appears in up to four, a few times over when
    // escaped) and the codes seen; a fragment that does not fit has its packet written here
    let labelBytes = 0;
    for (let e = 0; e < this.entries; e++) labelBytes += labels.ruleLabel[e].length + labels.decidedLabel[e].length;
    this.areas = planAreas(engine, this.entries, outputBytes, (1 << 18) + 8 * labelBytes + 64 * this.entries);
    this.heapPos = this.areas.heap;
    this.encodeRecord = recordBytes(format);
    this.setUp(labels.conntrackEnabled);
  }

  begin(): void {
    this.chunkStart = this.written;
  }

  packets(view: DataView, bytes: Uint8Array, res: number, pkt: number, reply: number, count: number, events: number, firstNumber: number): void {
    const ctl = this.areas.ctl;
    let v = this.refresh();
    v.setUint32(ctl + W_RES, res, true);
    v.setUint32(ctl + W_PKT, pkt, true);
    v.setUint32(ctl + W_EVENTS, events, true);
    v.setUint32(ctl + W_COUNT, count, true);
    v.setUint32(ctl + W_NEXT, 0, true);
    v.setFloat64(ctl + W_NUMBER, firstNumber, true);
    for (;;) {
      const status = this.core.writeRecords(ctl);
      v = this.refresh();
      if (status === WW_DONE) break;
      const i = v.getUint32(ctl + W_NEXT, true);
      let inJs = false;
      if (status === WW_SPECIAL) inJs = true;
      else if (status === WW_MISS) inJs = !this.storeFragment(v.getUint32(ctl + W_MISS_KIND, true), v.getUint32(ctl + W_MISS_CODE, true), v.getUint32(ctl + W_MISS_SLOT, true));
      else if (status === WW_FULL) inJs = !this.moveOut();
      else if (status === WW_TALLY_FULL) this.foldTally();
      else throw new Error(`record writer: the core returned status ${status}`);
      if (inJs) {
        this.record(outputRecord(firstNumber + i, this.decoder.decode(view, bytes, res + i * RES_SIZE, pkt + i * PKT_SIZE, events, reply + i * REPLY_SIZE)));
        this.refresh().setUint32(ctl + W_NEXT, i + 1, true);
      }
    }
    // the core's count is a u32: kept here
    this.writtenBefore += v.getUint32(ctl + W_WRITTEN, true);
    v.setUint32(ctl + W_WRITTEN, 0, true);
  }

  record(rec: OutputRecord): void {
    // the packets before it first: the summary lists what it counts in the order first seen
    this.foldTally();
    this.tally?.add(rec);
    if (this.only && !this.only(rec)) return;
    this.writtenBefore++;
    this.writtenByHost++;
    this.put(this.encodeRecord(rec));
  }

  /**
   * The chunk written since begin(), as a view the writer reuses (usually of the core's memory
   * itself): valid until the next call on the writer; copy it to keep it.
   */
  take(): Uint8Array {
    this.foldTally();
    // no record kept since begin(): nothing to write (as the record path skips an empty batch)
    if (this.written === this.chunkStart) return new Uint8Array(0);
    const v = this.refresh();
    const ctl = this.areas.ctl;
    const pos = v.getUint32(ctl + W_OUT_POS, true);
    const header = this.format === 'msgpack' ? arrayHeader(this.written - this.chunkStart) : new Uint8Array(0);
    v.setUint32(ctl + W_OUT_POS, 0, true);
    this.chunkStart = this.written;
    const out = this.areas.out;
    if (this.pieces.length === 0) {
      // the header goes into the room left for it just before the area
      this.mem.set(header, out - header.length);
      return this.mem.subarray(out - header.length, out + pos);
    }
    const length = header.length + this.pieces.reduce((sum, piece) => sum + piece.length, 0) + pos;
    if (this.joined.length < length) this.joined = new Uint8Array(Math.max(length, 2 * this.joined.length));
    this.joined.set(header);
    let at = header.length;
    for (const piece of this.pieces) {
      this.joined.set(piece, at);
      at += piece.length;
    }
    this.joined.set(this.mem.subarray(out, out + pos), at);
    this.pieces = [];
    return this.joined.subarray(0, length);
  }

  /**
   * Bytes written since the last take() (without the msgpack array header take() puts before
   * them): a sharded run cuts a chunk into the parts of its shard's runs of frames this way.
   */
  get pendingBytes(): number {
    let bytes = this.refresh().getUint32(this.areas.ctl + W_OUT_POS, true);
    for (const piece of this.pieces) bytes += piece.length;
    return bytes;
  }

  get written(): number {
    return this.writtenBefore + this.refresh().getUint32(this.areas.ctl + W_WRITTEN, true);
  }

  /** Folds the packets the core counted into the tally, in the order they came (take() does it too). */
  foldTally(): void {
    const v = this.refresh();
    const { ctl, tallyOrder } = this.areas;
    const used = v.getUint32(ctl + W_TALLY_USED, true);
    if (used === 0) return;
    for (let i = 0; i < used; i++) {
      const slot = v.getUint32(tallyOrder + i * 4, true);
      const key = v.getUint32(slot, true) - 1;
      const packets = v.getUint32(slot + 4, true);
      v.setUint32(slot, 0, true);
      v.setUint32(slot + 4, 0, true);
      if (packets === 0 || !this.tally) continue;
      const entry = (key >>> TALLY_ENTRY_SHIFT) - 1;
      this.tally.addCounts(fieldValue.verdict(key & 15), fieldValue.ctstate((key >>> TALLY_CTSTATE_SHIFT) & 127), this.decoder.decidedAt(entry), packets);
    }
    v.setUint32(ctl + W_TALLY_USED, 0, true);
  }

  private setUp(conntrack: boolean): void {
    const v = this.refresh();
    const a = this.areas;
    const set = (field: number, value: number) => v.setUint32(a.ctl + field, value, true);
    set(W_FORMAT, FORMAT_CODES[this.format]);
    set(W_OPTIONS, (conntrack ? WO_CONNTRACK : 0) | (this.only ? WO_ONLY : 0));
    set(W_OUT_PTR, a.out);
    set(W_OUT_CAP, a.outBytes);
    set(W_TABLE, a.table);
    set(W_ENTRIES, this.entries);
    set(W_LOGS, a.logs);
    set(W_VERDICT_KEEP, a.verdictKeep);
    set(W_CTSTATE_KEEP, a.ctstateKeep);
    set(W_TALLY, a.tally);
    set(W_TALLY_SLOTS, TALLY_SLOTS);
    set(W_TALLY_ORDER, a.tallyOrder);
    set(W_NAMES, a.names);
    for (let e = 0; e < this.entries; e++) this.mem[a.logs + e] = this.decoder.writesLogs(e) ? 1 : 0;
    if (this.only) {
      for (let code = 0; code < 256; code++) {
        this.mem[a.verdictKeep + code] = this.only.verdicts.has(fieldValue.verdict(code)) ? 1 : 0;
        const ctstate = fieldValue.ctstate(code);
        this.mem[a.ctstateKeep + code] = ctstate !== undefined && this.only.ctstates.has(ctstate) ? 1 : 0;
      }
    }
    for (const code of [C_N, C_MATCHED, C_NOTHING_MATCHED, C_MARK, C_CT_ID, C_NAT_NOTES]) {
      if (code >= CONST_SLOTS) throw new Error(`record writer: constant ${code} beyond the table`);
      if (this.format === 'csv' && code !== C_NAT_NOTES) continue;
      if (!this.storeFragment(FK_CONST, code, TB_CONST + code)) throw new Error('record writer: no room for the constant fragments');
    }
  }

  /** Makes fragment `kind`/`code` and puts it in table slot `slot`; false when the fragment area is full. */
  private storeFragment(kind: number, code: number, slot: number): boolean {
    const { bytes, aux } = this.make(kind, code, (name) => ifaceName(this.mem, this.areas.names + name * NAME_BYTES));
    const at = this.heapPos;
    if (at + FRAG_HEADER + bytes.length > this.areas.heapEnd) return false;
    const v = this.refresh();
    v.setUint32(at + FRAG_LENGTH, bytes.length, true);
    v.setUint32(at + FRAG_AUX, aux, true);
    this.mem.set(bytes, at + FRAG_HEADER);
    this.heapPos = at + FRAG_HEADER + bytes.length;
    v.setUint32(this.areas.table + slot * 4, at, true);
    return true;
  }

  /** Moves the output area's bytes out; false when it held none (the record is too big for it). */
  private moveOut(): boolean {
    const v = this.refresh();
    const pos = v.getUint32(this.areas.ctl + W_OUT_POS, true);
    if (pos === 0) return false;
    this.pieces.push(this.mem.slice(this.areas.out, this.areas.out + pos));
    v.setUint32(this.areas.ctl + W_OUT_POS, 0, true);
    return true;
  }

  /** Appends bytes (or the UTF-8 of text) written here after what the core wrote. */
  private put(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? utf8.encode(data) : data;
    const v = this.refresh();
    const room = () => this.areas.outBytes - W_OUT_SLACK - v.getUint32(this.areas.ctl + W_OUT_POS, true);
    if (bytes.length > room()) this.moveOut();
    if (bytes.length > room()) {
      this.pieces.push(bytes.slice());
      return;
    }
    const pos = v.getUint32(this.areas.ctl + W_OUT_POS, true);
    this.mem.set(bytes, this.areas.out + pos);
    v.setUint32(this.areas.ctl + W_OUT_POS, pos + bytes.length, true);
  }

  /** Views of the core's memory, renewed when it grew. */
  private refresh(): DataView {
    const buffer = this.core.memory.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.mem = new Uint8Array(buffer);
      this.view = new DataView(buffer);
    }
    return this.view;
  }
}

/** One record as the record encoders write it inside a chunk (encode.ts). */
function recordBytes(format: RecordFormat): (rec: OutputRecord) => Uint8Array | string {
  switch (format) {
    case 'jsonl':
      return (rec) => JSON.stringify(rec) + '\n';
    case 'csv':
      return csvRow;
    case 'msgpack': {
      const writer = new MsgpackWriter(1024);
      return (rec) => {
        writer.value(rec);
        return writer.take();
      };
    }
  }
}

function arrayHeader(count: number): Uint8Array {
  const writer = new MsgpackWriter(8);
  writer.arrayHeader(count);
  return writer.take();
}
