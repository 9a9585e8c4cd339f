// `nfwasm classify` outputs over the committed fixtures (captures, JSON lines, LOG lines): every
// format decodes to the same records, one per input frame/record/line, in order, unparsed and
// not-evaluated ones included; --only writes a subset and the summary still counts everything;
// counters come out in iptables-save -c and iptables -L -v -n --line-numbers form.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unpackMultiple } from 'msgpackr';
import { classifyCommand, type ClassifyOptions } from '../src/node/commands/classify.js';
import { readCaptureFile } from '../src/node/capture-file.js';
import type { OutputRecord } from '../src/output/record.js';
import { csvRecords, example, fixture, jsonlRecords, tempDir, withoutEmptyLists } from './classify-support.js';

const dir = tempDir();
const RULES = example('rules.sh');
const HOST = example('host.json');

const INPUTS = [
  'captures/cut.pcap',
  'captures/eth-vlan-ns-be.pcap',
  'captures/nflog.pcap',
  'captures/sll2.pcap',
  'captures/two-interfaces.pcapng',
  'packets/bad-port.jsonl',
  'logs/mixed-formats.log',
];

let runs = 0;
async function run(input: string, opts: Partial<ClassifyOptions> = {}) {
  const records = join(dir, `out-${++runs}`);
  const summary = await classifyCommand(input, { rules: RULES, host: HOST, in: 'eth0', quiet: true, records, ...opts });
  return { summary, bytes: readFileSync(records) };
}

function decode(format: string, bytes: Buffer): OutputRecord[] {
  if (format === 'msgpack') return (unpackMultiple(bytes) as OutputRecord[][]).flat();
  const text = bytes.toString('utf8');
  return format === 'csv' ? csvRecords(text) : jsonlRecords(text);
}

