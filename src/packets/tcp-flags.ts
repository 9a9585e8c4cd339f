// TCP flags as people write them: iptables names ("SYN,ACK"), tcpdump's letters ("S.", "F.",
// "R", "P."), a JSON list of names, or the bit set itself. Bits as in PKT_TCPFLAGS.
import { ValueError, showValue } from './values.js';

export const TCP_FIN = 1;
export const TCP_SYN = 2;
export const TCP_RST = 4;
export const TCP_PSH = 8;
export const TCP_ACK = 16;
export const TCP_URG = 32;
export const TCP_ECE = 64;
export const TCP_CWR = 128;

const FLAG_NAMES: ReadonlyArray<[string, number]> = [
  ['FIN', TCP_FIN], ['SYN', TCP_SYN], ['RST', TCP_RST], ['PSH', TCP_PSH],
  ['ACK', TCP_ACK], ['URG', TCP_URG], ['ECE', TCP_ECE], ['CWR', TCP_CWR],
];
const FLAG_BY_NAME = new Map(FLAG_NAMES);

// tcpdump prints S F R P U E W for SYN FIN RST PSH URG ECE CWR and '.' for ACK. None of the
// iptables names consists of these letters only, so the two notations cannot be confused.
const TCPDUMP_LETTERS: Readonly<Record<string, number>> = {
  S: TCP_SYN, F: TCP_FIN, R: TCP_RST, P: TCP_PSH, U: TCP_URG, E: TCP_ECE, W: TCP_CWR, '.': TCP_ACK,
};

const HINT = 'TCP flags: names such as SYN or SYN,ACK (also NONE), or tcpdump letters such as S, S., F., R, P.';

export function tcpFlagsOf(value: unknown): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 255) return value;
  } else if (Array.isArray(value)) {
    return value.reduce<number>((bits, name) => bits | flagByName(name), 0);
  } else if (typeof value === 'string') {
    return tcpFlagsFromText(value.trim());
  }
  throw new ValueError(`${showValue(value)} is not a set of ${HINT}`);
}

function tcpFlagsFromText(text: string): number {
  if (text.toUpperCase() === 'NONE' || text === '') return 0;
  if (/^[SFRPUEW.]+$/.test(text)) {
    let bits = 0;
    for (const letter of text) bits |= TCPDUMP_LETTERS[letter]!;
    return bits;
  }
  return text.split(/[,|+]/).reduce((bits, name) => bits | flagByName(name.trim()), 0);
}

function flagByName(name: unknown): number {
  const bit = typeof name === 'string' ? FLAG_BY_NAME.get(name.toUpperCase()) : undefined;
  if (bit === undefined) throw new ValueError(`${showValue(name)} is not a TCP flag (${HINT})`);
  return bit;
}
