// nfwasm trace --rules R [--host H] 'tcp 198.51.100.7:41327 > 203.0.113.10:21 syn in eth0'
// Prints the kernel's TRACE lines (NETFILTER.md §4.2) for one packet and the verdict: "why was
// this packet dropped".
import { Engine, type PacketResult } from '../../engine/engine.js';
import type { PacketReply } from '../../engine/reply.js';
import { classifyPackets } from '../../classify.js';
import { parseTraceSpec } from '../../packets/trace-spec.js';
import { loadHostFile, loadRulesetFile, printWarnings } from '../load.js';

export async function traceCommand(spec: string, opts: { rules: string; host?: string }): Promise<string> {
  const ruleset = loadRulesetFile(opts.rules);
  printWarnings(ruleset.warnings);
  const host = loadHostFile(opts.host);
  const engine = await Engine.create(ruleset, host);
  printWarnings(engine.warnings);
  const [r] = classifyPackets(engine, [parseTraceSpec(spec)]);
  const lines = r.trace.map((t) => `TRACE: ${t}`);
  for (const log of r.logs) lines.push(`LOG: ${log}`);
  const why = r.decidedBy ? ` by ${r.decidedBy}` : '';
  const reject = r.rejectWith ? ` with ${r.rejectWith}` : '';
  const out = r.outIface ? ` out ${r.outIface}` : '';
  lines.push(`verdict: ${r.verdict}${reject}${why} (ctstate ${r.ctstate}, path ${r.path}, last hook ${r.hook}${out})`);
  if (engine.conntrackEnabled) lines.push(conntrackLine(r));
  if (r.reply) lines.push(...replyLines(r.reply));
  else if (r.noReply) lines.push(`reply: none (${r.noReply})`);
  if (r.flags.natSkipped) lines.push('note: a NAT target matched; NAT is not evaluated yet');
  return lines.join('\n') + '\n';
}

/** What conntrack saw: the ctstate the rules matched, and what its stage did and why. */
function conntrackLine(r: PacketResult): string {
  const words = [`conntrack: ctstate ${r.ctstate}`];
  if (r.tcpState) words.push(`tcp ${r.tcpState}`);
  if (r.ctDir) words.push(`dir ${r.ctDir}`);
  if (r.ctStatus?.length) words.push(`status ${r.ctStatus.join(',')}`);
  if (r.ctNote) words.push(`(${r.ctNote.join(', ')})`);
  if (r.ctReason) words.push(`reason: ${r.ctReason}`);
  return words.join(' ');
}

/** The REJECT's answer, traced on its own way out (OUTPUT, POSTROUTING). */
function replyLines(reply: PacketReply): string[] {
  const what = reply.kind === 'icmp' ? `icmp type ${reply.type} code ${reply.code}` : 'tcp-reset';
  const lines = reply.trace.map((t) => `  TRACE: ${t}`);
  for (const log of reply.logs) lines.push(`  LOG: ${log}`);
  const why = reply.decidedBy ? ` by ${reply.decidedBy}` : '';
  const out = reply.outIface ? ` out ${reply.outIface}` : '';
  lines.unshift(`reply: ${what}, ${reply.length} bytes, ctstate ${reply.ctstate}`);
  lines.push(`  reply verdict: ${reply.verdict}${why} (last hook ${reply.hook}${out})`);
  return lines;
}
