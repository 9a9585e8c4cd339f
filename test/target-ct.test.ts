import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CT, NOTRACK } from '../src/modules/target/ct.js';
import { TRACE } from '../src/modules/target/trace.js';
import { T_CT, T_NOTRACK, T_TRACE, CTT_NOTRACK, CTT_HELPER, CTT_ZONE, HELPER_FTP } from '../assembly/shared/layout.js';
import { parseError, roundTrip, TCP, UDP, type Placed } from './target-harness.js';

const RAW: Placed = { table: 'raw', chain: 'PREROUTING' };
const RAW_TCP: Placed = { ...RAW, proto: TCP };

test('CT --notrack', () => {
  const r = roundTrip(CT, ['--notrack'], RAW);
  assert.is(r.save, '--notrack');
  assert.is(r.list, 'CT notrack');
  assert.is(r.compiled.kind, T_CT);
  assert.equal(r.compiled.args, [CTT_NOTRACK, 0, 0]);
});

test('CT with no options loads and prints nothing', () => {
  const r = roundTrip(CT, [], RAW);
  assert.is(r.save, '');
  assert.is(r.list, 'CT');
});

test('CT events print in the kernel table order', () => {
  const r = roundTrip(CT, ['--ctevents', 'mark,new,related,destroy,reply,assured,protoinfo,helper'], RAW);
  assert.is(r.save, '--ctevents new,related,destroy,reply,assured,protoinfo,helper,mark');
  assert.is(roundTrip(CT, ['--expevents', 'new'], RAW).save, '--expevents new');
  assert.match(parseError(CT, ['--ctevents', 'new,bogus'], RAW)!, /Unknown event type "bogus"/);
  assert.ok(parseError(CT, ['--expevents', 'related'], RAW));
});

test('CT zones: 0 vanishes, 65535 is the top, mark and directions print', () => {
  assert.is(roundTrip(CT, ['--zone', '0'], RAW).save, '');
  assert.is(roundTrip(CT, ['--zone', '65535'], RAW).save, '--zone 65535');
  assert.ok(parseError(CT, ['--zone', '65536'], RAW));
  assert.ok(parseError(CT, ['--zone', '-1'], RAW));
  assert.is(roundTrip(CT, ['--zone-orig', '5'], RAW).save, '--zone-orig 5');
  assert.is(roundTrip(CT, ['--zone', 'mark'], RAW).save, '--zone mark');
  const zone = roundTrip(CT, ['--zone', '7'], RAW).compiled;
  assert.equal(zone.args, [CTT_ZONE, 0, 7]);
});

test('CT --helper ftp sets the FTP helper; needs -p tcp', () => {
  const r = roundTrip(CT, ['--helper', 'ftp'], RAW_TCP);
  assert.is(r.save, '--helper ftp');
  assert.is(r.list, 'CT helper ftp');
  assert.equal(r.compiled.args, [CTT_HELPER, HELPER_FTP, 0]);
  assert.is(r.compiled.warnings.length, 0);
  assert.match(parseError(CT, ['--helper', 'ftp'], RAW)!, /L4 protocol/);
  assert.ok(parseError(CT, ['--helper', 'ftp'], { ...RAW, proto: { num: 6, invert: true } }));
  assert.ok(parseError(CT, ['--helper', 'ftp'], { ...RAW, proto: UDP }));
});

test('CT with another helper warns and assigns none', () => {
  const r = roundTrip(CT, ['--helper', 'sip'], { ...RAW, proto: UDP });
  assert.equal(r.compiled.args, [0, 0, 0]);
  assert.is(r.compiled.warnings.length, 1);
});

test('CT save order: notrack, helper, ctevents, expevents, zone, timeout', () => {
  const r = roundTrip(CT, ['--timeout', 'slow', '--zone', '3', '--expevents', 'new', '--ctevents', 'new', '--helper', 'ftp'], RAW_TCP);
  assert.is(r.save, '--helper ftp --ctevents new --expevents new --zone 3 --timeout slow');
  assert.ok(r.compiled.warnings.some((w) => /timeout/.test(w)));
});

test('CT --notrack excludes the other options; raw table PREROUTING/OUTPUT only', () => {
  assert.ok(parseError(CT, ['--notrack', '--zone', '1'], RAW));
  assert.ok(parseError(CT, ['--notrack', '--notrack'], RAW));
  assert.is(parseError(CT, ['--notrack'], { table: 'raw', chain: 'OUTPUT' }), undefined);
  assert.match(parseError(CT, ['--notrack'], { table: 'mangle', chain: 'PREROUTING' })!, /raw table/);
});

test('NOTRACK saves as -j NOTRACK and compiles to T_NOTRACK', () => {
  const r = roundTrip(NOTRACK, [], RAW);
  assert.is(r.save, '');
  assert.is(r.list, 'NOTRACK');
  assert.is(r.compiled.kind, T_NOTRACK);
  assert.ok(parseError(NOTRACK, [], { table: 'filter', chain: 'INPUT' }));
});

test('TRACE: raw only, nothing printed', () => {
  const r = roundTrip(TRACE, [], { table: 'raw', chain: 'OUTPUT' });
  assert.is(r.save, '');
  assert.is(r.compiled.kind, T_TRACE);
  assert.ok(parseError(TRACE, [], { table: 'filter', chain: 'INPUT' }));
});

test.run();
