// ensureMemory (src/engine/arena.ts): grows to hold what is asked, with room to spare so that the
// next reservations of a run's set-up fit without another grow, and exactly when the room is not there.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureMemory } from '../src/engine/arena.js';

const PAGE = 65536;

test('a grow leaves room: a following smaller reservation needs no new buffer', () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  ensureMemory(memory, 4 * PAGE + 100);
  assert.ok(memory.buffer.byteLength >= 4 * PAGE + 100, 'holds what was asked');
  assert.ok(memory.buffer.byteLength >= 6 * PAGE, `room to spare: ${memory.buffer.byteLength / PAGE} pages`);
  const buffer = memory.buffer;
  ensureMemory(memory, 5 * PAGE);
  assert.is(memory.buffer, buffer, 'not grown again');
});

test('asking for no more than there is grows nothing', () => {
  const memory = new WebAssembly.Memory({ initial: 3 });
  const buffer = memory.buffer;
  ensureMemory(memory, 3 * PAGE);
  assert.is(memory.buffer, buffer);
});

test('near the maximum: exactly what is needed', () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 10 });
  ensureMemory(memory, 8 * PAGE + 1);
  assert.is(memory.buffer.byteLength, 9 * PAGE);
  ensureMemory(memory, 10 * PAGE);
  assert.is(memory.buffer.byteLength, 10 * PAGE);
  assert.throws(() => ensureMemory(memory, 10 * PAGE + 1), RangeError);
});

test.run();
