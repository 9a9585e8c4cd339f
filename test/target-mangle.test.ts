import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TCPMSS } from '../src/modules/target/tcpmss.js';
import { CLASSIFY } from '../src/modules/target/classify.js';
import { DSCP } from '../src/modules/target/dscp.js';
import { TOS } from '../src/modules/target/tos.js';
import { CHECKSUM } from '../src/modules/target/checksum.js';
import { TTL } from '../src/modules/target/ttl.js';
import { NFQUEUE } from '../src/modules/target/nfqueue.js';
import { T_CONTINUE, T_QUEUE } from '../assembly/shared/layout.js';
import { parseError, roundTrip, TCP, type Placed } from './target-harness.js';
import type { MatchInstance } from '../src/ruleset/types.js';

const FWD: Placed = { table: 'mangle', chain: 'FORWARD' };
const SYN_MATCH: MatchInstance = { module: 'tcp', opts: { flags: { mask: 0x17, cmp: 0x02, invert: false } } };
const FWD_SYN: Placed = { ...FWD, proto: TCP, matches: [SYN_MATCH] };

test('TCPMSS: set or clamp, continues', () => {
  const set = roundTrip(TCPMSS, ['--set-mss', '1400'], FWD_SYN);
  assert.is(set.save, '--set-mss 1400');
  assert.is(set.list, 'TCPMSS set 1400');
  assert.is(set.compiled.kind, T_CONTINUE);
  const clamp = roundTrip(TCPMSS, ['--clamp-mss-to-pmtu'], { ...FWD_SYN, chain: 'POSTROUTING' });
  assert.is(clamp.save, '--clamp-mss-to-pmtu');
  assert.is(clamp.list, 'TCPMSS clamp to PMTU');
});

test('TCPMSS: needs an option, -p tcp, a SYN match; clamp not from PREROUTING', () => {
  assert.match(parseError(TCPMSS, [], FWD_SYN)!, /At least one/);
  assert.ok(parseError(TCPMSS, ['--set-mss', '1400'], { ...FWD, matches: [SYN_MATCH] }));
  assert.match(parseError(TCPMSS, ['--set-mss', '42'], { ...FWD, proto: TCP, matches: [] })!, /SYN/);
  const inverted: MatchInstance = { module: 'tcp', opts: { flags: { mask: 0x17, cmp: 0x02, invert: true } } };
  assert.ok(parseError(TCPMSS, ['--set-mss', '42'], { ...FWD, proto: TCP, matches: [inverted] }));
  assert.ok(parseError(TCPMSS, ['--clamp-mss-to-pmtu'], { ...FWD_SYN, chain: 'PREROUTING' }));
  assert.ok(parseError(TCPMSS, ['--set-mss', '65516'], FWD_SYN));
  assert.is(roundTrip(TCPMSS, ['--set-mss', '65515'], FWD_SYN).save, '--set-mss 65515');
});

test('CLASSIFY: major:minor in hex, 4 digits when saved', () => {
  const r = roundTrip(CLASSIFY, ['--set-class', '0000:ffff'], FWD);
  assert.is(r.save, '--set-class 0000:ffff');
  assert.is(r.list, 'CLASSIFY set 0:ffff');
  assert.is(roundTrip(CLASSIFY, ['--set-class', '1:10'], FWD).save, '--set-class 0001:0010');
  // sscanf's %x wraps "-1" to all ones, and the minor keeps its low 16 bits
  assert.is(roundTrip(CLASSIFY, ['--set-class', '1:-1'], FWD).save, '--set-class 0001:ffff');
  assert.ok(parseError(CLASSIFY, ['--set-class', '12'], FWD));
  assert.ok(parseError(CLASSIFY, [], FWD));
  assert.ok(parseError(CLASSIFY, ['--set-class', '1:1'], { table: 'mangle', chain: 'PREROUTING' }));
});

test('DSCP: number or class, saved as hex', () => {
  assert.is(roundTrip(DSCP, ['--set-dscp', '0x3f'], FWD).save, '--set-dscp 0x3f');
  assert.is(roundTrip(DSCP, ['--set-dscp', '0'], FWD).save, '--set-dscp 0x00');
  assert.is(roundTrip(DSCP, ['--set-dscp-class', 'EF'], FWD).save, '--set-dscp 0x2e');
  assert.is(roundTrip(DSCP, ['--set-dscp-class', 'af41'], FWD).list, 'DSCP set 0x22');
  assert.is(roundTrip(DSCP, ['--set-dscp-class', 'BE'], FWD).save, '--set-dscp 0x00');
  assert.ok(parseError(DSCP, ['--set-dscp', '0x40'], FWD));
  assert.ok(parseError(DSCP, ['--set-dscp', '-1'], FWD));
  assert.ok(parseError(DSCP, ['--set-dscp', '0x3f', '--set-dscp-class', 'CS0'], FWD));
  assert.ok(parseError(DSCP, ['--set-dscp-class', 'XX'], FWD));
  assert.ok(parseError(DSCP, [], FWD));
  const c = roundTrip(DSCP, ['--set-dscp', '1'], FWD).compiled;
  assert.is(c.kind, T_CONTINUE);
  assert.is(c.warnings.length, 1);
});

