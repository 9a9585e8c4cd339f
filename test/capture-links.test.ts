// Link types read by the WASM capture parser: Ethernet with 802.1Q/QinQ tags, Linux cooked
// SLL/SLL2, raw IP, BSD loopback, NFLOG; what each says about the interface and direction; and
// the frames that are not IPv4 (each still yields exactly one outcome, in order).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  PF_HAS_MAC, PF_HAS_OWNER, PF_LOCAL_OUT, PF_OUT_GIVEN, PKT_DSTMAC, PKT_FLAGS, PKT_GID, PKT_IN_IFACE,
  PKT_OUT_IFACE, PKT_PKTTYPE, PKT_SPORT, PKT_SRCMAC, PKT_UID, PKTTYPE_BROADCAST,
} from '../assembly/shared/layout.js';
import {
  MAC_A, MAC_B, concat, ethernet, ip, ipv4, ipv6, loopback, nflog, parseBytes, pcapFile, sll, sll2, udp, type Parsed,
} from './capture-support.js';

const SRC = ip('192.0.2.10');
const DST = ip('192.0.2.20');
const packet = (sport = 5000) => ipv4({ src: SRC, dst: DST, proto: 17, payload: udp({ src: SRC, dst: DST, sport, dport: 53 }) });

async function parseLink(linkType: number, frames: Uint8Array[], options = {}, bigEndian = false): Promise<Parsed> {
  return parseBytes(pcapFile({ linkType, bigEndian, packets: frames.map((data, i) => ({ ts: i, data })) }), { inInterface: 'eth0', ...options });
}

const name = (v: DataView, at: number) => new TextDecoder().decode(new Uint8Array(v.buffer, v.byteOffset + at, 16)).replace(/\0+$/, '');
const bytesAt = (v: DataView, at: number, n: number) => [...new Uint8Array(v.buffer, v.byteOffset + at, n)];
const flags = (v: DataView) => v.getUint8(PKT_FLAGS);

test('Ethernet 802.1Q, 802.1ad QinQ and the legacy 0x9100 tag: stepped over, ids reported', async () => {
  const parsed = await parseLink(1, [
    ethernet(packet(1), { vlans: [{ tpid: 0x8100, vid: 100 }] }),
    ethernet(packet(2), { vlans: [{ tpid: 0x88a8, vid: 10 }, { tpid: 0x8100, vid: 20 }] }),
    ethernet(packet(3), { vlans: [{ tpid: 0x9100, vid: 0x2005 }] }), // priority bits above the 12-bit id
  ]);
  assert.equal(parsed.frames.map((f) => [f.status, f.vlan, f.vlanTags]), [['ipv4', 100, 1], ['ipv4', 10, 2], ['ipv4', 5, 1]]);
  assert.equal(parsed.records.map((r) => r.view.getUint16(PKT_SPORT, true)), [1, 2, 3]);
  assert.equal(parsed.records.map((r) => name(r.view, PKT_IN_IFACE)), ['eth0', 'eth0', 'eth0']);
});

test('vlanInterfaces: tagged frames arrive on <iface>.<vid> per tag while the name fits in 15 bytes', async () => {
  const frames = [ethernet(packet(1), { vlans: [{ tpid: 0x8100, vid: 100 }] }), ethernet(packet(2), { vlans: [{ tpid: 0x88a8, vid: 10 }, { tpid: 0x8100, vid: 4094 }] }), ethernet(packet(3))];
  const parsed = await parseLink(1, frames, { vlanInterfaces: true });
  assert.equal(parsed.records.map((r) => name(r.view, PKT_IN_IFACE)), ['eth0.100', 'eth0.10.4094', 'eth0']);
  const long = await parseLink(1, frames.slice(0, 1), { vlanInterfaces: true, inInterface: 'enp0s31f6abc' });
  assert.is(name(long.records[0].view, PKT_IN_IFACE), 'enp0s31f6abc');
});

