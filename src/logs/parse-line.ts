// One line of a firewall log → packet / skip / unsupported / error (docs/log-lines.md).
// The kernel's line is "<prefix>IN=<dev> OUT=<dev> [PHYSIN= PHYSOUT=] [MAC=...] SRC=..."
// (nf_log_syslog.c nf_log_dump_packet_common, NETFILTER.md §4.9); the prefix is the rule's
// --log-prefix, glued to IN= when it does not end with a space ("[WAN_OUT-2000-A]IN=eth0").
import { interfaceNameOf } from '../host/ifname.js';
import { ValueError } from '../packets/values.js';
import { FieldCursor, LogFieldError, fieldValue, hexBytes } from './fields.js';
import { splitHeader, type LineHeader } from './header.js';
import { UnsupportedLogLine, readIpv4, type LoggedIpv4 } from './ipv4-fields.js';
import { packetFromLog, type LinkFields } from './to-packet.js';
import { calendarSeconds, type YearlessTime } from './timestamps.js';
import type { LogHook, LogLineMeta, LogLineOptions, LogLineResult } from './types.js';

/** The interfaces and link-layer addresses before SRC=. */
interface LoggedLink extends LinkFields {
  physin?: string;
  physout?: string;
}

/** A LOG line read up to the point where its time needs a year. */
export type LineAnalysis =
  | { kind: 'skip' | 'unsupported' | 'error'; reason: string }
  | { kind: 'packet'; header: LineHeader; prefix: string; link: LoggedLink; logged: LoggedIpv4 };

// The kernel always writes "IN=<dev> OUT=<dev> " together, then the bridge ports, the link header
// or the network header; the IN= of a glued prefix is found too, "LOGIN=root OUT=x" is not.
const KERNEL_FIELDS_START = /IN=\S* OUT=\S*(?= +(?:(?:PHYSIN|PHYSOUT|MAC|MACSRC|SRC)=|ARP ))/;
const IN_OUT = /IN=\S* OUT=\S*(?: +(\S+))?/;
// pve-firewall leaves out whichever of IN=/OUT= is empty
const PROXMOX_FIELDS_START = /(?:IN|OUT)=\S* /;
const IPV6_SIGNS = /^(?:SRC=\S*:|TC=|HOPLIMIT=|FLOWLBL=|PROTO=ICMPv6$)/;

/** Whitespace-separated words, with "[SRC=" and "[TRUNCATED]" split so "[" and "]" stand alone. */
function fieldWords(text: string): string[] {
  const words: string[] = [];
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    if (word === '[TRUNCATED]') words.push('[', 'TRUNCATED', ']');
    else if (/^\[[A-Z]+=/.test(word)) words.push('[', word.slice(1));
    else words.push(word);
  }
  return words;
}

/** Looks like a LOG line that lost its IN= (so: an error, not other syslog traffic). */
function hasPacketFields(message: string): boolean {
  return /(?:^|\s)SRC=\S/.test(message) && /(?:^|\s)DST=\S/.test(message) && /\s(?:PROTO|LEN|TTL)=/.test(message);
}

export function analyzeLogLine(line: string): LineAnalysis {
  const text = line.replace(/\r$/, '');
  if (text.trim() === '') return { kind: 'skip', reason: 'blank line' };
  const header = splitHeader(text);
  const start = (header.proxmox ? PROXMOX_FIELDS_START : KERNEL_FIELDS_START).exec(header.message);
  if (!start) {
    if (!hasPacketFields(header.message)) return { kind: 'skip', reason: 'not a kernel LOG line (no "IN=... OUT=")' };
    const inOut = IN_OUT.exec(header.message);
    if (inOut) {
      return { kind: 'error', reason: `after IN= and OUT= a LOG line goes on with PHYSIN=, MAC= or SRC=, not "${inOut[1] ?? ''}"` };
    }
    const found = /(\S+)\s+OUT=/.exec(header.message)?.[1];
    return {
      kind: 'error',
      reason: `no IN= field: a kernel LOG line has "IN=<dev> OUT=<dev>" before SRC=${found ? ` (found "${found}" where IN= belongs)` : ''}`,
    };
  }
  const prefix = header.message.slice(0, start.index);
  const words = fieldWords(header.message.slice(start.index));
  const ipv6 = words.find((w) => IPV6_SIGNS.test(w));
  if (ipv6) return { kind: 'unsupported', reason: `IPv6 packet (${ipv6}): nfwasm evaluates IPv4 rulesets only` };
  try {
    const c = new FieldCursor(words);
    const link = readLinkFields(c, header.proxmox);
    const notIp = notIpv4(c);
    if (notIp) return { kind: 'unsupported', reason: notIp };
    const logged = readIpv4(c, true);
    if (!c.done()) throw new LogFieldError(`unexpected "${c.peek()}" after ${lastSection(logged)}`);
    if (header.timeError) throw new LogFieldError(`the line's time: ${header.timeError}`);
    return { kind: 'packet', header, prefix, link, logged };
  } catch (e) {
    if (e instanceof UnsupportedLogLine) return { kind: 'unsupported', reason: e.message };
    if (e instanceof LogFieldError) return { kind: 'error', reason: e.message };
    throw e;
  }
}

/** Why a LOG line carries no IPv4 packet, or undefined when SRC= follows. */
function notIpv4(c: FieldCursor): string | undefined {
  if (c.done()) return 'no network header logged (a frame that is neither IPv4 nor IPv6): nfwasm evaluates IPv4 only';
  if (c.peek() === 'ARP') return 'ARP packet: nfwasm evaluates IPv4 only';
  if (c.peek() === 'TRUNCATED') return 'the IPv4 header was cut short (TRUNCATED): nothing to evaluate';
  return undefined;
}

