// The bundled example end to end (examples/ftp-server): verdicts, deciding rules, LOG lines and
// counters, derived by hand from the rules and NETFILTER.md §4.2 (counters before targets, LOG
// continues, policy counts what falls off the end).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseRuleset } from '../src/ruleset/load.js';
import { formatList } from '../src/ruleset/print-list.js';
import { formatSave } from '../src/ruleset/print-save.js';
import { parseHostModel } from '../src/host/load.js';
import { Engine } from '../src/engine/engine.js';
import { parseJsonRecord } from '../src/packets/json.js';
import { classifyPackets } from '../src/classify.js';
import { demoCommand } from '../src/node/commands/demo.js';

const dir = fileURLToPath(new URL('../examples/ftp-server/', import.meta.url));
const read = (f: string) => readFileSync(dir + f, 'utf8');

async function run() {
  const ruleset = parseRuleset(read('rules.sh'), { filename: 'rules.sh' });
  const engine = await Engine.create(ruleset, parseHostModel(read('host.json'), { filename: 'host.json' }));
  const packets = read('packets.jsonl')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const { note, ...rec } = JSON.parse(l);
      return parseJsonRecord(JSON.stringify(rec), i + 1);
    });
  return { engine, results: classifyPackets(engine, packets) };
}

test('verdicts and deciding rules', async () => {
  const { results } = await run();
  assert.equal(
    results.map((r) => `${r.verdict} ${r.decidedBy}`),
    [
      'ACCEPT filter:INPUT:3', // SYN to :21, NEW
      'ACCEPT filter:OUTPUT:policy', // the server's SYN/ACK, locally generated
      'ACCEPT filter:INPUT:2',
      'ACCEPT filter:INPUT:2',
      'DROP filter:INPUT:policy', // passive data connection: NEW without the helper
      'ACCEPT filter:INPUT:4', // ssh from the LAN
      'DROP filter:INPUT:policy', // ssh from outside
      'ACCEPT filter:INPUT:5', // ping within the burst of 2
      'ACCEPT filter:INPUT:5',
      'DROP filter:INPUT:policy', // third ping 1 ms later: over the limit
      'DROP filter:INPUT:policy', // telnet
    ],
  );
  assert.equal(results[1].path, 'OUTPUT');
  assert.equal(results[1].outIface, 'eth0');
  assert.equal(results[4].matched, ['filter:INPUT:6']);
  assert.equal(results[4].logs.length, 1);
  assert.ok(results[4].logs[0].startsWith('INPUT DROP: IN=eth0 OUT= '), results[4].logs[0]);
  assert.ok(results[4].logs[0].includes('SRC=192.168.30.50 DST=192.168.30.203 LEN=40 '), results[4].logs[0]);
  assert.ok(results[4].logs[0].includes('PROTO=TCP SPT=41001 DPT=50000 '), results[4].logs[0]);
});

test('counters add up to the packets seen', async () => {
  const { engine } = await run();
  const save = formatSave(engine.countersInto(), { counters: true });
  // INPUT policy: packets 5, 7, 10, 11 (40 + 40 + 28 + 40 bytes)
  assert.match(save, /^:INPUT DROP \[4:148\]$/m);
  assert.match(save, /^:OUTPUT ACCEPT \[1:40\]$/m);
  assert.match(save, /^\[0:0\] -A INPUT -i lo -j ACCEPT$/m);
  assert.match(save, /^\[2:86\] -A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT$/m);
  assert.match(save, /^\[4:148\] -A INPUT -j LOG --log-prefix "INPUT DROP: "$/m);
  const list = formatList(engine.countersInto(), { table: 'filter', verbose: true, numeric: true });
  assert.match(list, /^Chain INPUT \(policy DROP 4 packets, 148 bytes\)$/m);
});

test('npm start prints the verdicts and the iptables -L -v -n view', async () => {
  const text = await demoCommand();
  assert.match(text, /Chain INPUT \(policy DROP 4 packets, 148 bytes\)/);
  assert.match(text, /DROP {5}NEW/);
});

test.run();
