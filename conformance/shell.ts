// Running the system tools the harness drives (ip, iptables, conntrack, tcpdump), synchronously:
// a run is a fixed sequence of steps, and a failed step must stop it with the tool's own words.
import { spawnSync } from 'node:child_process';

export interface RunOptions {
  input?: string | Uint8Array;
  /** Don't throw on a non-zero exit. */
  allowFailure?: boolean;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function run(argv: readonly string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(argv[0], argv.slice(1), { input: opts.input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${argv[0]}: ${r.error.message}`);
  const result = { status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
  if (result.status !== 0 && !opts.allowFailure) {
    throw new Error(`\`${argv.join(' ')}\` failed (exit ${result.status}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result;
}

/** argv run inside network namespace `ns`. */
export function inNs(ns: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', ns, ...argv];
}

/** Whether a program is on PATH. */
export function have(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).status === 0;
}
