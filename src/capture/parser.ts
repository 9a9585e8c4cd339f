// The capture reader: pcap or pcapng bytes in, batches of packet records out. Framing and header
// parsing run in WASM (assembly/wire/) over an input buffer inside an instance of the core — the
// parser's own (create), or an engine's (onEngine), whose evaluate() then reads the records where
// they were parsed; this class feeds the buffer, drains the outputs and keeps the state that spans
// chunks (the rest lives in the context block). Host-neutral: no Node APIs.
//
// Use: for (const batch of parser.feed(chunk)) ...; then for (const batch of parser.end()) ...
// Each batch holds up to `batchSize` frames; every frame of the capture appears in exactly one
// batch, in file order, with its outcome (frames.ts). A generator must be run to its end before
// the next call. The *InPlace forms yield batches left in the core's memory (in-place.ts), valid
// until their generator is resumed.
import {
  FMT_PCAP, FMT_PCAPNG, IF_FLAGS, IF_LINKTYPE, IF_NAME, IF_NAME_LEN, IF_NAME_MAX, IF_RECORD_NAME,
  IF_SIZE, IF_SNAPLEN, IF_TSRESOL, IFF_NAMED, IM_INDEX, IM_NAME, IM_SIZE, PCAPNG_MAX_BLOCK,
  WS_ERROR, WS_INTERFACE, WS_NEED_INPUT, WS_OUTPUT_FULL, X_BYTES, X_DEFAULT_IFACE, X_ERROR,
  X_ERROR_DETAIL, X_ERROR_OFFSET, X_FORMAT, X_FRAME_CAP, X_FRAME_COUNT, X_FRAME_FLAGS, X_FRAME_PTR, X_IFACE_COUNT,
  X_IFACES_CAP, X_IFACES_PTR, X_IFMAP_COUNT, X_IFMAP_PTR, X_IN_BASE, X_IN_LEN, X_IN_POS, X_IN_PTR,
  X_LINKTYPE, X_NEED, X_OPTIONS, X_PAY_CAP, X_PAY_PTR, X_PAY_USED, X_REC_CAP, X_REC_COUNT,
  X_REC_PTR, X_SECTION, X_SHARD, X_SHARDS, X_SKIPPED_PAYLOAD, X_SKIPPED_RECORDS, XO_IGNORE_IP_CSUM,
  XO_VLAN_NAMES, FR_SIZE, FR_FLAGS, FR_IFINDEX_IN, FR_IFINDEX_OUT,
  FR_OFFSET, FR_STATUS, FF_IFINDEX_IN, FF_IFINDEX_OUT, FF_IP_CSUM_UNSET,
} from '../../assembly/wire/abi.js';
import { PKT_IN_IFACE, PKT_OUT_IFACE, PKT_PAYLOAD_LEN, PKT_PAYLOAD_PTR, PKT_SIZE } from '../../assembly/shared/layout.js';
import { ensureMemory } from '../engine/arena.js';
import type { CoreSource } from '../engine/load-wasm.js';
import { interfaceNameBytes } from '../host/ifname.js';
import { reserveAreas, reserveBuffers, type Areas, type Buffers, type ReserveMemory } from './areas.js';
import { CaptureError } from './errors.js';
import { wireErrorText } from './error-text.js';
import { decodeFrameInfo, frameStatusName, type FrameInfo, type FrameStatus } from './frames.js';
import type { InPlaceBatch } from './in-place.js';
import { instantiateWire, wireExportsOf, type WireExports } from './wire-core.js';

