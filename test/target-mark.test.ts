import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MARK } from '../src/modules/target/mark.js';
import { CONNMARK } from '../src/modules/target/connmark.js';
import { T_MARK, T_CONNMARK, CM_SET, CM_SAVE, CM_RESTORE } from '../assembly/shared/layout.js';
import { parseError, roundTrip, type Placed } from './target-harness.js';

const FWD: Placed = { table: 'mangle', chain: 'FORWARD' };

test('MARK: every form saves as --set-xmark value/mask', () => {
  const save = (...w: string[]) => roundTrip(MARK, w, FWD).save;
  assert.is(save('--set-xmark', '0xfeedcafe/0xfeedcafe'), '--set-xmark 0xfeedcafe/0xfeedcafe');
  assert.is(save('--set-xmark', '0x0'), '--set-xmark 0x0/0xffffffff');
  assert.is(save('--set-xmark', '4294967295'), '--set-xmark 0xffffffff/0xffffffff');
  assert.is(save('--set-mark', '1'), '--set-xmark 0x1/0xffffffff');
  // --set-mark v/m clears m and ORs v: mask = v | m
  assert.is(save('--set-mark', '0x10/0x0f'), '--set-xmark 0x10/0x1f');
  assert.is(save('--and-mark', '0xff'), '--set-xmark 0x0/0xffffff00');
  assert.is(save('--or-mark', '0x4'), '--set-xmark 0x4/0x4');
  assert.is(save('--xor-mark', '010'), '--set-xmark 0x8/0x0');
});

test('MARK: -L wording', () => {
  const list = (...w: string[]) => roundTrip(MARK, w, FWD).list;
  assert.is(list('--set-mark', '5'), 'MARK set 0x5');
  assert.is(list('--and-mark', '0xf0'), 'MARK and 0xf0');
  assert.is(list('--or-mark', '0x3'), 'MARK or 0x3');
  assert.is(list('--xor-mark', '0x3'), 'MARK xor 0x3');
  assert.is(list('--set-xmark', '0x1/0x3'), 'MARK xset 0x1/0x3');
});

test('MARK: compiles to (mark & ~mask) ^ value operands', () => {
  const c = roundTrip(MARK, ['--set-mark', '0x10/0xf0'], FWD).compiled;
  assert.is(c.kind, T_MARK);
  assert.equal(c.args, [0xf0, 0x10]);
  assert.equal(roundTrip(MARK, ['--and-mark', '0xff'], FWD).compiled.args, [0xffffff00, 0]);
});

test('MARK: bad values, missing and repeated options fail', () => {
  assert.ok(parseError(MARK, ['--set-xmark', '4294967296'], FWD));
  assert.ok(parseError(MARK, ['--set-xmark', '-1'], FWD));
  assert.ok(parseError(MARK, ['--set-xmark', '1/x'], FWD));
  assert.ok(parseError(MARK, ['--set-xmark', '1z'], FWD));
  assert.match(parseError(MARK, [], FWD)!, /required/);
  assert.ok(parseError(MARK, ['--set-mark', '1', '--or-mark', '2'], FWD));
  assert.ok(parseError(MARK, ['--set-mark', '1', '--set-mark', '2'], FWD));
  assert.is(parseError(MARK, ['--set-mark', '1'], { table: 'filter', chain: 'INPUT' }), undefined);
});

test('CONNMARK: save/restore print both masks', () => {
  assert.is(roundTrip(CONNMARK, ['--restore-mark'], FWD).save, '--restore-mark --nfmask 0xffffffff --ctmask 0xffffffff');
  assert.is(roundTrip(CONNMARK, ['--save-mark'], FWD).save, '--save-mark --nfmask 0xffffffff --ctmask 0xffffffff');
  assert.is(roundTrip(CONNMARK, ['--save-mark', '--nfmask', '0xfffffff', '--ctmask', '0xffffffff'], FWD).save,
    '--save-mark --nfmask 0xfffffff --ctmask 0xffffffff');
  assert.is(roundTrip(CONNMARK, ['--restore-mark', '--mask', '0xff'], FWD).save, '--restore-mark --nfmask 0xff --ctmask 0xff');
});

test('CONNMARK: -L wording', () => {
  const list = (...w: string[]) => roundTrip(CONNMARK, w, FWD).list;
  assert.is(list('--save-mark'), 'CONNMARK save');
  assert.is(list('--restore-mark', '--mask', '0xff'), 'CONNMARK restore mask 0xff');
  assert.is(list('--save-mark', '--nfmask', '0xf', '--ctmask', '0xff'), 'CONNMARK save nfmask 0xf ctmask ~0xff');
  assert.is(list('--restore-mark', '--nfmask', '0xf', '--ctmask', '0xff'), 'CONNMARK restore ctmask 0xff nfmask ~0xf');
  assert.is(list('--set-mark', '7'), 'CONNMARK set 0x7');
  assert.is(list('--set-xmark', '0x1/0x3'), 'CONNMARK xset 0x1/0x3');
  assert.is(list('--and-mark', '0xf'), 'CONNMARK and 0xf');
});

test('CONNMARK: set forms save as --set-xmark; later --ctmask overrides', () => {
  assert.is(roundTrip(CONNMARK, ['--set-mark', '0x2/0x2'], FWD).save, '--set-xmark 0x2/0x2');
  assert.is(roundTrip(CONNMARK, ['--or-mark', '0x8'], FWD).save, '--set-xmark 0x8/0x8');
  assert.is(roundTrip(CONNMARK, ['--set-xmark', '0x1/0x3', '--ctmask', '0xf'], FWD).save, '--set-xmark 0x1/0xf');
});

test('CONNMARK: shift options are printed when not zero', () => {
  const r = roundTrip(CONNMARK, ['--save-mark', '--left-shift-mark', '8'], FWD);
  assert.is(r.save, '--save-mark --nfmask 0xffffffff --ctmask 0xffffffff --left-shift-mark 8');
  assert.is(r.list, 'CONNMARK save left-shift-mark 8');
  assert.is(r.compiled.warnings.length, 1);
  assert.ok(parseError(CONNMARK, ['--save-mark', '--right-shift-mark', '33'], FWD));
});

test('CONNMARK: compile operands per mode', () => {
  const set = roundTrip(CONNMARK, ['--set-xmark', '0x5/0xf'], FWD).compiled;
  assert.is(set.kind, T_CONNMARK);
  assert.equal(set.args, [CM_SET, 0x5, 0xf, 0]);
  assert.equal(roundTrip(CONNMARK, ['--save-mark', '--nfmask', '0xf', '--ctmask', '0xff'], FWD).compiled.args, [CM_SAVE, 0xff, 0xf, 0]);
  assert.equal(roundTrip(CONNMARK, ['--restore-mark', '--nfmask', '0xf', '--ctmask', '0xff'], FWD).compiled.args, [CM_RESTORE, 0xff, 0xf, 0]);
});

test('CONNMARK: needs one operation; --mask excludes --ctmask/--nfmask', () => {
  assert.match(parseError(CONNMARK, [], FWD)!, /No operation/);
  assert.ok(parseError(CONNMARK, ['--mask', '1'], FWD));
  assert.ok(parseError(CONNMARK, ['--save-mark', '--restore-mark'], FWD));
  assert.ok(parseError(CONNMARK, ['--save-mark', '--mask', '1', '--ctmask', '2'], FWD));
});

test.run();
