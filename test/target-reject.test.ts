import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REJECT } from '../src/modules/target/reject.js';
import {
  T_REJECT, REJ_ICMP_PORT_UNREACHABLE, REJ_TCP_RESET, REJ_ICMP_HOST_UNREACHABLE,
  REJ_ICMP_ADMIN_PROHIBITED, REJ_ICMP_NET_UNREACHABLE, REJ_ICMP_HOST_PROHIBITED,
} from '../assembly/shared/layout.js';
import { parseError, roundTrip, TCP, UDP, type Placed } from './target-harness.js';

const INPUT: Placed = { table: 'filter', chain: 'INPUT' };

test('default is icmp-port-unreachable, printed explicitly', () => {
  const r = roundTrip(REJECT, [], INPUT);
  assert.is(r.save, '--reject-with icmp-port-unreachable');
  assert.is(r.list, 'reject-with icmp-port-unreachable');
  assert.equal(r.compiled.kind, T_REJECT);
  assert.equal(r.compiled.args, [REJ_ICMP_PORT_UNREACHABLE]);
});

test('every ICMP type saves under its full name', () => {
  for (const name of [
    'icmp-net-unreachable', 'icmp-host-unreachable', 'icmp-port-unreachable', 'icmp-proto-unreachable',
    'icmp-net-prohibited', 'icmp-host-prohibited', 'icmp-admin-prohibited',
  ]) {
    assert.is(roundTrip(REJECT, ['--reject-with', name], INPUT).save, `--reject-with ${name}`);
  }
});

test('aliases and case-insensitive prefixes, first table entry wins', () => {
  const kindOf = (arg: string) => roundTrip(REJECT, ['--reject-with', arg], INPUT).compiled.args![0];
  assert.is(kindOf('host-unreach'), REJ_ICMP_HOST_UNREACHABLE);
  assert.is(kindOf('admin-prohib'), REJ_ICMP_ADMIN_PROHIBITED);
  assert.is(kindOf('ICMP-HOST-PROHIBITED'), REJ_ICMP_HOST_PROHIBITED);
  // "icmp-" is a prefix of the first entry, icmp-net-unreachable
  assert.is(kindOf('icmp-'), REJ_ICMP_NET_UNREACHABLE);
  assert.is(kindOf('host'), REJ_ICMP_HOST_UNREACHABLE);
  assert.is(roundTrip(REJECT, ['--reject-with', 'tcp-rst'], { ...INPUT, proto: TCP }).save, '--reject-with tcp-reset');
});

test('unknown types and echo-reply are refused', () => {
  assert.match(parseError(REJECT, ['--reject-with', 'bogus'], INPUT)!, /unknown reject type "bogus"/);
  assert.match(parseError(REJECT, ['--reject-with', 'echo-reply'], INPUT)!, /no longer supported/);
});

test('tcp-reset needs -p tcp without !', () => {
  assert.is(roundTrip(REJECT, ['--reject-with', 'tcp-reset'], { ...INPUT, proto: TCP }).compiled.args![0], REJ_TCP_RESET);
  assert.ok(parseError(REJECT, ['--reject-with', 'tcp-reset'], INPUT));
  assert.ok(parseError(REJECT, ['--reject-with', 'tcp-reset'], { ...INPUT, proto: UDP }));
  assert.ok(parseError(REJECT, ['--reject-with', 'tcp-reset'], { ...INPUT, proto: { num: 6, invert: true } }));
});

test('filter table only, from INPUT/FORWARD/OUTPUT or user chains', () => {
  for (const chain of ['INPUT', 'FORWARD', 'OUTPUT', 'my-chain']) {
    assert.is(parseError(REJECT, [], { table: 'filter', chain }), undefined);
  }
  assert.match(parseError(REJECT, [], { table: 'mangle', chain: 'INPUT' })!, /filter table/);
  assert.match(parseError(REJECT, [], { table: 'raw', chain: 'PREROUTING' })!, /filter table/);
});

test('--reject-with only once', () => {
  assert.match(parseError(REJECT, ['--reject-with', 'tcp-reset', '--reject-with', 'host-unreach'], { ...INPUT, proto: TCP })!, /only be used once/);
});

test.run();
