// iprange, mac, comment, length, ttl, pkttype, addrtype, owner, tos, dscp: texts from the
// iptables print/save functions, hook and option checks, compiled tests.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compiled, FD, listed, refusal, saved } from './match-support.js';

test('iprange: ranges, single addresses, invert', () => {
  assert.is(saved('-m iprange --src-range 10.0.0.1-10.0.0.9 ! --dst-range 192.0.2.7'), '-m iprange --src-range 10.0.0.1-10.0.0.9 ! --dst-range 192.0.2.7-192.0.2.7');
  assert.is(listed('-m iprange ! --src-range 10.0.0.1-10.0.0.9'), 'source IP range ! 10.0.0.1-10.0.0.9');
  assert.equal(compiled('-m iprange --dst-range 10.0.0.1-10.0.0.9').ops, [`IPRANGE ${FD.DST} ${0x0a000001} ${0x0a000009}`]);
  assert.equal(compiled('-m iprange ! --src-range 1.2.3.4').ops, [`!IPRANGE ${FD.SRC} ${0x01020304} ${0x01020304}`]);
  assert.match(refusal('-m iprange'), /You must specify `--src-range' or `--dst-range'/);
  assert.match(refusal('-m iprange --src-range 10.0.0.1-10.0.0.300'), /bad address/);
  assert.match(refusal('-m iprange --src-range gateway.example-10.0.0.1'), /cannot be resolved offline/);
});

test('mac: upper-case hex, input hooks only', () => {
  assert.is(saved('-m mac --mac-source 0:1b:a:ff:fe:e', { chain: 'FORWARD' }), '-m mac --mac-source 00:1B:0A:FF:FE:0E');
  assert.is(listed('-m mac ! --mac-source aa:bb:cc:dd:ee:ff'), 'MAC ! AA:BB:CC:DD:EE:FF');
  assert.equal(compiled('-m mac --mac-source 00:1b:0a:ff:fe:0e').ops, [`MAC ${0x001b0aff} ${0xfe0e}`]);
  assert.match(refusal('-m mac --mac-source 00:1b:0a:ff:fe:0e', { chain: 'OUTPUT' }), /mac match: not valid in OUTPUT/);
  assert.match(refusal('-m mac --mac-source 001b:0a:ff:fe:0e'), /Bad value/);
});

test('comment: quoted only when needed, never compiled', () => {
  assert.is(saved('-m comment --comment "allow ssh" -j ACCEPT'), '-m comment --comment "allow ssh" -j ACCEPT');
  assert.is(saved('-m comment --comment web_1-a'), '-m comment --comment web_1-a');
  assert.is(saved('-m comment --comment "say \\"hi\\" it\'s"'), '-m comment --comment "say \\"hi\\" it\\\'s"');
  assert.is(listed('-m comment --comment "allow ssh"'), '/* allow ssh */');
  assert.equal(compiled('-m comment --comment x').ops, []);
  assert.match(refusal(`-m comment --comment ${'y'.repeat(256)}`), /too long/);
});

test('length and ttl', () => {
  assert.is(saved('-m length ! --length 1000:'), '-m length ! --length 1000:65535');
  assert.is(listed('-m length ! --length 0:100'), 'length !0:100');
  assert.equal(compiled('-m length --length 40:60').ops, [`RANGE ${FD.IPLEN} 40 60`]);
  assert.is(saved('-m ttl ! --ttl-eq 64'), '-m ttl ! --ttl-eq 64');
  assert.is(listed('-m ttl --ttl-lt 5'), 'TTL match TTL < 5');
  assert.is(listed('-m ttl ! --ttl-eq 5'), 'TTL match TTL != 5');
  assert.equal(compiled('-m ttl --ttl-gt 10').ops, [`RANGE ${FD.TTL} 11 255`]);
  assert.equal(compiled('-m ttl --ttl-lt 10').ops, [`RANGE ${FD.TTL} 0 9`]);
  assert.equal(compiled('-m ttl ! --ttl-eq 1').ops, [`!RANGE ${FD.TTL} 1 1`]);
  assert.equal(compiled('-m ttl --ttl-lt 0').ops, ['FAIL']);
  assert.equal(compiled('-m ttl --ttl-gt 255').ops, ['FAIL']);
  assert.match(refusal('-m ttl --ttl-eq 1 --ttl-gt 2'), /cannot be combined/);
  assert.match(refusal('-m ttl ! --ttl-lt 2'), /cannot be inverted/);
});

test('pkttype: names and aliases', () => {
  assert.is(saved('-m pkttype --pkt-type BCAST'), '-m pkttype --pkt-type broadcast');
  assert.is(listed('-m pkttype ! --pkt-type host'), 'PKTTYPE != unicast');
  assert.equal(compiled('-m pkttype --pkt-type multicast').ops, [`ANYBIT ${FD.PKTTYPE} 4`]);
  assert.match(refusal('-m pkttype --pkt-type otherhost'), /Bad packet type/);
});

test('addrtype: type lists in RTN order, limits and their hooks', () => {
  assert.is(saved('-m addrtype ! --dst-type broadcast,LOC --src-type unicast'), '-m addrtype --src-type UNICAST ! --dst-type LOCAL,BROADCAST');
  assert.is(listed('-m addrtype --src-type LOCAL ! --dst-type LOCAL --limit-iface-in'), 'ADDRTYPE match src-type LOCAL dst-type !LOCAL limit-in');
  // AT_SRC 1 | AT_DST 2 | AT_DST_INV 8 | AT_LIMIT_IN 16; LOCAL = 1 << 2
  assert.equal(compiled('-m addrtype --src-type LOCAL ! --dst-type LOCAL --limit-iface-in').ops, ['ADDRTYPE 27 4 4']);
  assert.equal(compiled('-m addrtype --dst-type BLACKHOLE,UNREACHABLE,PROHIBIT', { chain: 'FORWARD' }).ops, ['ADDRTYPE 2 0 448']);
  assert.match(refusal('-m addrtype --dst-type LOCAL --limit-iface-out'), /not valid in INPUT/);
  assert.match(refusal('-m addrtype --dst-type LOCAL --limit-iface-in', { chain: 'OUTPUT' }), /not valid in OUTPUT/);
  assert.is(saved('-m addrtype --dst-type LOCAL --limit-iface-out', { chain: 'FORWARD' }), '-m addrtype --dst-type LOCAL --limit-iface-out');
  assert.match(refusal('-m addrtype --dst-type LOCAL,HOME'), /bad type "HOME"/);
});

test('owner: ids and ranges, names offline, OUTPUT/POSTROUTING only', () => {
  const where = { chain: 'OUTPUT' };
  assert.is(saved('-m owner --gid-owner 100-200 --suppl-groups ! --uid-owner root --socket-exists', where), '-m owner --socket-exists ! --uid-owner 0 --gid-owner 100-200 --suppl-groups');
  assert.is(listed('-m owner ! --socket-exists --uid-owner 1000:1999', where), '! owner socket exists owner UID match 1000-1999');
  // OW_UID 1 | OW_UID_INV 2 | OW_GID 4
  assert.equal(compiled('-m owner ! --uid-owner 33 --gid-owner 5-6', where).ops, ['OWNER 7 33 33 5 6']);
  assert.equal(compiled('-m owner ! --socket-exists', where).ops, ['OWNER 48 0 0 0 0']);
  assert.match(refusal('-m owner --uid-owner www-data', where), /cannot be resolved offline/);
  assert.match(refusal('-m owner --uid-owner 0', { chain: 'INPUT' }), /owner match: not valid in INPUT/);
  assert.match(refusal('-m owner --suppl-groups --gid-owner 1', where), /--gid-owner first/);
  assert.match(refusal('-m owner', where), /At least one of/);
  assert.match(refusal('-m owner --uid-owner 4294967295', where), /Bad value/);
});

test('tos and dscp', () => {
  assert.is(saved('-m tos --tos Minimize-Delay'), '-m tos --tos 0x10/0x3f');
  assert.is(saved('-m tos ! --tos 0x08'), '-m tos ! --tos 0x08/0xff');
  assert.is(listed('-m tos --tos 0x10/0x3f'), 'tos match0x10/0x3f');
  assert.equal(compiled('-m tos --tos 0x10/0x3f').ops, [`MASKEQ ${FD.TOS} 63 16`]);
  assert.is(saved('-m dscp --dscp-class AF41'), '-m dscp --dscp 0x22');
  assert.is(listed('-m dscp ! --dscp 46'), 'DSCP match !0x2e');
  assert.equal(compiled('-m dscp --dscp-class EF').ops, [`MASKEQ ${FD.TOS} 252 184`]);
  assert.match(refusal('-m dscp --dscp 64'), /out of range/);
  assert.match(refusal('-m tos --tos Fastest'), /Bad value/);
});

test.run();
