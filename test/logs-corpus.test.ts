// Every line of the LOG-line corpus in ../shared/data/logs/ (real firewall logs from the test
// data of psad, crowdsec, elastic and wazuh; see SOURCES.md there) is read: each gives a packet,
// a skip, an unsupported (IPv6) or an error naming file and line, and nothing throws.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLogText, tallyLogResults, type LogLineEntry, type LogTally } from '../src/logs/index.js';

const ROOT = fileURLToPath(new URL('../../shared/data/logs/', import.meta.url));
const available = existsSync(ROOT);

interface FileResult {
  file: string;
  lines: string[];
  entries: LogLineEntry[];
  tally: LogTally;
}

function readCorpus(): FileResult[] {
  return readdirSync(ROOT).filter((f) => f.endsWith('.log')).sort().map((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const entries = [...parseLogText(text, { filename: file, defaultYear: 2024 })];
    return { file, lines: text.split('\n'), entries, tally: tallyLogResults(entries) };
  });
}

/** The "LOG lines" column of SOURCES.md: how many lines of each file are kernel LOG lines. */
function logLineCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  const sources = readFileSync(join(ROOT, 'SOURCES.md'), 'utf8');
  for (const m of sources.matchAll(/^\| `([^`]+\.log)` \|[^|]*\|[^|]*\|[^|]*\| (\d+) \|/gm)) counts.set(m[1]!, Number(m[2]));
  return counts;
}

if (!available) {
  test('LOG-line corpus', () => {
    console.log(`logs-corpus: ${ROOT} not found; skipped`);
  });
} else {
  const corpus = readCorpus();
  const byFile = new Map(corpus.map((r) => [r.file, r]));

  test('tally per file; every line is accounted for, errors name file and line', () => {
    console.log('\nfile                                           packets skipped unsupported errors');
    for (const { file, entries, tally, lines } of corpus) {
      console.log(`${file.padEnd(46)} ${String(tally.packets).padStart(7)} ${String(tally.skipped).padStart(7)} ${String(tally.unsupported).padStart(11)} ${String(tally.errors).padStart(6)}`);
      assert.is(entries.length, lines.at(-1) === '' ? lines.length - 1 : lines.length, file);
      for (const { lineNo, result } of entries) {
        if (result.kind === 'error') assert.ok(result.message.startsWith(`${file}:${lineNo}: `), result.message);
        else if (result.kind !== 'packet') assert.ok(result.reason.length > 0, `${file}:${lineNo}`);
      }
    }
    const total = tallyLogResults(corpus.flatMap((r) => r.entries));
    console.log(`total: ${JSON.stringify(total)}`);
    assert.ok(total.packets > 5000, 'the IPv4 scan files alone hold more than 5000 packets');
  });

  test('no kernel LOG line is skipped: SOURCES.md counts match packets + unsupported + errors', () => {
    const counts = logLineCounts();
    assert.ok(counts.size >= 30, `SOURCES.md lists ${counts.size} files`);
    for (const [file, count] of counts) {
      const r = byFile.get(file);
      assert.ok(r, `${file} listed in SOURCES.md is in the corpus`);
      assert.is(r!.tally.packets + r!.tally.unsupported + r!.tally.errors, count, file);
      assert.is(r!.tally.skipped, 0, file);
    }
  });

  test('psad scan files: every IPv4 kernel line is a packet, every IPv6 line is unsupported', () => {
    let ipv4Lines = 0;
    for (const { file, lines, entries } of corpus.filter((r) => r.file.startsWith('psad__'))) {
      for (const { lineNo, result } of entries) {
        const line = lines[lineNo - 1]!;
        if (/ SRC=\d+\.\d+\.\d+\.\d+ /.test(line)) {
          ipv4Lines++;
          assert.is(result.kind, 'packet', `${file}:${lineNo}: ${JSON.stringify(result)}`);
        } else if (/ SRC=[0-9a-f:]+ /.test(line)) {
          assert.is(result.kind, 'unsupported', `${file}:${lineNo}`);
        }
      }
    }
    assert.ok(ipv4Lines > 5000, `${ipv4Lines} IPv4 lines`);
    // nmap's IP protocol scan: the protocol of every packet is the one its line names
    const NAMED: Record<string, number> = { ICMP: 1, TCP: 6, UDP: 17, ESP: 50, AH: 51, UDPLITE: 136 };
    const protoScan = byFile.get('psad__proto_scan.log')!;
    const protos = new Set<number>();
    for (const { lineNo, result } of protoScan.entries) {
      const named = / PROTO=(\w+)/.exec(protoScan.lines[lineNo - 1]!)![1]!;
      assert.ok(result.kind === 'packet' && result.packet.proto === (NAMED[named] ?? Number(named)), `line ${lineNo}`);
      if (result.kind === 'packet') protos.add(result.packet.proto);
    }
    assert.is(protos.size, 255, 'every protocol number but ICMP');
    const syn = byFile.get('psad__syn_scan_1000_1500.log')!.entries[0]!.result;
    assert.ok(syn.kind === 'packet' && syn.packet.tcpFlags === 2 && syn.packet.dport === 1025 && syn.meta.prefix === 'DROP ');
  });

  test('crowdsec: the line with XX= instead of IN= is an error saying so; enp.1s0 is a valid name', () => {
    const { entries } = byFile.get('crowdsec-hub__iptables-logs.log')!;
    const broken = entries[2]!.result;
    assert.is(broken.kind, 'error');
    assert.match(broken.kind === 'error' ? broken.message : '', /^crowdsec-hub__iptables-logs\.log:3: no IN= field.*XX=enp1s0/);
    // Linux accepts dots in interface names (dev_valid_name), and crowdsec's own parser test
    // (.tests/iptables-logs/parser.assert) expects this line to parse with int_eth "enp.1s0".
    const dotted = entries[1]!.result;
    assert.ok(dotted.kind === 'packet' && dotted.packet.inIface === 'enp.1s0', JSON.stringify(dotted));
  });
}

test.run();
