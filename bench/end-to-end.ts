// End to end (issue 6, bench 3): `nfwasm classify FILE --rules R --host H --format msgpack
// --records /dev/null` (`--format jsonl`, the default, or csv) on a generated capture
// (bench/gen-capture.ts: 10M packets, --quick 1M),
// 1k realistic rules with conntrack and the FTP helper (bench/scenario.ts), against
// `tcpdump -r FILE -w /dev/null 'tcp port 21'` on the same file, as a ratio; and nfwasm with
// --workers 2 against one thread. Both tools run as processes, alternately, best of N.
// The capture is cached under the OS temp dir (same size and seed: same file).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCapture } from './gen-capture.js';
import { scenarioHost, scenarioRules } from './scenario.js';

const root = fileURLToPath(new URL('..', import.meta.url));

export function machine(): string {
  return `${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** The capture of `packets` packets, generated once and kept under the temp dir. */
export function cachedCapture(packets: number): string {
  const dir = join(os.tmpdir(), 'nfwasm-bench');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `router-${packets}.pcapng`);
  if (!existsSync(path)) {
    const start = Date.now();
    const stats = writeCapture(`${path}.part`, packets);
    execFileSync('mv', [`${path}.part`, path]);
    console.log(`generated ${path}: ${stats.packets} packets, ${(stats.bytes / 2 ** 20).toFixed(0)} MiB, ${((100 * stats.ftpControl) / stats.packets).toFixed(1)}% on tcp port 21, in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }
  return path;
}

/** Wall seconds of a child process run to its end (throws when it fails). */
export function timed(cmd: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 24 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr?.toString().slice(-500)}`);
  return seconds;
}

export interface EndToEndResult {
  packets: number;
  fileBytes: number;
  format: EndToEndFormat;
  tcpdump: number;
  nfwasm: number;
  nfwasm2: number;
}

export const END_TO_END_FORMATS = ['msgpack', 'jsonl', 'csv'] as const;
export type EndToEndFormat = (typeof END_TO_END_FORMATS)[number];

export function runEndToEnd(quick: boolean, format: EndToEndFormat = 'msgpack'): EndToEndResult {
  const packets = quick ? 1_000_000 : 10_000_000;
  const rounds = quick ? 2 : 3;
  const capture = cachedCapture(packets);
  const dir = join(os.tmpdir(), 'nfwasm-bench');
  const rules = join(dir, 'router.rules');
  const host = join(dir, 'router-host.json');
  writeFileSync(rules, scenarioRules());
  writeFileSync(host, scenarioHost());
  // the built CLI, as users run it (NFWASM_CLI: another build of it); from the sources (tsx) when there is no build
  const cli = process.env.NFWASM_CLI ?? join(root, 'dist/src/node/nfwasm.mjs');
  const nfwasm = existsSync(cli) ? [cli] : ['--import', 'tsx', join(root, 'src/node/cli.ts')];
  const classify = (workers: number) => [...nfwasm, 'classify', capture, '--rules', rules, '--host', host, '--format', format, '--records', '/dev/null', '--quiet', '--workers', String(workers)];
  const best = { tcpdump: Infinity, nfwasm: Infinity, nfwasm2: Infinity };
  for (let i = 0; i < rounds; i++) {
    best.tcpdump = Math.min(best.tcpdump, timed('tcpdump', ['-r', capture, '-w', '/dev/null', 'tcp port 21']));
    best.nfwasm = Math.min(best.nfwasm, timed(process.execPath, classify(1)));
    best.nfwasm2 = Math.min(best.nfwasm2, timed(process.execPath, classify(2)));
  }
  return { packets, fileBytes: statSync(capture).size, format, ...best };
}

export function formatEndToEnd(r: EndToEndResult): string {
  const rate = (s: number) => `${(r.packets / s / 1e6).toFixed(2)} M packets/s`;
  return [
    `| run (${r.packets.toLocaleString('en')} packets, ${(r.fileBytes / 2 ** 20).toFixed(0)} MiB pcapng) | best time | rate | vs tcpdump |`,
    '|---|---|---|---|',
    `| tcpdump -r FILE -w /dev/null 'tcp port 21' | ${r.tcpdump.toFixed(2)} s | ${rate(r.tcpdump)} | 1.00x |`,
    `| nfwasm classify --format ${r.format} (1 thread) | ${r.nfwasm.toFixed(2)} s | ${rate(r.nfwasm)} | ${(r.tcpdump / r.nfwasm).toFixed(2)}x |`,
    `| nfwasm classify --format ${r.format} --workers 2 | ${r.nfwasm2.toFixed(2)} s | ${rate(r.nfwasm2)} | ${(r.tcpdump / r.nfwasm2).toFixed(2)}x (${(r.nfwasm / r.nfwasm2).toFixed(2)}x of 1 thread) |`,
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`machine: ${machine()}`);
  const formatAt = process.argv.indexOf('--format');
  const format = formatAt > 0 ? process.argv[formatAt + 1] : 'msgpack';
  if (!(END_TO_END_FORMATS as readonly string[]).includes(format)) throw new Error(`--format: one of ${END_TO_END_FORMATS.join(', ')}`);
  console.log(formatEndToEnd(runEndToEnd(process.argv.includes('--quick'), format as EndToEndFormat)));
}
