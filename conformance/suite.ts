// npm run conformance [-- [NAME…] [--skip NAME]… [--random N] [--seed S] [--with reject,ttl] [--no-fixed]]: the fixed
// cases of test/conformance/*.case.ts (those whose name contains one of the NAMEs, if given, and
// none of the --skip ones) plus N seeded random cases (random-ruleset.ts), with the legacy backend
// and, where iptables-nft exists, the nft backend too. Prints one line per case and backend
// (details for those that diverge) and a closing "N passed, N failed" line. Skips loudly, and
// exits 0, where the machine cannot run the kernel side.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ConformanceCase } from './case.js';
import type { Backend } from './kernel-run.js';
import { missingForKernelRun, skipBanner } from './preflight.js';
import { randomCases } from './random-ruleset.js';
import { parseSuiteArgs, selected, type SuiteArgs } from './suite-args.js';
import { formatReport } from './report.js';
import { runCase } from './run-case.js';

const CASES_DIR = fileURLToPath(new URL('../test/conformance/', import.meta.url));

async function loadCases(args: SuiteArgs): Promise<ConformanceCase[]> {
  const cases: ConformanceCase[] = [];
  if (args.fixed) {
    const files = readdirSync(CASES_DIR).filter((f) => f.endsWith('.case.ts')).sort();
    for (const file of files) {
      const mod = (await import(pathToFileURL(join(CASES_DIR, file)).href)) as { default: ConformanceCase };
      cases.push(mod.default);
    }
  }
  cases.push(...randomCases(args.random, args.seed, args.with));
  return cases.filter((c) => selected(args, c.name));
}

async function main(): Promise<number> {
  const missing = missingForKernelRun('legacy');
  if (missing.length) {
    process.stderr.write(skipBanner(missing));
    return 0;
  }
  const backends: Backend[] = missingForKernelRun('nft').length ? ['legacy'] : ['legacy', 'nft'];
  const cases = await loadCases(parseSuiteArgs(process.argv.slice(2)));
  const dir = mkdtempSync(join(tmpdir(), 'nfwc-cases-'));
  let passed = 0;
  let failed = 0;
  const started = performance.now();
  try {
    for (const c of cases) {
      const rulesPath = join(dir, `${c.name}.rules`);
      const capturePath = join(dir, `${c.name}.pcapng`);
      writeFileSync(rulesPath, c.rules);
      writeFileSync(capturePath, c.traffic().toPcapng());
      for (const backend of backends) {
        let report;
        try {
          report = await runCase({ name: c.name, rulesPath, capturePath, backend });
        } catch (err) {
          // One broken case (e.g. a random ruleset nfwasm refuses) must not hide the others.
          process.stdout.write(`ERROR   ${c.name} [${backend}]: ${(err as Error).message}\n`);
          failed++;
          continue;
        }
        process.stdout.write(formatReport(report));
        if (report.agree) passed++;
        else {
          failed++;
          if (report.workDir) writeFileSync(join(report.workDir, 'rules.txt'), c.rules);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`\nconformance: ${cases.length} cases x ${backends.join('+')} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  process.stdout.write(`conformance: ${passed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`conformance: ${(err as Error).stack ?? err}\n`);
    process.exit(2);
  },
);
