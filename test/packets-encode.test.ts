import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CTSTATE_ESTABLISHED, CTSTATE_NEW, PF_DF, PF_FRAG_NONFIRST, PF_HAS_MAC, PF_HAS_OWNER, PF_L4, PF_LOCAL_OUT, PF_MF,
  PF_OUT_GIVEN, PKT_ACK, PKT_CT_ORIG_DPORT, PKT_CT_ORIG_DST, PKT_CT_ORIG_SPORT, PKT_CT_ORIG_SRC, PKT_CT_REPL_DPORT,
  PKT_CT_REPL_DST, PKT_CT_REPL_SPORT, PKT_CT_REPL_SRC, PKT_CTDIR, PKT_CTMARK, PKT_CTPROTO, PKT_CTSTATE, PKT_DPORT,
  PKT_DST, PKT_DSTMAC, PKT_FLAGS, PKT_FRAGOFF, PKT_GID, PKT_ICMP_CODE, PKT_ICMP_TYPE, PKT_IN_IFACE, PKT_IPID,
  PKT_IPLEN, PKT_MARK, PKT_OUT_IFACE, PKT_PAYLOAD_LEN, PKT_PAYLOAD_PTR, PKT_PKTTYPE, PKT_PROTO, PKT_SEQ, PKT_SIZE,
  PKT_SPORT, PKT_SRC, PKT_SRCMAC, PKT_TCPFLAGS, PKT_TCPOPT, PKT_TCPURGP, PKT_TCPWIN, PKT_TOS, PKT_TS, PKT_TTL,
  PKT_UID, PKTTYPE_BROADCAST, PKT_FLAGS2, PKT_TCP_WSCALE, PKT_LENGTH_L4,
} from '../assembly/shared/layout.js';
import { encodePacket, encodePackets } from '../src/packets/encode.js';
import type { PacketInput } from '../src/packets/types.js';
import { parseIPv4 } from '../src/ruleset/names.js';

const ip = (text: string) => parseIPv4(text)!;

function synPacket(extra: Partial<PacketInput> = {}): PacketInput {
  return {
    ts: 1714564800.25, inIface: 'eth0', localOut: false, src: ip('198.51.100.7'), dst: ip('203.0.113.10'),
    proto: 6, length: 60, ttl: 63, tos: 0x10, fragOffset: 0, moreFragments: false, dontFragment: true,
    sport: 41327, dport: 21, tcpFlags: 0x02, tcpOptions: [2, 4, 8, 1, 3], seq: 0xfffffff0, ack: 0, window: 64240,
    mark: 0x80000001, ipId: 4321, tcpUrgPtr: 7, ...extra,
  };
}

function encodeOne(p: PacketInput, at = 0): DataView {
  const bytes = new Uint8Array(at + PKT_SIZE);
  const view = new DataView(bytes.buffer);
  encodePacket(view, at, p);
  return new DataView(bytes.buffer, at, PKT_SIZE);
}

const ifaceAt = (v: DataView, off: number) => new Uint8Array(v.buffer, v.byteOffset + off, 16);
const u16 = (v: DataView, off: number) => v.getUint16(off, true);
const u32 = (v: DataView, off: number) => v.getUint32(off, true);

