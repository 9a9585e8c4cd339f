// The sink match modules compile into (Emitter in src/modules/module.ts): one growing code area
// for every rule, and the state area handed out in 8-byte aligned pieces.
import { INS_INVERT } from '../../assembly/shared/layout.js';
import type { Emitter } from '../modules/module.js';

const MAX_INSTRUCTION_WORDS = 0xffff;

/** The code area: u32 words, grown as rules are compiled. */
export class CodeArea {
  private words = new Uint32Array(256);
  length = 0;

  push(word: number): void {
    if (this.length === this.words.length) {
      const bigger = new Uint32Array(this.words.length * 2);
      bigger.set(this.words);
      this.words = bigger;
    }
    this.words[this.length++] = word >>> 0;
  }

  finish(): Uint32Array {
    return this.words.slice(0, this.length);
  }
}

/** Zeroed per-rule and per-key state for stateful matches, as offsets from CFG_STATE_PTR. */
export class StateArea {
  size = 0;
  private readonly shared = new Map<string, { offset: number; bytes: number }>();

  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`state size ${bytes} is not a byte count`);
    const offset = (this.size + 7) & ~7;
    this.size = offset + bytes;
    return offset;
  }

  sharedFor(key: string, bytes: number): number {
    const known = this.shared.get(key);
    if (known) {
      if (known.bytes < bytes) throw new RangeError(`shared state "${key}" asked for ${bytes} bytes after ${known.bytes}`);
      return known.offset;
    }
    const offset = this.alloc(bytes);
    this.shared.set(key, { offset, bytes });
    return offset;
  }
}

/** The Emitter one rule's matches write into. */
export class RuleEmitter implements Emitter {
  constructor(
    private readonly code: CodeArea,
    private readonly state: StateArea,
    private readonly onWarning: (message: string) => void,
  ) {}

  op(opcode: number, operands: readonly number[], invert = false): void {
    const words = 1 + operands.length;
    if (words > MAX_INSTRUCTION_WORDS) throw new RangeError(`instruction ${opcode} has ${operands.length} operands`);
    this.code.push(opcode | (invert ? INS_INVERT : 0) | (words << 16));
    for (const v of operands) {
      if (!Number.isInteger(v)) throw new RangeError(`instruction ${opcode}: operand ${v} is not an integer`);
      this.code.push(v);
    }
  }

  allocState(bytes: number): number {
    return this.state.alloc(bytes);
  }

  sharedState(key: string, bytes: number): number {
    return this.state.sharedFor(key, bytes);
  }

  warn(message: string): void {
    this.onWarning(message);
  }
}
