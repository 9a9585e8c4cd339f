// Node-only: how eagerly V8 optimises JavaScript during a run's start-up (issue 6, task START).
// V8 sends a function to TurboFan once it has run enough bytecode (the interrupt budget). Start-up
// (parsing and compiling the ruleset, setting up the engine) runs once: at the default budget V8
// optimises much of it on background threads, ~70 ms of CPU on a 1k-rule ruleset that is mostly
// finished before the optimised code would be used, and on a small machine those compiles take
// cores from the main thread. With a 16x budget only really hot start-up code (the loops of a
// 10k-rule compile) is optimised; the packet loop gets the default back, since its per-chunk
// JavaScript needs TurboFan (bench/RESULTS.md, "Start-up: time to first packet").
import { setFlagsFromString } from 'node:v8';

/** V8 11.x's --interrupt-budget default (Node 20); other versions are left alone. */
const V8_MAJOR = 11;
const DEFAULT_INTERRUPT_BUDGET = 67584;
const STARTUP_BUDGET_FACTOR = 16;

let held = false;

function applies(): boolean {
  if (Number(process.versions.v8.split('.')[0]) !== V8_MAJOR) return false;
  // a budget the user chose is theirs
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  return !given.includes('interrupt-budget') && !given.includes('interrupt_budget');
}

/** Start-up begins: optimise only what is very hot. */
export function beginStartup(): void {
  if (held || !applies()) return;
  setFlagsFromString(`--interrupt-budget=${STARTUP_BUDGET_FACTOR * DEFAULT_INTERRUPT_BUDGET}`);
  held = true;
}

/** The repeated work begins (packets): V8's default tiering again. */
export function endStartup(): void {
  if (!held) return;
  setFlagsFromString(`--interrupt-budget=${DEFAULT_INTERRUPT_BUDGET}`);
  held = false;
}