test('TCP SYN: every field read back at its PKT_* offset', () => {
  const v = encodeOne(synPacket());
  assert.is(v.getFloat64(PKT_TS, true), 1714564800.25);
  assert.is(u32(v, PKT_SRC), ip('198.51.100.7'));
  assert.is(u32(v, PKT_DST), ip('203.0.113.10'));
  assert.is(v.getUint8(PKT_PROTO), 6);
  assert.is(v.getUint8(PKT_TOS), 0x10);
  assert.is(v.getUint8(PKT_TTL), 63);
  assert.is(v.getUint8(PKT_FLAGS), PF_L4 | PF_DF);
  assert.is(u16(v, PKT_IPLEN), 60);
  assert.is(u16(v, PKT_FRAGOFF), 0);
  assert.is(u16(v, PKT_IPID), 4321);
  assert.is(u16(v, PKT_SPORT), 41327);
  assert.is(u16(v, PKT_DPORT), 21);
  assert.is(v.getUint8(PKT_TCPFLAGS), 0x02);
  assert.is(u32(v, PKT_SEQ), 0xfffffff0);
  assert.is(u32(v, PKT_ACK), 0);
  assert.is(u16(v, PKT_TCPWIN), 64240);
  assert.is(u16(v, PKT_TCPURGP), 7);
  assert.is(u32(v, PKT_MARK), 0x80000001);
  assert.is(v.getUint8(PKT_PKTTYPE), 0);
  assert.is(u32(v, PKT_PAYLOAD_PTR), 0);
  assert.is(u32(v, PKT_PAYLOAD_LEN), 0);
});

test('interface names: NUL-padded 16 bytes; no out interface leaves zeros', () => {
  const v = encodeOne(synPacket());
  assert.equal([...ifaceAt(v, PKT_IN_IFACE)], [0x65, 0x74, 0x68, 0x30, ...new Array(12).fill(0)]);
  assert.ok(ifaceAt(v, PKT_OUT_IFACE).every((b) => b === 0));
  const fwd = encodeOne(synPacket({ outIface: 'bond0.100' }));
  assert.is(new TextDecoder().decode(ifaceAt(fwd, PKT_OUT_IFACE).subarray(0, 9)), 'bond0.100');
  assert.ok(ifaceAt(fwd, PKT_OUT_IFACE).subarray(9).every((b) => b === 0));
  assert.is(fwd.getUint8(PKT_FLAGS) & PF_OUT_GIVEN, PF_OUT_GIVEN);
  // 15 bytes is the kernel's limit and still fits
  const longest = encodeOne(synPacket({ inIface: 'abcdefghijklmno' }));
  assert.is(ifaceAt(longest, PKT_IN_IFACE)[14], 0x6f);
  assert.is(ifaceAt(longest, PKT_IN_IFACE)[15], 0);
  assert.throws(() => encodeOne(synPacket({ inIface: 'abcdefghijklmnop' })), /longer than 15 bytes/);
});

test('conntrack defaults: NEW, tuple from the packet, direction ORIGINAL', () => {
  const v = encodeOne(synPacket());
  assert.is(v.getUint8(PKT_CTSTATE), CTSTATE_NEW);
  assert.is(v.getUint8(PKT_CTDIR), 0);
  assert.is(v.getUint8(PKT_CTPROTO), 6);
  assert.is(u32(v, PKT_CT_ORIG_SRC), ip('198.51.100.7'));
  assert.is(u32(v, PKT_CT_ORIG_DST), ip('203.0.113.10'));
  assert.is(u32(v, PKT_CT_REPL_SRC), ip('203.0.113.10'));
  assert.is(u32(v, PKT_CT_REPL_DST), ip('198.51.100.7'));
  assert.is(u16(v, PKT_CT_ORIG_SPORT), 41327);
  assert.is(u16(v, PKT_CT_ORIG_DPORT), 21);
  assert.is(u16(v, PKT_CT_REPL_SPORT), 21);
  assert.is(u16(v, PKT_CT_REPL_DPORT), 41327);
  assert.is(u32(v, PKT_CTMARK), 0);
  const est = encodeOne(synPacket({ ctstate: CTSTATE_ESTABLISHED, ctmark: 0xdead }));
  assert.is(est.getUint8(PKT_CTSTATE), CTSTATE_ESTABLISHED);
  assert.is(u32(est, PKT_CTMARK), 0xdead);
});

