// nfwasm conformance RULES CAPTURE [--host H] [--backend legacy|nft]
// Replays CAPTURE (pcapng, interfaces eth0 = client side, eth1 = server side of the lab router)
// through the real kernel in throw-away network namespaces and through nfwasm, and prints where
// they differ (docs/conformance.md). Needs root on Linux; elsewhere it says so and skips.
import { formatReport } from '../../../conformance/report.js';
import { missingForKernelRun, skipBanner } from '../../../conformance/preflight.js';
import { runCase } from '../../../conformance/run-case.js';
import type { Backend } from '../../../conformance/kernel-run.js';

export interface ConformanceOptions {
  host?: string;
  backend?: Backend;
}

/** Exit code: 0 agree (or skipped), 1 diverge. */
export async function conformanceCommand(rules: string, capture: string, opts: ConformanceOptions): Promise<number> {
  const backend = opts.backend ?? 'legacy';
  const missing = missingForKernelRun(backend);
  if (missing.length) {
    process.stderr.write(skipBanner(missing));
    return 0;
  }
  const report = await runCase({ name: `${rules} + ${capture}`, rulesPath: rules, capturePath: capture, hostPath: opts.host, backend });
  process.stdout.write(formatReport(report));
  return report.agree ? 0 : 1;
}
