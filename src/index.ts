// nfwasm library API (host-neutral: Node, browsers, workers). Node-only helpers: 'nfwasm/node'.
export { parseRuleset } from './ruleset/load.js';
export { formatSave } from './ruleset/print-save.js';
export { formatList } from './ruleset/print-list.js';
export { RulesetError, UnsupportedError } from './ruleset/errors.js';
export type * from './ruleset/types.js';
export { Engine, type PacketResult } from './engine/engine.js';
export { parseHostModel, defaultHostModel } from './host/load.js';
export type * from './host/model.js';
export { encodePacket } from './packets/encode.js';
export { parseJsonRecord, RecordError } from './packets/json.js';
export { parseTraceSpec } from './packets/trace-spec.js';
export type { PacketInput } from './packets/types.js';
export { classifyPackets } from './classify.js';
export { outputRecord, unparsedRecord, type OutputRecord } from './output/record.js';
