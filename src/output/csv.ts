// Records as CSV (RFC 4180): a header row, then one row per record, CRLF line ends, the same
// columns in the same order whatever the records hold (an absent field is an empty cell), so a
// spreadsheet or `csvcut` can rely on them. Lists of names (matched, ct_status) are joined by one
// space; lists of free text (logs, notes, ct_note, nflog) may contain spaces and are JSON arrays,
// as are the defrag and reply objects.
import type { OutputRecord } from './record.js';

type Cell = (rec: OutputRecord) => string;

const text = (value: string | number | undefined): string => (value === undefined ? '' : String(value));
const words = (list: readonly string[] | undefined): string => (list ? list.join(' ') : '');
const json = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value));

/** Column name → cell. Add columns at the end only: readers index them. */
export const CSV_COLUMNS: ReadonlyArray<readonly [string, Cell]> = [
  ['n', (r) => text(r.n)],
  ['verdict', (r) => r.verdict],
  ['ctstate', (r) => text(r.ctstate)],
  ['hook', (r) => text(r.hook)],
  ['path', (r) => text(r.path)],
  ['decided_by', (r) => text(r.decided_by)],
  ['matched', (r) => words(r.matched)],
  ['reject_with', (r) => text(r.reject_with)],
  ['mark', (r) => text(r.mark)],
  ['out', (r) => text(r.out)],
  ['helper', (r) => text(r.helper)],
  ['tcp_state', (r) => text(r.tcp_state)],
  ['ct_id', (r) => text(r.ct_id)],
  ['ct_dir', (r) => text(r.ct_dir)],
  ['ct_status', (r) => words(r.ct_status)],
  ['ct_note', (r) => json(r.ct_note)],
  ['ct_reason', (r) => text(r.ct_reason)],
  ['error', (r) => text(r.error)],
  ['reason_class', (r) => text(r.reason_class)],
  ['logs', (r) => json(r.logs)],
  ['nflog', (r) => json(r.nflog)],
  ['notes', (r) => json(r.notes)],
  ['defrag', (r) => json(r.defrag)],
  ['reply', (r) => json(r.reply)],
];

const NEEDS_QUOTES = /[",\r\n]/;

/** One RFC 4180 field: quoted when it holds a comma, quote or line break; quotes doubled. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvHeader(): string {
  return CSV_COLUMNS.map(([name]) => name).join(',') + '\r\n';
}

export function csvRow(rec: OutputRecord): string {
  return CSV_COLUMNS.map(([, cell]) => csvField(cell(rec))).join(',') + '\r\n';
}