test('TCP option bitmap: bit k of the 32 bytes = kind k', () => {
  const v = encodeOne(synPacket({ tcpOptions: [2, 4, 8, 1, 3, 254] }));
  const map = new Uint8Array(v.buffer, v.byteOffset + PKT_TCPOPT, 32);
  assert.is(map[0], (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4));
  assert.is(map[1], 1 << 0); // kind 8
  assert.is(map[31], 1 << 6); // kind 254
  assert.is(map.slice(2, 31).reduce((a, b) => a + b, 0), 0);
});

test('record is zeroed first and written only at its offset', () => {
  const bytes = new Uint8Array(3 * PKT_SIZE).fill(0xaa);
  const view = new DataView(bytes.buffer);
  encodePacket(view, PKT_SIZE, synPacket({ tcpOptions: undefined, ipId: undefined, tcpUrgPtr: undefined }));
  assert.ok(bytes.subarray(0, PKT_SIZE).every((b) => b === 0xaa), 'record before untouched');
  assert.ok(bytes.subarray(2 * PKT_SIZE).every((b) => b === 0xaa), 'record after untouched');
  const rec = new DataView(bytes.buffer, PKT_SIZE, PKT_SIZE);
  assert.ok(new Uint8Array(bytes.buffer, PKT_SIZE + PKT_TCPOPT, 32).every((b) => b === 0));
  assert.is(u16(rec, PKT_IPID), 0);
  assert.is(rec.getUint8(PKT_ICMP_TYPE), 0);
  assert.is(u32(rec, PKT_UID), 0);
  // from PKT_FLAGS2 on, everything is zero for this ICMP packet except PKT_TCP_WSCALE's "no option"
  const tail = bytes.subarray(PKT_SIZE + PKT_FLAGS2, 2 * PKT_SIZE);
  assert.is(tail[PKT_TCP_WSCALE - PKT_FLAGS2], 0xff);
  assert.ok(tail.every((b, i) => b === 0 || i === PKT_TCP_WSCALE - PKT_FLAGS2), 'reserved tail zero');
});

test('encode into a DataView that starts inside its buffer', () => {
  const backing = new Uint8Array(64 + PKT_SIZE);
  const view = new DataView(backing.buffer, 64);
  encodePacket(view, 0, synPacket());
  assert.is(new DataView(backing.buffer).getUint16(64 + PKT_SPORT, true), 41327);
  assert.is(backing[64 + PKT_IN_IFACE], 0x65);
  assert.ok(backing.subarray(0, 64).every((b) => b === 0));
});

test('locally generated packet with owner', () => {
  const v = encodeOne(synPacket({ inIface: undefined, localOut: true, uid: 1000, gid: 100, dontFragment: false }));
  assert.is(v.getUint8(PKT_FLAGS), PF_L4 | PF_LOCAL_OUT | PF_HAS_OWNER);
  assert.is(u32(v, PKT_UID), 1000);
  assert.is(u32(v, PKT_GID), 100);
  assert.ok(ifaceAt(v, PKT_IN_IFACE).every((b) => b === 0));
  // no in interface means local even when localOut was left false
  const implied = encodeOne(synPacket({ inIface: undefined, dontFragment: false }));
  assert.is(implied.getUint8(PKT_FLAGS) & PF_LOCAL_OUT, PF_LOCAL_OUT);
});

test('ICMP echo: id in PKT_SPORT, sequence in PKT_DPORT; conntrack tuple with the reply type', () => {
  const v = encodeOne({
    ts: 0, inIface: 'eth0', localOut: false, src: ip('192.0.2.1'), dst: ip('198.51.100.2'), proto: 1, length: 84,
    ttl: 64, tos: 0, fragOffset: 0, moreFragments: false, dontFragment: false, mark: 0,
    icmpType: 8, icmpCode: 0, icmpId: 0x1234, icmpSeq: 7,
  });
  assert.is(v.getUint8(PKT_ICMP_TYPE), 8);
  assert.is(v.getUint8(PKT_ICMP_CODE), 0);
  assert.is(u16(v, PKT_SPORT), 0x1234);
  assert.is(u16(v, PKT_DPORT), 7);
  assert.is(v.getUint8(PKT_FLAGS), PF_L4);
  assert.is(u16(v, PKT_CT_ORIG_SPORT), 0x1234);
  assert.is(u16(v, PKT_CT_ORIG_DPORT), 8 << 8);
  assert.is(u16(v, PKT_CT_REPL_SPORT), 0x1234);
  assert.is(u16(v, PKT_CT_REPL_DPORT), 0); // echo-reply, code 0
});