function lastSection(d: LoggedIpv4): string {
  if (d.mark !== undefined || d.uid !== undefined) return 'UID=/GID=/MARK=';
  if (d.tcp) return 'the TCP fields';
  if (d.udp) return 'the UDP fields';
  if (d.icmp) return 'the ICMP fields';
  return `PROTO=`;
}

function interfaceField(key: string, value: string): string | undefined {
  return value === '' ? undefined : fieldValue(key, value, interfaceNameOf);
}

/** MAC=: the raw link-layer header; on Ethernet-like devices destination then source address. */
function macHeader(value: string, link: LinkFields): void {
  if (value === '') return;
  if (!/^[0-9a-f]{2}(?::[0-9a-f]{2})*$/i.test(value)) throw new LogFieldError(`MAC: "${value}" is not colon-separated hex bytes`);
  const bytes = hexBytes(value.replace(/:/g, ''), 'MAC');
  if (bytes.length < 12) return; // not an Ethernet header (e.g. a tunnel's)
  link.dstMac = bytes.slice(0, 6);
  link.srcMac = bytes.slice(6, 12);
}

function macAddress(key: string, value: string): Uint8Array {
  if (!/^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i.test(value)) throw new LogFieldError(`${key}: "${value}" is not a MAC address`);
  return hexBytes(value.replace(/:/g, ''), key);
}

/** IN= OUT= [PHYSIN= PHYSOUT=] [MAC= [TUNNEL=] | MACSRC= MACDST= [VPROTO= VID=] MACPROTO=]. */
function readLinkFields(c: FieldCursor, proxmox: boolean): LoggedLink {
  const link: LoggedLink = {};
  const inValue = c.take('IN');
  if (inValue === undefined && !proxmox) throw new LogFieldError('the fields must start with IN=');
  const outValue = c.take('OUT');
  if (outValue === undefined && !proxmox) throw new LogFieldError('OUT= must follow IN=');
  link.inIface = interfaceField('IN', inValue ?? '');
  link.outIface = interfaceField('OUT', outValue ?? '');
  const seen = new Set<string>();
  for (;;) {
    const key = c.peekKey();
    if (!['PHYSIN', 'PHYSOUT', 'MAC', 'TUNNEL', 'MACSRC', 'MACDST', 'MACPROTO', 'VPROTO', 'VID'].includes(key)) break;
    if (seen.has(key)) throw new LogFieldError(`${key}= appears twice`);
    seen.add(key);
    const value = c.take(key)!;
    if (key === 'PHYSIN') link.physin = interfaceField(key, value);
    else if (key === 'PHYSOUT') link.physout = interfaceField(key, value);
    else if (key === 'MAC') macHeader(value, link);
    else if (key === 'MACSRC') link.srcMac = macAddress(key, value);
    else if (key === 'MACDST') link.dstMac = macAddress(key, value);
    // MACPROTO, VPROTO, VID and SIT's TUNNEL=a->b say nothing an IPv4 ruleset matches on
  }
  return link;
}

function hookOf(link: LinkFields): LogHook | undefined {
  if (link.inIface !== undefined) return link.outIface !== undefined ? 'FORWARD' : 'INPUT';
  return link.outIface !== undefined ? 'OUTPUT' : undefined;
}

/** The packet and its meta; throws LogFieldError or ValueError (an impossible date). */
function packetResult(
  a: Extract<LineAnalysis, { kind: 'packet' }>,
  yearlessSeconds: (t: YearlessTime) => number,
  tsOf: (timestamp: number | undefined) => number,
): LogLineResult {
  const { header, link, logged } = a;
  const timestamp = header.wallClock
    ?? (header.yearless ? yearlessSeconds(header.yearless) : undefined)
    ?? header.uptime;
  const meta: LogLineMeta = { prefix: a.prefix, tcpSequenceLogged: logged.tcp?.seq !== undefined };
  if (timestamp !== undefined) meta.timestamp = timestamp;
  if (header.uptime !== undefined) meta.uptime = header.uptime;
  if (header.host !== undefined) meta.host = header.host;
  const hook = hookOf(link);
  if (hook) meta.hook = hook;
  if (link.physin !== undefined) meta.physin = link.physin;
  if (link.physout !== undefined) meta.physout = link.physout;
  return { kind: 'packet', packet: packetFromLog(logged, link, tsOf(timestamp)), meta };
}

/** Turns an analysis into a result; errors name `where` ("line 12" or "fw.log:12"). */
export function resultOf(
  a: LineAnalysis,
  where: string,
  yearlessSeconds: (t: YearlessTime) => number,
  tsOf: (timestamp: number | undefined) => number,
): LogLineResult {
  if (a.kind === 'error') return { kind: 'error', message: `${where}: ${a.reason}` };
  if (a.kind !== 'packet') return { kind: a.kind, reason: a.reason };
  try {
    return packetResult(a, yearlessSeconds, tsOf);
  } catch (e) {
    if (e instanceof LogFieldError) return { kind: 'error', message: `${where}: ${e.message}` };
    if (e instanceof ValueError) return { kind: 'error', message: `${where}: the line's time: ${e.message}` };
    throw e;
  }
}

/**
 * One line on its own. Syslog times carry no year: `opts.defaultYear`, else the current year.
 * A line without a time gets ts 0 (LogLinesReader gives it the previous line's time instead).
 */
export function parseLogLine(line: string, lineNo: number, opts: LogLineOptions = {}): LogLineResult {
  const year = opts.defaultYear ?? new Date().getUTCFullYear();
  return resultOf(analyzeLogLine(line), `line ${lineNo}`, (t) => calendarSeconds(year, t), (ts) => ts ?? 0);
}
