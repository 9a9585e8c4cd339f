// Errors that stop reading a capture: the file is not one, or is corrupt at a byte offset.
// Frames before the offset have been delivered; nothing after it is.

export class CaptureError extends Error {
  /** Byte offset in the input where the problem is. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`capture byte offset ${offset}: ${message}`);
    this.name = 'CaptureError';
    this.offset = offset;
  }
}
