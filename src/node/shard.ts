// Sharding a classification across worker threads (`--workers N`, classifyFile's `workers`).
// Packets go to a shard by their unordered address pair, so both directions of a connection, an
// FTP control connection and its data connections (same two hosts), the fragments of a datagram
// and the ICMP errors about a connection (sharded by the packet they quote) all meet the same
// conntrack table. Each worker owns an Engine. For JSON and LOG inputs and captures from a pipe the
// main thread parses the input, splits each batch of packet records by shard, and puts the
// results back in input order; a capture file takes the fused path in every worker instead
// (fused-shard.ts: each reads and parses it all, the main thread merges their record bytes).
// Counters are summed exactly (shard-merge.ts); what cannot be exact across shards is listed by
// shardingCaveats().
import { existsSync } from 'node:fs';
import { Worker, type Transferable } from 'node:worker_threads';
import {
  PF2_INNER, PKT_DST, PKT_FLAGS2, PKT_ICMP_TYPE, PKT_INNER_DST, PKT_INNER_SRC, PKT_PAYLOAD_LEN, PKT_PAYLOAD_PTR,
  PKT_PROTO, PKT_SIZE, PKT_SRC,
} from '../../assembly/shared/layout.js';
import type { ConntrackSnapshot } from '../conntrack/read.js';
import type { CompactBatch, CompactLabels, PacketResult } from '../engine/engine.js';
import type { HostModel } from '../host/model.js';
import type { Diagnostic, Ruleset } from '../ruleset/types.js';
import { recordingCodeCache } from './cached-bundle.js';
import type { CaptureShardJob } from './shard-capture-job.js';
import { flattenCounters, mergeConntrack, sumCounters, withCounters } from './shard-merge.js';

export interface ShardWorkerData {
  rulesText: string;
  rulesName: string;
  host: HostModel;
  conntrack?: boolean;
}

export type ShardRequest =
  | { id: number; kind: 'classify'; records: Uint8Array; payloads: Uint8Array; count: number; ctstateGiven: number }
  /** The same, answered as a compact batch whose buffers are transferred, not cloned. */
  | { id: number; kind: 'classify-compact'; records: Uint8Array; payloads: Uint8Array; count: number; ctstateGiven: number }
  | { id: number; kind: 'counters' }
  | { id: number; kind: 'conntrack' }
  /** A sharded capture run on the fused path (fused-shard.ts): batches come back as chunk messages before the answer. */
  | ({ id: number; kind: 'capture' } & CaptureShardJob)
  /** Exit the thread (and so write the code cache the build's training run records: cached-bundle.ts); nothing answers. */
  | { id: number; kind: 'exit' };

/** A request as the caller writes it: the worker wrapper numbers it. */
type RequestBody = ShardRequest extends infer R ? (R extends ShardRequest ? Omit<R, 'id'> : never) : never;

export type ShardResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string }
  /** Part of the answer to a request still running (a 'capture' request's batches). */
  | { id: number; chunk: unknown };

interface ShardReady {
  warnings: Diagnostic[];
  modes: string[];
  conntrack: boolean;
  labels: CompactLabels;
}

/** A batch's results from every shard, in record order, and the shard that classified each record. */
export interface ShardedResults {
  results: PacketResult[];
  shardOfRecord: Uint8Array;
}

/** A batch's results from every shard in compact form, and where each packet record's result is. */
export interface ShardedCompact {
  /** One compact batch per shard. */
  sources: CompactBatch[];
  /** Per packet record: the shard that classified it, and its index in that shard's batch. */
  sourceOf: Uint8Array;
  localIndex: Uint32Array;
}

const PROTO_ICMP = 1;

/** The answer of a shard that got no packets of a batch. */
const EMPTY_COMPACT: CompactBatch = {
  count: 0,
  results: new Uint8Array(0),
  outIface: new Uint16Array(0),
  ifaces: [''],
  matchedStart: new Uint32Array(1),
  matchedEntries: new Uint32Array(0),
  special: new Map(),
};

