// The engine: a compiled ruleset loaded into a core instance, classifying packet records in
// batches and keeping counters and match state between calls.
import { CFG_REPLIES_PTR, PKT_PAYLOAD_LEN, PKT_PAYLOAD_PTR, PKT_SIZE, REPLY_SIZE, RES_SIZE } from '../../assembly/shared/layout.js';
import { chainKey, compileRuleset } from '../compile/compile.js';
import type { CompiledRuleset } from '../compile/types.js';
import type { ClassifierMode } from '../compile/bitvector.js';
import { buildRouteTable } from '../host/routes.js';
import type { HostModel } from '../host/model.js';
import type { ModuleRegistry } from '../modules/registry.js';
import type { Counters, Diagnostic, Ruleset } from '../ruleset/types.js';
import { formatConntrack } from '../conntrack/format.js';
import { readConntrack, type ConntrackEntry, type ConntrackExpectation, type ConntrackSnapshot } from '../conntrack/read.js';
import { ensureMemory, type Arena } from './arena.js';
import { coreCodeMemory, eventsPerPacketWithReply, loadIntoCore } from './core-setup.js';
import { instantiateCore, type CoreExports, type CoreSource } from './load-wasm.js';
import { ResultDecoder, type PacketResult } from './result.js';
import { defragSettings, type DefragSettings } from './defrag.js';
import { CompactBuilder, compactLabels, type CompactBatch, type CompactLabels } from './compact.js';

/**
 * Where the batch loop hands the `count` packets one evaluate() call completed: addresses in the
 * core's memory of the first one's result, record and reply slot (the others follow at RES_SIZE,
 * PKT_SIZE and REPLY_SIZE strides), and of the event buffer.
 */
export type PacketSink = (view: DataView, bytes: Uint8Array, res: number, pkt: number, reply: number, count: number, events: number) => void;

export type { PacketResult } from './result.js';
export type { CompactBatch, CompactLabels } from './compact.js';
export type { DefragResult, DefragSettings } from './defrag.js';

export interface EngineOptions {
  /** Packets copied into the core per evaluate() call (default 4096). */
  batchSize?: number;
  /** Event buffer slots (default 65536; raised to fit twice the worst case of one packet). */
  eventCapacity?: number;
  /** The core to use instead of the inlined one (bytes or a compiled module). */
  wasm?: CoreSource;
  /** Where match and target modules are looked up (default: every module nfwasm ships). */
  registry?: ModuleRegistry;
  /**
   * false: never run conntrack; packet records' ctstate stands (testing rules in isolation).
   * Default: on exactly when the ruleset uses conntrack, as in the kernel (NETFILTER.md §0).
   */
  conntrack?: boolean;
  /**
   * Bounds of IPv4 reassembly, which runs before conntrack whenever conntrack does (NETFILTER.md
   * §4.1, docs/fragments.md). Defaults: 1024 queues, 4 MiB, 30 s. false: no reassembly even with
   * conntrack (testing conntrack in isolation: a lone later fragment then reaches it as INVALID).
   */
  defrag?: Partial<DefragSettings> | false;
  /** Which chains get a bit-vector classifier (CompileOptions.classifier; default 'auto'). */
  classifier?: ClassifierMode;
}

const DEFAULT_BATCH = 4096;
const DEFAULT_EVENTS = 65536;
const MAX_EVENTS = 1 << 22;

export class Engine {
  readonly warnings: Diagnostic[];
  /** Said once per engine: e.g. that records' own ctstate is ignored while conntrack runs. */
  readonly notices: string[] = [];
  private ctstateNoticeGiven = false;
  /** The highest address placePayloads() ever wrote to (reserveZeroed()). */
  private payloadsWrittenTo = 0;
  private labels?: CompactLabels;

