export { compileRuleset, chainKey, type CompileOptions } from './compile.js';
export { interfaceNameAndMask } from './basic-match.js';
export type { CompiledRuleset, EntryInfo, EntryKind } from './types.js';
export { conntrackSettings, type ConntrackSettings } from './conntrack.js';
export { CLASSIFIER_MIN_RULES, type ClassifierInfo, type ClassifierMode } from './bitvector.js';
