import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DNAT, MASQUERADE, REDIRECT, SNAT } from '../src/modules/target/nat.js';
import { NETMAP } from '../src/modules/target/netmap.js';
import { T_NAT } from '../assembly/shared/layout.js';
import { parseError, roundTrip, TCP, UDP, type Placed } from './target-harness.js';

const PRE: Placed = { table: 'nat', chain: 'PREROUTING' };
const PRE_TCP: Placed = { ...PRE, proto: TCP };
const POST: Placed = { table: 'nat', chain: 'POSTROUTING' };

test('DNAT addresses and port ranges', () => {
  const save = (where: Placed, to: string) => roundTrip(DNAT, ['--to-destination', to], where).save;
  assert.is(save(PRE, '1.1.1.1'), '--to-destination 1.1.1.1');
  assert.is(save(PRE, '1.1.1.1-1.1.1.10'), '--to-destination 1.1.1.1-1.1.1.10');
  assert.is(save(PRE_TCP, '1.1.1.1-1.1.1.10:1025-65535'), '--to-destination 1.1.1.1-1.1.1.10:1025-65535');
  assert.is(save(PRE_TCP, '1.1.1.1:1000-2000/3000'), '--to-destination 1.1.1.1:1000-2000/3000');
  assert.is(save(PRE_TCP, '1.1.1.1:80-80'), '--to-destination 1.1.1.1:80');
  assert.is(save(PRE_TCP, ':8080'), '--to-destination :8080');
});

test('DNAT service names: first port and base only', () => {
  const save = (to: string) => roundTrip(DNAT, ['--to-destination', to], PRE_TCP).save;
  assert.is(save('1.1.1.1:ssh'), '--to-destination 1.1.1.1:22');
  assert.is(save('1.1.1.1:ftp-data'), '--to-destination 1.1.1.1:20');
  assert.is(save('1.1.1.1:10-20/ftp'), '--to-destination 1.1.1.1:10-20/21');
  assert.ok(parseError(DNAT, ['--to-destination', '1.1.1.1:echo-ssh'], PRE_TCP));
  assert.ok(parseError(DNAT, ['--to-destination', '1.1.1.1:10-ssh'], PRE_TCP));
});

test('DNAT failures: ports without -p, bad ranges, repeats, missing option', () => {
  const err = (where: Placed, ...w: string[]) => parseError(DNAT, w, where);
  assert.match(err(PRE, '--to-destination', '1.1.1.1:1025-65535')!, /Need TCP, UDP/);
  assert.ok(err(PRE_TCP, '--to-destination', '1.1.1.1:1025-65536'));
  assert.ok(err(PRE_TCP, '--to-destination', '1.1.1.1:2000-1000'));
  assert.ok(err(PRE_TCP, '--to-destination', '1.1.1.1:1000-2000/0'));
  assert.ok(err(PRE_TCP, '--to-destination', '1.1.1.1:1000-2000/65536'));
  assert.ok(err(PRE_TCP, '--to-destination', '1.1.1.1:80:81'));
  assert.ok(err(PRE, '--to-destination', '1.1.1.1', '--to-destination', '2.2.2.2'));
  assert.ok(err(PRE, '--to-destination', '1.1.1.256'));
  assert.ok(err(PRE, '--to-destination', '01.1.1.1'));
  assert.ok(err(PRE, '--to-destination', '[1.1.1.1]'));
  assert.match(err(PRE)!, /must be specified/);
});

test('DNAT placement: nat PREROUTING/OUTPUT', () => {
  assert.is(parseError(DNAT, ['--to-destination', '1.1.1.1'], { table: 'nat', chain: 'OUTPUT' }), undefined);
  assert.is(parseError(DNAT, ['--to-destination', '1.1.1.1'], { table: 'nat', chain: 'port-forwards' }), undefined);
  assert.match(parseError(DNAT, ['--to-destination', '1.1.1.1'], POST)!, /PREROUTING\/OUTPUT/);
  assert.match(parseError(DNAT, ['--to-destination', '1.1.1.1'], { table: 'filter', chain: 'FORWARD' })!, /nat table/);
});

