// encodeCapture (the library's fused path): the same bytes, summary and counters as the record
// path on a capture with conntrack, LOG, REJECT answers, fragments and frames not evaluated.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Engine } from '../src/engine/engine.js';
import { encodeCapture } from '../src/index.js';
import { parseOnly } from '../src/output/only.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { formatSave } from '../src/ruleset/print-save.js';
import { Summary } from '../src/node/summary.js';
import { HOST, mixedFrames, recordPath, RULES, writePcapng } from './fused-support.js';
import { tempDir } from './classify-support.js';

const dir = tempDir();
const path = writePcapng(dir, 'encode-capture.pcapng', mixedFrames(9_500, 3));

for (const format of ['jsonl', 'msgpack', 'csv'] as const) {
  for (const only of [undefined, 'drop,reject,related']) {
    test(`${format}${only ? ` --only ${only}` : ''}: the record path's bytes, summary and counters, in chunks of the caller's own`, async () => {
      const filter = only ? parseOnly(only) : undefined;
      const reference = await recordPath({ rules: RULES, host: HOST, format, only: filter }, path);
      const ruleset = parseRuleset(RULES, 'rules');
      const engine = await Engine.create(ruleset, HOST);
      const summary = new Summary({ input: 'capture', conntrackModes: engine.conntrackModes() });
      const chunks: Uint8Array[] = [];
      const file = readFileSync(path);
      // uneven pieces, so batches and reads do not line up
      const pieces = Array.from({ length: Math.ceil(file.length / 65_521) }, (_, i) => file.subarray(i * 65_521, (i + 1) * 65_521));
      for await (const chunk of encodeCapture(engine, pieces, { format, only: filter, tally: summary, inInterface: 'eth0' })) chunks.push(chunk);
      assert.ok(chunks.length >= 2, 'several chunks');
      assert.ok(new Set(chunks.map((c) => c.buffer)).size === chunks.length, 'each chunk has a buffer of its own');
      assert.ok(Buffer.concat(chunks).equals(reference.bytes), 'same bytes as the record path');
      // the tally (encodeCapture does not count what --only wrote: the bytes above say it)
      const tallied = (text: string) => text.split('\n').filter((line) => !line.startsWith('records written')).join('\n');
      summary.written = summary.packets;
      assert.is(tallied(summary.format()), tallied(reference.summary));
      assert.is(formatSave(engine.countersInto(ruleset), { counters: true }), reference.counters);
      assert.is(engine.formatConntrack(), reference.conntrack);
    });
  }
}

test.run();
