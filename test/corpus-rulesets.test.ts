// Every ruleset in ../shared/data/rulesets/ (real-world dumps, iptables' own test dumps, synthetic
// parser tests) either loads or is refused with an UnsupportedError naming the feature; files
// that are broken as published are listed with the error they must produce. Each loaded file
// must survive parse(save(x)) unchanged.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRuleset, formatSave, RulesetError, UnsupportedError, type Ruleset } from '../src/ruleset/index.js';

const ROOT = fileURLToPath(new URL('../../shared/data/rulesets/', import.meta.url));

/**
 * Files that iptables-restore itself would refuse, with the reason (see rulesets/SOURCES.md):
 * nfwasm must refuse them too, with an error saying why.
 */
const BROKEN_AS_PUBLISHED: Record<string, RegExp> = {
  // published with rules split by runs of spaces ("--to-destination 192.16      8.1.1:22")
  'real-world/net-network__found_online__openwrt.org__iptables-save-AA.txt': /:24: .*192\.16/,
  // parser torture test: an option no module has
  'synthetic/iptables_semantics__Parser_Test__data__iptables-save': /:12: unknown option "--something-else"/,
  // anonymised by replacing addresses with the text "<private_ip>"
  'real-world/net-network__config_private_root__iptables-save': /:23: -s <private_ip>\/32: host\/network `<private_ip>' not found/,
  // `-m recent --hitcount 348`: kernels since 3.x refuse more than 255 (xt_recent checkentry)
  'real-world/net-network__config_home_user__typical_home_user_iptables-save': /:90: recent: hitcount \(348\)/,
};

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const full = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) return listFiles(full, rel);
    return name.endsWith('.md') ? [] : [rel];
  });
}

interface Outcome {
  file: string;
  kind: 'loaded' | 'unsupported' | 'broken' | 'failed';
  detail: string;
  ruleset?: Ruleset;
}

const available = existsSync(ROOT);
const outcomes: Outcome[] = (available ? listFiles(ROOT) : []).map((file) => {
  const text = readFileSync(join(ROOT, file), 'utf8');
  try {
    const ruleset = parseRuleset(text, { filename: file });
    return { file, kind: 'loaded', detail: `${ruleset.tables.reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0)} rules, ${ruleset.warnings.length} warnings`, ruleset };
  } catch (e) {
    if (e instanceof UnsupportedError) return { file, kind: 'unsupported', detail: `${e.feature}: ${e.message}` };
    const expected = BROKEN_AS_PUBLISHED[file];
    if (e instanceof RulesetError && expected?.test(e.message)) return { file, kind: 'broken', detail: e.message };
    return { file, kind: 'failed', detail: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
});

test('corpus: every ruleset loads or is unsupported', () => {
  if (!available) {
    console.log(`corpus-rulesets: ${ROOT} not found; skipped`);
    return;
  }
  const byFeature = new Map<string, string[]>();
  for (const o of outcomes.filter((x) => x.kind === 'unsupported')) {
    const feature = o.detail.split(':')[0];
    byFeature.set(feature, [...(byFeature.get(feature) ?? []), o.file]);
  }
  const count = (k: Outcome['kind']) => outcomes.filter((o) => o.kind === k).length;
  const lines = [
    `corpus: ${outcomes.length} files: ${count('loaded')} loaded, ${count('unsupported')} unsupported, ${count('broken')} broken as published (refused as expected), ${count('failed')} failed`,
    ...[...byFeature].sort((a, b) => b[1].length - a[1].length).map(([f, files]) => `  unsupported ${f}: ${files.length} (${files.map((x) => x.split('/').pop()).join(', ')})`),
    ...outcomes.filter((o) => o.kind === 'broken').map((o) => `  broken: ${o.detail}`),
    ...outcomes.filter((o) => o.kind === 'failed').map((o) => `  FAILED ${o.file}: ${o.detail.split('\n')[0]}`),
  ];
  console.log(lines.join('\n'));
  assert.equal(outcomes.filter((o) => o.kind === 'failed').map((o) => `${o.file}: ${o.detail.split('\n')[0]}`), []);
  assert.ok(count('loaded') > 0);
});

test('corpus: files broken as published are refused for the documented reason', () => {
  if (!available) return;
  for (const file of Object.keys(BROKEN_AS_PUBLISHED)) {
    const o = outcomes.find((x) => x.file === file);
    assert.ok(o, `${file} is in the corpus`);
    assert.ok(o!.kind === 'broken' || o!.kind === 'unsupported', `${file}: ${o!.kind} ${o!.detail.split('\n')[0]}`);
  }
});

test('corpus: parse(save(x)) gives the same save text, with and without counters', () => {
  const mismatches: string[] = [];
  for (const o of outcomes.filter((x) => x.kind === 'loaded')) {
    for (const counters of [false, true]) {
      const once = formatSave(o.ruleset!, { counters });
      let twice: string;
      try {
        twice = formatSave(parseRuleset(once, { filename: `${o.file} (re-saved)` }), { counters });
      } catch (e) {
        mismatches.push(`${o.file}: re-parse failed: ${(e as Error).message}`);
        continue;
      }
      if (twice !== once) {
        const a = once.split('\n');
        const b = twice.split('\n');
        const at = a.findIndex((l, i) => l !== b[i]);
        mismatches.push(`${o.file} (counters=${counters}): line ${at + 1}: ${a[at]} <> ${b[at]}`);
      }
    }
  }
  assert.equal(mismatches, []);
});

test.run();
