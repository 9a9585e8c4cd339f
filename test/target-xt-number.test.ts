import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseXtUint, parseXtUintPrefix, hex, hex2 } from '../src/modules/target/xt-number.js';
import { saveString, storeFixedString } from '../src/modules/target/xt-string.js';

test('base 0: decimal, hex, octal', () => {
  assert.is(parseXtUint('42', 255), 42);
  assert.is(parseXtUint('0x2a', 255), 42);
  assert.is(parseXtUint('0X2A', 255), 42);
  assert.is(parseXtUint('052', 255), 42);
  assert.is(parseXtUint('0', 255), 0);
  assert.is(parseXtUint('+7', 255), 7);
  assert.is(parseXtUint(' 7', 255), 7);
});

test('refused: minus, empty, garbage, out of range', () => {
  assert.is(parseXtUint('-1', 255), undefined);
  assert.is(parseXtUint(' -1', 255), undefined);
  assert.is(parseXtUint('', 255), undefined);
  assert.is(parseXtUint('x', 255), undefined);
  assert.is(parseXtUint('256', 255), undefined);
  assert.is(parseXtUint('4294967296', 0xffffffff), undefined);
  assert.is(parseXtUint('4294967295', 0xffffffff), 4294967295);
  assert.is(parseXtUint('0', 255, 1), undefined);
  assert.is(parseXtUint('12z', 255), undefined);
  // "08": strtoumax reads the octal 0 and stops at 8
  assert.is(parseXtUint('08', 255), undefined);
  assert.equal(parseXtUintPrefix('08', 255), { value: 0, rest: '8' });
  assert.is(parseXtUint('99999999999999999999999', 0xffffffff), undefined);
});

test('prefix form returns the rest', () => {
  assert.equal(parseXtUintPrefix('0x10/0xff', 0xffffffff), { value: 16, rest: '/0xff' });
  // "0x" without hex digits is the number 0 followed by "x"
  assert.equal(parseXtUintPrefix('0xg', 255), { value: 0, rest: 'xg' });
});

test('hex printers', () => {
  assert.is(hex(0), '0x0');
  assert.is(hex(-1), '0xffffffff');
  assert.is(hex2(5), '0x05');
});

test('xtables_save_string quoting', () => {
  assert.is(saveString('plain_word-1'), 'plain_word-1');
  assert.is(saveString('test: '), '"test: "');
  assert.is(saveString(''), '""');
  assert.is(saveString(`a"b\\c'd`), `"a\\"b\\\\c\\'d"`);
});

test('fixed-size strings are cut to size-1 bytes', () => {
  assert.equal(storeFixedString('abc', 4), { stored: 'abc', truncated: false });
  assert.equal(storeFixedString('abcd', 4), { stored: 'abc', truncated: true });
  // a two-byte character straddling the cut is dropped whole
  assert.equal(storeFixedString('abé', 4), { stored: 'ab', truncated: true });
});

test.run();
