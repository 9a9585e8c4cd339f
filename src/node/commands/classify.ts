// nfwasm classify CAPTURE --rules R [--host H] [--records FILE|-] [--save-counters FILE] [--conntrack FILE]
// CAPTURE is JSON lines of packet records (docs/packet-records.md). Every input record yields one
// output record, in order; records that cannot be parsed yield a verdict UNPARSED with the reason.
import { Engine, type PacketResult } from '../../engine/engine.js';
import { encodeBatch } from '../../packets/encode.js';
import { JsonLinesReader } from '../../packets/json.js';
import type { PacketInput } from '../../packets/types.js';
import { outputRecord, unparsedRecord, type OutputRecord } from '../../output/record.js';
import { formatSave } from '../../ruleset/print-save.js';
import { openSink, readLines, type TextSink } from '../files.js';
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
  const flush = () => {
    const records = batch.run(engine);
    for (; noticesShown < engine.notices.length; noticesShown++) process.stderr.write(`nfwasm: ${engine.notices[noticesShown]}\n`);
    for (const rec of records) {
      summary.add(rec);
      sink.write(JSON.stringify(rec) + '\n');
    }
  };

  // Record numbers in errors are line numbers (docs/packet-records.md); `n` counts records.
  const reader = new JsonLinesReader();
  let n = 0;
  for await (const { line, lineNo } of readLines(capture)) {
    let input: PacketInput | null;
    try {
      input = reader.read(line, lineNo);
      if (input === null) continue;
      batch.addPacket(++n, input);
    } catch (err) {
      batch.addUnparsed(++n, (err as Error).message);
      process.stderr.write(`nfwasm: ${capture}: ${(err as Error).message}\n`);
    }
    if (batch.full) flush();
  }
  flush();
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

/** Up to `size` input records, parsed packets kept in order, unparsed ones kept in place. */
class Batch {
  private packets: PacketInput[] = [];
  private slots: { n: number; error?: string }[] = [];

  constructor(private readonly size: number) {}

  get full(): boolean {
    return this.slots.length >= this.size;
  }

  addPacket(n: number, input: PacketInput): void {
    this.packets.push(input);
    this.slots.push({ n });
  }

  addUnparsed(n: number, error: string): void {
    this.slots.push({ n, error });
  }

  run(engine: Engine): OutputRecord[] {
    let results: PacketResult[] = [];
    if (this.packets.length) {
      const { records, payloads, ctstateGiven } = encodeBatch(this.packets);
      engine.noteClaimedCtstate(ctstateGiven);
      results = engine.classify(records, this.packets.length, payloads);
    }
    let next = 0;
    const out = this.slots.map((slot) =>
      slot.error !== undefined ? unparsedRecord(slot.n, slot.error) : outputRecord(slot.n, results[next++]),
    );
    this.packets = [];
    this.slots = [];
    return out;
  }
}
