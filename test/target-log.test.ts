import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LOG } from '../src/modules/target/log.js';
import { NFLOG } from '../src/modules/target/nflog.js';
import { T_LOG, T_NFLOG } from '../assembly/shared/layout.js';
import { parseError, roundTrip, type Placed } from './target-harness.js';

const INPUT: Placed = { table: 'filter', chain: 'INPUT' };

test('LOG with no options saves nothing and lists flags 0 level 4', () => {
  const r = roundTrip(LOG, [], INPUT);
  assert.is(r.save, '');
  assert.is(r.list, 'LOG flags 0 level 4');
});

test('LOG levels: names become numbers, the default level is omitted', () => {
  assert.is(roundTrip(LOG, ['--log-prefix', 'test: ', '--log-level', 'alert'], INPUT).save, '--log-prefix "test: " --log-level 1');
  assert.is(roundTrip(LOG, ['--log-level', 'warning'], INPUT).save, '');
  assert.is(roundTrip(LOG, ['--log-level', 'panic'], INPUT).save, '--log-level 0');
  assert.is(roundTrip(LOG, ['--log-level', '0x7'], INPUT).save, '--log-level 7');
  assert.match(parseError(LOG, ['--log-level', 'bad'], INPUT)!, /unknown/);
  assert.ok(parseError(LOG, ['--log-level', '8'], INPUT));
  // the name table is looked up exactly
  assert.ok(parseError(LOG, ['--log-level', 'ALERT'], INPUT));
});

test('LOG flags save in iptables order and list as the flag bits', () => {
  const r = roundTrip(LOG, ['--log-uid', '--log-macdecode', '--log-tcp-sequence', '--log-ip-options', '--log-tcp-options'], INPUT);
  assert.is(r.save, '--log-tcp-sequence --log-tcp-options --log-ip-options --log-uid --log-macdecode');
  // TCPSEQ 1 + TCPOPT 2 + IPOPT 4 + UID 8 + MACDECODE 32
  assert.is(r.list, 'LOG flags 47 level 4');
});

test('LOG prefix: quoted when needed, no newline, cut to 29 characters with a warning', () => {
  assert.is(roundTrip(LOG, ['--log-prefix', 'DROP_IN-1'], INPUT).save, '--log-prefix DROP_IN-1');
  assert.is(roundTrip(LOG, ['--log-prefix', 'say "hi"'], INPUT).save, '--log-prefix "say \\"hi\\""');
  assert.is(roundTrip(LOG, ['--log-prefix', 'x: ', '--log-level', '6'], INPUT).list, 'LOG flags 0 level 6 prefix "x: "');
  assert.match(parseError(LOG, ['--log-prefix', 'a\nb'], INPUT)!, /Newlines/);
  assert.ok(parseError(LOG, ['--log-prefix', ''], INPUT));
  const long = roundTrip(LOG, ['--log-prefix', 'abcdefghijklmnopqrstuvwxyz0123456789'], INPUT);
  assert.is(long.save, '--log-prefix abcdefghijklmnopqrstuvwxyz012');
  assert.is(long.warnings.length, 1);
});

test('LOG compiles to T_LOG with the action the formatter needs', () => {
  const r = roundTrip(LOG, ['--log-prefix', 'IN: ', '--log-level', 'debug', '--log-tcp-sequence', '--log-uid'], INPUT);
  assert.is(r.compiled.kind, T_LOG);
  assert.equal(r.compiled.args, [100]);
  assert.equal(r.compiled.actions, [{
    type: 'LOG', prefix: 'IN: ', level: 7, tcpSequence: true, tcpOptions: false, ipOptions: false, uid: true, macDecode: false,
  }]);
});

test('LOG options only once; allowed in any table', () => {
  assert.match(parseError(LOG, ['--log-uid', '--log-uid'], INPUT)!, /only be used once/);
  assert.is(parseError(LOG, [], { table: 'raw', chain: 'PREROUTING' }), undefined);
  assert.is(parseError(LOG, [], { table: 'nat', chain: 'POSTROUTING' }), undefined);
});

test('NFLOG: group 0 and threshold 0 are not printed', () => {
  assert.is(roundTrip(NFLOG, [], INPUT).save, '');
  assert.is(roundTrip(NFLOG, ['--nflog-group', '0'], INPUT).save, '');
  assert.is(roundTrip(NFLOG, ['--nflog-group', '65535'], INPUT).save, '--nflog-group 65535');
  assert.ok(parseError(NFLOG, ['--nflog-group', '65536'], INPUT));
  assert.ok(parseError(NFLOG, ['--nflog-size', '-1'], INPUT));
  assert.ok(parseError(NFLOG, ['--nflog-threshold', '65536'], INPUT));
});

test('NFLOG prints prefix, group, size/range, threshold in that order', () => {
  const r = roundTrip(NFLOG, ['--nflog-threshold', '5', '--nflog-size', '128', '--nflog-group', '2', '--nflog-prefix', 'fw drop'], INPUT);
  assert.is(r.save, '--nflog-prefix "fw drop" --nflog-group 2 --nflog-size 128 --nflog-threshold 5');
  assert.is(r.list, 'nflog-prefix "fw drop" nflog-group 2 nflog-size 128 nflog-threshold 5');
  const range = roundTrip(NFLOG, ['--nflog-range', '4294967295'], INPUT);
  assert.is(range.save, '--nflog-range 4294967295');
  assert.is(range.warnings.length, 1);
  assert.is(roundTrip(NFLOG, ['--nflog-range', '0'], INPUT).save, '');
  assert.is(roundTrip(NFLOG, ['--nflog-size', '0'], INPUT).save, '--nflog-size 0');
  assert.ok(parseError(NFLOG, ['--nflog-range', '1', '--nflog-size', '1'], INPUT));
});

test('NFLOG prefix is cut to 63 characters', () => {
  const r = roundTrip(NFLOG, ['--nflog-prefix', 'x'.repeat(65)], INPUT);
  assert.is(r.save, `--nflog-prefix ${'x'.repeat(63)}`);
});

test('NFLOG compiles to T_NFLOG with group and prefix', () => {
  const r = roundTrip(NFLOG, ['--nflog-group', '3', '--nflog-prefix', 'p'], INPUT);
  assert.is(r.compiled.kind, T_NFLOG);
  assert.equal(r.compiled.args, [100]);
  assert.equal(r.compiled.actions, [{ type: 'NFLOG', group: 3, prefix: 'p' }]);
});

test.run();
