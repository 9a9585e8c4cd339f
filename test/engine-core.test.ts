// evaluate() driven directly (no Engine): the event-buffer protocol of assembly/shared/layout.ts —
// a call stops before a packet whose events might not fit, and a packet larger than the whole
// buffer is truncated instead of looping.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CFG_EVENTS_USED, EVENT_SIZE, PKT_SIZE, RES_EVENT_COUNT, RES_EVENT_FIRST, RES_FLAGS, RES_SIZE,
  RES_VERDICT, RF_EVENTS_TRUNCATED, V_ACCEPT,
} from '../assembly/shared/layout.js';
import { compileRuleset } from '../src/compile/index.js';
import { loadIntoCore } from '../src/engine/core-setup.js';
import { instantiateCore } from '../src/engine/load-wasm.js';
import { buildRouteTable } from '../src/host/routes.js';
import { encodePackets } from '../src/packets/encode.js';
import { defaultHostModel, packet, rules } from './engine-support.js';

async function coreWith(eventCapacity: number) {
  const host = defaultHostModel();
  // INPUT: 4 LOG rules and the policy -> 5 events per arriving packet; bound 5 + 1 + 1
  const compiled = compileRuleset(rules('-A INPUT -j LOG\n-A INPUT -j LOG\n-A INPUT -j LOG\n-A INPUT -j LOG'), host);
  const core = await instantiateCore();
  const arena = loadIntoCore(core, compiled, buildRouteTable(host), 8, eventCapacity);
  const view = () => new DataView(core.memory.buffer);
  const run = (count: number, first = 0) => core.evaluate(arena.cfg, arena.packets + first * PKT_SIZE, count, arena.results + first * RES_SIZE);
  const put = (n: number) => new Uint8Array(core.memory.buffer).set(encodePackets(Array.from({ length: n }, () => packet())), arena.packets);
  const result = (i: number) => {
    const v = view();
    const at = arena.results + i * RES_SIZE;
    return {
      verdict: v.getUint8(at + RES_VERDICT),
      flags: v.getUint8(at + RES_FLAGS),
      first: v.getUint32(at + RES_EVENT_FIRST, true),
      count: v.getUint32(at + RES_EVENT_COUNT, true),
    };
  };
  const used = () => view().getUint32(arena.cfg + CFG_EVENTS_USED * 4, true);
  const eventPacket = (e: number) => view().getUint32(arena.events + e * EVENT_SIZE, true);
  return { compiled, run, put, result, used, eventPacket };
}

test('a call stops before a packet whose events might not fit, and resumes from there', async () => {
  const c = await coreWith(11);
  assert.is(c.compiled.eventsPerPacketMax, 7);
  c.put(3);
  assert.is(c.run(3), 1, 'after 5 events only 6 of the 7 slots a packet may need are left: the next one waits');
  assert.is(c.used(), 5);
  assert.equal(c.result(0), { verdict: V_ACCEPT, flags: 0, first: 0, count: 5 });
  assert.is(c.run(2, 1), 1);
  assert.equal(c.result(1), { verdict: V_ACCEPT, flags: 0, first: 0, count: 5 });
  assert.is(c.eventPacket(4), 0, 'event packet indices count from the call\'s first packet');
});

test('a packet with more events than the whole buffer keeps the first ones and is flagged', async () => {
  const c = await coreWith(3);
  c.put(2);
  assert.is(c.run(2), 1);
  assert.equal(c.result(0), { verdict: V_ACCEPT, flags: RF_EVENTS_TRUNCATED, first: 0, count: 3 });
  assert.is(c.used(), 3);
  assert.is(c.run(1, 1), 1, 'the next call starts with an empty buffer and makes progress');
  assert.is(c.result(1).flags, RF_EVENTS_TRUNCATED);
});

test('a roomy buffer takes the whole batch in one call', async () => {
  const c = await coreWith(1000);
  c.put(8);
  assert.is(c.run(8), 8);
  assert.is(c.used(), 40);
  assert.equal(c.result(7), { verdict: V_ACCEPT, flags: 0, first: 35, count: 5 });
  assert.is(c.eventPacket(39), 7);
});

test.run();
