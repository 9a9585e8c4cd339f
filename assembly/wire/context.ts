// The context block (abi.ts X_*): loaded into globals when wireParse() starts, the progress and
// output counters written back when it returns. Also the three output areas: packet records,
// frame infos and the payload arena.
import {
  X_DEFAULT_IFACE, X_ERROR, X_ERROR_DETAIL, X_ERROR_OFFSET, X_FRAME_CAP, X_FRAME_COUNT, X_FRAME_PTR,
  X_FRAME_FLAGS, X_FRAMES_SEEN, X_IFACES_CAP, X_IFACES_PTR, X_IFMAP_COUNT, X_IFMAP_PTR, X_IN_BASE, X_IN_LEN,
  X_IN_POS, X_IN_PTR, X_NEED, X_OPTIONS, X_PAY_CAP, X_PAY_PTR, X_PAY_USED, X_REC_CAP, X_REC_COUNT,
  X_REC_PTR, X_SHARD, X_SHARDS, X_SKIPPED_PAYLOAD, X_SKIPPED_RECORDS, WS_ERROR, WS_NEED_INPUT, FR_SIZE,
} from './abi';
import { PKT_SIZE } from '../shared/layout';
import { copyBytes } from '../inline-memory';

export let ctx: usize = 0;
let input: usize = 0;
let inputLength: u32 = 0;
let position: u32 = 0;
let inputBase: f64 = 0;
let records: usize = 0;
let recordCapacity: u32 = 0;
export let recordCount: u32 = 0;
let frames: usize = 0;
let frameCapacity: u32 = 0;
export let frameCount: u32 = 0;
/** FF_* bits of the frame infos in the output (the host skips its per-frame checks when none). */
export let frameFlags: u32 = 0;
let arena: usize = 0;
let arenaCapacity: u32 = 0;
let arenaUsed: u32 = 0;
export let options: u32 = 0;
export let ifmap: usize = 0;
export let ifmapCount: u32 = 0;
export let ifaces: usize = 0;
export let ifaceCapacity: u32 = 0;
export let defaultIface: usize = 0;
let framesSeen: f64 = 0;
/** X_SHARDS, X_SHARD: this parser writes the records of one shard only (shards > 1). */
export let shards: u32 = 0;
export let shard: u32 = 0;
let skippedRecords: u32 = 0;
let skippedPayload: u32 = 0;

export function loadContext(c: usize): void {
  ctx = c;
  input = load<u32>(c + X_IN_PTR);
  inputLength = load<u32>(c + X_IN_LEN);
  position = load<u32>(c + X_IN_POS);
  inputBase = load<f64>(c + X_IN_BASE);
  records = load<u32>(c + X_REC_PTR);
  recordCapacity = load<u32>(c + X_REC_CAP);
  recordCount = load<u32>(c + X_REC_COUNT);
  frames = load<u32>(c + X_FRAME_PTR);
  frameCapacity = load<u32>(c + X_FRAME_CAP);
  frameCount = load<u32>(c + X_FRAME_COUNT);
  arena = load<u32>(c + X_PAY_PTR);
  arenaCapacity = load<u32>(c + X_PAY_CAP);
  arenaUsed = load<u32>(c + X_PAY_USED);
  options = load<u32>(c + X_OPTIONS);
  ifmap = load<u32>(c + X_IFMAP_PTR);
  ifmapCount = load<u32>(c + X_IFMAP_COUNT);
  ifaces = load<u32>(c + X_IFACES_PTR);
  ifaceCapacity = load<u32>(c + X_IFACES_CAP);
  defaultIface = c + X_DEFAULT_IFACE;
  framesSeen = load<f64>(c + X_FRAMES_SEEN);
  frameFlags = load<u32>(c + X_FRAME_FLAGS);
  shards = load<u32>(c + X_SHARDS);
  shard = load<u32>(c + X_SHARD);
  skippedRecords = load<u32>(c + X_SKIPPED_RECORDS);
  skippedPayload = load<u32>(c + X_SKIPPED_PAYLOAD);
  store<u32>(c + X_NEED, 0);
}

export function saveContext(): void {
  store<u32>(ctx + X_IN_POS, position);
  store<u32>(ctx + X_REC_COUNT, recordCount);
  store<u32>(ctx + X_FRAME_COUNT, frameCount);
  store<u32>(ctx + X_PAY_USED, arenaUsed);
  store<f64>(ctx + X_FRAMES_SEEN, framesSeen);
  store<u32>(ctx + X_FRAME_FLAGS, frameFlags);
  store<u32>(ctx + X_SKIPPED_RECORDS, skippedRecords);
  store<u32>(ctx + X_SKIPPED_PAYLOAD, skippedPayload);
}

// ---- input
/** Address of the next unconsumed byte. */
@inline export function cursor(): usize {
  return input + position;
}

@inline export function available(): u32 {
  return inputLength - position;
}

/** File offset of the next unconsumed byte. */
@inline export function cursorOffset(): f64 {
  return inputBase + <f64>position;
}

export function consume(bytes: u32): void {
  position += bytes;
}

/** Not enough input for the next unit of `unitBytes` bytes (0 = not known yet). */
export function needInput(unitBytes: u32): u32 {
  store<u32>(ctx + X_NEED, unitBytes);
  return WS_NEED_INPUT;
}

export function fail(code: u32, detail: u32, offset: f64): u32 {
  store<u32>(ctx + X_ERROR, code);
  store<u32>(ctx + X_ERROR_DETAIL, detail);
  store<f64>(ctx + X_ERROR_OFFSET, offset);
  return WS_ERROR;
}

// ---- outputs
/** Room for one more frame of `captured` bytes, whatever it turns out to be. */
export function hasRoomFor(captured: u32): bool {
  return recordCount + skippedRecords < recordCapacity && frameCount < frameCapacity && captured <= arenaCapacity - arenaUsed - skippedPayload;
}

/** Another shard's packet, with `payloadLength` bytes of payload: counted as if its record and payload were written. */
export function skipRecord(payloadLength: u32): void {
  skippedRecords++;
  skippedPayload += payloadLength;
}

export function nextRecord(): usize {
  return records + <usize>recordCount * PKT_SIZE;
}

/** Takes the record nextRecord() named; returns its index in the batch. */
export function takeRecord(): u32 {
  return recordCount++;
}

export function nextFrame(): usize {
  return frames + <usize>frameCount * FR_SIZE;
}

export function takeFrame(): void {
  frameCount++;
  framesSeen += 1;
}

/** Copies `length` bytes at `p` into the payload arena; returns their new address. */
export function copyToArena(p: usize, length: u32): usize {
  const at = arena + arenaUsed;
  copyBytes(at, p, length);
  arenaUsed += length;
  return at;
}

/** Offset of an arena address from the arena's start. */
export function arenaOffset(at: usize): u32 {
  return <u32>(at - arena);
}