test('not IPv4: IPv6, ARP, other ethertypes, 802.3/LLC, too many tags: one outcome each, in order', async () => {
  const tags = Array.from({ length: 9 }, (_, i) => ({ tpid: 0x8100, vid: i + 1 }));
  const parsed = await parseLink(1, [
    ethernet(ipv6(new Uint8Array(8)), { type: 0x86dd }),
    ethernet(new Uint8Array(28), { type: 0x0806 }),
    ethernet(new Uint8Array(20), { type: 0x8864 }),
    ethernet(Uint8Array.of(0x42, 0x42, 0x03, 0, 0, 0), { type: 38 }),
    ethernet(packet(9), { vlans: tags }),
    ethernet(packet(10)).subarray(0, 12),
    ethernet(packet(11)),
  ]);
  assert.equal(parsed.frames.map((f) => f.status), ['ipv6', 'arp', 'non-ip', 'non-ip', 'malformed', 'truncated', 'ipv4']);
  assert.match(parsed.frames[2].reason!, /0x8864 \(PPPoE session\)/);
  assert.match(parsed.frames[3].reason!, /LLC/);
  assert.match(parsed.frames[4].reason!, /9 stacked VLAN tags/);
  assert.match(parsed.frames[5].reason!, /link-layer header \(12 bytes\)/);
  assert.equal(parsed.frames.map((f) => f.index), [0, 1, 2, 3, 4, 5, 6]);
  assert.is(parsed.frames[6].record, 0);
  assert.equal(parsed.parser.summary.byStatus, { ipv4: 1, ipv6: 1, arp: 1, 'non-ip': 2, truncated: 1, malformed: 1, 'other-host': 0 });
});

test('SLL: packet types (broadcast, another host), the sender MAC, protocols that are not ethertypes', async () => {
  const parsed = await parseLink(113, [
    sll(packet(1), { packetType: 0 }),
    sll(packet(2), { packetType: 1 }),
    sll(packet(3), { packetType: 3 }),
    sll(new Uint8Array(16), { protocol: 0x0004 }),
    sll(new Uint8Array(16), { hatype: 824, protocol: 0x0010 }),
    sll(ethernet(packet(4)).subarray(12), { protocol: 0x8100 }).subarray(0, 16), // a tag announced, nothing after
  ]);
  assert.equal(parsed.frames.map((f) => f.status), ['ipv4', 'ipv4', 'other-host', 'non-ip', 'non-ip', 'truncated']);
  const [host, broadcast] = parsed.records.map((r) => r.view);
  assert.is(flags(host) & PF_HAS_MAC, PF_HAS_MAC);
  assert.equal(bytesAt(host, PKT_SRCMAC, 6), MAC_A);
  assert.equal(bytesAt(host, PKT_DSTMAC, 6), [0, 0, 0, 0, 0, 0]);
  assert.is(broadcast.getUint8(PKT_PKTTYPE), PKTTYPE_BROADCAST);
  assert.equal(parsed.frames.slice(0, 2).map((f) => f.direction), ['in', 'in']);
  assert.match(parsed.frames[3].reason!, /protocol 0x0004/);
  assert.match(parsed.frames[4].reason!, /hardware type 824/);
});

test('SLL2: the interface index is a name only through ifindexNames; else the default, with one warning', async () => {
  const frames = [sll2(packet(1), { ifindex: 3 }), sll2(packet(2), { ifindex: 7 }), sll2(packet(3), { ifindex: 7 }), sll2(packet(4), { ifindex: 3, packetType: 4 })];
  const parsed = await parseLink(276, frames, { ifindexNames: { 3: 'eth3' } });
  const v = parsed.records.map((r) => r.view);
  assert.equal(v.map((r) => name(r, PKT_IN_IFACE)), ['eth3', 'eth0', 'eth0', '']);
  assert.equal(parsed.frames.map((f) => [f.ifindexIn, f.ifindexOut]), [[3, undefined], [7, undefined], [7, undefined], [undefined, 3]]);
  assert.is(name(v[3], PKT_OUT_IFACE), 'eth3');
  assert.is(flags(v[3]) & (PF_LOCAL_OUT | PF_OUT_GIVEN | PF_HAS_MAC), PF_LOCAL_OUT | PF_OUT_GIVEN);
  const warnings = parsed.parser.warnings.map((w) => w.message);
  assert.is(warnings.length, 1);
  assert.match(warnings[0], /interface index 7/);
});