  private constructor(
    private readonly ruleset: Ruleset,
    readonly compiled: CompiledRuleset,
    private readonly core: CoreExports,
    private readonly arena: Arena,
    private readonly batchSize: number,
    private readonly decoder: ResultDecoder,
  ) {
    this.warnings = compiled.warnings;
  }

  static async create(ruleset: Ruleset, host: HostModel, opts: EngineOptions = {}): Promise<Engine> {
    // The core first: the compile builds the classifier rows straight into its memory.
    const core = await instantiateCore(opts.wasm);
    const compiled = compileRuleset(ruleset, host, {
      registry: opts.registry, conntrack: opts.conntrack, classifier: opts.classifier, codeMemory: coreCodeMemory(core),
    });
    const routes = buildRouteTable(host);
    const batchSize = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_BATCH));
    const eventCapacity = Math.max(opts.eventCapacity ?? DEFAULT_EVENTS, Math.min(2 * eventsPerPacketWithReply(compiled), MAX_EVENTS));
    const arena = loadIntoCore(core, compiled, routes, batchSize, eventCapacity, opts.defrag === false ? undefined : defragSettings(opts.defrag));
    return new Engine(ruleset, compiled, core, arena, batchSize, new ResultDecoder(compiled));
  }

  /** Whether the ruleset turned connection tracking on (NETFILTER.md §0). */
  get conntrackEnabled(): boolean {
    return this.compiled.conntrack.enabled;
  }

  /**
   * The conntrack modes in force, as outputs state them: how helpers are assigned, whether
   * checksums are verified (NETFILTER.md §4.3, §4.7). Empty when conntrack is off.
   */
  conntrackModes(): string[] {
    const ct = this.compiled.conntrack;
    if (!ct.enabled) return [];
    return [
      ct.helperAutoassign ? 'helper assignment: legacy automatic (ftp on port 21, and CT --helper)' : 'helper assignment: CT --helper only',
      ct.checksum ? 'checksums: verified in PREROUTING (nf_conntrack_checksum=1)' : 'checksums: not verified (nf_conntrack_checksum=0)',
    ];
  }

  /**
   * Classifies `count` packet records (PKT_SIZE bytes each, from the start of `records`). A record
   * with PKT_PAYLOAD_LEN > 0 has its payload at offset PKT_PAYLOAD_PTR of `payloads` (encodeBatch);
   * the engine copies it into the core's memory. Conntrack state carries over between calls.
   */
  classify(records: Uint8Array, count: number, payloads?: Uint8Array): PacketResult[] {
    const results: PacketResult[] = [];
    this.run(records, count, payloads, (view, bytes, res, pkt, reply, n, events) => {
      for (let k = 0; k < n; k++) results.push(this.decoder.decode(view, bytes, res + k * RES_SIZE, pkt + k * PKT_SIZE, events, reply + k * REPLY_SIZE));
    });
    return results;
  }

  /**
   * classify() in compact form (compact.ts): the same results as typed arrays copied once from the
   * core, without an object per packet; compactPacketResult() turns one back into a PacketResult.
   */
  classifyCompact(records: Uint8Array, count: number, payloads?: Uint8Array): CompactBatch {
    const builder = new CompactBuilder(count, this.decoder);
    this.run(records, count, payloads, (view, bytes, res, pkt, reply, n, events) => builder.add(view, bytes, res, pkt, reply, n, events));
    return builder.finish();
  }

  /** The labels and actions results are decoded with (output encoders precompute from them). */
  get resultDecoder(): ResultDecoder {
    return this.decoder;
  }

  /** What encoders of compact batches need (the same for every batch of this engine). */
  get compactLabels(): CompactLabels {
    return (this.labels ??= compactLabels(this.decoder));
  }

  /**
   * Classifies `count` packet records that are already in the core's memory at `records` (PKT_SIZE
   * each, payload pointers absolute), e.g. where a capture parser sharing this instance wrote them
   * (reserve()): nothing is copied in. `take` gets each evaluate() call's completed packets while
   * their results, events and replies are still in memory.
   */
  evaluateInPlace(records: number, count: number, take: PacketSink): void {
    for (let done = 0; done < count; done += this.batchSize) {
      this.evaluateBatch(Math.min(this.batchSize, count - done), take, records + done * PKT_SIZE);
    }
  }

  /**
   * A block of `bytes` in the core's memory for the host's own use (a capture parser's areas, an
   * output encoder's tables), behind everything the engine placed; 64-byte aligned. The engine's
   * payload area, which grows with the batch, moves behind it.
   */
  reserve(bytes: number): number {
    const at = Math.ceil(this.arena.payloads / 64) * 64;
    this.arena.payloads = Math.ceil((at + bytes) / 64) * 64;
    this.arena.end = this.arena.payloads;
    ensureMemory(this.core.memory, this.arena.end);
    return at;
  }

  /**
   * reserve() of a block that reads as zero. Fresh WASM memory is zero and nothing but the payload
   * area of copied-in batches is ever written above the engine's own areas, so only the part of
   * the block that area once reached is cleared (usually none: no copy per set-up).
   */
  reserveZeroed(bytes: number): number {
    const at = this.reserve(bytes);
    const dirtyEnd = Math.min(at + bytes, this.payloadsWrittenTo);
    if (dirtyEnd > at) new Uint8Array(this.core.memory.buffer, at, dirtyEnd - at).fill(0);
    return at;
  }

  /** Where the payload area of copied-in batches starts: behind every reserve()d block. */
  get payloadArea(): number {
    return this.arena.payloads;
  }

  /** The core instance (its memory and exports), for host code that shares it (reserve()). */
  get coreExports(): CoreExports {
    return this.core;
  }

  private run(records: Uint8Array, count: number, payloads: Uint8Array | undefined, take: PacketSink): void {
    if (records.length < count * PKT_SIZE) throw new RangeError(`${count} packet records need ${count * PKT_SIZE} bytes, got ${records.length}`);
    for (let done = 0; done < count; done += this.batchSize) {
      const n = Math.min(this.batchSize, count - done);
      new Uint8Array(this.core.memory.buffer).set(records.subarray(done * PKT_SIZE, (done + n) * PKT_SIZE), this.arena.packets);
      this.placePayloads(n, payloads);
      this.evaluateBatch(n, take);
    }
  }

  /**
   * Copies the payloads of the `n` records now in the packet area behind the arena and points the
   * records at them (absolute addresses).
   */
  private placePayloads(n: number, payloads: Uint8Array | undefined): void {
    let view = new DataView(this.core.memory.buffer);
    let first = Infinity;
    let end = 0;
    for (let k = 0; k < n; k++) {
      const rec = this.arena.packets + k * PKT_SIZE;
      const len = view.getUint32(rec + PKT_PAYLOAD_LEN, true);
      if (len === 0) continue;
      const at = view.getUint32(rec + PKT_PAYLOAD_PTR, true);
      if (!payloads || at + len > payloads.length) throw new RangeError(`packet record ${k}: payload ${at}+${len} lies outside the ${payloads?.length ?? 0} payload bytes given`);
      first = Math.min(first, at);
      end = Math.max(end, at + len);
    }
    if (end === 0) return;
    ensureMemory(this.core.memory, this.arena.payloads + (end - first));
    this.payloadsWrittenTo = Math.max(this.payloadsWrittenTo, this.arena.payloads + (end - first));
    new Uint8Array(this.core.memory.buffer).set(payloads!.subarray(first, end), this.arena.payloads);
    view = new DataView(this.core.memory.buffer);
    for (let k = 0; k < n; k++) {
      const rec = this.arena.packets + k * PKT_SIZE;
      if (view.getUint32(rec + PKT_PAYLOAD_LEN, true) === 0) continue;
      view.setUint32(rec + PKT_PAYLOAD_PTR, this.arena.payloads + view.getUint32(rec + PKT_PAYLOAD_PTR, true) - first, true);
    }
  }

  /**
   * Records that `count` input packets claimed a ctstate of their own: with conntrack on the
   * core computes ctstate and ignores theirs, which is said once (notices).
   */
  noteClaimedCtstate(count: number): void {
    if (count === 0 || !this.conntrackEnabled || this.ctstateNoticeGiven) return;
    this.ctstateNoticeGiven = true;
    this.notices.push('the ruleset turns conntrack on: the ctstate given in packet records is ignored, conntrack computes it');
  }

  /** The conntrack table and expectations after the packets so far (expired ones removed). */
  conntrackSnapshot(): ConntrackSnapshot {
    if (!this.conntrackEnabled) return { entries: [], expectations: [] };
    const nowMs = this.core.conntrackExpire(this.arena.cfg) >>> 0;
    return readConntrack(this.core.memory.buffer, this.arena.cfg, nowMs);
  }

  conntrackEntries(): ConntrackEntry[] {
    return this.conntrackSnapshot().entries;
  }

  expectations(): ConntrackExpectation[] {
    return this.conntrackSnapshot().expectations;
  }

  /** `conntrack -L` and `conntrack -L expect` text for the current tables. */
  formatConntrack(): string {
    const { entries, expectations } = this.conntrackSnapshot();
    return formatConntrack(entries, expectations);
  }

  /** Runs the `n` records in the packet area, calling again whenever the event buffer filled. */
  private evaluateBatch(n: number, take: PacketSink, packets = this.arena.packets): void {
    const { results, replies, events, cfg } = this.arena;
    for (let i = 0; i < n; ) {
      // The core writes packet j of this call's reply at CFG_REPLIES_PTR + j * REPLY_SIZE.
      new Uint32Array(this.core.memory.buffer, cfg, CFG_REPLIES_PTR + 1)[CFG_REPLIES_PTR] = replies + i * REPLY_SIZE;
      const completed = this.core.evaluate(cfg, packets + i * PKT_SIZE, n - i, results + i * RES_SIZE);
      // An empty event buffer always takes a packet (truncating its events if it must).
      if (completed === 0) throw new Error('core made no progress on a packet batch');
      const view = new DataView(this.core.memory.buffer);
      const bytes = new Uint8Array(this.core.memory.buffer);
      take(view, bytes, results + i * RES_SIZE, packets + i * PKT_SIZE, replies + i * REPLY_SIZE, completed, events);
      i += completed;
    }
  }

  /**
   * A copy of `ruleset` (default: the one the engine was made from) whose rule and built-in
   * policy counters are what the simulated packets added. Like iptables-restore without
   * --counters, the loaded counters are not carried over.
   */
  countersInto(ruleset: Ruleset = this.ruleset): Ruleset {
    const view = new DataView(this.core.memory.buffer, this.arena.counters, this.compiled.entryCount * 16);
    const read = (entry: number): Counters => ({ packets: view.getBigUint64(entry * 16, true), bytes: view.getBigUint64(entry * 16 + 8, true) });
    return {
      ...ruleset,
      tables: ruleset.tables.map((table) => ({
        ...table,
        chains: table.chains.map((chain) => {
          const start = this.compiled.chainStarts.get(chainKey(table.name, chain.name));
          const info = start === undefined ? undefined : this.compiled.entryInfo[start + chain.rules.length];
          if (start === undefined || !info || info.chain !== chain.name || info.kind === 'rule') {
            throw new Error(`countersInto: chain ${table.name}:${chain.name} is not the one the engine compiled`);
          }
          return {
            ...chain,
            counters: chain.builtin ? read(start + chain.rules.length) : { packets: 0n, bytes: 0n },
            rules: chain.rules.map((rule, i) => ({ ...rule, counters: read(start + i) })),
          };
        }),
      })),
    };
  }
}
