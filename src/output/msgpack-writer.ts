// msgpack written byte by byte into one growing buffer, in exactly the forms msgpackr's
// `new Packr({ useRecords: false })` chooses (encode.ts), so the fast path's output is the same
// bytes: the smallest integer and string forms, float64 for other numbers, and every map as
// map16 (msgpackr reserves two length bytes before it counts an object's keys).
const utf8 = new TextEncoder();

export class MsgpackWriter {
  private buffer: Uint8Array;
  private view: DataView;
  position = 0;

  constructor(initialSize = 1 << 16) {
    this.buffer = new Uint8Array(initialSize);
    this.view = new DataView(this.buffer.buffer);
  }

  /** The bytes written since the last take(), as a copy the caller owns; the writer starts over. */
  take(): Uint8Array {
    const out = this.buffer.slice(0, this.position);
    this.position = 0;
    return out;
  }

  ensure(extra: number): void {
    if (this.position + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.position + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.position));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  /** Bytes prepared earlier (a key and its value, encoded once). */
  raw(bytes: Uint8Array): void {
    const length = bytes.length;
    this.ensure(length);
    // TypedArray.set costs more than a short loop for the few bytes a fragment has
    if (length > 12) this.buffer.set(bytes, this.position);
    else for (let i = 0; i < length; i++) this.buffer[this.position + i] = bytes[i];
    this.position += length;
  }

  arrayHeader(length: number): void {
    this.ensure(5);
    if (length < 0x10) this.buffer[this.position++] = 0x90 | length;
    else if (length < 0x10000) {
      this.buffer[this.position++] = 0xdc;
      this.view.setUint16(this.position, length);
      this.position += 2;
    } else {
      this.buffer[this.position++] = 0xdd;
      this.view.setUint32(this.position, length);
      this.position += 4;
    }
  }

  /** A map16 header whose size is filled in by endMap() once the keys are written. */
  beginMap(): number {
    this.ensure(3);
    this.buffer[this.position] = 0xde;
    this.position += 3;
    return this.position - 2;
  }

  endMap(at: number, size: number): void {
    this.view.setUint16(at, size);
  }

  number(value: number): void {
    this.ensure(9);
    const b = this.buffer;
    if (value >>> 0 === value) {
      if (value < 0x80) b[this.position++] = value;
      else if (value < 0x100) {
        b[this.position++] = 0xcc;
        b[this.position++] = value;
      } else if (value < 0x10000) {
        b[this.position++] = 0xcd;
        this.view.setUint16(this.position, value);
        this.position += 2;
      } else {
        b[this.position++] = 0xce;
        this.view.setUint32(this.position, value);
        this.position += 4;
      }
    } else if (value >> 0 === value) {
      if (value >= -0x20) b[this.position++] = 0x100 + value;
      else if (value >= -0x80) {
        b[this.position++] = 0xd0;
        b[this.position++] = value + 0x100;
      } else if (value >= -0x8000) {
        b[this.position++] = 0xd1;
        this.view.setInt16(this.position, value);
        this.position += 2;
      } else {
        b[this.position++] = 0xd2;
        this.view.setInt32(this.position, value);
        this.position += 4;
      }
    } else {
      b[this.position++] = 0xcb;
      this.view.setFloat64(this.position, value);
      this.position += 8;
    }
  }

  string(value: string): void {
    this.ensure(5 + value.length * 3);
    // Written after a 5-byte gap, then moved down behind the header its byte length calls for.
    const { written } = utf8.encodeInto(value, this.buffer.subarray(this.position + 5));
    const header = written < 0x20 ? 1 : written < 0x100 ? 2 : written < 0x10000 ? 3 : 5;
    const b = this.buffer;
    if (header === 1) b[this.position] = 0xa0 | written;
    else if (header === 2) {
      b[this.position] = 0xd9;
      b[this.position + 1] = written;
    } else if (header === 3) {
      b[this.position] = 0xda;
      this.view.setUint16(this.position + 1, written);
    } else {
      b[this.position] = 0xdb;
      this.view.setUint32(this.position + 1, written);
    }
    if (header !== 5) b.copyWithin(this.position + header, this.position + 5, this.position + 5 + written);
    this.position += header + written;
  }

  /** Any JSON-like value (strings, numbers, booleans, null, arrays, plain objects), as msgpackr packs it. */
  value(value: unknown): void {
    if (typeof value === 'string') this.string(value);
    else if (typeof value === 'number') this.number(value);
    else if (typeof value === 'boolean') {
      this.ensure(1);
      this.buffer[this.position++] = value ? 0xc3 : 0xc2;
    } else if (value === null || value === undefined) {
      this.ensure(1);
      this.buffer[this.position++] = value === null ? 0xc0 : 0xd4;
      // msgpackr writes undefined as fixext 1 (type 0, data 0)
      if (value === undefined) {
        this.ensure(2);
        this.buffer[this.position++] = 0;
        this.buffer[this.position++] = 0;
      }
    } else if (Array.isArray(value)) {
      this.arrayHeader(value.length);
      for (const item of value) this.value(item);
    } else if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const at = this.beginMap();
      let size = 0;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        this.string(key);
        this.value((value as Record<string, unknown>)[key]);
        size++;
      }
      this.endMap(at, size);
    } else {
      throw new TypeError(`msgpack writer: cannot encode ${Object.prototype.toString.call(value)}`);
    }
  }
}

/** The msgpack bytes of `value`, for fragments prepared once. */
export function msgpackBytes(...values: unknown[]): Uint8Array {
  const writer = new MsgpackWriter(256);
  for (const value of values) writer.value(value);
  return writer.take();
}