test('raw IP link types: 101/12/14 by the version nibble, 228 IPv4 only, 229 IPv6', async () => {
  const v6 = ipv6(new Uint8Array(4));
  for (const linkType of [101, 12, 14]) {
    const parsed = await parseLink(linkType, [packet(1), v6]);
    assert.equal(parsed.frames.map((f) => f.status), ['ipv4', 'ipv6'], `link type ${linkType}`);
    assert.is(parsed.records[0].view.getUint8(PKT_FLAGS) & PF_HAS_MAC, 0);
  }
  assert.equal((await parseLink(228, [packet(1), v6])).frames.map((f) => f.status), ['ipv4', 'malformed']);
  assert.equal((await parseLink(229, [v6])).frames.map((f) => f.status), ['ipv6']);
});

test('BSD loopback: DLT_NULL in either host byte order, DLT_LOOP in network order, the IPv6 family numbers', async () => {
  const parsed = await parseLink(0, [
    loopback(packet(1), 2),
    loopback(packet(2), 2, true), // written by a big-endian host
    loopback(ipv6(new Uint8Array(0)), 30),
    loopback(ipv6(new Uint8Array(0)), 24),
    loopback(new Uint8Array(8), 7),
  ]);
  assert.equal(parsed.frames.map((f) => f.status), ['ipv4', 'ipv4', 'ipv6', 'ipv6', 'non-ip']);
  assert.match(parsed.frames[4].reason!, /family 7/);
  const loop = await parseLink(108, [loopback(packet(3), 2, true), loopback(ipv6(new Uint8Array(0)), 28, true)]);
  assert.equal(loop.frames.map((f) => f.status), ['ipv4', 'ipv6']);
});

test('NFLOG: hook, prefix and mark exposed; the in device named through ifindexNames; MACs from the hardware header', async () => {
  const hw = [...MAC_B, ...MAC_A, 0x08, 0x00];
  for (const little of [true, false]) {
    const frames = [
      nflog({ little, hook: 1, prefix: 'DROP-IN: ', mark: 0x42, indev: 2, hwHeader: hw, payload: packet(1) }),
      nflog({ little, hook: 2, indev: 2, outdev: 5, payload: packet(2) }),
    ];
    const parsed = await parseLink(239, frames, { ifindexNames: { 2: 'eth1', 5: 'eth5' } }, !little);
    assert.equal(parsed.frames.map((f) => f.status), ['ipv4', 'ipv4']);
    assert.equal(parsed.frames[0].nflog, { prefix: 'DROP-IN: ', hook: 1, hookName: 'INPUT', mark: 0x42 });
    assert.equal(parsed.frames[1].nflog, { prefix: '', hook: 2, hookName: 'FORWARD' });
    const [input, forward] = parsed.records.map((r) => r.view);
    assert.is(name(input, PKT_IN_IFACE), 'eth1');
    assert.equal(bytesAt(input, PKT_DSTMAC, 6), MAC_B);
    assert.equal(bytesAt(input, PKT_SRCMAC, 6), MAC_A);
    assert.is(flags(input) & (PF_LOCAL_OUT | PF_HAS_MAC), PF_HAS_MAC);
    // forwarded: in and out device both known
    assert.equal([name(forward, PKT_IN_IFACE), name(forward, PKT_OUT_IFACE)], ['eth1', 'eth5']);
    assert.is(flags(forward) & (PF_LOCAL_OUT | PF_OUT_GIVEN), PF_OUT_GIVEN);
  }
});

