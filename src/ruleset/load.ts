// Entry point for rulesets: detect the input format (iptables-save / iptables-restore text, or a
// script of iptables commands), build the tables and check them.
import type { ModuleRegistry } from '../modules/registry.js';
import { RulesetBuilder } from './builder.js';
import { parseSaveText, someLine } from './parse-save.js';
import { isIptablesInvocation, parseScriptText } from './parse-script.js';
import type { Ruleset } from './types.js';
import { validateRuleset } from './validate.js';

export type RulesetFormat = 'save' | 'script';

export interface ParseRulesetOptions {
  /** Name used in messages ("rules.v4:12: ..."); default "<input>". */
  filename?: string;
  /** Force a format instead of detecting it. */
  format?: RulesetFormat;
  /** Extension modules to use (default: every module nfwasm ships). */
  registry?: ModuleRegistry;
}

const TABLE_LINE = /^\s*\*(raw|mangle|nat|filter|security)\s*$/;

/** `*table` lines mean iptables-save/restore text; otherwise iptables command lines mean a script. */
export function detectFormat(text: string): RulesetFormat {
  // usually decided by the first line: the text is not split into lines for it
  if (someLine(text, (l) => TABLE_LINE.test(l))) return 'save';
  if (someLine(text, isIptablesInvocation)) return 'script';
  return 'save';
}

export function parseRuleset(text: string, opts: ParseRulesetOptions = {}): Ruleset {
  const file = opts.filename ?? '<input>';
  const builder = new RulesetBuilder(opts.registry);
  const format = opts.format ?? detectFormat(text);
  if (format === 'save') parseSaveText(text, { file, builder, registry: opts.registry });
  else parseScriptText(text, { file, builder, registry: opts.registry });
  const ruleset = builder.build();
  validateRuleset(ruleset);
  return ruleset;
}