test('ICMP error: no id/sequence words', () => {
  const v = encodeOne({
    ts: 0, inIface: 'eth0', localOut: false, src: ip('192.0.2.1'), dst: ip('198.51.100.2'), proto: 1, length: 56,
    ttl: 64, tos: 0, fragOffset: 0, moreFragments: false, dontFragment: false, mark: 0, icmpType: 3, icmpCode: 3,
  });
  assert.is(u16(v, PKT_SPORT), 0);
  assert.is(u16(v, PKT_DPORT), 0);
  assert.is(v.getUint8(PKT_ICMP_CODE), 3);
  assert.is(u16(v, PKT_CT_ORIG_DPORT), (3 << 8) | 3);
});

test('non-first fragment: no L4 flag, offset and MF kept', () => {
  const v = encodeOne(synPacket({ fragOffset: 185, moreFragments: true, dontFragment: false, sport: undefined, dport: undefined, tcpFlags: undefined, tcpOptions: undefined }));
  assert.is(v.getUint8(PKT_FLAGS), PF_FRAG_NONFIRST | PF_MF);
  assert.is(u16(v, PKT_FRAGOFF), 185);
  // a first fragment with MF still has its transport header
  const first = encodeOne(synPacket({ moreFragments: true, dontFragment: false }));
  assert.is(first.getUint8(PKT_FLAGS), PF_L4 | PF_MF);
});

test('TCP without ports: L4 unknown', () => {
  const v = encodeOne(synPacket({ sport: undefined, dport: undefined }));
  assert.is(v.getUint8(PKT_FLAGS) & PF_L4, 0);
});

test('MAC addresses and packet type', () => {
  const v = encodeOne(synPacket({
    srcMac: Uint8Array.of(0x52, 0x54, 0, 0x12, 0x34, 0x56), dstMac: Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
    pktType: PKTTYPE_BROADCAST,
  }));
  assert.is(v.getUint8(PKT_FLAGS) & PF_HAS_MAC, PF_HAS_MAC);
  assert.equal([...new Uint8Array(v.buffer, PKT_SRCMAC, 6)], [0x52, 0x54, 0, 0x12, 0x34, 0x56]);
  assert.equal([...new Uint8Array(v.buffer, PKT_DSTMAC, 6)], [255, 255, 255, 255, 255, 255]);
  assert.is(v.getUint8(PKT_PKTTYPE), PKTTYPE_BROADCAST);
});

test('values that do not fit the record are refused, not truncated', () => {
  assert.throws(() => encodeOne(synPacket({ sport: 65536 })), /sport: 65536 is not an integer 0\.\.65535/);
  assert.throws(() => encodeOne(synPacket({ ttl: 256 })), /ttl/);
  assert.throws(() => encodeOne(synPacket({ mark: -1 })), /mark/);
  assert.throws(() => encodeOne(synPacket({ tcpOptions: [256] })), /option kind 256/);
});

test('encodePackets lays records back to back', () => {
  const bytes = encodePackets([synPacket(), synPacket({ sport: 1, dport: 2 })]);
  assert.is(bytes.length, 2 * PKT_SIZE);
  const view = new DataView(bytes.buffer);
  assert.is(view.getUint16(PKT_SIZE + PKT_SPORT, true), 1);
  assert.is(view.getUint16(PKT_SIZE + PKT_DPORT, true), 2);
  assert.is(view.getUint16(PKT_SPORT, true), 41327);
});

test.run();