/** The shard of the packet record at `at`: a hash of its unordered address pair (an ICMP error: of the packet it quotes). */
export function shardOf(view: DataView, at: number, shards: number): number {
  let a = view.getUint32(at + PKT_SRC, true);
  let b = view.getUint32(at + PKT_DST, true);
  if (view.getUint8(at + PKT_PROTO) === PROTO_ICMP && (view.getUint8(at + PKT_FLAGS2) & PF2_INNER) !== 0 && isIcmpError(view.getUint8(at + PKT_ICMP_TYPE))) {
    a = view.getUint32(at + PKT_INNER_SRC, true);
    b = view.getUint32(at + PKT_INNER_DST, true);
  }
  const lo = Math.min(a >>> 0, b >>> 0);
  const hi = Math.max(a >>> 0, b >>> 0);
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % shards;
}

/** Destination unreachable, source quench, redirect, time exceeded, parameter problem (NETFILTER.md §4.5). */
function isIcmpError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/**
 * The shard worker the CLI starts: shard-worker.ts and all it imports as one bundle with its code
 * cache (shard-worker-launcher.ts), built beside the CLI's own bundle by scripts/bundle-cli.mjs.
 */
const BUNDLED_WORKER = new URL('./nfwasm-shard-worker.mjs', import.meta.url);
/** The worker bundle's file name, as the build's training run names the cache it records (cached-bundle.ts). */
const BUNDLED_WORKER_CODE = 'nfwasm-shard-worker.cjs';

/**
 * A shard worker. From the CLI's bundle (a .cjs), the worker bundle beside it when the build made
 * one: a thread then loads one file, not the ~100 modules of dist/ (bench/RESULTS.md, SHARDFIX).
 * From dist/ (the library), the built shard-worker.js beside this file. From the .ts sources
 * (tests, tsx), a bootstrap that registers tsx in the worker and then imports the .ts entry
 * (`execArgv: ['--import', 'tsx']` does not reach the entry of a worker on Node 20: it fails with
 * "Unknown file extension .ts"); tsx is resolved from here, not from the working directory.
 */
function startWorker(workerData: ShardWorkerData): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const entry = new URL('./shard-worker.ts', import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(bootstrap, { eval: true, workerData });
  }
  const bundled = import.meta.url.endsWith('.cjs') && existsSync(BUNDLED_WORKER);
  return new Worker(bundled ? BUNDLED_WORKER : new URL('./shard-worker.js', import.meta.url), { workerData });
}

/** One worker and its outstanding requests (it answers them in order, but ids keep that honest). */
class ShardWorker {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** Where the chunks of requests still running go. */
  private readonly chunkTakers = new Map<number, (chunk: unknown) => void>();
  private nextId = 1;
  private failure?: Error;
  readonly ready: Promise<ShardReady>;

  constructor(private readonly worker: Worker) {
    let readyResolve!: (v: ShardReady) => void;
    let readyReject!: (e: Error) => void;
    this.ready = new Promise((resolve, reject) => ((readyResolve = resolve), (readyReject = reject)));
    this.pending.set(0, { resolve: (v) => readyResolve(v as ShardReady), reject: readyReject });
    worker.on('message', (msg: ShardResponse) => {
      if ('chunk' in msg) {
        this.chunkTakers.get(msg.id)?.(msg.chunk);
        return;
      }
      const waiter = this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id);
      this.chunkTakers.delete(msg.id);
      if (msg.ok) waiter.resolve(msg.value);
      else waiter.reject(new Error(msg.message));
    });
    worker.on('error', (err: unknown) => this.fail(err instanceof Error ? err : new Error(String(err))));
    worker.on('exit', (code) => this.fail(new Error(`shard worker exited (code ${code})`)));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiter of this.pending.values()) waiter.reject(this.failure);
    this.pending.clear();
    this.chunkTakers.clear();
  }

  /** Sends `req`; its answer resolves the promise, and chunks sent before it go to `takeChunk`. */
  request<T>(req: RequestBody, transfer: Transferable[] = [], takeChunk?: (chunk: unknown) => void): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (takeChunk) this.chunkTakers.set(id, takeChunk);
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    const exited = new Promise<void>((resolve) => this.worker.on('exit', () => resolve()));
    // terminate() stops the thread before its exit handlers run: the training run lets it exit itself
    if (recordingCodeCache(BUNDLED_WORKER_CODE) && !this.failure) {
      this.worker.postMessage({ kind: 'exit', id: this.nextId++ } satisfies ShardRequest);
      await exited;
      return;
    }
    await this.worker.terminate();
  }
}