export interface CaptureOptions {
  /** In-interface of packets whose capture names none (pcap, SLL, unnamed pcapng interfaces): --in. */
  inInterface?: string;
  /** Names for the interface indexes SLL2 and NFLOG records carry (else inInterface is used). */
  ifindexNames?: ReadonlyMap<number, string> | Readonly<Record<number, string>>;
  /** Replacement names for pcapng if_name values (e.g. a Windows device name -> "eth0"). */
  interfaceNames?: ReadonlyMap<string, string> | Readonly<Record<string, string>>;
  /** A frame with 802.1Q tags arrives on "<iface>.<vid>" (default: on the capture interface). */
  vlanInterfaces?: boolean;
  /** Drop (report as malformed) arriving packets with a bad IPv4 header checksum, as ip_rcv does. Default true. */
  checkIpHeaderChecksum?: boolean;
  /** Frames per batch (default 4096). */
  batchSize?: number;
  /** Input buffer bytes (default 4 MiB); grows for larger pcapng blocks. */
  bufferSize?: number;
  /** The core to use instead of the inlined one. */
  wasm?: CoreSource;
  /** Called for each warning as it arises (they are also kept in `warnings`). */
  onWarning?: (warning: CaptureWarning) => void;
  /**
   * One shard of a sharded run (--workers N): the records of packets the parser can tell are
   * another shard's are not written (assembly/wire/abi.ts X_SHARDS); batches end where they would
   * without it. For parsers sharing an engine (onEngine) whose caller picks its shard's records.
   */
  shard?: { shard: number; shards: number };
}

export interface CaptureWarning {
  message: string;
  /** Byte offset in the input it concerns. */
  offset?: number;
}

/** What a batch carries: the shape Engine.classify(records, count, payloads) takes. */
export interface CaptureBatch {
  /** count x PKT_SIZE bytes; PKT_PAYLOAD_PTR is an offset into `payloads`. */
  records: Uint8Array;
  payloads: Uint8Array;
  count: number;
  /** One per frame, in file order; evaluated frames name their record. */
  frames: FrameInfo[];
}

/** An instance of the core to share (an Engine): its exports, and blocks of its memory reserved for the parser. */
export interface SharedCore {
  readonly coreExports: object;
  reserve(bytes: number): number;
}

export interface CaptureInterface {
  /** pcapng section (from 0) and interface id within it. */
  section: number;
  id: number;
  /** if_name, when given. */
  name?: string;
  /** The name its packets get in records ('' = the default in-interface). */
  recordName: string;
  linkType: number;
  snaplen: number;
  /** if_tsresol as given (6 = microseconds). */
  tsresol: number;
}

export interface CaptureSummary {
  format?: 'pcap' | 'pcapng';
  /** pcap: the file's link type. */
  linkType?: number;
  frames: number;
  byStatus: Record<FrameStatus, number>;
  bytes: number;
  /** Byte offset where an incomplete last record or block starts (the file was cut). */
  truncatedAt?: number;
}

const DEFAULT_BATCH = 4096;
const MAX_BATCH = 65536;
const DEFAULT_BUFFER = 4 << 20;
const MIN_BUFFER = 1 << 20;
const MAX_INTERFACES = 4096;
const utf8 = new TextEncoder();
const utf8Text = new TextDecoder();

function entriesOf<K, V>(m: ReadonlyMap<K, V> | Readonly<Record<string, V>> | undefined): Array<[string, V]> {
  if (!m) return [];
  if (m instanceof Map) return [...m.entries()].map(([k, v]) => [String(k), v]);
  return Object.entries(m as Record<string, V>);
}

function emptyTally(): Record<FrameStatus, number> {
  return { ipv4: 0, ipv6: 0, arp: 0, 'non-ip': 0, truncated: 0, malformed: 0, 'other-host': 0 };
}

export class CaptureParser {
  readonly warnings: CaptureWarning[] = [];
  private readonly tally = emptyTally();
  private readonly ifaceList: CaptureInterface[] = [];
  private readonly renames: Map<string, string>;
  private readonly ifindexNames: Map<number, string>;
  private readonly warnedIfindex = new Set<number>();
  private frameIndex = 0;
  private bytesIn = 0;
  private truncatedAt: number | undefined;
  private failed: CaptureError | undefined;
  private ended = false;
  private warnedNoName = false;
  private warnedChecksumUnset = false;

