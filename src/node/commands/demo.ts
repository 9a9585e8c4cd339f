// `npm start`: the bundled example — an FTP server (192.168.30.203, INPUT DROP, OUTPUT ACCEPT) and
// a few packets: per-packet verdicts, then the counters as `iptables -L -v -n` shows them.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../engine/engine.js';
import { classifyPackets } from '../../classify.js';
import { parseJsonRecord } from '../../packets/json.js';
import { formatList } from '../../ruleset/print-list.js';
import { readText } from '../files.js';
import { loadHostFile, loadRulesetFile, printWarnings } from '../load.js';

/** examples/ftp-server, found from this file both in src/ (tsx) and in dist/src/ (built). */
export const EXAMPLE_DIR = findUp('examples/ftp-server/');

function findUp(rel: string): string {
  for (let up = '../'; up.length < 24; up += '../') {
    const dir = fileURLToPath(new URL(up + rel, import.meta.url));
    if (existsSync(dir + 'rules.sh')) return dir;
  }
  throw new Error(`bundled example ${rel} not found`);
}

export async function demoCommand(dir = EXAMPLE_DIR): Promise<string> {
  const ruleset = loadRulesetFile(dir + 'rules.sh');
  printWarnings(ruleset.warnings);
  const host = loadHostFile(dir + 'host.json');
  const engine = await Engine.create(ruleset, host);
  // Each example record may carry a "note" for the reader; the rest is a normal packet record.
  const records = readText(dir + 'packets.jsonl')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const packets = records.map(({ note, ...rec }, i) => parseJsonRecord(JSON.stringify(rec), i + 1));
  const results = classifyPackets(engine, packets);

  const out: string[] = [`Example: ${dir}`, '', ' n  verdict  ctstate      hook         decided by                 packet'];
  results.forEach((r, i) => {
    const rec = records[i] as Record<string, string | number | undefined>;
    const what = `${rec.proto} ${rec.src}${rec.sport ? ':' + rec.sport : ''} > ${rec.dst}${rec.dport ? ':' + rec.dport : ''}${rec.flags ? ' ' + rec.flags : ''}${rec.note ? '  (' + rec.note + ')' : ''}`;
    out.push(
      `${String(i + 1).padStart(2)}  ${r.verdict.padEnd(7)}  ${r.ctstate.padEnd(11)}  ${r.hook.padEnd(11)}  ${(r.decidedBy ?? '-').padEnd(25)}  ${what}`,
    );
    for (const log of r.logs) out.push(`      LOG: ${log}`);
  });
  out.push('', '$ iptables -L -v -n', formatList(engine.countersInto(), { table: 'filter', verbose: true, numeric: true }));
  out.push(engine.formatConntrack());
  return out.join('\n');
}
