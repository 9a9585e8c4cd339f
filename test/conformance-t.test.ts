// iptables' own extension tests (extensions/*.t, NETFILTER.md §5.1) run against nfwasm's parser and
// iptables-save printer. Backend-scoped lines are judged as iptables-legacy (the result for
// LEGACY; for NFT-scoped lines the alternative / inverted result), consistently with the rest
// of nfwasm, which models iptables-legacy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseRuleset, formatSave, RulesetError, UnsupportedError } from '../src/ruleset/index.js';
import { defaultRegistry } from '../src/modules/registry.js';

const DIR = fileURLToPath(new URL('../../shared/data/iptables-t/extensions/', import.meta.url));

/** Files whose every line must pass: the modules nfwasm supports (task H1 list). */
const MUST_PASS = new Set([
  'iptables.t', 'libxt_standard.t', 'libipt_standard.t',
  'libxt_tcp.t', 'libxt_udp.t', 'libipt_icmp.t', 'libxt_multiport.t', 'libxt_state.t',
  'libxt_conntrack.t', 'libipt_conntrack.t', 'libxt_iprange.t', 'libipt_iprange.t', 'libxt_mac.t',
  'libxt_comment.t', 'libxt_mark.t', 'libxt_connmark.t', 'libxt_length.t', 'libipt_ttl.t',
  'libxt_pkttype.t', 'libxt_addrtype.t', 'libxt_helper.t', 'libxt_limit.t', 'libxt_hashlimit.t',
  'libxt_recent.t', 'libipt_recent.t', 'libxt_owner.t',
  'libipt_REJECT.t', 'libipt_LOG.t', 'libxt_NFLOG.t', 'libxt_MARK.t', 'libxt_CONNMARK.t',
  'libxt_CT.t', 'libxt_NOTRACK.t', 'libxt_TRACE.t', 'libipt_DNAT.t', 'libipt_SNAT.t',
  'libipt_MASQUERADE.t', 'libxt_REDIRECT.t', 'libipt_NETMAP.t',
]);

type Outcome = 'pass' | 'fail' | 'unsupported';

interface LineResult {
  line: number;
  text: string;
  chain: string;
  outcome: Outcome;
  detail: string;
}

interface FileResult {
  file: string;
  module: string;
  supported: boolean;
  skipped?: string;
  results: LineResult[];
}

function moduleOf(file: string): string {
  if (file === 'iptables.t') return 'standard';
  return file.replace(/^lib(xt|ipt)_/, '').replace(/\.t$/, '');
}

function isSupported(module: string): boolean {
  return module === 'standard' || defaultRegistry.matchModule(module) !== undefined || defaultRegistry.targetModule(module) !== undefined;
}

/** The result iptables-legacy gives for a test line (NETFILTER.md §5.1). */
function legacyExpectation(fields: string[]): 'OK' | 'FAIL' | 'NOMATCH' {
  const [, , result, variant, alt] = fields;
  const r = result.trim() as 'OK' | 'FAIL' | 'NOMATCH';
  if (!variant || variant.trim() === 'LEGACY') return r;
  if (alt !== undefined && alt.trim() !== '') return alt.trim() === '=' ? r : (alt.trim() as 'OK' | 'FAIL' | 'NOMATCH');
  return r === 'OK' ? 'FAIL' : r === 'FAIL' ? 'OK' : 'OK';
}

function runLine(table: string, chain: string, fields: string[], module: string, supported: boolean): { outcome: Outcome; detail: string } {
  const spec = fields[0];
  const expected = legacyExpectation(fields);
  const input = `*${table}\n-A ${chain} ${spec}\nCOMMIT\n`;
  let saved: string[] | undefined;
  let error: unknown;
  try {
    const r = parseRuleset(input, { filename: 't', format: 'save' });
    saved = formatSave(r).split('\n').filter((l) => l === `-A ${chain}` || l.startsWith(`-A ${chain} `));
  } catch (e) {
    error = e;
  }
  if (error !== undefined && !(error instanceof RulesetError)) {
    return { outcome: 'fail', detail: `crash: ${(error as Error).stack ?? String(error)}` };
  }
  if (!supported) {
    if (error instanceof UnsupportedError) return { outcome: 'unsupported', detail: error.feature };
    if (expected === 'FAIL' && error) return { outcome: 'pass', detail: '' };
    return { outcome: 'fail', detail: error ? `expected UnsupportedError(${module}), got: ${(error as Error).message}` : `loaded although "${module}" is unsupported: ${saved?.join(' | ')}` };
  }
  if (expected === 'FAIL') {
    return error ? { outcome: 'pass', detail: '' } : { outcome: 'fail', detail: `accepted, saved as: ${saved?.join(' | ')}` };
  }
  if (error) return { outcome: 'fail', detail: `rejected: ${(error as Error).message}` };
  const want = fields[1] === '=' ? spec : fields[1];
  const wantLine = want === '' ? `-A ${chain}` : `-A ${chain} ${want}`;
  if (expected === 'NOMATCH') {
    return saved!.includes(wantLine) ? { outcome: 'fail', detail: 'expected a different save form (NOMATCH)' } : { outcome: 'pass', detail: '' };
  }
  return saved!.includes(wantLine) ? { outcome: 'pass', detail: '' } : { outcome: 'fail', detail: `saved as: ${saved!.join(' | ')} ; expected: ${wantLine}` };
}

