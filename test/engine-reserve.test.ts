// Engine.reserve / reserveZeroed: host blocks behind the engine's areas; a zeroed block is zero
// even where the payload area of an earlier copied-in batch had written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine } from '../src/engine/engine.js';
import { defaultHostModel } from '../src/host/load.js';
import { encodeBatch } from '../src/packets/encode.js';
import { parseJsonRecord } from '../src/packets/json.js';
import { parseRuleset } from '../src/ruleset/load.js';

const RULES = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n';
const BLOCK = 1 << 16;

/** An engine that has classified a packet whose 60,000-byte payload is all 0xAB. */
async function engineAfterPayload(): Promise<Engine> {
  const engine = await Engine.create(parseRuleset(RULES, 'rules'), defaultHostModel());
  const packet = parseJsonRecord(JSON.stringify({ in: 'eth0', src: '192.0.2.1', dst: '198.51.100.1', proto: 'udp', sport: 1, dport: 2, payload: Buffer.from(new Uint8Array(60_000).fill(0xab)).toString('base64') }), 1);
  const { records, payloads } = encodeBatch([packet]);
  engine.classify(records, 1, payloads);
  return engine;
}

const nonZero = (engine: Engine, at: number, bytes: number) => new Uint8Array(engine.coreExports.memory.buffer, at, bytes).some((b) => b !== 0);

test('reserve() may hand out memory the payload area wrote; reserveZeroed() clears it', async () => {
  const dirty = await engineAfterPayload();
  assert.ok(nonZero(dirty, dirty.reserve(BLOCK), BLOCK), 'the payload bytes are still there under a plain reserve()');
  const engine = await engineAfterPayload();
  const at = engine.reserveZeroed(BLOCK);
  assert.not.ok(nonZero(engine, at, BLOCK));
  // and the next block, beyond anything written, is zero without clearing
  const next = engine.reserveZeroed(BLOCK);
  assert.ok(next >= at + BLOCK);
  assert.not.ok(nonZero(engine, next, BLOCK));
});

test.run();
