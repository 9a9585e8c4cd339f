import { compileRuleset } from '../src/compile/index.js';
import { defaultHostModel } from '../src/host/default.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { generateRuleset, generateTraffic } from './rulegen.js';
import { instantiateCore } from '../src/engine/load-wasm.js';
import { loadIntoCore } from '../src/engine/core-setup.js';
import { buildRouteTable } from '../src/host/routes.js';
import { encodePackets } from '../src/packets/encode.js';
import { PKT_SIZE, RES_SIZE } from '../assembly/shared/layout.js';
const N = 4096;
for (const n of [1000, 10000]) for (const fixed of [false, true]) {
  const g = generateRuleset('worst', 'acl', n, 7 + n);
  const rs = parseRuleset(g.text, { filename: 'x' });
  const host = defaultHostModel();
  const c = compileRuleset(rs, host, { conntrack: false });
  const core = await instantiateCore();
  const arena = loadIntoCore(core, c, buildRouteTable(host), N, 1 << 22);
  const pk = generateTraffic('worst', g, N, 99);
  if (fixed) pk.forEach((p) => { p.dst = pk[0].dst; p.dport = pk[0].dport; p.sport = pk[0].sport; });
  new Uint8Array(core.memory.buffer).set(encodePackets(pk), arena.packets);
  const run = () => { for (let d = 0; d < N; ) d += core.evaluate(arena.cfg, arena.packets + d * PKT_SIZE, N - d, arena.results + d * RES_SIZE); };
  for (let i = 0; i < 20; i++) run();
  const t = performance.now(); for (let i = 0; i < 50; i++) run(); const dt = performance.now() - t;
  console.log(n, fixed ? 'fixed' : 'random', ((50 * N) / dt / 1000).toFixed(2), 'Mpps');
}