  private constructor(
    private readonly core: WireExports,
    private readonly reserve: ReserveMemory,
    private readonly areas: Areas,
    private buffers: Buffers,
    private readonly options: CaptureOptions,
  ) {
    this.renames = new Map(entriesOf(options.interfaceNames));
    this.ifindexNames = new Map(entriesOf(options.ifindexNames).map(([k, v]) => [Number(k), v]));
  }

  /** A parser in an instance of the core of its own. */
  static async create(options: CaptureOptions = {}): Promise<CaptureParser> {
    const core = await instantiateWire(options.wasm);
    let next = core.heapBase();
    const reserve = (bytes: number): number => {
      const at = (next + 15) & ~15;
      next = at + bytes;
      ensureMemory(core.memory, next);
      return at;
    };
    return CaptureParser.build(core, reserve, options);
  }

  /**
   * A parser whose areas are blocks of `engine`'s memory (Engine.reserve), so that the engine
   * evaluates its records in place (the *InPlace batches, Engine.evaluateInPlace).
   */
  static onEngine(engine: SharedCore, options: Omit<CaptureOptions, 'wasm'> = {}): CaptureParser {
    return CaptureParser.build(wireExportsOf(engine.coreExports), (bytes) => engine.reserve(bytes), options);
  }

  private static build(core: WireExports, reserve: ReserveMemory, options: CaptureOptions): CaptureParser {
    const batch = Math.min(MAX_BATCH, Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH)));
    const input = Math.max(MIN_BUFFER, Math.floor(options.bufferSize ?? DEFAULT_BUFFER));
    const ifindexEntries = entriesOf(options.ifindexNames);
    const areas = reserveAreas(reserve, { batch, ifmapEntries: ifindexEntries.length, interfaces: MAX_INTERFACES });
    const buffers = reserveBuffers(reserve, input);
    const parser = new CaptureParser(core, reserve, areas, buffers, options);
    parser.setUp(ifindexEntries);
    return parser;
  }

  /** Where the parser's blocks are in the core's memory (tests check they overlap nothing). */
  get memoryBlocks(): ReadonlyArray<{ start: number; end: number }> {
    return [
      { start: this.areas.ctx, end: this.areas.end },
      { start: this.buffers.arena, end: this.buffers.end },
    ];
  }

  private setUp(ifindexEntries: Array<[string, string]>): void {
    const { ctx } = this.areas;
    new Uint8Array(this.core.memory.buffer, ctx, X_BYTES).fill(0);
    let options = 0;
    if (this.options.vlanInterfaces) options |= XO_VLAN_NAMES;
    if (this.options.checkIpHeaderChecksum === false) options |= XO_IGNORE_IP_CSUM;
    this.setWord(X_OPTIONS, options);
    this.setWord(X_IFACES_PTR, this.areas.ifaces);
    this.setWord(X_IFACES_CAP, this.areas.sizes.interfaces);
    this.setWord(X_REC_PTR, this.areas.records);
    this.setWord(X_REC_CAP, this.areas.sizes.batch);
    this.setWord(X_FRAME_PTR, this.areas.frames);
    this.setWord(X_FRAME_CAP, this.areas.sizes.batch);
    const shard = this.options.shard;
    if (shard && shard.shards > 1) {
      if (!Number.isInteger(shard.shards) || !Number.isInteger(shard.shard) || shard.shard < 0 || shard.shard >= shard.shards) {
        throw new RangeError(`capture parser: shard ${shard.shard} of ${shard.shards}`);
      }
      this.setWord(X_SHARDS, shard.shards);
      this.setWord(X_SHARD, shard.shard);
    }
    this.pointAtBuffers();
    if (this.options.inInterface !== undefined) this.bytes().set(interfaceNameBytes(this.options.inInterface), ctx + X_DEFAULT_IFACE);
    this.setWord(X_IFMAP_PTR, this.areas.ifmap);
    this.setWord(X_IFMAP_COUNT, ifindexEntries.length);
    ifindexEntries.forEach(([index, name], i) => {
      const at = this.areas.ifmap + i * IM_SIZE;
      const n = Number(index);
      if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`ifindexNames: ${index} is not an interface index`);
      this.view().setUint32(at + IM_INDEX, n, true);
      this.bytes().set(interfaceNameBytes(name), at + IM_NAME);
    });
  }

  private pointAtBuffers(): void {
    this.setWord(X_IN_PTR, this.buffers.input);
    this.setWord(X_PAY_PTR, this.buffers.arena);
    this.setWord(X_PAY_CAP, this.buffers.size);
  }

  // ---- memory access (views are re-made: memory.grow detaches them)
  private bytes(): Uint8Array {
    return new Uint8Array(this.core.memory.buffer);
  }

  private view(): DataView {
    return new DataView(this.core.memory.buffer);
  }

  private word(offset: number): number {
    return this.view().getUint32(this.areas.ctx + offset, true);
  }

  private setWord(offset: number, value: number): void {
    this.view().setUint32(this.areas.ctx + offset, value, true);
  }

  // ---- input
  /**
   * Free space at the end of the input buffer, as a view into WASM memory to read into (at most
   * `maxBytes`); pass the count written to commit(). Valid until the next call on the parser.
   */
  writable(maxBytes = Infinity): Uint8Array {
    this.compact();
    const used = this.word(X_IN_LEN);
    const free = this.buffers.size - used;
    return new Uint8Array(this.core.memory.buffer, this.buffers.input + used, Math.min(free, maxBytes));
  }

  /** Parses the `bytes` just written into writable(). */
  commit(bytes: number): Generator<CaptureBatch> {
    return this.commitWith(bytes, this.takeBatch);
  }

  /** commit(), the batches left in the core's memory. */
  commitInPlace(bytes: number): Generator<InPlaceBatch> {
    return this.commitWith(bytes, this.inPlaceBatch);
  }

  /**
   * Copies `chunk` in (in pieces when it is larger than the buffer) and parses it. Leaving the
   * loop over its batches early would lose the rest of the chunk: the parser then refuses to go on.
   */
  feed(chunk: Uint8Array): Generator<CaptureBatch> {
    return this.feedWith(chunk, this.takeBatch);
  }

  /** feed(), the batches left in the core's memory. */
  feedInPlace(chunk: Uint8Array): Generator<InPlaceBatch> {
    return this.feedWith(chunk, this.inPlaceBatch);
  }

  /** No more input: the last batch, and a warning if the file was cut inside a record or block. */
  end(): Generator<CaptureBatch> {
    return this.endWith(this.takeBatch);
  }

  /** end(), the last batch left in the core's memory. */
  endInPlace(): Generator<InPlaceBatch> {
    return this.endWith(this.inPlaceBatch);
  }

  private *commitWith<T>(bytes: number, take: () => T): Generator<T> {
    this.checkUsable();
    if (!Number.isInteger(bytes) || bytes < 0 || this.word(X_IN_LEN) + bytes > this.buffers.size) {
      throw new RangeError(`commit(${bytes}): more than writable() offered`);
    }
    this.bytesIn += bytes;
    this.setWord(X_IN_LEN, this.word(X_IN_LEN) + bytes);
    yield* this.run(take);
  }

  private *feedWith<T>(chunk: Uint8Array, take: () => T): Generator<T> {
    let done = 0;
    try {
      while (done < chunk.length) {
        const space = this.writable(chunk.length - done);
        space.set(chunk.subarray(done, done + space.length));
        done += space.length;
        yield* this.commitWith(space.length, take);
      }
    } finally {
      if (done < chunk.length && !this.failed) {
        this.failed = new CaptureError('the batches of a chunk were not all taken (feed() left early): the rest of the chunk was not read', this.cursorOffset());
      }
    }
  }

  private *endWith<T>(take: () => T): Generator<T> {
    this.checkUsable();
    this.ended = true;
    const format = this.word(X_FORMAT);
    if (format === 0 || (format === FMT_PCAPNG && this.word(X_SECTION) === 0)) {
      throw new CaptureError(this.bytesIn === 0 ? 'empty input: no capture file header' : `input ends after ${this.bytesIn} bytes, inside the capture file header`, 0);
    }
    const left = this.word(X_IN_LEN) - this.word(X_IN_POS);
    if (left > 0) {
      this.truncatedAt = this.cursorOffset();
      const need = this.word(X_NEED);
      const unit = format === FMT_PCAP ? 'packet record' : 'block';
      this.warn(`capture truncated: the last ${unit} is incomplete (${left}${need > 0 ? ` of ${need}` : ''} bytes); frames up to the cut were read`, this.truncatedAt);
    }
    if (this.word(X_FRAME_COUNT) > 0) yield* this.drain(take);
  }

  get summary(): CaptureSummary {
    const format = this.word(X_FORMAT);
    const s: CaptureSummary = { frames: this.frameIndex, byStatus: { ...this.tally }, bytes: this.bytesIn };
    if (format === FMT_PCAP) {
      s.format = 'pcap';
      s.linkType = this.word(X_LINKTYPE);
    } else if (format === FMT_PCAPNG) s.format = 'pcapng';
    if (this.truncatedAt !== undefined) s.truncatedAt = this.truncatedAt;
    return s;
  }

  /** Interfaces described so far (pcapng), across sections. */
  get interfaces(): readonly CaptureInterface[] {
    return this.ifaceList;
  }

  // ---- parsing
  private checkUsable(): void {
    if (this.failed) throw this.failed;
    if (this.ended) throw new Error('the capture parser was ended');
  }

  private cursorOffset(): number {
    return this.view().getFloat64(this.areas.ctx + X_IN_BASE, true) + this.word(X_IN_POS);
  }

  private *run<T>(take: () => T): Generator<T> {
    for (;;) {
      const status = this.core.wireParse(this.areas.ctx);
      if (status === WS_OUTPUT_FULL) {
        if (this.word(X_FRAME_COUNT) === 0) throw new Error('capture parser: output areas too small for one frame');
        yield* this.drain(take);
      } else if (status === WS_INTERFACE) {
        this.describeInterface();
      } else if (status === WS_ERROR) {
        const offset = this.view().getFloat64(this.areas.ctx + X_ERROR_OFFSET, true);
        this.failed = new CaptureError(wireErrorText(this.word(X_ERROR), this.word(X_ERROR_DETAIL)), offset);
        if (this.word(X_FRAME_COUNT) > 0) yield* this.drain(take);
        throw this.failed;
      } else if (status === WS_NEED_INPUT) {
        const need = this.word(X_NEED);
        if (need > this.buffers.size) {
          if (this.word(X_FRAME_COUNT) > 0) yield* this.drain(take);
          this.growInput(need);
        }
        return;
      } else {
        throw new Error(`capture parser: unexpected status ${status}`);
      }
    }
  }

  /** Moves the unconsumed input to the start of the buffer. */
  private compact(): void {
    const pos = this.word(X_IN_POS);
    if (pos === 0) return;
    const len = this.word(X_IN_LEN);
    const input = this.buffers.input;
    this.bytes().copyWithin(input, input + pos, input + len);
    const view = this.view();
    view.setFloat64(this.areas.ctx + X_IN_BASE, view.getFloat64(this.areas.ctx + X_IN_BASE, true) + pos, true);
    this.setWord(X_IN_LEN, len - pos);
    this.setWord(X_IN_POS, 0);
  }

  /**
   * A unit larger than the buffer: a larger buffer and arena in a new block (the old one is left
   * unused), the pending input moved along.
   */
  private growInput(need: number): void {
    if (need > PCAPNG_MAX_BLOCK + 64) throw new Error(`capture parser: a unit of ${need} bytes`);
    this.compact();
    const old = this.buffers;
    const size = Math.ceil(Math.max(need, 2 * old.size) / MIN_BUFFER) * MIN_BUFFER;
    const buffers = reserveBuffers(this.reserve, size);
    this.bytes().copyWithin(buffers.input, old.input, old.input + this.word(X_IN_LEN));
    this.buffers = buffers;
    this.pointAtBuffers();
  }

  /** The batch of the frames parsed so far, as `take` makes it; the areas are reset once it was used. */
  private *drain<T>(take: () => T): Generator<T> {
    try {
      yield take.call(this);
    } finally {
      this.setWord(X_REC_COUNT, 0);
      this.setWord(X_FRAME_COUNT, 0);
      this.setWord(X_FRAME_FLAGS, 0);
      this.setWord(X_PAY_USED, 0);
      this.setWord(X_SKIPPED_RECORDS, 0);
      this.setWord(X_SKIPPED_PAYLOAD, 0);
    }
  }

  /** The outputs of the frames parsed so far, copied out. */
  private takeBatch(): CaptureBatch {
    const { records: recordArea, frames: frameArea } = this.areas;
    const arena = this.buffers.arena;
    const first = this.noteOutputs();
    const count = this.word(X_REC_COUNT);
    const frameCount = this.word(X_FRAME_COUNT);
    const bytes = this.bytes();
    const records = bytes.slice(recordArea, recordArea + count * PKT_SIZE);
    const payloads = bytes.slice(arena, arena + this.word(X_PAY_USED));
    const recordView = new DataView(records.buffer);
    for (let i = 0; i < count; i++) {
      const rec = i * PKT_SIZE;
      if (recordView.getUint32(rec + PKT_PAYLOAD_LEN, true) > 0) {
        recordView.setUint32(rec + PKT_PAYLOAD_PTR, recordView.getUint32(rec + PKT_PAYLOAD_PTR, true) - arena, true);
      }
    }
    const view = this.view();
    const frames: FrameInfo[] = new Array(frameCount);
    for (let j = 0; j < frameCount; j++) frames[j] = decodeFrameInfo(view, frameArea + j * FR_SIZE, first + j, payloads);
    return { records, payloads, count, frames };
  }

  /** The outputs of the frames parsed so far, where they are. */
  private inPlaceBatch(): InPlaceBatch {
    const firstFrame = this.noteOutputs();
    return {
      memory: this.core.memory, records: this.areas.records, count: this.word(X_REC_COUNT),
      frames: this.areas.frames, frameCount: this.word(X_FRAME_COUNT), firstFrame, arena: this.buffers.arena,
    };
  }

  /**
   * Tallies the frames parsed since the last batch and warns about what they show (no interface
   * names, unnamed ifindexes, offloaded checksums); returns the index of the first of them.
   */
  private noteOutputs(): number {
    const first = this.frameIndex;
    const { records, frames } = this.areas;
    const count = this.word(X_REC_COUNT);
    const frameCount = this.word(X_FRAME_COUNT);
    const bytes = this.bytes();
    for (let rec = records; !this.warnedNoName && rec < records + count * PKT_SIZE; rec += PKT_SIZE) {
      if (bytes[rec + PKT_IN_IFACE] === 0 && bytes[rec + PKT_OUT_IFACE] === 0) this.warnNoName();
    }
    // every frame an IPv4 packet (each wrote a record, or was another shard's) and none with flags to check: nothing per frame
    if (count + this.word(X_SKIPPED_RECORDS) === frameCount && this.word(X_FRAME_FLAGS) === 0) {
      this.tally.ipv4 += frameCount;
      this.frameIndex += frameCount;
      return first;
    }
    const view = this.view();
    for (let at = frames; at < frames + frameCount * FR_SIZE; at += FR_SIZE) {
      this.tally[frameStatusName(bytes[at + FR_STATUS])]++;
      const flags = bytes[at + FR_FLAGS];
      if (flags === 0) continue;
      if (flags & FF_IFINDEX_IN) this.checkIfindex(view.getUint32(at + FR_IFINDEX_IN, true), at);
      if (flags & FF_IFINDEX_OUT) this.checkIfindex(view.getUint32(at + FR_IFINDEX_OUT, true), at);
      if (flags & FF_IP_CSUM_UNSET && !this.warnedChecksumUnset) this.warnChecksumUnset(view.getFloat64(at + FR_OFFSET, true));
    }
    this.frameIndex += frameCount;
    return first;
  }

  /** A pcapng interface was just described: note it, and rename it when asked to. */
  private describeInterface(): void {
    const id = this.word(X_IFACE_COUNT) - 1;
    const entry = this.areas.ifaces + id * IF_SIZE;
    const view = this.view();
    const named = (view.getUint16(entry + IF_FLAGS, true) & IFF_NAMED) !== 0;
    const nameLength = view.getUint16(entry + IF_NAME_LEN, true);
    const nameBytes = this.bytes().subarray(entry + IF_NAME, entry + IF_NAME + Math.min(nameLength, IF_NAME_MAX));
    const name = named ? utf8Text.decode(nameBytes) + (nameLength > IF_NAME_MAX ? '…' : '') : undefined;
    const iface: CaptureInterface = {
      section: this.word(X_SECTION) - 1, id, linkType: view.getUint16(entry + IF_LINKTYPE, true),
      snaplen: view.getUint32(entry + IF_SNAPLEN, true), tsresol: view.getUint8(entry + IF_TSRESOL), recordName: '',
    };
    if (name !== undefined) iface.name = name;
    const rename = name !== undefined ? this.renames.get(name) : undefined;
    if (rename !== undefined) {
      const bytes = interfaceNameBytes(rename);
      this.bytes().fill(0, entry + IF_RECORD_NAME, entry + IF_RECORD_NAME + 16);
      this.bytes().set(bytes, entry + IF_RECORD_NAME);
    } else if (name !== undefined && utf8.encode(name).length > 15) {
      this.warn(`pcapng interface ${id} is named "${name}", longer than an interface name can be: its packets get "${this.recordNameAt(entry)}" (rename it with interfaceNames)`);
    }
    iface.recordName = this.recordNameAt(entry);
    if (iface.recordName === '' && this.options.inInterface === undefined) this.warnNoName();
    this.ifaceList.push(iface);
  }

  private recordNameAt(entry: number): string {
    const raw = this.bytes().subarray(entry + IF_RECORD_NAME, entry + IF_RECORD_NAME + 16);
    const end = raw.indexOf(0);
    return utf8Text.decode(raw.subarray(0, end < 0 ? 16 : end));
  }

  /** Interface index `index`, which the frame info at `at` carries, should have a name. */
  private checkIfindex(index: number, at: number): void {
    if (this.ifindexNames.has(index) || this.warnedIfindex.has(index)) return;
    this.warnedIfindex.add(index);
    const fallback = this.options.inInterface !== undefined ? `"${this.options.inInterface}"` : 'no name';
    this.warn(`the capture names interface index ${index}, which has no name (give ifindexNames): packets on it get ${fallback}`, this.view().getFloat64(at + FR_OFFSET, true));
  }

  private warnChecksumUnset(offset: number): void {
    this.warnedChecksumUnset = true;
    this.warn('packets with IPv4 header checksum 0: the capturing host left checksums to its NIC (offload), so they were taken as correct; their TCP/UDP checksums are probably unfinished too', offset);
  }

  private warnNoName(): void {
    if (this.warnedNoName || this.options.inInterface !== undefined) return;
    this.warnedNoName = true;
    this.warn('the capture does not name the interface its packets arrived on and no default was given (--in IFACE): they get no in-interface');
  }

  private warn(message: string, offset?: number): void {
    const warning: CaptureWarning = offset === undefined ? { message } : { message, offset };
    this.warnings.push(warning);
    this.options.onWarning?.(warning);
  }
}
