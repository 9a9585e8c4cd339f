// Node-only API: loading files from disk. Everything else comes from the main entry point.
export { loadRulesetFile, loadHostFile } from './load.js';
export { classifyCommand } from './commands/classify.js';
export { traceCommand } from './commands/trace.js';
