// Capture-file input (pcap, pcapng), parsed in WASM: host-neutral API.
export { CaptureParser, type CaptureBatch, type CaptureInterface, type CaptureOptions, type CaptureSummary, type CaptureWarning, type SharedCore } from './parser.js';
export type { InPlaceBatch } from './in-place.js';
export { parseCapture, type CaptureStreamOptions } from './stream.js';
export { CaptureError } from './errors.js';
export { detectInputKind, type InputKind } from './detect.js';
export type { FrameInfo, FrameStatus, NflogInfo } from './frames.js';
