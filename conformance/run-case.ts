// One conformance case end to end: the same ruleset and capture through nfwasm and through the
// kernel (lab router), then counters and per-packet outcomes compared.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyCommand } from '../src/node/commands/classify.js';
import type { OutputRecord } from '../src/output/record.js';
import { detectFormat, parseRuleset } from '../src/ruleset/load.js';
import { formatSave } from '../src/ruleset/print-save.js';
import { readPcapng } from './capture-files.js';
import { releaseLab, trackLab } from './cleanup.js';
import { compareConntrack, type ConntrackComparison } from './compare-conntrack.js';
import { compareCtstates, type CtstateComparison } from './compare-ctstates.js';
import { compareCounters, type CounterComparison } from './compare-counters.js';
import { compareVerdicts, type VerdictComparison } from './compare-verdicts.js';
import { kernelCtstates, probeApplies, withProbe } from './ctstate-probe.js';
import { replayInKernel, type Backend, type KernelResult } from './kernel-run.js';
import { formatIPv4, LAB, parseIPv4, routerHostModel, type Side } from './lab.js';
import { addNeighbours, createLab, labNames, removeStaleNamespaces } from './namespaces.js';
import { ipv4Of } from './packet-view.js';
import type { TrafficFrame } from './traffic.js';

export interface CaseOptions {
  name: string;
  rulesPath: string;
  capturePath: string;
  /** nfwasm's host model; default: the lab router (lab.ts). */
  hostPath?: string;
  backend: Backend;
}

export interface CaseReport {
  name: string;
  backend: Backend;
  agree: boolean;
  counters: CounterComparison;
  verdicts: VerdictComparison;
  conntrack: ConntrackComparison;
  ctstates: CtstateComparison;
  kernel: KernelResult;
  nfwasmConntrack: string;
  /** Kept when the case diverged, for a closer look. */
  workDir?: string;
  seconds: number;
}

function injectorPath(): string {
  for (const rel of ['./inject.py', '../../conformance/inject.py']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('conformance/inject.py not found next to the harness');
}

/** The capture's frames with the side each one arrives from (its interface name, lab.ts). */
export function framesOfCapture(path: string): TrafficFrame[] {
  const { interfaces, frames } = readPcapng(readFileSync(path));
  const sideByIface = new Map<string | undefined, Side>([[LAB.client.routerIface, 'client'], [LAB.server.routerIface, 'server']]);
  return frames.map((f, i) => {
    const side = sideByIface.get(interfaces[f.iface]);
    if (!side) throw new Error(`${path}: frame ${i + 1} is on interface ${interfaces[f.iface] ?? f.iface}, not ${LAB.client.routerIface} or ${LAB.server.routerIface}`);
    return { side, bytes: f.bytes };
  });
}

/** Addresses the frames send to on `side`'s own subnet, other than the lab's two stations there. */
function attachedHosts(frames: readonly TrafficFrame[], side: Side): Set<string> {
  const station = LAB[side];
  const subnet = (a: number) => a >>> (32 - station.prefix);
  const known = [station.peerAddr, station.routerAddr].map((a) => parseIPv4(a)!);
  const hosts = new Set<string>();
  for (const f of frames) {
    const dst = ipv4Of(f.bytes)?.dst;
    if (dst !== undefined && subnet(dst) === subnet(known[0]) && !known.includes(dst)) hosts.add(formatIPv4(dst));
  }
  return hosts;
}

/** iptables-restore input: save text as given, an iptables command script as nfwasm prints it. */
function rulesForRestore(path: string, text: string): string {
  if (detectFormat(text) === 'save') return text;
  return formatSave(parseRuleset(text, { filename: path }));
}

let labCount = 0;

export async function runCase(opts: CaseOptions): Promise<CaseReport> {
  const started = performance.now();
  removeStaleNamespaces();
  const workDir = mkdtempSync(join(tmpdir(), 'nfwc-'));
  const rulesText = readFileSync(opts.rulesPath, 'utf8');
  const frames = framesOfCapture(opts.capturePath);
  const hostPath = opts.hostPath ?? join(workDir, 'router-host.json');
  if (!opts.hostPath) writeFileSync(hostPath, JSON.stringify(routerHostModel(), null, 2));

  const out = (name: string) => join(workDir, name);
  await classifyCommand(opts.capturePath, {
    rules: opts.rulesPath, host: hostPath, records: out('nfwasm-records.jsonl'),
    saveCounters: out('nfwasm-save.txt'), conntrack: out('nfwasm-conntrack.txt'), quiet: true,
  });
  const records: OutputRecord[] = readFileSync(out('nfwasm-records.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

  const lab = labNames(String(labCount++));
  trackLab(lab);
  let kernel: KernelResult;
  try {
    createLab(lab);
    for (const side of ['client', 'server'] as const) addNeighbours(lab, side, attachedHosts(frames, side));
    const rulesSave = rulesForRestore(opts.rulesPath, rulesText);
    const probe = probeApplies(rulesSave);
    kernel = await replayInKernel(lab, opts.backend, probe ? withProbe(rulesSave) : rulesSave, opts.capturePath, workDir, injectorPath(), probe);
  } finally {
    releaseLab(lab);
  }
  writeFileSync(out('kernel-save.txt'), kernel.save);
  writeFileSync(out('kernel-conntrack.txt'), kernel.conntrack + kernel.expectations);

  const counters = compareCounters(
    parseRuleset(kernel.save, { filename: `kernel iptables-${opts.backend}-save -c` }),
    parseRuleset(readFileSync(out('nfwasm-save.txt'), 'utf8'), { filename: 'nfwasm --save-counters' }),
  );
  const verdicts = compareVerdicts(frames, records, kernel.arrived);
  const nfwasmConntrack = readFileSync(out('nfwasm-conntrack.txt'), 'utf8');
  const conntrack = compareConntrack(kernel.conntrack + kernel.expectations, nfwasmConntrack);
  const ctstates = compareCtstates(kernel.probe && kernelCtstates(frames, kernel.probe), records);
  const agree = counters.divergences.length === 0 && verdicts.firstDivergence === undefined && verdicts.answers.length === 0 &&
    conntrack.onlyKernel.length === 0 && conntrack.onlyNfwasm.length === 0 && ctstates.differing.length === 0;
  if (agree) rmSync(workDir, { recursive: true, force: true });
  return {
    name: opts.name, backend: opts.backend, agree, counters, verdicts, conntrack, ctstates, kernel, nfwasmConntrack,
    workDir: agree ? undefined : workDir,
    seconds: (performance.now() - started) / 1000,
  };
}
