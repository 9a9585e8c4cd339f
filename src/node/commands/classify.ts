// nfwasm classify CAPTURE --rules R [--host H] [--records FILE|-] [--save-counters FILE]
// CAPTURE is JSON lines of packet records (docs/packet-records.md). Every input record yields one
// output record, in order; records that cannot be parsed yield a verdict UNPARSED with the reason.
import { PKT_SIZE } from '../../../assembly/shared/layout.js';
import { Engine } from '../../engine/engine.js';
import { encodePacket } from '../../packets/encode.js';
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
}

export async function classifyCommand(capture: string, opts: ClassifyOptions): Promise<Summary> {
  const ruleset = loadRulesetFile(opts.rules);
  printWarnings(ruleset.warnings);
  const host = loadHostFile(opts.host, opts.quiet);
  const engine = await Engine.create(ruleset, host);
  printWarnings(engine.warnings);

  const sink = openSink(opts.records ?? '-');
  const summary = new Summary();
  const batchSize = opts.batch ?? 4096;
  const batch = new Batch(batchSize);

  const flush = () => {
    for (const rec of batch.run(engine)) {
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

  if (opts.saveCounters) {
    const out = openSink(opts.saveCounters);
    out.write(formatSave(engine.countersInto(), { counters: true }));
    await out.close();
  }
  if (!opts.quiet) process.stderr.write(summary.format());
  return summary;
}

/** Up to `size` input records, parsed packets encoded as they arrive, unparsed ones kept in place. */
class Batch {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private packets = 0;
  private slots: { n: number; error?: string }[] = [];

  constructor(private readonly size: number) {
    this.bytes = new Uint8Array(size * PKT_SIZE);
    this.view = new DataView(this.bytes.buffer);
  }

  get full(): boolean {
    return this.slots.length >= this.size;
  }

  addPacket(n: number, input: PacketInput): void {
    this.bytes.fill(0, this.packets * PKT_SIZE, (this.packets + 1) * PKT_SIZE);
    encodePacket(this.view, this.packets * PKT_SIZE, input);
    this.packets++;
    this.slots.push({ n });
  }

  addUnparsed(n: number, error: string): void {
    this.slots.push({ n, error });
  }

  run(engine: Engine): OutputRecord[] {
    const results = this.packets ? engine.classify(this.bytes, this.packets) : [];
    let next = 0;
    const out = this.slots.map((slot) =>
      slot.error !== undefined ? unparsedRecord(slot.n, slot.error) : outputRecord(slot.n, results[next++]),
    );
    this.packets = 0;
    this.slots = [];
    return out;
  }
}