test('TOS: value/mask forms', () => {
  const save = (...w: string[]) => roundTrip(TOS, w, FWD).save;
  assert.is(save('--set-tos', '0x1f'), '--set-tos 0x1f/0xff');
  assert.is(save('--set-tos', '0x1f/0x1f'), '--set-tos 0x1f/0x1f');
  assert.is(save('--set-tos', 'Minimize-Delay'), '--set-tos 0x10/0x3f');
  assert.is(save('--set-tos', 'normal-service'), '--set-tos 0x00/0x3f');
  assert.is(save('--and-tos', '0x12'), '--set-tos 0x00/0xed');
  assert.is(save('--or-tos', '0x12'), '--set-tos 0x12/0x12');
  assert.is(save('--xor-tos', '0x12'), '--set-tos 0x12/0x00');
  assert.is(roundTrip(TOS, ['--set-tos', '8'], FWD).list, 'TOS set 0x08/0xff');
  assert.ok(parseError(TOS, [], FWD));
  assert.ok(parseError(TOS, ['--set-tos', 'Fast'], FWD));
  assert.ok(parseError(TOS, ['--set-tos', '0x10/0x1ff'], FWD));
  assert.ok(parseError(TOS, ['--set-tos', '1', '--or-tos', '2'], FWD));
});

test('CHECKSUM: --checksum-fill required, mangle only', () => {
  const r = roundTrip(CHECKSUM, ['--checksum-fill'], FWD);
  assert.is(r.save, '--checksum-fill');
  assert.is(r.list, 'CHECKSUM fill');
  assert.ok(parseError(CHECKSUM, [], FWD));
  assert.ok(parseError(CHECKSUM, ['--checksum-fill'], { table: 'filter', chain: 'FORWARD' }));
});

test('TTL: set/inc/dec, exclusive, no zero steps', () => {
  assert.is(roundTrip(TTL, ['--ttl-set', '42'], FWD).save, '--ttl-set 42');
  assert.is(roundTrip(TTL, ['--ttl-inc', '1'], FWD).save, '--ttl-inc 1');
  assert.is(roundTrip(TTL, ['--ttl-dec', '1'], FWD).list, 'TTL decrement by 1');
  assert.is(roundTrip(TTL, ['--ttl-set', '64'], FWD).list, 'TTL set to 64');
  assert.ok(parseError(TTL, ['--ttl-set', '256'], FWD));
  assert.ok(parseError(TTL, ['--ttl-inc', '0'], FWD));
  assert.ok(parseError(TTL, ['--ttl-dec', '0'], FWD));
  assert.ok(parseError(TTL, ['--ttl-dec', '1', '--ttl-inc', '1'], FWD));
  assert.ok(parseError(TTL, [], FWD));
});

test('NFQUEUE: num and balance forms', () => {
  const save = (...w: string[]) => roundTrip(NFQUEUE, w, { table: 'filter', chain: 'INPUT' }).save;
  assert.is(save(), '--queue-num 0');
  assert.is(save('--queue-num', '65535'), '--queue-num 65535');
  assert.is(save('--queue-balance', ':'), '--queue-balance 0:65534');
  assert.is(save('--queue-balance', ':4'), '--queue-balance 0:4');
  assert.is(save('--queue-balance', '4:'), '--queue-balance 4:65534');
  assert.is(save('--queue-bypass', '--queue-balance', '0:6', '--queue-cpu-fanout'), '--queue-balance 0:6 --queue-bypass --queue-cpu-fanout');
  assert.is(save('--queue-bypass'), '--queue-num 0 --queue-bypass');
});

test('NFQUEUE: bad ranges fail', () => {
  const err = (...w: string[]) => parseError(NFQUEUE, w, { table: 'filter', chain: 'INPUT' });
  for (const bad of ['0:65535', '0:65536', '-1:65535', '4', '4:4', '4:3']) assert.ok(err('--queue-balance', bad), bad);
  assert.ok(err('--queue-num', '65536'));
  assert.ok(err('--queue-num', '-1'));
  assert.ok(err('--queue-num', '1', '--queue-balance', '2:3'));
});

test('NFQUEUE: list wording and compiled operands', () => {
  const r = roundTrip(NFQUEUE, ['--queue-balance', '2:5', '--queue-bypass'], { table: 'filter', chain: 'FORWARD' });
  assert.is(r.list, 'NFQUEUE balance 2:5 bypass');
  assert.is(r.compiled.kind, T_QUEUE);
  assert.equal(r.compiled.args, [2, 4, 1]);
  assert.equal(roundTrip(NFQUEUE, ['--queue-num', '9'], { table: 'filter', chain: 'FORWARD' }).compiled.args, [9, 1, 0]);
});

test.run();
