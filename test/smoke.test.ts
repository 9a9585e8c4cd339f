import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCidr, formatCidr } from '../src/ruleset/names.js';
test('cidr round trip', () => {
  const c = parseCidr('10.1.2.3/8')!;
  assert.is(formatCidr(c.addr, c.mask), '10.0.0.0/8');
});
test.run();
