// Exports of the nfwasm core. The host owns all memory above heapBase() (assembly/shared/layout.ts).
export { heapBase } from './memory';
export { evaluate } from './vm/evaluate';
export { conntrackExpire, conntrackLookupOrInsert } from './conntrack/exports';

// Replaces AssemblyScript's imported `abort` (asconfig "use") so the module has no imports and
// loads with a bare WebAssembly.instantiate in Node and the browser (WASM-NOTES.md §1).
function trapAbort(message: string | null, file: string | null, line: u32, column: u32): void {
  unreachable();
}
export { wireParse } from './wire/parse';
export { writeRecords } from './output/writer';
export { shardSelect } from './shard/select';
