// Node-only API: loading files from disk. Everything else comes from the main entry point.
export { loadRulesetFile, loadHostFile } from './load.js';
export { classifyCommand, listCounters, type ClassifyOptions } from './commands/classify.js';
export { traceCommand } from './commands/trace.js';
export { classifyFile, classifyFileBatches, classifyStream, classifyInput, encodeRecords, openByteOutput, type ClassifyFileOptions, type RecordBatch } from './stream.js';
export { openInput, type Input, type InputItem } from './inputs.js';
