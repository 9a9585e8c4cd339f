// The record encoders (--format jsonl|msgpack|csv) decode back to the records they were given,
// with CSV quoting per RFC 4180; --only's names and filter; the packet comment of --write.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { unpackMultiple } from 'msgpackr';
import { annotation } from '../src/output/annotation.js';
import { csvField } from '../src/output/csv.js';
import { recordEncoder, type RecordFormat } from '../src/output/encode.js';
import { parseOnly } from '../src/output/only.js';
import type { OutputRecord } from '../src/output/record.js';
import { csvRecords, jsonlRecords, parseCsv, withoutEmptyLists } from './classify-support.js';

// Hand-made records with every field, awkward text included (commas, quotes, line breaks, UTF-8).
const records: OutputRecord[] = [
  { n: 1, verdict: 'DROP', ctstate: 'INVALID', hook: 'INPUT', path: 'INPUT', decided_by: 'filter:INPUT:7', matched: ['raw:PREROUTING:1', 'filter:INPUT:7'], ct_reason: 'bad, "really" bad', ct_note: ['invalid', 'checksum skipped'] },
  { n: 2, verdict: 'REJECT', ctstate: 'NEW', hook: 'INPUT', path: 'INPUT', decided_by: 'filter:INPUT:3', reject_with: 'icmp-port-unreachable', matched: ['filter:INPUT:3'], mark: 0x10, ct_id: 7, tcp_state: 'SYN_SENT', ct_dir: 'ORIGINAL', ct_status: ['CONFIRMED', 'ASSURED'], logs: ['IN DROP: IN=eth0 OUT= SRC=1.2.3.4\nsecond line'], nflog: [{ group: 2, prefix: 'café, "x"' }], notes: ['a note'], reply: { kind: 'icmp', type: 3, code: 3, verdict: 'ACCEPT', decided_by: 'filter:OUTPUT:policy', matched: [], length: 68, hook: 'POSTROUTING', ctstate: 'RELATED', out: 'eth0' } },
  { n: 3, verdict: 'UNPARSED', error: 'frame 3 at byte 80: the capture ends before the network header', reason_class: 'truncated' },
  { n: 4, verdict: 'NOT_EVALUATED', error: 'IPv6: not evaluated by an IPv4 ruleset', reason_class: 'ipv6' },
  { n: 5, verdict: 'ACCEPT', ctstate: 'ESTABLISHED', hook: 'POSTROUTING', path: 'OUTPUT', decided_by: 'filter:OUTPUT:policy', matched: [], out: 'eth0', helper: 'ftp' },
];

function encodeAll(format: RecordFormat, batches: OutputRecord[][]): { text: string; chunks: (string | Uint8Array)[] } {
  const encoder = recordEncoder(format);
  const chunks: (string | Uint8Array)[] = [];
  const head = encoder.start();
  if (head) chunks.push(head);
  for (const b of batches) chunks.push(encoder.encode(b));
  return { text: chunks.filter((c) => typeof c === 'string').join(''), chunks };
}

test('jsonl: one JSON object per line, decoding to the same records', () => {
  const { text } = encodeAll('jsonl', [records.slice(0, 2), records.slice(2)]);
  assert.is(text.split('\n').length, records.length + 1);
  assert.equal(jsonlRecords(text), records);
});

test('msgpack: one packed array per batch; the concatenation decodes with unpackMultiple', () => {
  const { chunks } = encodeAll('msgpack', [records.slice(0, 2), records.slice(2)]);
  assert.is(chunks.length, 2);
  const stream = Buffer.concat(chunks.map((c) => c as Uint8Array));
  const batches = unpackMultiple(stream) as OutputRecord[][];
  assert.is(batches.length, 2);
  assert.equal(batches.flat(), records);
});

test('csv: header row, stable columns, RFC 4180 quoting; decodes back', () => {
  const { text } = encodeAll('csv', [records]);
  const rows = parseCsv(text);
  assert.equal(rows[0].slice(0, 12), ['n', 'verdict', 'ctstate', 'hook', 'path', 'decided_by', 'matched', 'reject_with', 'mark', 'out', 'helper', 'tcp_state']);
  assert.ok(rows.every((r) => r.length === rows[0].length), 'every row has every column');
  assert.is(rows[1][rows[0].indexOf('matched')], 'raw:PREROUTING:1 filter:INPUT:7');
  assert.equal(csvRecords(text), records.map(withoutEmptyLists));
  // The same columns whatever the records hold.
  assert.is(encodeAll('csv', [[records[3]]]).text.split('\r\n')[0], text.split('\r\n')[0]);
});

test('csv field quoting', () => {
  assert.is(csvField('plain text'), 'plain text');
  assert.is(csvField('a,b'), '"a,b"');
  assert.is(csvField('say "hi"'), '"say ""hi"""');
  assert.is(csvField('two\nlines'), '"two\nlines"');
  assert.is(csvField('cr\r'), '"cr\r"');
});

test('--only: verdicts and ctstates, either matching', () => {
  const pick = (list: string) => records.filter(parseOnly(list)).map((r) => r.n);
  assert.equal(pick('drop'), [1]);
  assert.equal(pick('reject,established'), [2, 5]);
  assert.equal(pick('invalid, new'), [1, 2]);
  assert.equal(pick('unparsed,not-evaluated'), [3, 4]);
  assert.equal(pick('ACCEPT'), [5]);
  assert.equal(pick('not-forwarded'), []);
});

test('--only: unknown or empty names are errors listing the known ones', () => {
  assert.throws(() => parseOnly('drop,dropped'), /unknown "dropped".*drop, reject/);
  assert.throws(() => parseOnly(' , '), /no verdict or ctstate/);
});

test('the packet comment: rule, verdict, ctstate', () => {
  assert.is(annotation({ n: 1, verdict: 'DROP', ctstate: 'INVALID', hook: 'INPUT', decided_by: 'filter:INPUT:7', matched: [] }), 'filter:INPUT:7 DROP ctstate=INVALID');
  assert.is(annotation(records[1]), 'filter:INPUT:3 REJECT icmp-port-unreachable ctstate=NEW tcp=SYN_SENT mark=0x10');
  assert.is(annotation({ n: 1, verdict: 'NOT_FORWARDED', ctstate: 'NEW', hook: 'PREROUTING', matched: [] }), 'hook PREROUTING NOT_FORWARDED ctstate=NEW');
  assert.is(annotation(records[3]), 'nfwasm: NOT_EVALUATED: IPv6: not evaluated by an IPv4 ruleset');
});

test.run();
