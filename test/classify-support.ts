// Readers the output tests use to decode what nfwasm wrote, written independently of the writers:
// an RFC 4180 CSV parser, a CSV row → record mapping, and a pcapng walker that returns the
// interface names and the per-packet comments.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OutputRecord } from '../src/output/record.js';

export const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url));
export const example = (path: string) => fileURLToPath(new URL(`../examples/ftp-server/${path}`, import.meta.url));
export const tempDir = () => mkdtempSync(join(tmpdir(), 'nfwasm-out-'));

/** RFC 4180: fields separated by commas, records by CRLF, quoted fields with "" for a quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length) throw new Error('CSV does not end with CRLF');
  return rows;
}

const NUMBERS = new Set(['n', 'mark', 'ct_id']);
const WORD_LISTS = new Set(['matched', 'ct_status']);
const JSON_CELLS = new Set(['ct_note', 'logs', 'nflog', 'notes', 'defrag', 'reply']);

/** CSV rows back to records (empty cell = absent field or empty list), per the column rules in docs/outputs.md. */
export function csvRecords(text: string): OutputRecord[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((row) => {
    const rec: Record<string, unknown> = {};
    header.forEach((name, i) => {
      const cell = row[i];
      if (cell === '') return;
      if (NUMBERS.has(name)) rec[name] = Number(cell);
      else if (WORD_LISTS.has(name)) rec[name] = cell.split(' ');
      else if (JSON_CELLS.has(name)) rec[name] = JSON.parse(cell);
      else rec[name] = cell;
    });
    return rec as unknown as OutputRecord;
  });
}

/** JSON lines back to records. */
export const jsonlRecords = (text: string): OutputRecord[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));

export interface PcapngContents {
  interfaces: { linkType: number; name?: string }[];
  packets: { interfaceId: number; comments: string[]; caplen: number }[];
}

/** Every IDB and EPB of a pcapng file (any byte order, several sections). */
export function readPcapng(path: string): PcapngContents {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: PcapngContents = { interfaces: [], packets: [] };
  let little = true;
  const text = (at: number, len: number) => new TextDecoder().decode(bytes.subarray(at, at + len));
  const options = (from: number, end: number) => {
    const list: [number, string][] = [];
    for (let at = from; at + 4 <= end; ) {
      const code = view.getUint16(at, little);
      const len = view.getUint16(at + 2, little);
      if (code === 0) break;
      list.push([code, text(at + 4, len)]);
      at += 4 + ((len + 3) & ~3);
    }
    return list;
  };
  for (let at = 0; at < bytes.length; ) {
    if (view.getUint32(at, true) === 0x0a0d0d0a) little = view.getUint32(at + 8, true) === 0x1a2b3c4d;
    const type = view.getUint32(at, little);
    const length = view.getUint32(at + 4, little);
    if (length < 12 || at + length > bytes.length) throw new Error(`bad block at ${at}`);
    if (view.getUint32(at + length - 4, little) !== length) throw new Error(`block at ${at}: trailing length differs`);
    if (type === 1) {
      const name = options(at + 16, at + length - 4).find(([code]) => code === 2)?.[1];
      out.interfaces.push({ linkType: view.getUint16(at + 8, little), ...(name !== undefined ? { name } : {}) });
    } else if (type === 6) {
      const caplen = view.getUint32(at + 20, little);
      const comments = options(at + 28 + ((caplen + 3) & ~3), at + length - 4).filter(([code]) => code === 1).map(([, v]) => v);
      out.packets.push({ interfaceId: view.getUint32(at + 8, little), comments, caplen });
    } else if (type === 2 || type === 3) throw new Error(`packet block type ${type} in the output`);
    at += length;
  }
  return out;
}

/** What survives CSV: an empty list and an absent field both become an empty cell. */
export function withoutEmptyLists(rec: OutputRecord): OutputRecord {
  return Object.fromEntries(Object.entries(rec).filter(([, v]) => !(Array.isArray(v) && v.length === 0))) as unknown as OutputRecord;
}
