// nfwasm classify CAPTURE --rules R [--host H] [--records FILE|-] [--save-counters FILE] [--conntrack FILE]
// CAPTURE is a pcap/pcapng file, JSON lines of packet records (docs/packet-records.md) or kernel
// LOG lines (docs/log-lines.md), told apart by content. Every input frame, record or line yields
// one output record, in order: what cannot be parsed yields UNPARSED with the reason, IPv6 and
// non-IP frames NOT_EVALUATED.
import { Engine, type PacketResult } from '../../engine/engine.js';
import { encodeBatch } from '../../packets/encode.js';
import type { PacketInput } from '../../packets/types.js';
import { notEvaluatedRecord, outputRecord, unparsedRecord, type OutputRecord } from '../../output/record.js';
import { formatSave } from '../../ruleset/print-save.js';
import { openSink } from '../files.js';
import { openInput } from '../inputs.js';
import type { CaptureBatch } from '../../capture/index.js';
import { loadHostFile, loadRulesetFile, printWarnings } from '../load.js';
import { Summary } from '../summary.js';

export interface ClassifyOptions {
  rules: string;
  host?: string;
  records?: string;
  saveCounters?: string;
  batch?: number;
  quiet?: boolean;
  /** Write the final conntrack table and expectations (conntrack -L form) here. */
  conntrack?: string;
  /** In-interface for captures that name none. */
  in?: string;
}

export async function classifyCommand(capture: string, opts: ClassifyOptions): Promise<Summary> {
  const ruleset = loadRulesetFile(opts.rules);
  printWarnings(ruleset.warnings);
  const host = loadHostFile(opts.host, opts.quiet);
  const engine = await Engine.create(ruleset, host);
  printWarnings(engine.warnings);
  // Said once, before any record: which conntrack modes the results were computed under.
  if (!opts.quiet) for (const mode of engine.conntrackModes()) process.stderr.write(`nfwasm: conntrack ${mode}\n`);

  const sink = openSink(opts.records ?? '-');
  const summary = new Summary();
  const batchSize = opts.batch ?? 4096;
  const batch = new Batch(batchSize);

  let noticesShown = 0;
  const emit = (records: OutputRecord[]) => {
    for (; noticesShown < engine.notices.length; noticesShown++) process.stderr.write(`nfwasm: ${engine.notices[noticesShown]}\n`);
    for (const rec of records) {
      summary.add(rec);
      sink.write(JSON.stringify(rec) + '\n');
    }
  };

  const input = await openInput(capture, { inInterface: opts.in });
  if (!opts.quiet) for (const caveat of input.caveats) process.stderr.write(`nfwasm: note: ${caveat}\n`);
  if (input.kind === 'capture') {
    let n = 0;
    for await (const batch of input.batches) {
      emit(captureRecords(engine, batch, n));
      n += batch.frames.length;
    }
    for (const warning of input.warnings) process.stderr.write(`nfwasm: warning: ${warning}\n`);
  } else {
    // Errors name the file and line; `n` counts output records.
    let n = 0;
    for await (const item of input.items) {
      n++;
      if (item.kind === 'packet') batch.addPacket(n, item.packet);
      else if (item.kind === 'not-evaluated') batch.addOther(notEvaluatedRecord(n, item.reason));
      else {
        batch.addOther(unparsedRecord(n, item.message));
        process.stderr.write(`nfwasm: ${item.message}\n`);
      }
      if (batch.full) emit(batch.run(engine));
    }
    emit(batch.run(engine));
  }
  await sink.close();

  if (opts.conntrack) {
    const out = openSink(opts.conntrack);
    out.write(engine.formatConntrack());
    await out.close();
  }
  if (opts.saveCounters) {
    const out = openSink(opts.saveCounters);
    out.write(formatSave(engine.countersInto(), { counters: true }));
    await out.close();
  }
  if (!opts.quiet) process.stderr.write(summary.format());
  return summary;
}

/** One record per frame of a capture batch, numbered on from `before` frames. */
function captureRecords(engine: Engine, batch: CaptureBatch, before: number): OutputRecord[] {
  const results = batch.count ? engine.classify(batch.records, batch.count, batch.payloads) : [];
  return batch.frames.map((frame, i) => {
    const n = before + i + 1;
    if (frame.record !== undefined) return outputRecord(n, results[frame.record]);
    const reason = `frame ${n} at byte ${frame.offset}: ${frame.reason ?? frame.status}`;
    return frame.status === 'truncated' || frame.status === 'malformed' ? unparsedRecord(n, reason) : notEvaluatedRecord(n, reason);
  });
}

/** Up to `size` input records, parsed packets kept in order, unparsed ones kept in place. */
class Batch {
  private packets: PacketInput[] = [];
  /** In input order: a packet's record number, or the finished record of a non-packet item. */
  private slots: (number | OutputRecord)[] = [];

  constructor(private readonly size: number) {}

  get full(): boolean {
    return this.slots.length >= this.size;
  }

  addPacket(n: number, input: PacketInput): void {
    this.packets.push(input);
    this.slots.push(n);
  }

  addOther(record: OutputRecord): void {
    this.slots.push(record);
  }

  run(engine: Engine): OutputRecord[] {
    let results: PacketResult[] = [];
    if (this.packets.length) {
      const { records, payloads, ctstateGiven } = encodeBatch(this.packets);
      engine.noteClaimedCtstate(ctstateGiven);
      results = engine.classify(records, this.packets.length, payloads);
    }
    let next = 0;
    const out = this.slots.map((slot) => (typeof slot === 'number' ? outputRecord(slot, results[next++]) : slot));
    this.packets = [];
    this.slots = [];
    return out;
  }
}