test('DNAT lists as to:… and compiles to T_NAT with a warning', () => {
  const r = roundTrip(DNAT, ['--persistent', '--to-destination', '10.0.0.1:80', '--random'], PRE_TCP);
  assert.is(r.save, '--to-destination 10.0.0.1:80 --random --persistent');
  assert.is(r.list, 'to:10.0.0.1:80 random persistent');
  assert.is(r.compiled.kind, T_NAT);
  assert.match(r.compiled.warnings[0], /not evaluated yet/);
});

test('SNAT flags in fixed order; INPUT and POSTROUTING only', () => {
  const r = roundTrip(SNAT, ['--to-source', '1.1.1.1', '--persistent', '--random-fully', '--random'], POST);
  assert.is(r.save, '--to-source 1.1.1.1 --random --random-fully --persistent');
  assert.is(parseError(SNAT, ['--to-source', '1.1.1.1'], { table: 'nat', chain: 'INPUT' }), undefined);
  assert.ok(parseError(SNAT, ['--to-source', '1.1.1.1'], PRE));
  assert.ok(parseError(SNAT, ['--to-source', '1.1.1.1:1025-65535'], POST));
  assert.is(roundTrip(SNAT, ['--to-source', '1.1.1.1:1025-65535'], { ...POST, proto: UDP }).save, '--to-source 1.1.1.1:1025-65535');
  assert.ok(parseError(SNAT, [], POST));
});

test('MASQUERADE: ports need -p, list as masq ports', () => {
  assert.is(roundTrip(MASQUERADE, [], POST).save, '');
  assert.is(roundTrip(MASQUERADE, ['--random-fully'], POST).save, '--random-fully');
  const r = roundTrip(MASQUERADE, ['--to-ports', '1024-65535'], { ...POST, proto: UDP });
  assert.is(r.save, '--to-ports 1024-65535');
  assert.is(r.list, 'masq ports: 1024-65535');
  assert.ok(parseError(MASQUERADE, ['--to-ports', '1024-65536'], { ...POST, proto: UDP }));
  assert.ok(parseError(MASQUERADE, ['--to-ports', '-1'], { ...POST, proto: UDP }));
  assert.ok(parseError(MASQUERADE, ['--to-ports', '1024'], POST));
  assert.ok(parseError(MASQUERADE, [], { table: 'nat', chain: 'OUTPUT' }));
});

test('REDIRECT: single port collapses, no shifted ranges', () => {
  const save = (ports: string, where: Placed = PRE_TCP) => roundTrip(REDIRECT, ['--to-ports', ports], where).save;
  assert.is(save('0-0'), '--to-ports 0');
  assert.is(save('512-512'), '--to-ports 512');
  assert.is(save('42-1234'), '--to-ports 42-1234');
  assert.is(save('ssh'), '--to-ports 22');
  assert.is(roundTrip(REDIRECT, ['--to-ports', '42', '--random'], PRE_TCP).list, 'redir ports 42 random');
  assert.match(parseError(REDIRECT, ['--to-ports', '42-1234/567'], PRE_TCP)!, /Shifted/);
  assert.ok(parseError(REDIRECT, ['--to-ports', 'ftp-ssh'], PRE_TCP));
  assert.ok(parseError(REDIRECT, ['--to-ports', '42'], PRE));
  assert.is(roundTrip(REDIRECT, ['--random'], PRE).save, '--random');
});

test('NETMAP: network with prefix, host becomes /32', () => {
  assert.is(roundTrip(NETMAP, ['--to', '1.2.3.0/24'], PRE).save, '--to 1.2.3.0/24');
  assert.is(roundTrip(NETMAP, ['--to', '1.2.3.4'], POST).save, '--to 1.2.3.4/32');
  // host bits are cleared by the mask
  const r = roundTrip(NETMAP, ['--to', '10.9.8.7/16'], { table: 'nat', chain: 'INPUT' });
  assert.is(r.save, '--to 10.9.0.0/16');
  assert.is(r.list, '10.9.0.0/16');
  assert.is(r.compiled.kind, T_NAT);
  assert.ok(parseError(NETMAP, ['--to', '1.2.3.0/33'], PRE));
  assert.ok(parseError(NETMAP, ['--to', '1.2.3.0/255.255.255.0'], PRE));
  assert.ok(parseError(NETMAP, [], PRE));
  assert.ok(parseError(NETMAP, ['--to', '1.2.3.0/24'], { table: 'mangle', chain: 'PREROUTING' }));
});

test.run();
