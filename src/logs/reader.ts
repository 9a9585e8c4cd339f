// A whole log, line after line. Packets are simulated in line order, so their times must not run
// backwards: a line without a time, or with a time before the previous line's (syslog keeps
// whole seconds, dmesg stamps may interleave), happens at the previous packet's time; meta.timestamp
// keeps what the line said. Syslog times have no year: the reader starts from the default year
// and moves to the next one when the calendar jumps back by months (a log across New Year).
import { analyzeLogLine, resultOf } from './parse-line.js';
import { calendarSeconds, type YearlessTime } from './timestamps.js';
import type { LogLineOptions, LogLineResult } from './types.js';

export interface LogReaderOptions extends LogLineOptions {
  /** Named in error messages ("fw.log:12: ..."); without it they say "line 12: ...". */
  filename?: string;
}

const NEW_YEAR_JUMP_SECONDS = 180 * 86400;

export class LogLinesReader {
  private year: number;
  private lastSyslogSeconds: number | undefined;
  private lastTs = 0;
  private readonly filename: string | undefined;

  constructor(opts: LogReaderOptions = {}) {
    this.year = opts.defaultYear ?? new Date().getUTCFullYear();
    this.filename = opts.filename;
  }

  read(line: string, lineNo: number): LogLineResult {
    const where = this.filename !== undefined ? `${this.filename}:${lineNo}` : `line ${lineNo}`;
    const result = resultOf(analyzeLogLine(line), where, (t) => this.syslogSeconds(t), (ts) => Math.max(ts ?? this.lastTs, this.lastTs));
    if (result.kind === 'packet') this.lastTs = result.packet.ts;
    return result;
  }

  private syslogSeconds(t: YearlessTime): number {
    let seconds = calendarSeconds(this.year, t);
    if (this.lastSyslogSeconds !== undefined && seconds < this.lastSyslogSeconds - NEW_YEAR_JUMP_SECONDS) {
      this.year++;
      seconds = calendarSeconds(this.year, t);
    }
    this.lastSyslogSeconds = seconds;
    return seconds;
  }
}

export interface LogLineEntry {
  /** Counts from 1. */
  lineNo: number;
  result: LogLineResult;
}

/** Every line of `text` in order (a final empty line after the last newline is left out). */
export function* parseLogText(text: string, opts: LogReaderOptions = {}): Generator<LogLineEntry> {
  const reader = new LogLinesReader(opts);
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) yield { lineNo: i + 1, result: reader.read(lines[i]!, i + 1) };
}

export interface LogTally {
  packets: number;
  skipped: number;
  unsupported: number;
  errors: number;
}

export function tallyLogResults(results: Iterable<LogLineResult | LogLineEntry>): LogTally {
  const tally: LogTally = { packets: 0, skipped: 0, unsupported: 0, errors: 0 };
  for (const item of results) {
    const r = 'result' in item ? item.result : item;
    if (r.kind === 'packet') tally.packets++;
    else if (r.kind === 'skip') tally.skipped++;
    else if (r.kind === 'unsupported') tally.unsupported++;
    else tally.errors++;
  }
  return tally;
}
