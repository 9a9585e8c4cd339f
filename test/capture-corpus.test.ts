// Every capture in ../shared/data/pcaps (skipped with a message when absent) is read through the
// Node file reader: one frame per packet, as many as tcpdump counts, no errors. The reference is
// `tcpdump --count -r FILE` when tcpdump is installed (`tcpdump -r FILE | wc -l` over-counts:
// some packets print on several lines, e.g. tcpreplay__test.pcap 179 packets, 259 lines), else
// the counts recorded once with tcpdump 4.99.3 in test/fixtures/captures/tcpdump-counts.json.
// With tcpdump present, each evaluated packet's addresses, ports and timestamp are also checked
// against tcpdump's own one-line decode. A tally per file is printed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PF_L4, PKT_DPORT, PKT_DST, PKT_FLAGS, PKT_PROTO, PKT_SPORT, PKT_SRC } from '../assembly/shared/layout.js';
import type { FrameInfo } from '../src/capture/frames.js';
import { readCaptureFile } from '../src/node/capture-file.js';
import { formatIPv4 } from '../src/ruleset/names.js';
import { flatten } from './capture-support.js';

const CORPUS = fileURLToPath(new URL('../../shared/data/pcaps/', import.meta.url));
const RECORDED = JSON.parse(readFileSync(new URL('./fixtures/captures/tcpdump-counts.json', import.meta.url), 'utf8')) as { counts: Record<string, number> };
const CAPTURE_NAME = /\.(pcap|pcapng|cap)$/;

function captureFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return captureFiles(path);
    return CAPTURE_NAME.test(entry) ? [path] : [];
  }).sort();
}

const tcpdumpAvailable = spawnSync('tcpdump', ['--version'], { encoding: 'utf8' }).status === 0;

function tcpdumpCount(path: string, name: string): number {
  if (!tcpdumpAvailable) return RECORDED.counts[name];
  const out = spawnSync('tcpdump', ['--count', '-r', path], { encoding: 'utf8' });
  const m = /^(\d+) packets?/m.exec(out.stdout);
  if (!m) throw new Error(`tcpdump --count -r ${path}: ${out.stderr}`);
  return Number(m[1]);
}

/** tcpdump's one-line decodes ('' for a file whose packets do not print one per line). */
function tcpdumpLines(path: string, packets: number): string[] {
  const out = spawnSync('tcpdump', ['-nn', '-tt', '-q', '-r', path], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const lines = out.stdout.split('\n').filter((l) => l !== '');
  return lines.length === packets ? lines : [];
}

const IPV4_LINE = /^(\d+\.\d+) .*?\bIP (\d+(?:\.\d+){3})(?:\.(\d+))? > (\d+(?:\.\d+){3})(?:\.(\d+))?:/;

/** Mismatches between an evaluated frame's record and tcpdump's line for the same packet. */
function compareWithTcpdump(frame: FrameInfo, view: DataView, line: string): string | undefined {
  const m = IPV4_LINE.exec(line);
  if (!m) return `frame ${frame.index}: tcpdump did not decode it as IPv4: ${line}`;
  const [, ts, src, sport, dst, dport] = m;
  const got = [formatIPv4(view.getUint32(PKT_SRC, true)), formatIPv4(view.getUint32(PKT_DST, true))];
  if (got[0] !== src || got[1] !== dst) return `frame ${frame.index}: ${got.join(' > ')} vs tcpdump ${src} > ${dst}`;
  if (Math.abs(Number(ts) - frame.ts) > 2e-6) return `frame ${frame.index}: ts ${frame.ts} vs tcpdump ${ts}`;
  const proto = view.getUint8(PKT_PROTO);
  if ((proto === 6 || proto === 17) && view.getUint8(PKT_FLAGS) & PF_L4 && sport !== undefined) {
    const ports = [view.getUint16(PKT_SPORT, true), view.getUint16(PKT_DPORT, true)];
    if (ports[0] !== Number(sport) || ports[1] !== Number(dport)) return `frame ${frame.index}: ports ${ports.join(' > ')} vs tcpdump ${sport} > ${dport}`;
  }
  return undefined;
}

if (!existsSync(CORPUS)) {
  console.log(`capture corpus: ${CORPUS} is absent; skipped`);
  test.skip('capture corpus', () => {});
} else {
  console.log(`capture corpus: frame counts compared with ${tcpdumpAvailable ? 'tcpdump --count (installed)' : 'the counts recorded with tcpdump in test/fixtures/captures/tcpdump-counts.json (tcpdump not installed)'}`);
  for (const path of captureFiles(CORPUS)) {
    const name = relative(CORPUS, path);
    test(`corpus ${name}`, async () => {
      const expected = tcpdumpCount(path, name);
      assert.type(expected, 'number', `no recorded tcpdump count for ${name}`);
      const warnings: string[] = [];
      const batches = [];
      for await (const batch of readCaptureFile(path, { inInterface: 'eth0', chunkSize: 64 << 10, onWarning: (w) => warnings.push(w.message) })) batches.push(batch);
      const { frames, records } = flatten(batches);
      assert.is(frames.length, expected, 'frames read vs tcpdump');
      assert.equal(frames.map((f) => f.index), frames.map((_, i) => i));
      assert.not.ok(warnings.some((w) => /truncated/.test(w)), 'no corpus file is cut');
      const t = { ipv4: 0, ipv6: 0, other: 0, truncated: 0, malformed: 0 };
      for (const f of frames) {
        if (f.status === 'ipv4' || f.status === 'ipv6' || f.status === 'truncated' || f.status === 'malformed') t[f.status]++;
        else t.other++;
      }
      let checked = '';
      if (tcpdumpAvailable) {
        const lines = tcpdumpLines(path, frames.length);
        if (lines.length > 0) {
          const problems = frames.filter((f) => f.status === 'ipv4').map((f) => compareWithTcpdump(f, records[f.record!].view, lines[f.index])).filter((p) => p !== undefined);
          assert.equal(problems.slice(0, 5), [], 'records agree with tcpdump');
          checked = ', fields checked against tcpdump';
        }
      }
      console.log(`  ${name}: ${frames.length} frames: ${t.ipv4} IPv4, ${t.ipv6} IPv6, ${t.other} other, ${t.truncated} truncated, ${t.malformed} malformed${checked}`);
    });
  }
}

test.run();
