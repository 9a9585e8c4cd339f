// The kernel writes a LOG line as space-separated words: KEY=value fields, bare flag words
// (DF, SYN), and a few multi-word items ("OPT (0204...)", "INCOMPLETE [8 bytes]", the quoted
// packet of an ICMP error in "[SRC=... ]"). FieldCursor walks those words; value readers turn
// the text into numbers and say what was wrong when they cannot.
import { ValueError, integerIn } from '../packets/values.js';

/** A malformed LOG line; the message says which field and why (the caller adds the line number). */
export class LogFieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogFieldError';
  }
}

export class FieldCursor {
  private at = 0;
  constructor(private readonly words: readonly string[]) {}

  peek(): string | undefined {
    return this.words[this.at];
  }

  next(): string | undefined {
    return this.words[this.at++];
  }

  done(): boolean {
    return this.at >= this.words.length;
  }

  /** The key of KEY=value at the cursor ("" when the word is not a field). */
  peekKey(): string {
    const word = this.peek();
    const eq = word === undefined ? -1 : word.indexOf('=');
    return eq > 0 ? word!.slice(0, eq) : '';
  }

  /** The value when the word at the cursor is `key=value` (consumed), else undefined. */
  take(key: string): string | undefined {
    const word = this.peek();
    if (word === undefined || !word.startsWith(`${key}=`)) return undefined;
    this.at++;
    return word.slice(key.length + 1);
  }

  /** Consumes the word when it is exactly `word`. */
  takeWord(word: string): boolean {
    if (this.peek() !== word) return false;
    this.at++;
    return true;
  }

  /**
   * "OPT (hex)" after "OPT": the bytes, or 'truncated' for the kernel's "OPT (TRUNCATED)".
   * Returns undefined when the cursor is not on OPT.
   */
  takeOptionBytes(): Uint8Array | 'truncated' | undefined {
    if (this.peek() !== 'OPT') return undefined;
    this.at++;
    const group = this.next();
    const m = group === undefined ? null : /^\(([0-9A-Fa-f]*|TRUNCATED)\)$/.exec(group);
    if (!m) throw new LogFieldError(`OPT must be followed by "(hex bytes)", not ${group === undefined ? 'the end of the line' : `"${group}"`}`);
    if (m[1] === 'TRUNCATED') return 'truncated';
    return hexBytes(m[1]!, 'OPT');
  }

  /** "INCOMPLETE [n bytes]": n, or undefined when the cursor is not on INCOMPLETE. */
  takeIncomplete(): number | undefined {
    if (this.peek() !== 'INCOMPLETE') return undefined;
    this.at++;
    const count = this.next();
    const unit = this.next();
    const m = count === undefined ? null : /^\[(\d+)$/.exec(count);
    if (!m || unit !== 'bytes]') {
      throw new LogFieldError(`INCOMPLETE must be followed by "[N bytes]", not "${[count, unit].filter(Boolean).join(' ')}"`);
    }
    return Number(m[1]);
  }
}

/** Runs `read` on a field's value and turns a ValueError into "KEY: message". */
export function fieldValue<T>(key: string, value: string, read: (value: string) => T): T {
  try {
    return read(value);
  } catch (e) {
    if (e instanceof ValueError) throw new LogFieldError(`${key}: ${e.message}`);
    throw e;
  }
}

/** A decimal field value lo..hi. */
export function decimalField(key: string, value: string, hi: number, what: string): number {
  if (!/^\d+$/.test(value)) throw new LogFieldError(`${key}: "${value}" is not ${what}`);
  return fieldValue(key, value, (v) => integerIn(v, 0, hi, what));
}

/** A hex field value 0..hi; the kernel writes "0x" first, which some exporters drop. */
export function hexField(key: string, value: string, hi: number, what: string): number {
  const m = /^(?:0x)?([0-9a-f]{1,8})$/i.exec(value);
  const n = m ? parseInt(m[1]!, 16) : NaN;
  if (!m || n > hi) throw new LogFieldError(`${key}: "${value}" is not ${what} (hex 0x0..0x${hi.toString(16)})`);
  return n;
}

/** "020405B4" → bytes. */
export function hexBytes(text: string, key: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(text)) {
    throw new LogFieldError(`${key}: "${text}" is not a sequence of hex bytes`);
  }
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** A `KEY=` field that must be there. */
export function required(key: string, value: string | undefined, where: string): string {
  if (value === undefined) throw new LogFieldError(`${key}= is missing ${where}`);
  return value;
}
