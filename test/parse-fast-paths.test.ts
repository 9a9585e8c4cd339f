// The parser's allocation-free readers (numbers, dotted addresses, unquoted words, line search)
// against straightforward reference versions written from the same C semantics, on random text
// drawn from the characters that matter to them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rng } from '../bench/generate.js';
import { parseDotted, strtoulBase0 } from '../src/ruleset/address.js';
import { splitRestoreWords } from '../src/ruleset/lexer.js';
import { someLine, splitLines } from '../src/ruleset/parse-save.js';
import { parseXtUint, parseXtUintPrefix } from '../src/modules/target/xt-number.js';

const random = rng(20261121);

function randomText(alphabet: string, maxLength: number): string {
  const length = Math.floor(random() * (maxLength + 1));
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

/** C strtoul(text, &end, 0) consuming all of the text, by pattern. */
function strtoulReference(text: string): number | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^0[0-7]*$/.test(text)) return parseInt(text, 8);
  if (/^[1-9][0-9]*$/.test(text)) return Number(text);
  return undefined;
}

function dottedReference(text: string, isMask: boolean): number | undefined {
  const parts = text.split('.');
  if (parts.length > 4 || (isMask && parts.length !== 4)) return undefined;
  let value = 0;
  for (let i = 0; i < 4; i++) {
    const b = i < parts.length ? strtoulReference(parts[i]) : 0;
    if (b === undefined || b > 255) return undefined;
    value = value * 256 + b;
  }
  return value >>> 0;
}

const NUMBER_CHARS = '0123456789abcdefxXg+- ';

test('strtoulBase0 reads every base-0 form like C, and refuses the rest', () => {
  for (const text of ['0', '00', '007', '08', '0x', '0x1F', '0XfF', '0xg', '1', '255', '256', '', '+1', ' 1', '-1', '1a', '99999999999999999999', '0x123456789abcdef0']) {
    assert.is(strtoulBase0(text), strtoulReference(text), JSON.stringify(text));
  }
  for (let i = 0; i < 20000; i++) {
    const text = randomText(NUMBER_CHARS, i % 3 === 0 ? 20 : 5);
    assert.is(strtoulBase0(text), strtoulReference(text), JSON.stringify(text));
  }
});

test('parseDotted completes short forms, needs four parts for a mask, refuses bad parts', () => {
  for (const text of ['10.0.0.1', '10/8', '10', '10.1', '1.2.3.4.5', '1.2.3.', '.1.2.3', '', '0x0a.0.0.010', '255.255.255.256', '1..2']) {
    for (const isMask of [false, true]) assert.is(parseDotted(text, isMask), dottedReference(text, isMask), JSON.stringify(text));
  }
  for (let i = 0; i < 20000; i++) {
    const text = randomText('0123456789.x', 14);
    const isMask = i % 2 === 0;
    assert.is(parseDotted(text, isMask), dottedReference(text, isMask), JSON.stringify(text));
  }
});

test('parseXtUint: plain decimals read directly agree with the strtoui reading', () => {
  for (let i = 0; i < 20000; i++) {
    const text = randomText('0123456789x+- ', i % 4 === 0 ? 18 : 6);
    const max = [0xff, 0xffff, 0xffffffff][i % 3];
    const min = i % 5 === 0 ? 10 : 0;
    const prefix = parseXtUintPrefix(text, max, min);
    assert.is(parseXtUint(text, max, min), prefix && prefix.rest === '' ? prefix.value : undefined, JSON.stringify(text));
  }
});

test('unquoted restore lines split on blanks exactly as the quoting reader splits them', () => {
  // The quoting reader runs when a line has a quote: append one as its own final word and drop it.
  for (let i = 0; i < 5000; i++) {
    const line = randomText('ab-1 \t\r', 30);
    const quoted = splitRestoreWords(`${line} ""`);
    assert.equal(splitRestoreWords(line), quoted.slice(0, -1), JSON.stringify(line));
  }
});

test('someLine finds a line exactly when splitLines has it', () => {
  const isTable = (l: string) => l.startsWith('*');
  for (let i = 0; i < 5000; i++) {
    const text = randomText('*a\r\n', 12);
    assert.is(someLine(text, isTable), splitLines(text).some(isTable), JSON.stringify(text));
    const seen: string[] = [];
    someLine(text, (l) => (seen.push(l), false));
    // every line is offered, plus the empty text after a final line end
    assert.equal(seen.filter((l, k) => k < splitLines(text).length), splitLines(text), JSON.stringify(text));
  }
});

test.run();