export interface ShardPoolOptions {
  /** The ruleset as text (iptables-save or an iptables script) and the name its messages use. */
  rulesText: string;
  rulesName: string;
  host: HostModel;
  workers: number;
  /** EngineOptions.conntrack for every shard. */
  conntrack?: boolean;
}

/** N workers, each with its own Engine on the same ruleset and host. */
export class ShardPool {
  /** Engine notices the shards gave (each said once). */
  readonly notices: string[] = [];

  private constructor(
    private readonly workers: ShardWorker[],
    readonly warnings: Diagnostic[],
    private readonly modes: string[],
    readonly conntrackEnabled: boolean,
    /** The shards' entry labels, for encoding their compact batches. */
    readonly compactLabels: CompactLabels,
  ) {}

  /** Engine.conntrackModes() of the shards (the same ruleset and host everywhere). */
  conntrackModes(): string[] {
    return this.modes;
  }

  static async start(opts: ShardPoolOptions): Promise<ShardPool> {
    const count = Math.max(1, Math.floor(opts.workers));
    const workerData: ShardWorkerData = { rulesText: opts.rulesText, rulesName: opts.rulesName, host: opts.host, conntrack: opts.conntrack };
    const workers = Array.from({ length: count }, () => new ShardWorker(startWorker(workerData)));
    try {
      const [first] = await Promise.all(workers.map((w) => w.ready));
      return new ShardPool(workers, first.warnings, first.modes, first.conntrack, first.labels);
    } catch (err) {
      await Promise.all(workers.map((w) => w.close()));
      throw err;
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * The results for `count` packet records (PKT_SIZE bytes each; payloads at PKT_PAYLOAD_PTR
   * offsets of `payloads`, as Engine.classify takes them), in record order, and the shard of each
   * (its ct_id and defrag queue are that shard's numbers). Calls may overlap: each shard answers
   * in the order it was asked, so a later call never overtakes an earlier one.
   */
  async classify(records: Uint8Array, count: number, payloads: Uint8Array = new Uint8Array(0), ctstateGiven = 0): Promise<ShardedResults> {
    const { shardOfRecord, answers } = await this.ask<PacketResult[]>('classify', records, count, payloads, ctstateGiven);
    const next = new Array<number>(this.workers.length).fill(0);
    const results = new Array<PacketResult>(count);
    for (let i = 0; i < count; i++) {
      const s = shardOfRecord[i];
      results[i] = answers[s]![next[s]++];
    }
    return { results, shardOfRecord };
  }

  /** classify() answered in compact form: the shards' batches come back as transferred buffers. */
  async classifyCompact(records: Uint8Array, count: number, payloads: Uint8Array = new Uint8Array(0), ctstateGiven = 0): Promise<ShardedCompact> {
    const { shardOfRecord, answers } = await this.ask<CompactBatch>('classify-compact', records, count, payloads, ctstateGiven);
    const next = new Uint32Array(this.workers.length);
    const localIndex = new Uint32Array(count);
    for (let i = 0; i < count; i++) localIndex[i] = next[shardOfRecord[i]]++;
    return { sources: answers.map((batch) => batch ?? EMPTY_COMPACT), sourceOf: shardOfRecord, localIndex };
  }

  /**
   * Splits the packet records by shard, has each shard classify its part (`kind`), and gives the
   * answers with the shard of each record; shards with no records answer undefined.
   */
  private async ask<T>(kind: 'classify' | 'classify-compact', records: Uint8Array, count: number, payloads: Uint8Array, ctstateGiven: number): Promise<{ shardOfRecord: Uint8Array; answers: (T | undefined)[] }> {
    const shards = this.workers.length;
    const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
    const shardOfRecord = new Uint8Array(count);
    const recordsIn = new Array<number>(shards).fill(0);
    const payloadBytesIn = new Array<number>(shards).fill(0);
    for (let i = 0; i < count; i++) {
      const s = shards === 1 ? 0 : shardOf(view, i * PKT_SIZE, shards);
      shardOfRecord[i] = s;
      recordsIn[s]++;
      payloadBytesIn[s] += view.getUint32(i * PKT_SIZE + PKT_PAYLOAD_LEN, true);
    }
    const parts = recordsIn.map((n, s) => ({ records: new Uint8Array(n * PKT_SIZE), payloads: new Uint8Array(payloadBytesIn[s]), count: 0, payloadAt: 0 }));
    for (let i = 0; i < count; i++) {
      const part = parts[shardOfRecord[i]];
      const to = part.count++ * PKT_SIZE;
      part.records.set(records.subarray(i * PKT_SIZE, (i + 1) * PKT_SIZE), to);
      const len = view.getUint32(i * PKT_SIZE + PKT_PAYLOAD_LEN, true);
      if (len === 0) continue;
      const from = view.getUint32(i * PKT_SIZE + PKT_PAYLOAD_PTR, true);
      part.payloads.set(payloads.subarray(from, from + len), part.payloadAt);
      new DataView(part.records.buffer).setUint32(to + PKT_PAYLOAD_PTR, part.payloadAt, true);
      part.payloadAt += len;
    }
    // The notice about claimed ctstates is the engine's to give once: the first shard with packets gives it.
    const claimant = parts.findIndex((p) => p.count > 0);
    const answers = await Promise.all(
      parts.map((part, s) =>
        part.count === 0
          ? undefined
          : this.workers[s].request<{ results: T; notices: string[] }>(
              { kind, records: part.records, payloads: part.payloads, count: part.count, ctstateGiven: s === claimant ? ctstateGiven : 0 },
              [part.records.buffer as ArrayBuffer, part.payloads.buffer as ArrayBuffer],
            ),
      ),
    );
    for (const answer of answers) for (const notice of answer?.notices ?? []) if (!this.notices.includes(notice)) this.notices.push(notice);
    return { shardOfRecord, answers: answers.map((answer) => answer?.results) };
  }

  /**
   * Sends shard s the request `requests[s]`, whose chunks go to `takeChunk(s, chunk)` as they come;
   * each promise is shard s's answer.
   */
  stream<T>(requests: readonly { body: RequestBody; transfer?: Transferable[] }[], takeChunk: (shard: number, chunk: unknown) => void): Promise<T>[] {
    if (requests.length !== this.workers.length) throw new Error(`${requests.length} requests for ${this.workers.length} shards`);
    return requests.map((req, s) => this.workers[s].request<T>(req.body, req.transfer, (chunk) => takeChunk(s, chunk)));
  }

  /** A copy of `ruleset` with every shard's rule and policy counters added up. */
  async countersInto(ruleset: Ruleset): Promise<Ruleset> {
    const lists = await Promise.all(this.workers.map((w) => w.request<bigint[]>({ kind: 'counters' })));
    const sum = sumCounters(lists);
    if (sum.length !== flattenCounters(ruleset).length) throw new Error('countersInto: the ruleset is not the one the shards run');
    return withCounters(ruleset, sum);
  }

  /** Every shard's conntrack table and expectations, side by side (shard-merge.ts: ids repeat). */
  async conntrackSnapshot(): Promise<ConntrackSnapshot> {
    return mergeConntrack(await Promise.all(this.workers.map((w) => w.request<ConntrackSnapshot>({ kind: 'conntrack' }))));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
