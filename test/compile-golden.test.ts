// Regression lock on the parser and compiler output for large rulesets: speed work on
// parse / compile / load (issue 6, "10k rules compile in under 250 ms") must not change a byte.
// The digests were recorded from the tree before that work (commit 91573ca), whose output the
// classifier equivalence tests had checked against the linear walk. If one changes on purpose,
// re-run test/classifier-equivalence.test.ts and update the digest in the same commit. Changed on
// purpose by task WORST: fields only the linear chain head constrains get no table.
import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateRuleset, type Seed } from '../bench/rulegen.js';
import { scenarioHost, scenarioRules } from '../bench/scenario.js';
import { compileRuleset } from '../src/compile/index.js';
import { loadIntoCore } from '../src/engine/core-setup.js';
import { defragSettings } from '../src/engine/defrag.js';
import { instantiateCore } from '../src/engine/load-wasm.js';
import { defaultHostModel } from '../src/host/default.js';
import { parseHostModel } from '../src/host/load.js';
import type { HostModel } from '../src/host/model.js';
import { buildRouteTable } from '../src/host/routes.js';
import { parseRuleset } from '../src/ruleset/load.js';

/** JSON with sorted keys, bigints and typed arrays spelt out, Maps as sorted entry lists. */
function canonical(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, _key, v: unknown) {
    if (typeof v === 'bigint') return `${v}n`;
    if (ArrayBuffer.isView(v)) return { typed: Array.from(v as Uint8Array) };
    if (v instanceof Map) return { map: [...v].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)) };
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

const digest = (...parts: (string | Uint8Array)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex').slice(0, 16);
};

interface Digests {
  ruleset: string;
  compiled: string;
}

const bytesOf = (a: Uint32Array | Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

async function digests(text: string, host: HostModel): Promise<Digests> {
  const ruleset = parseRuleset(text, { filename: 'golden' });
  const compiled = compileRuleset(ruleset, host);
  const { entries, code, hookStarts, entryInfo, codeWords: _words, writeCode: _write, ...rest } = compiled;
  // What the core was given must be what the compiler produced (the copy may not go through `code`).
  const core = await instantiateCore();
  const arena = loadIntoCore(core, compiled, buildRouteTable(host), 4096, 65536, defragSettings());
  const memory = new Uint8Array(core.memory.buffer);
  assert.ok(Buffer.from(memory.subarray(arena.entries, arena.entries + entries.length)).equals(entries), 'entries in the core');
  assert.ok(Buffer.from(memory.subarray(arena.code, arena.code + code.byteLength)).equals(bytesOf(code)), 'code area in the core');
  return {
    ruleset: digest(canonical(ruleset)),
    compiled: digest(
      entries, bytesOf(code), bytesOf(hookStarts),
      canonical(entryInfo.map(({ rule, ...info }) => ({ ...info, line: rule?.pos.line }))), canonical(rest),
    ),
  };
}

const generated = (seed: Seed, rules: number) => generateRuleset('realistic', seed, rules, 7 + rules).text;

const GOLDEN: Array<{ name: string; text: () => string; host: () => HostModel; want: Digests }> = [
  {
    name: 'realistic acl, 10k rules',
    text: () => generated('acl', 10000),
    host: defaultHostModel,
    want: { ruleset: '6f6228df6b0ff59a', compiled: 'c32302c861584990' },
  },
  {
    name: 'realistic fw, 10k rules',
    text: () => generated('fw', 10000),
    host: defaultHostModel,
    want: { ruleset: '03e3e48754a01389', compiled: '97ec7c81a4e5c47f' },
  },
  {
    name: 'router scenario (raw and filter, ~1k rules)',
    text: scenarioRules,
    host: () => parseHostModel(scenarioHost(), { filename: 'router-host.json' }),
    want: { ruleset: 'ea7463c893136c11', compiled: '6d81f49e51400080' },
  },
];

for (const g of GOLDEN) {
  test(`${g.name}: parsed model and compiled tables are unchanged, and loaded as they are`, async () => {
    const got = await digests(g.text(), g.host());
    if (process.env.NFWASM_PRINT_GOLDEN) console.log(g.name, JSON.stringify(got));
    assert.equal(got, g.want);
  });
}

test.run();
