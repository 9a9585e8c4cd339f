// Node-side loading of the inputs every command shares: the ruleset file and the host model file.
import { parseRuleset } from '../ruleset/load.js';
import type { Ruleset } from '../ruleset/types.js';
import { defaultHostModel, parseHostModel } from '../host/load.js';
import type { HostModel } from '../host/model.js';
import { readText } from './files.js';

export function loadRulesetFile(path: string): Ruleset {
  return parseRuleset(readText(path), { filename: path === '-' ? '<stdin>' : path });
}

/** The host model from a file, or the assumed single-homed host with what was assumed on stderr. */
export function loadHostFile(path: string | undefined, quiet = false): HostModel {
  const host = path ? parseHostModel(readText(path), { filename: path }) : defaultHostModel();
  if (!quiet) for (const line of host.assumed) process.stderr.write(`nfwasm: assumed: ${line}\n`);
  return host;
}

export function printWarnings(warnings: readonly { message: string; pos?: { file: string; line: number } }[]): void {
  for (const w of warnings) {
    const where = w.pos ? `${w.pos.file}:${w.pos.line}: ` : '';
    process.stderr.write(`nfwasm: warning: ${where}${w.message}\n`);
  }
}
