// Times as syslog, journalctl, dmesg -T and Proxmox write them. Times without a zone are read as
// UTC: the machine that wrote them is unknown, and reading them in the local zone of whoever
// runs nfwasm would make results depend on where it runs (the same rule as values.ts
// timestampOf). Only relative times matter to the simulation (rate limits, conntrack timeouts).
import { ValueError, timestampOf } from '../packets/values.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A calendar time without a year (RFC 3164 syslog, journalctl's default output). */
export interface YearlessTime {
  /** 0..11 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Fraction of a second ("03:37:09.123456" in journalctl -o short-precise). */
  fraction: number;
}

export function monthIndex(name: string): number | undefined {
  const i = MONTHS.indexOf(name);
  return i < 0 ? undefined : i;
}

/** Seconds since the epoch; throws ValueError for impossible dates (Feb 30, 25:00). */
export function calendarSeconds(year: number, t: YearlessTime, offsetMinutes = 0): number {
  const ms = Date.UTC(year, t.month, t.day, t.hour, t.minute, t.second);
  const back = new Date(ms);
  if (back.getUTCDate() !== t.day || back.getUTCMonth() !== t.month || t.hour > 23 || t.minute > 59 || t.second > 60) {
    throw new ValueError(`${MONTHS[t.month]} ${t.day} ${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)} is not a date in ${year}`);
  }
  return ms / 1000 - offsetMinutes * 60 + t.fraction;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** ISO 8601 / RFC 3339 date-time; a time without a zone is taken as UTC. */
export function isoSeconds(text: string): number {
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  return timestampOf(zoned);
}

/** "+0200" → 120. */
export function zoneOffsetMinutes(text: string): number {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!m) throw new ValueError(`"${text}" is not a time zone offset`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}
