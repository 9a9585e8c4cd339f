// Output formats for records (--format): JSON lines, msgpack, CSV. An encoder turns one batch of
// records into one chunk, so a format costs one call per batch, not per record.
//
// msgpack: one pack() per batch (WASM-NOTES.md §6), each a msgpack array of record maps with the
// JSON lines' keys. The stream is a plain concatenation of such arrays, so any msgpack decoder that
// reads a sequence of values decodes it: msgpackr `unpackMultiple(buffer)` or `UnpackrStream`,
// Python `msgpack.Unpacker(file)`. Maps rather than msgpackr's records extension keep it readable
// by every decoder; the batch-per-pack() is where the speed comes from.
// msgpackr/pack: the packer without the native unpacking add-on that the package's Node entry
// looks for when loaded (a failed probe of the file system at every start-up; we only pack)
import { Packr } from 'msgpackr/pack';
import { csvHeader, csvRow } from './csv.js';
import type { OutputRecord } from './record.js';

export const RECORD_FORMATS = ['jsonl', 'msgpack', 'csv'] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

export interface RecordEncoder {
  readonly format: RecordFormat;
  /** What comes before the first batch (the CSV header row), or undefined. */
  start(): string | undefined;
  encode(records: readonly OutputRecord[]): string | Uint8Array;
}

export function isRecordFormat(name: string): name is RecordFormat {
  return (RECORD_FORMATS as readonly string[]).includes(name);
}

export function recordEncoder(format: RecordFormat): RecordEncoder {
  switch (format) {
    case 'jsonl':
      return { format, start: () => undefined, encode: (records) => records.map((r) => JSON.stringify(r) + '\n').join('') };
    case 'csv':
      return { format, start: csvHeader, encode: (records) => records.map(csvRow).join('') };
    case 'msgpack': {
      const packr = new Packr({ useRecords: false });
      return { format, start: () => undefined, encode: (records) => packr.pack(records) };
    }
  }
}
