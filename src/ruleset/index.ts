// Public surface of the ruleset layer: loading iptables-save text or iptables scripts, and
// printing rulesets the way iptables-save and iptables -L do.
export { parseRuleset, detectFormat, type ParseRulesetOptions, type RulesetFormat } from './load.js';
export { formatSave, formatTableSave, type FormatSaveOptions } from './print-save.js';
export { formatRuleSpec } from './rule-text.js';
export { RulesetError, UnsupportedError } from './errors.js';
export * from './types.js';
export { formatList, formatCount, type FormatListOptions } from './print-list.js';
