// Kernel LOG lines as packet input (docs/log-lines.md).
export { LOG_LINES_CAVEAT } from './types.js';
export type { LogHook, LogLineMeta, LogLineOptions, LogLineResult } from './types.js';
export { parseLogLine } from './parse-line.js';
export { LogLinesReader, parseLogText, tallyLogResults } from './reader.js';
export type { LogLineEntry, LogReaderOptions, LogTally } from './reader.js';
