// Per-packet outcome, kernel against nfwasm. The kernel's outcome is read off the far-side
// captures: an injected packet that came out on the other side (same bytes, TTL one lower) was
// forwarded; frames that match no injected packet were made by the router (REJECT answers,
// ICMP errors) and are compared, side by side and in order, with the REJECTs nfwasm reports.
import type { OutputRecord } from '../src/output/record.js';
import { LAB, otherSide, parseIPv4, sideOf, type Side } from './lab.js';
import { answerKind, crossingKey, describe, ipv4Of, type IPv4View } from './packet-view.js';
import type { TrafficFrame } from './traffic.js';

export type Outcome = 'forwarded' | 'not forwarded' | 'local';

export interface PacketComparison {
  n: number;
  side: Side;
  text: string;
  kernel: Outcome;
  nfwasm: Outcome;
  record: OutputRecord;
}

export interface AnswerDivergence {
  side: Side;
  kernel: string[];
  nfwasm: string[];
}

export interface VerdictComparison {
  packets: PacketComparison[];
  /** Index into packets of the first disagreement, if any. */
  firstDivergence?: number;
  answers: AnswerDivergence[];
}

function nfwasmOutcome(rec: OutputRecord): Outcome {
  if (rec.path === 'INPUT') return 'local';
  return rec.verdict === 'ACCEPT' && rec.path === 'FORWARD' ? 'forwarded' : 'not forwarded';
}

/** Packets for the router itself: their fate shows in no capture, only in the counters. */
function isRouterAddress(addr: number): boolean {
  return (['client', 'server'] as const).some((side) => parseIPv4(LAB[side].routerAddr) === addr);
}

export function compareVerdicts(injected: readonly TrafficFrame[], records: readonly OutputRecord[], arrived: Record<Side, Uint8Array[]>): VerdictComparison {
  const pending: Record<Side, { view: IPv4View; key: string; used: boolean }[]> = { client: [], server: [] };
  for (const side of ['client', 'server'] as const) {
    for (const frame of arrived[side]) {
      const view = ipv4Of(frame);
      if (view) pending[side].push({ view, key: crossingKey(view), used: false });
    }
  }

  const packets: PacketComparison[] = [];
  const expectedAnswers: Record<Side, string[]> = { client: [], server: [] };
  injected.forEach((frame, i) => {
    const view = ipv4Of(frame.bytes)!;
    const rec = records[i];
    let kernel: Outcome;
    if (isRouterAddress(view.dst)) kernel = 'local';
    else {
      const far = sideOf(view.dst) ?? otherSide(frame.side);
      const key = crossingKey(view);
      const hit = pending[far].find((p) => !p.used && p.key === key && p.view.ttl === view.ttl - 1);
      if (hit) hit.used = true;
      kernel = hit ? 'forwarded' : 'not forwarded';
    }
    // nfwasm's answer leaves the router only if it was built (no answer to a RST, an ICMP error,
    // a later fragment, …) and its own walk through OUTPUT/POSTROUTING accepted it
    if (rec?.verdict === 'REJECT' && rec.reply?.verdict === 'ACCEPT') expectedAnswers[frame.side].push(rec.reject_with ?? 'REJECT');
    if (rec?.verdict === 'TTL_EXCEEDED' && rec.reply?.verdict === 'ACCEPT') expectedAnswers[frame.side].push(`icmp type ${rec.reply.type} code ${rec.reply.code}`);
    packets.push({ n: i + 1, side: frame.side, text: describe(view), kernel, nfwasm: rec ? nfwasmOutcome(rec) : 'not forwarded', record: rec });
  });

  const answers: AnswerDivergence[] = [];
  for (const side of ['client', 'server'] as const) {
    const kernelAnswers = pending[side].filter((p) => !p.used).map((p) => answerKind(p.view));
    if (kernelAnswers.join() !== expectedAnswers[side].join()) answers.push({ side, kernel: kernelAnswers, nfwasm: expectedAnswers[side] });
  }
  const first = packets.findIndex((p) => p.kernel !== p.nfwasm);
  return { packets, firstDivergence: first < 0 ? undefined : first, answers };
}