/** How many items the input holds, counted without nfwasm's classifier. */
async function inputItems(path: string): Promise<number> {
  if (path.endsWith('.jsonl')) return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').length;
  if (path.endsWith('.log')) return readFileSync(path, 'utf8').split('\n').filter((l) => / kernel|^\[/.test(l) && l.includes('IN=')).length;
  let frames = 0;
  for await (const batch of readCaptureFile(path)) frames += batch.frames.length;
  const tcpdump = spawnSync('tcpdump', ['--count', '-r', path], { encoding: 'utf8' });
  const counted = /(\d+) packets?/.exec(tcpdump.stdout + tcpdump.stderr)?.[1];
  if (!tcpdump.error && counted !== undefined) assert.is(frames, Number(counted), `${path}: the parser's frames against tcpdump --count`);
  return frames;
}

for (const name of INPUTS) {
  test(`${name}: one record per input item, in order, the same in jsonl, msgpack and csv`, async () => {
    const path = fixture(name);
    const jsonl = decode('jsonl', (await run(path)).bytes);
    assert.equal(jsonl.map((r) => r.n), Array.from({ length: await inputItems(path) }, (_, i) => i + 1));
    const msgpack = decode('msgpack', (await run(path, { format: 'msgpack' })).bytes);
    assert.equal(msgpack, jsonl);
    const csv = decode('csv', (await run(path, { format: 'csv' })).bytes);
    assert.equal(csv, jsonl.map(withoutEmptyLists));
  });
}

test('unparsed and not-evaluated records keep their place, with a reason class', async () => {
  const vlan = jsonlRecords((await run(fixture('captures/eth-vlan-ns-be.pcap'))).bytes.toString());
  assert.equal(vlan.map((r) => r.reason_class ?? r.verdict.slice(0, 3)), ['NOT', 'NOT', 'arp', 'ipv6', 'NOT']);
  const json = jsonlRecords((await run(fixture('packets/bad-port.jsonl'))).bytes.toString());
  assert.equal(json.map((r) => r.verdict), ['NOT_FORWARDED', 'UNPARSED']);
  assert.is(json[1].reason_class, 'parse-error');
  assert.match(json[1].error!, /65536/);
});

/** A short FTP-server exchange (examples/ftp-server rules): accepted, established, dropped, invalid. */
function exchange(): string {
  const path = join(dir, 'exchange.jsonl');
  const client = { in: 'eth0', src: '192.168.30.50', dst: '192.168.30.203', proto: 'tcp', sport: 41000 };
  const lines = [
    { ...client, dport: 21, flags: 'SYN' },
    { src: '192.168.30.203', dst: '192.168.30.50', proto: 'tcp', sport: 21, dport: 41000, flags: 'SYN,ACK' },
    { ...client, dport: 21, flags: 'ACK' },
    { ...client, sport: 41001, dport: 23, flags: 'SYN' },
    { ...client, sport: 41002, dport: 80, flags: 'FIN,ACK' },
  ];
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return path;
}

async function rejects(promise: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise();
  } catch (err) {
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable(`no error matching ${pattern}`);
}

test('--only writes the matching records; the summary counts them all', async () => {
  const path = exchange();
  const all = jsonlRecords((await run(path)).bytes.toString());
  for (const only of ['drop', 'accept,invalid', 'new', 'established,reject', 'related']) {
    const { summary, bytes } = await run(path, { only });
    const words = only.split(',').map((w) => w.toUpperCase());
    const expected = all.filter((r) => words.includes(r.verdict) || words.includes(r.ctstate ?? ''));
    assert.equal(jsonlRecords(bytes.toString()), expected, only);
    assert.is(summary.packets, all.length);
    assert.is(summary.written, expected.length);
  }
  assert.equal(all.map((r) => `${r.verdict} ${r.ctstate}`), ['ACCEPT NEW', 'ACCEPT ESTABLISHED', 'ACCEPT ESTABLISHED', 'DROP NEW', 'DROP INVALID']);
});

test('--format and --only mistakes are reported before anything is read', async () => {
  await rejects(() => run('/nonexistent', { format: 'xml' }), /--format: unknown "xml" \(known: jsonl, msgpack, csv\)/);
  await rejects(() => run('/nonexistent', { only: 'dropped' }), /--only: unknown "dropped"/);
});

test('summary: verdicts, ctstates, unparsed and not evaluated by class, input, conntrack', async () => {
  const { summary } = await run(fixture('captures/eth-vlan-ns-be.pcap'));
  const text = summary.format();
  assert.match(text, /^input: pcap \(.*eth-vlan-ns-be\.pcap\)$/m);
  assert.match(text, /^packets: 5$/m);
  assert.match(text, /^not evaluated: 2 \(arp 1, ipv6 1\)$/m);
  assert.match(text, /^unparsed: 0$/m);
  assert.match(text, /^conntrack: helper assignment: /m);
  assert.is([...summary.verdicts.values()].reduce((a, b) => a + b, 0), 5);
});

test('counters after the run: iptables-save -c and iptables -L -v -n --line-numbers for every table', async () => {
  // INPUT: one rule per protocol, so the counts follow from the packets alone.
  const rules = join(dir, 'count.rules');
  writeFileSync(rules, [
    '*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]',
    '-A PREROUTING -p udp -j MARK --set-mark 0x1', 'COMMIT',
    '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]',
    '-A INPUT -p tcp --dport 22 -j DROP', '-A INPUT -p udp -j ACCEPT', 'COMMIT', '',
  ].join('\n'));
  const packets = join(dir, 'count.jsonl');
  const packet = (proto: string, dport: number, len: number) => JSON.stringify({ in: 'eth0', src: '192.168.30.50', dst: '192.168.30.203', proto, sport: 40000, dport, len, ...(proto === 'tcp' ? { flags: 'SYN' } : {}) });
  // 3 SSH packets (dropped by rule 1), 2 UDP (accepted by rule 2), 1 other TCP (policy).
  writeFileSync(packets, [packet('tcp', 22, 60), packet('tcp', 22, 60), packet('udp', 53, 100), packet('tcp', 22, 60), packet('tcp', 80, 60), packet('udp', 123, 76)].join('\n') + '\n');
  const save = join(dir, 'count.save');
  const list = join(dir, 'count.list');
  const { summary } = await run(packets, { rules, saveCounters: save, listCounters: list });
  assert.is(summary.packets, 6);
  const saved = readFileSync(save, 'utf8');
  assert.match(saved, /^\[3:180\] -A INPUT -p tcp -m tcp --dport 22 -j DROP$/m);
  assert.match(saved, /^\[2:176\] -A INPUT -p udp -j ACCEPT$/m);
  assert.match(saved, /^:INPUT ACCEPT \[1:60\]$/m);
  assert.match(saved, /^\[2:176\] -A PREROUTING -p udp -j MARK --set-xmark 0x1\/0xffffffff$/m);
  const listed = readFileSync(list, 'utf8');
  assert.equal(listed.match(/^# iptables -t \w+ -L -v -n --line-numbers$/gm), ['# iptables -t mangle -L -v -n --line-numbers', '# iptables -t filter -L -v -n --line-numbers']);
  assert.match(listed, /^Chain INPUT \(policy ACCEPT 1 packets, 60 bytes\)$/m);
  assert.match(listed, /^1 +3 +180 DROP +tcp +-- +\* +\* +0\.0\.0\.0\/0 +0\.0\.0\.0\/0 +tcp dpt:22$/m);
  assert.match(listed, /^2 +2 +176 ACCEPT +udp/m);
});

test.run();
