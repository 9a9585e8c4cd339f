// nfwasm bench RULES_A [RULES_B] CAPTURE [--host H]: for users comparing rule layouts. Per
// ruleset: classification throughput (packets/s, the engine alone: reading and parsing the input
// are left out and shared), rules examined per packet as the kernel's linear walk would (from the
// trace, bench-walk.ts) and where they go per chain; with two rulesets, every packet whose verdict
// differs, counted, the first few shown. Both rulesets see each batch in turn, so they run on the
// same machine state; compare the ratio, not the absolute figures (docs/bench.md).
import { performance } from 'node:perf_hooks';
import { PKT_DPORT, PKT_DST, PKT_PROTO, PKT_SIZE, PKT_SPORT, PKT_SRC, PKT_IN_IFACE } from '../../../assembly/shared/layout.js';
import { Engine, type PacketResult } from '../../engine/engine.js';
import { formatIPv4, protoListName } from '../../ruleset/names.js';
import { openInput } from '../inputs.js';
import { loadHostFile, loadRulesetFile, printWarnings } from '../load.js';
import { workUnits } from '../stream.js';
import { addWalk, type ChainCost } from './bench-walk.js';

export interface BenchOptions {
  host?: string;
  /** Differing packets shown (default 10); all are counted. */
  show?: number;
  /** In-interface for captures that name none. */
  in?: string;
  quiet?: boolean;
}

export interface RulesetBench {
  name: string;
  rules: number;
  seconds: number;
  packetsPerSecond: number;
  /** Mean rules the kernel examines per packet (linear first-match walk). */
  examinedPerPacket: number;
  /** Mean trace events per packet (rules matched, chain ends, policies). */
  eventsPerPacket: number;
  /** Per chain ("table:chain"), most examined first. */
  chains: { chain: string; examined: number; matched: number; share: number }[];
  verdicts: Record<string, number>;
}

export interface VerdictDifference {
  n: number;
  packet: string;
  a: string;
  b: string;
}

export interface BenchReport {
  capture: string;
  packets: number;
  rulesets: RulesetBench[];
  /** Two rulesets only. */
  differences?: { total: number; shown: VerdictDifference[] };
}

class RulesetRun {
  seconds = 0;
  examined = 0;
  events = 0;
  readonly chains = new Map<string, ChainCost>();
  readonly verdicts: Record<string, number> = {};

  constructor(
    readonly name: string,
    readonly rules: number,
    readonly engine: Engine,
  ) {}

  classify(records: Uint8Array, count: number, payloads: Uint8Array): PacketResult[] {
    const start = performance.now();
    const results = this.engine.classify(records, count, payloads);
    this.seconds += (performance.now() - start) / 1000;
    for (const r of results) {
      this.examined += addWalk(r.trace, this.chains);
      this.events += r.trace.length;
      this.verdicts[r.verdict] = (this.verdicts[r.verdict] ?? 0) + 1;
    }
    return results;
  }

  report(packets: number): RulesetBench {
    const chains = [...this.chains]
      .map(([chain, c]) => ({ chain, examined: c.examined, matched: c.matched, share: this.examined ? c.examined / this.examined : 0 }))
      .sort((x, y) => y.examined - x.examined || y.matched - x.matched);
    return {
      name: this.name,
      rules: this.rules,
      seconds: this.seconds,
      packetsPerSecond: this.seconds > 0 ? packets / this.seconds : 0,
      examinedPerPacket: packets ? this.examined / packets : 0,
      eventsPerPacket: packets ? this.events / packets : 0,
      chains,
      verdicts: this.verdicts,
    };
  }
}

function describePacket(records: Uint8Array, k: number): string {
  const view = new DataView(records.buffer, records.byteOffset + k * PKT_SIZE, PKT_SIZE);
  const proto = view.getUint8(PKT_PROTO);
  const ports = proto === 6 || proto === 17;
  const end = (addr: number, port: number) => `${formatIPv4(view.getUint32(addr, true))}${ports ? `:${view.getUint16(port, true)}` : ''}`;
  let iface = '';
  for (let i = PKT_IN_IFACE; i < PKT_IN_IFACE + 16 && view.getUint8(i) !== 0; i++) iface += String.fromCharCode(view.getUint8(i));
  return `${protoListName(proto)} ${end(PKT_SRC, PKT_SPORT)} > ${end(PKT_DST, PKT_DPORT)}${iface ? ` in ${iface}` : ''}`;
}

const outcome = (r: PacketResult) => `${r.verdict}${r.decidedBy ? ` (${r.decidedBy})` : ''}`;