test('NFLOG at OUTPUT: locally generated, OUT given, the socket owner recorded', async () => {
  const parsed = await parseLink(239, [nflog({ hook: 3, outdev: 4, uid: 1000, gid: 100, prefix: 'out', payload: packet(1) })], { ifindexNames: { 4: 'wlan0' } });
  const v = parsed.records[0].view;
  assert.is(flags(v) & (PF_LOCAL_OUT | PF_OUT_GIVEN | PF_HAS_OWNER), PF_LOCAL_OUT | PF_OUT_GIVEN | PF_HAS_OWNER);
  assert.equal([name(v, PKT_OUT_IFACE), name(v, PKT_IN_IFACE)], ['wlan0', '']);
  assert.equal([v.getUint32(PKT_UID, true), v.getUint32(PKT_GID, true)], [1000, 100]);
  assert.is(parsed.frames[0].direction, 'out');
});

test('NFLOG records that carry no evaluable packet: bad TLV length, no payload, IPv6, another family, version', async () => {
  const badTlv = concat(Uint8Array.of(2, 0, 0, 0), Uint8Array.of(0x00, 0x01, 0x01, 0x00), new Uint8Array(4));
  const zeroTlv = concat(Uint8Array.of(2, 0, 0, 0), Uint8Array.of(2, 0, 1, 0));
  const parsed = await parseLink(239, [
    badTlv,
    zeroTlv,
    nflog({ hook: 1, prefix: 'meta only' }),
    nflog({ family: 10, hook: 1, payload: ipv6(new Uint8Array(0)) }),
    nflog({ family: 7, hook: 1, payload: packet(1) }),
    Uint8Array.of(2, 1, 0, 0),
  ]);
  assert.equal(parsed.frames.map((f) => f.status), ['malformed', 'malformed', 'truncated', 'ipv6', 'non-ip', 'malformed']);
  assert.match(parsed.frames[0].reason!, /attribute length 256/);
  assert.match(parsed.frames[1].reason!, /attribute length 2/);
  assert.match(parsed.frames[2].reason!, /without the packet/);
  assert.is(parsed.frames[2].nflog?.prefix, 'meta only');
  assert.match(parsed.frames[5].reason!, /version 1/);
});

test('NFLOG cut by the snapshot length: the payload TLV is used as far as it goes', async () => {
  const record = nflog({ hook: 0, indev: 1, payload: ipv4({ src: SRC, dst: DST, proto: 17, payload: udp({ src: SRC, dst: DST, sport: 77, dport: 53, payload: new Uint8Array(100) }) }) });
  const cut = record.length - 60;
  const parsed = await parseBytes(pcapFile({ linkType: 239, snaplen: cut, packets: [{ ts: 0, data: record.subarray(0, cut), length: record.length }] }), { inInterface: 'eth0' });
  assert.is(parsed.frames[0].status, 'ipv4');
  assert.is(parsed.records[0].view.getUint16(PKT_SPORT, true), 77);
});

test('a link type nfwasm does not read: every frame reported, none evaluated', async () => {
  const parsed = await parseLink(105, [new Uint8Array(30), new Uint8Array(30)]);
  assert.equal(parsed.frames.map((f) => f.status), ['non-ip', 'non-ip']);
  assert.match(parsed.frames[0].reason!, /link type 105/);
});

test('no interface name anywhere and no default: records get none, and one warning says so', async () => {
  const parsed = await parseBytes(pcapFile({ linkType: 1, packets: [{ ts: 0, data: ethernet(packet(1)) }, { ts: 1, data: ethernet(packet(2)) }] }));
  assert.equal(parsed.records.map((r) => name(r.view, PKT_IN_IFACE)), ['', '']);
  assert.is(parsed.parser.warnings.length, 1);
  assert.match(parsed.parser.warnings[0].message, /--in IFACE/);
});

test.run();
