// The --format encoders that write records straight from compact batches (issue 6): one per
// record format, each producing exactly what recordEncoder (encode.ts) writes for the same records.
import type { CompactBatch, CompactLabels } from '../engine/compact.js';
import { CompactCsvEncoder } from './compact-csv.js';
import { CompactJsonlEncoder } from './compact-jsonl.js';
import { CompactMsgpackEncoder } from './compact-msgpack.js';
import type { RecordFormat } from './encode.js';
import type { OutputRecord } from './record.js';

export interface CompactRecordEncoder {
  /** Starts a chunk of `count` records. */
  begin(count: number): void;
  /** Record number `n`: packet `i` of `batch`. */
  packet(n: number, batch: CompactBatch, i: number): void;
  /** A record built elsewhere (frames not evaluated, unparsed input). */
  record(rec: OutputRecord): void;
  /** The chunk written since begin(). */
  take(): string | Uint8Array;
}

export function compactEncoder(format: RecordFormat, labels: CompactLabels): CompactRecordEncoder {
  switch (format) {
    case 'jsonl':
      return new CompactJsonlEncoder(labels);
    case 'csv':
      return new CompactCsvEncoder(labels);
    case 'msgpack':
      return new CompactMsgpackEncoder(labels);
  }
}
