// A capture batch left where wireParse wrote it (parsers sharing an engine's instance,
// CaptureParser.onEngine): packet records and frame infos are read in the core's memory, and a
// FrameInfo object is made only for the frames that need one.
import { FR_CAPLEN, FR_OFFSET, FR_RECORD, FR_SIZE, FR_STATUS, FS_IPV4, OTHER_SHARD_RECORD } from '../../assembly/wire/abi.js';
import { decodeFrameInfo, NO_RECORD, type FrameInfo } from './frames.js';

export interface InPlaceBatch {
  memory: WebAssembly.Memory;
  /** Address of `count` packet records (PKT_SIZE each; payload pointers are absolute addresses). */
  records: number;
  count: number;
  /** Address of `frameCount` frame infos (FR_SIZE each, assembly/wire/abi.ts), in file order. */
  frames: number;
  frameCount: number;
  /** Index in the capture of the first frame (from 0). */
  firstFrame: number;
  /** The payload arena, which NFLOG prefixes of frame infos point into. */
  arena: number;
}

/** The packet record of frame `j` of the batch, or -1 when it was not evaluated (or is another shard's: CaptureOptions.shard). */
export function recordOfFrame(batch: InPlaceBatch, view: DataView, j: number): number {
  const at = batch.frames + j * FR_SIZE;
  const record = view.getUint32(at + FR_RECORD, true);
  return view.getUint8(at + FR_STATUS) === FS_IPV4 && record !== NO_RECORD && record !== OTHER_SHARD_RECORD ? record : -1;
}

/** Frame `j` of the batch as a FrameInfo. */
export function inPlaceFrameInfo(batch: InPlaceBatch, j: number): FrameInfo {
  const buffer = batch.memory.buffer;
  return decodeFrameInfo(new DataView(buffer), batch.frames + j * FR_SIZE, batch.firstFrame + j, new Uint8Array(buffer, batch.arena));
}

/** Where in the input the batch's last frame ends (its offset plus captured length), as progress reports it. */
export function inPlaceInputEnd(batch: InPlaceBatch): number | undefined {
  if (batch.frameCount === 0) return undefined;
  const view = new DataView(batch.memory.buffer);
  const last = batch.frames + (batch.frameCount - 1) * FR_SIZE;
  return view.getFloat64(last + FR_OFFSET, true) + view.getUint32(last + FR_CAPLEN, true);
}
