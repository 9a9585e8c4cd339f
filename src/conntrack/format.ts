// The conntrack table as `conntrack -L` prints it and the expectations as `conntrack -L expect`
// does (libnetfilter_conntrack's default snprintf output): fields in the library's order, the
// protocol name padded to 8 columns, timers in whole seconds left.
import type { ConntrackEntry, ConntrackExpectation, ConntrackTuple } from './read.js';

function tupleText(t: ConntrackTuple, srcKey = 'src', dstKey = 'dst'): string {
  const words = [`${srcKey}=${t.src}`, `${dstKey}=${t.dst}`];
  if (t.sport !== undefined) words.push(`sport=${t.sport}`, `dport=${t.dport}`);
  else if (t.type !== undefined) words.push(`type=${t.type}`, `code=${t.code}`, `id=${t.id}`);
  return words.join(' ');
}

/** One line of `conntrack -L`. */
export function formatConntrackEntry(e: ConntrackEntry): string {
  const words = [`${e.protoName.padEnd(8)} ${e.proto}`, String(e.timeout)];
  if (e.tcpState) words.push(e.tcpState);
  words.push(tupleText(e.original));
  if (!e.status.includes('SEEN_REPLY')) words.push('[UNREPLIED]');
  words.push(tupleText(e.reply));
  if (e.status.includes('ASSURED')) words.push('[ASSURED]');
  words.push(`mark=${e.mark}`);
  if (e.zone) words.push(`zone=${e.zone}`);
  if (e.helper) words.push(`helper=${e.helper}`);
  words.push(`use=${e.use}`);
  return words.join(' ');
}

/** One line of `conntrack -L expect`. */
export function formatExpectation(x: ConntrackExpectation): string {
  const mask: ConntrackTuple = { src: x.mask.src, dst: x.mask.dst, sport: x.mask.sport, dport: x.mask.dport };
  const words = [
    String(x.timeout),
    `proto=${x.proto}`,
    tupleText(x.tuple),
    tupleText(mask, 'mask-src', 'mask-dst'),
    tupleText(x.master, 'master-src', 'master-dst'),
  ];
  if (x.zone) words.push(`zone=${x.zone}`);
  words.push('class=0');
  if (x.helper) words.push(`helper=${x.helper}`);
  return words.join(' ');
}

/**
 * Both listings, each with the summary line conntrack-tools prints on stderr
 * ("conntrack v1.4.x (conntrack-tools): N flow entries have been shown.").
 */
export function formatConntrack(entries: readonly ConntrackEntry[], expectations: readonly ConntrackExpectation[]): string {
  const lines = ['# conntrack -L', ...entries.map(formatConntrackEntry)];
  lines.push(`# ${entries.length} flow entries have been shown.`);
  lines.push('# conntrack -L expect', ...expectations.map(formatExpectation));
  lines.push(`# ${expectations.length} expectations have been shown.`);
  return lines.join('\n') + '\n';
}
