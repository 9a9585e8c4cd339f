// How a case's outcome is told: one line when kernel and nfwasm agree; otherwise the first
// divergence with the packets just before it, the counters that differ, and where the files are.
import type { OutputRecord } from '../src/output/record.js';
import { formatCounters } from './compare-counters.js';
import type { PacketComparison } from './compare-verdicts.js';
import type { CaseReport } from './run-case.js';

const CONTEXT_BEFORE = 3;

function nfwasmDetail(rec: OutputRecord | undefined): string {
  if (!rec) return 'no record';
  const parts = [`${rec.verdict}`, `path ${rec.path ?? '-'}`];
  if (rec.decided_by) parts.push(`by ${rec.decided_by}`);
  if (rec.ctstate) parts.push(`ctstate ${rec.ctstate}`);
  if (rec.ct_reason) parts.push(`(${rec.ct_reason})`);
  if (rec.matched?.length) parts.push(`matched ${rec.matched.join(' ')}`);
  return parts.join(', ');
}

function packetLine(p: PacketComparison, mark: string): string {
  return `${mark} #${p.n} from ${p.side}: ${p.text}\n      kernel: ${p.kernel}; nfwasm: ${p.nfwasm} (${nfwasmDetail(p.record)})`;
}

export function summaryLine(r: CaseReport): string {
  const packets = r.verdicts.packets.length;
  const agreeing = r.verdicts.packets.filter((p) => p.kernel === p.nfwasm).length;
  const status = r.agree ? 'agree  ' : 'DIVERGE';
  const ct = r.conntrack.onlyKernel.length + r.conntrack.onlyNfwasm.length;
  return `${status} ${r.name} [${r.backend}]: ${agreeing}/${packets} packets, ` +
    `${r.counters.compared - r.counters.divergences.length}/${r.counters.compared} counters, ` +
    `conntrack ${ct ? `${ct} lines differ` : 'same'}, ${ctstateSummary(r)} (${r.seconds.toFixed(1)} s)`;
}

function ctstateSummary(r: CaseReport): string {
  const c = r.ctstates;
  return c.probed ? `${c.compared - c.differing.length}/${c.compared} ctstates` : 'ctstate not probed';
}

export function formatReport(r: CaseReport): string {
  const lines = [summaryLine(r)];
  if (r.agree) return lines.join('\n') + '\n';
  const first = r.verdicts.firstDivergence;
  if (first !== undefined) {
    lines.push('  first packet divergence:');
    for (let i = Math.max(0, first - CONTEXT_BEFORE); i < first; i++) lines.push(packetLine(r.verdicts.packets[i], '   '));
    lines.push(packetLine(r.verdicts.packets[first], '  >'));
  }
  const firstCt = r.ctstates.differing[0];
  if (firstCt) {
    const p = r.verdicts.packets[firstCt.index];
    lines.push(`  first ctstate divergence (${r.ctstates.differing.length} packets differ):`);
    lines.push(`  > #${p.n} from ${p.side}: ${p.text}\n      kernel ctstate: ${firstCt.kernel}; nfwasm: ${nfwasmDetail(p.record)}`);
  }
  for (const a of r.verdicts.answers) {
    lines.push(`  router-made frames on the ${a.side} side: kernel [${a.kernel.join(', ')}], nfwasm expects [${a.nfwasm.join(', ')}]`);
  }
  for (const d of r.counters.divergences) {
    const counts = d.kernel || d.nfwasm ? `: kernel ${formatCounters(d.kernel)}, nfwasm ${formatCounters(d.nfwasm)}` : '';
    lines.push(`  counters ${d.where}: ${d.problem}${counts}${d.rule ? `  (${d.rule})` : ''}`);
  }
  for (const line of r.conntrack.onlyKernel) lines.push(`  conntrack only in the kernel: ${line}`);
  for (const line of r.conntrack.onlyNfwasm) lines.push(`  conntrack only in nfwasm:     ${line}`);
  if (r.workDir) lines.push(`  files (kernel-save.txt, kernel-conntrack.txt, nfwasm-*, arrived-*.pcap): ${r.workDir}`);
  return lines.join('\n') + '\n';
}
