import { compileRuleset } from '../src/compile/index.js';
import { defaultHostModel } from '../src/host/default.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { generateRuleset } from './rulegen.js';
for (const layout of ['realistic', 'worst'] as const) {
  const g = generateRuleset(layout, 'acl', 10000, 10007);
  const rs = parseRuleset(g.text, { filename: 'x' });
  for (let i = 0; i < 4; i++) {
    const t = performance.now();
    const c = compileRuleset(rs, defaultHostModel(), { conntrack: false });
    if (i === 3) console.log(layout, (performance.now() - t).toFixed(1), 'ms', c.classifiers.map((x) => [x.rows, (x.bytes / 2 ** 20).toFixed(2) + ' MiB']));
  }
}