/** Runs the capture through each ruleset (one or two) and measures them side by side. */
export async function benchRulesets(rulesFiles: readonly string[], capture: string, opts: BenchOptions = {}): Promise<BenchReport> {
  if (rulesFiles.length < 1 || rulesFiles.length > 2) throw new Error('bench: give one or two rulesets, then the capture');
  const host = loadHostFile(opts.host, opts.quiet ?? true);
  const runs: RulesetRun[] = [];
  for (const file of rulesFiles) {
    const ruleset = loadRulesetFile(file);
    if (!opts.quiet) printWarnings(ruleset.warnings);
    const rules = ruleset.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
    // TRACE positions are what the walk is rebuilt from: the engine records them for every packet
    runs.push(new RulesetRun(file, rules, await Engine.create(ruleset, host)));
  }
  const show = Math.max(0, Math.floor(opts.show ?? 10));
  const input = await openInput(capture, { inInterface: opts.in });
  let packets = 0;
  let differing = 0;
  const shown: VerdictDifference[] = [];
  for await (const unit of workUnits(input, {})) {
    if (unit.count === 0) continue;
    const results = runs.map((run) => {
      run.engine.noteClaimedCtstate(unit.ctstateGiven);
      return run.classify(unit.records, unit.count, unit.payloads);
    });
    packets += unit.count;
    if (results.length === 2) {
      const [a, b] = results;
      for (let k = 0; k < unit.count; k++) {
        if (a[k].verdict === b[k].verdict) continue;
        differing++;
        if (shown.length < show) shown.push({ n: unit.numbers[k], packet: describePacket(unit.records, k), a: outcome(a[k]), b: outcome(b[k]) });
      }
    }
  }
  return {
    capture,
    packets,
    rulesets: runs.map((run) => run.report(packets)),
    differences: runs.length === 2 ? { total: differing, shown } : undefined,
  };
}

const CHAINS_SHOWN = 8;
const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

export function formatBenchReport(report: BenchReport): string {
  const lines = [`capture: ${report.capture}: ${report.packets} packets evaluated`];
  const labels = report.rulesets.length === 2 ? ['A', 'B'] : [''];
  report.rulesets.forEach((r, i) => {
    lines.push(`ruleset ${labels[i] ? labels[i] + ': ' : ''}${r.name} (${r.rules} rules)`);
    lines.push(`  throughput: ${Math.round(r.packetsPerSecond).toLocaleString('en')} packets/s (${r.seconds.toFixed(3)} s in the engine; reading and parsing the input not included)`);
    lines.push(`  rules examined per packet: ${r.examinedPerPacket.toFixed(2)} (the kernel's linear first-match walk, rebuilt from each packet's trace)`);
    lines.push(`  trace events per packet: ${r.eventsPerPacket.toFixed(2)} (rules matched, chain returns, policies)`);
    lines.push(`  verdicts: ${Object.entries(r.verdicts).map(([k, v]) => `${k} ${v}`).join(', ') || '-'}`);
    lines.push('  where the work goes (share of rules examined; rules matched):');
    for (const c of r.chains.slice(0, CHAINS_SHOWN)) lines.push(`    ${c.chain.padEnd(28)} ${percent(c.share).padStart(6)}  ${(c.examined / Math.max(1, report.packets)).toFixed(2)} per packet, ${c.matched} matched`);
    if (r.chains.length > CHAINS_SHOWN) lines.push(`    … ${r.chains.length - CHAINS_SHOWN} more chains`);
  });
  if (report.rulesets.length === 2) {
    const [a, b] = report.rulesets;
    lines.push(`B / A: throughput ${(b.packetsPerSecond / a.packetsPerSecond).toFixed(2)}x, rules examined ${(b.examinedPerPacket / Math.max(a.examinedPerPacket, 1e-9)).toFixed(2)}x (same run, same machine)`);
  }
  if (report.differences) {
    const { total, shown } = report.differences;
    lines.push(`verdicts differ: ${total} of ${report.packets} packets${total > shown.length ? ` (first ${shown.length} shown)` : ''}`);
    for (const d of shown) lines.push(`  #${d.n} ${d.packet}: A ${d.a}, B ${d.b}`);
  }
  return lines.join('\n') + '\n';
}

/** The CLI's form: rulesets then the capture, as positional arguments. */
export async function benchCommand(args: readonly string[], opts: BenchOptions): Promise<string> {
  if (args.length < 2 || args.length > 3) throw new Error('bench: expected RULES_A [RULES_B] CAPTURE');
  return formatBenchReport(await benchRulesets(args.slice(0, -1), args[args.length - 1], opts));
}
