// What a run must undo whatever way it ends: the capture processes it started (ended by their
// pid, never by name) and its namespaces. Registered once; runs on normal exit, on an uncaught
// error (Node exits through 'exit') and on SIGINT/SIGTERM/SIGHUP.
import { destroyLab, type Lab } from './namespaces.js';

const labs = new Set<Lab>();
const pids = new Set<number>();
let installed = false;

function cleanupNow(): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  pids.clear();
  for (const lab of labs) destroyLab(lab);
  labs.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupNow);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nconformance: ${signal}: removing the run's namespaces\n`);
      cleanupNow();
      process.exit(code);
    });
  }
}

export function trackLab(lab: Lab): void {
  install();
  labs.add(lab);
}

export function releaseLab(lab: Lab): void {
  destroyLab(lab);
  labs.delete(lab);
}

export function trackPid(pid: number): void {
  install();
  pids.add(pid);
}

export function releasePid(pid: number): void {
  pids.delete(pid);
}