function runFile(file: string): FileResult {
  const module = moduleOf(file);
  const supported = isSupported(module);
  const lines = readFileSync(DIR + file, 'utf8').split('\n');
  const external = lines.find((l) => l.startsWith('@') || l.startsWith('%'));
  if (external) return { file, module, supported, skipped: `needs external command: ${external}`, results: [] };
  let table = 'filter';
  let chains: string[] = [];
  const results: LineResult[] = [];
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) return;
    if (line.startsWith(':')) {
      chains = line.slice(1).split(',').map((c) => c.trim());
      return;
    }
    if (line.startsWith('*')) {
      table = line.slice(1).trim();
      return;
    }
    const fields = line.split(';');
    if (fields.length < 3) return;
    for (const chain of chains) {
      const { outcome, detail } = runLine(table, chain, fields, module, supported);
      results.push({ line: i + 1, text: fields[0], chain, outcome, detail });
    }
  });
  return { file, module, supported, results };
}

const available = existsSync(DIR);
const files = available
  ? readdirSync(DIR).filter((f) => /^(libxt_.*|libipt_.*|iptables)\.t$/.test(f)).sort()
  : [];
const fileResults = files.map(runFile);

test('iptables extension tests (*.t): per-file pass rates', () => {
  if (!available) {
    console.log(`conformance-t: ${DIR} not found; skipped`);
    return;
  }
  let pass = 0, fail = 0, unsupported = 0, skippedFiles = 0;
  const report: string[] = [];
  for (const f of fileResults) {
    if (f.skipped) {
      skippedFiles++;
      report.push(`${f.file.padEnd(24)} skipped (${f.skipped})`);
      continue;
    }
    const p = f.results.filter((r) => r.outcome === 'pass').length;
    const u = f.results.filter((r) => r.outcome === 'unsupported').length;
    const x = f.results.filter((r) => r.outcome === 'fail').length;
    pass += p; fail += x; unsupported += u;
    const total = f.results.length;
    const rate = total === 0 ? 100 : Math.round((100 * p) / total);
    report.push(`${f.file.padEnd(24)} ${f.supported ? 'supported  ' : 'unsupported'} ${String(p).padStart(3)}/${String(total).padEnd(3)} pass (${rate}%)${u ? `, ${u} unsupported` : ''}${x ? `, ${x} FAILED` : ''}`);
  }
  report.push(`TOTAL: ${pass} pass, ${unsupported} unsupported, ${fail} failed, ${skippedFiles} files skipped (external commands), ${fileResults.length} files`);
  console.log(report.join('\n'));
  assert.ok(fileResults.length > 90, 'expected the libxt_/libipt_/iptables.t files');
});

test('no line crashes the parser (only RulesetError/UnsupportedError escape)', () => {
  const crashes = fileResults.flatMap((f) => f.results.filter((r) => r.detail.startsWith('crash')).map((r) => `${f.file}:${r.line} [${r.chain}] ${r.text}: ${r.detail}`));
  assert.equal(crashes, []);
});

test('files of supported modules pass 100%', () => {
  const failures: string[] = [];
  for (const f of fileResults) {
    if (!MUST_PASS.has(f.file) || f.skipped) continue;
    for (const r of f.results) {
      if (r.outcome !== 'pass') failures.push(`${f.file}:${r.line} [${r.chain}] ${r.text} -> ${r.outcome}: ${r.detail}`);
    }
  }
  if (failures.length) console.log(`conformance-t failures in must-pass files:\n${failures.join('\n')}`);
  assert.equal(failures, []);
});

test('files of unsupported modules fail with UnsupportedError naming the module', () => {
  const wrong: string[] = [];
  for (const f of fileResults) {
    if (f.supported || f.skipped) continue;
    for (const r of f.results) {
      if (r.outcome === 'fail') wrong.push(`${f.file}:${r.line} [${r.chain}] ${r.text}: ${r.detail}`);
    }
  }
  if (wrong.length) console.log(`conformance-t: unsupported-module lines not reported as unsupported:\n${wrong.join('\n')}`);
  assert.equal(wrong, []);
});

test.run();
