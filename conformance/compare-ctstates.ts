// Per-packet ctstate, kernel (the mangle NFLOG probe, ctstate-probe.ts) against nfwasm's records.
// A packet the probe never saw (dropped before PREROUTING) is compared as "-" on the kernel side;
// nfwasm's record then has no ctstate either when it agrees.
import type { OutputRecord } from '../src/output/record.js';

export interface CtstateComparison {
  /** Whether the probe ran at all (stateful rulesets without a mangle table of their own). */
  probed: boolean;
  compared: number;
  /** 0-based packet indexes whose ctstate differs. */
  differing: { index: number; kernel: string; nfwasm: string }[];
}

export function compareCtstates(kernel: readonly (string | undefined)[] | undefined, records: readonly OutputRecord[]): CtstateComparison {
  if (!kernel) return { probed: false, compared: 0, differing: [] };
  const differing: CtstateComparison['differing'] = [];
  kernel.forEach((state, index) => {
    const k = state ?? '-';
    const n = records[index]?.ctstate ?? '-';
    if (k !== n) differing.push({ index, kernel: k, nfwasm: n });
  });
  return { probed: true, compared: kernel.length, differing };
}
