// Engine.create compiles with the core already instantiated and builds the classifier rows
// straight into its memory (CompileOptions.codeMemory, RowPool's RowMemory). What the core ends
// up with must be byte for byte what a compile without a core loads (whose tables
// test/compile-golden.test.ts pins), also when several chains get classifiers and the memory grows
// while the rows are built.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateRuleset } from '../bench/rulegen.js';
import { scenarioHost, scenarioRules } from '../bench/scenario.js';
import { compileRuleset } from '../src/compile/index.js';
import { coreCodeMemory, loadIntoCore } from '../src/engine/core-setup.js';
import { defragSettings } from '../src/engine/defrag.js';
import { instantiateCore } from '../src/engine/load-wasm.js';
import { defaultHostModel } from '../src/host/default.js';
import { parseHostModel } from '../src/host/load.js';
import type { HostModel } from '../src/host/model.js';
import { buildRouteTable } from '../src/host/routes.js';
import { parseRuleset } from '../src/ruleset/load.js';

/** The generated INPUT rules, also as FORWARD and as a user chain INPUT jumps to: three classified chains. */
function threeChains(rules: number): string {
  const text = generateRuleset('realistic', 'fw', rules, 11).text;
  const inputRules = text.split('\n').filter((l) => l.startsWith('-A INPUT '));
  const lines = text.split('\n').filter((l) => l !== 'COMMIT' && l !== '');
  lines.splice(1, 0, ':LOOKUP - [0:0]');
  lines.push('-A INPUT -p udp -j LOOKUP');
  for (const l of inputRules) lines.push(l.replace('-A INPUT ', '-A FORWARD '), l.replace('-A INPUT ', '-A LOOKUP '));
  return [...lines, 'COMMIT', ''].join('\n');
}

/** The core's memory from the entries to the end of the code area after loading. */
async function loaded(text: string, host: HostModel, inPlace: boolean) {
  const ruleset = parseRuleset(text, { filename: 'in-place' });
  const core = await instantiateCore();
  const grownBefore = core.memory.buffer.byteLength;
  const compiled = compileRuleset(ruleset, host, inPlace ? { codeMemory: coreCodeMemory(core) } : {});
  const arena = loadIntoCore(core, compiled, buildRouteTable(host), 4096, 65536, defragSettings());
  const bytes = new Uint8Array(core.memory.buffer).slice(arena.entries, arena.code + compiled.codeWords * 4);
  return { bytes, code: compiled.code, classifiers: compiled.classifiers, grownBefore };
}

const CASES: Array<{ name: string; text: () => string; host: () => HostModel; chains: number }> = [
  { name: 'realistic acl, 10k rules', text: () => generateRuleset('realistic', 'acl', 10000, 10007).text, host: defaultHostModel, chains: 1 },
  { name: 'three classified chains of 700 rules', text: () => threeChains(700), host: defaultHostModel, chains: 3 },
  {
    name: 'router scenario',
    text: scenarioRules,
    host: () => parseHostModel(scenarioHost(), { filename: 'router-host.json' }),
    chains: 1,
  },
];

for (const c of CASES) {
  test(`${c.name}: rows built in the core's memory load the same bytes as rows built apart`, async () => {
    const host = c.host();
    const apart = await loaded(c.text(), host, false);
    const inPlace = await loaded(c.text(), host, true);
    assert.ok(inPlace.classifiers.length >= c.chains, `${inPlace.classifiers.length} classified chains`);
    assert.equal(inPlace.classifiers, apart.classifiers);
    assert.is(inPlace.bytes.length, apart.bytes.length);
    assert.ok(Buffer.from(inPlace.bytes).equals(Buffer.from(apart.bytes)), 'entries and code area in the core');
    // `code` (made on demand) reads the rows where they ended up
    assert.ok(Buffer.from(inPlace.code.buffer).equals(Buffer.from(apart.code.buffer)), 'CompiledRuleset.code');
  });
}

test('a core whose memory must grow while the rows are built still gets them all', async () => {
  const { bytes, grownBefore } = await loaded(generateRuleset('realistic', 'acl', 10000, 10007).text, defaultHostModel(), true);
  assert.ok(bytes.length > 4 * grownBefore, `code area ${bytes.length} bytes, memory at first ${grownBefore}`);
});

test.run();
