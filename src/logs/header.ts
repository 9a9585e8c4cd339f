// What precedes the kernel's text on a log line: syslog (RFC 3164 "Jan  8 03:37:09 host kernel: ",
// RFC 5424 "<6>1 2024-01-08T03:37:09Z host kernel - - - ", RFC 3339 "2024-01-08T03:37:09+01:00
// host kernel: "), journalctl (default "Jan 08 ...", -o short-iso, -o short-precise,
// -o short-monotonic "[ 123.456] host kernel: "), dmesg ("[  123.456789] ", dmesg -T
// "[Mon Jan  8 03:37:09 2024] ") and pve-firewall's own log ("0 3 PVEFW-HOST-IN
// 20/Jun/2022:13:09:14 +0200 "). Every piece is optional; what is left is the message: the
// --log-prefix text followed by IN=.
import { ValueError } from '../packets/values.js';
import {
  calendarSeconds, isoSeconds, monthIndex, zoneOffsetMinutes, type YearlessTime,
} from './timestamps.js';

export interface LineHeader {
  /** Seconds since the epoch, when the header carries a full date. */
  wallClock?: number;
  /** A syslog time without a year (the reader supplies one). */
  yearless?: YearlessTime;
  /** dmesg's seconds since boot. */
  uptime?: number;
  host?: string;
  /** The log message: the LOG prefix, then the fields from IN= on. */
  message: string;
  /** pve-firewall's format, whose lines leave out IN= or OUT= when they are empty. */
  proxmox: boolean;
  /** A time in the header that is not a real date (reported only for LOG lines). */
  timeError?: string;
}

const PRI = /^<\d{1,3}>/;
const RFC5424 = /^1 (\S+) (\S+) \S+ \S+ \S+ (?:-|(?:\[(?:[^\]\\]|\\.)*\])+) ?(?:\uFEFF)?/;
const ISO_TIME = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?) +/i;
const BSD_TIME = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)? +/;
const DMESG_HUMAN_TIME = /^\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})\] ?/;
const PROXMOX = /^\d+ \d+ \S+ (\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4}) /;
const UPTIME = /^\[ *(\d+\.\d+)\] ?/;
// A host name: no ':' (that would be a tag or a LOG prefix such as "DENY:"), no '=' (a field).
const HOST = /^([^\s:=[\]]+) +/;
const KERNEL_TAG = /^kernel(?:\[\d+\])?: ?/;
const MONOTONIC_HOST = /^([^\s:=[\]]+) +(?=kernel(?:\[\d+\])?:)/;

function yearlessTime(monthName: string, day: string, hour: string, minute: string, second: string): YearlessTime | undefined {
  const month = monthIndex(monthName);
  if (month === undefined) return undefined;
  return { month, day: Number(day), hour: Number(hour), minute: Number(minute), second: Number(second), fraction: 0 };
}

/** Runs `read` and keeps a ValueError as the header's timeError. */
function timeOf(header: LineHeader, read: () => number): number | undefined {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    header.timeError = e.message;
    return undefined;
  }
}

export function splitHeader(line: string): LineHeader {
  const header: LineHeader = { message: line, proxmox: false };
  let rest = line;
  const eat = (re: RegExp): RegExpExecArray | null => {
    const m = re.exec(rest);
    if (m) rest = rest.slice(m[0].length);
    return m;
  };

  const rfc5424 = eat(PRI) ? eat(RFC5424) : null;
  if (rfc5424) {
    const [, time, host] = rfc5424;
    if (time !== '-') header.wallClock = timeOf(header, () => isoSeconds(time!));
    if (host !== '-') header.host = host;
  } else {
    readTimeAndHost(header, eat);
  }
  eat(KERNEL_TAG);
  if (header.uptime === undefined) {
    const m = eat(UPTIME);
    if (m) header.uptime = Number(m[1]);
  }
  header.message = rest;
  return header;
}

type Eat = (re: RegExp) => RegExpExecArray | null;

/** The time formats that open a line, and the host name syslog writes after its time. */
function readTimeAndHost(header: LineHeader, eat: Eat): void {
  let m: RegExpExecArray | null;
  let syslogTime = false;
  if ((m = eat(ISO_TIME))) {
    const text = m[1]!;
    header.wallClock = timeOf(header, () => isoSeconds(text));
    syslogTime = true;
  } else if ((m = eat(BSD_TIME))) {
    const [, month, day, hour, minute, second, fraction] = m;
    const t = yearlessTime(month!, day!, hour!, minute!, second!);
    if (t) header.yearless = { ...t, fraction: fraction ? Number(`0${fraction}`) : 0 };
    else header.timeError = `"${month}" is not a month name`;
    syslogTime = true;
  } else if ((m = eat(PROXMOX))) {
    const [, day, month, year, hour, minute, second, zone] = m;
    const t = yearlessTime(month!, day!, hour!, minute!, second!);
    if (t) header.wallClock = timeOf(header, () => calendarSeconds(Number(year), t, zoneOffsetMinutes(zone!)));
    else header.timeError = `"${month}" is not a month name`;
    header.proxmox = true;
  } else if ((m = eat(DMESG_HUMAN_TIME))) {
    const [, month, day, hour, minute, second, year] = m;
    const t = yearlessTime(month!, day!, hour!, minute!, second!);
    if (t) header.wallClock = timeOf(header, () => calendarSeconds(Number(year), t));
    else header.timeError = `"${month}" is not a month name`;
  } else if ((m = eat(UPTIME))) {
    header.uptime = Number(m[1]);
    // journalctl -o short-monotonic: "[ 123.456] host kernel: "; bare dmesg has no host
    const host = eat(MONOTONIC_HOST);
    if (host) header.host = host[1];
  }
  if (syslogTime) {
    const host = eat(HOST);
    if (host) header.host = host[1];
  }
}
