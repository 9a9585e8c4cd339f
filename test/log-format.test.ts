// Expected lines are written out by hand from the kernel's format (nf_log_syslog.c
// dump_ipv4_packet / nf_log_dump_tcp_header / dump_mac_header, NETFILTER.md §4.9).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatLogLine } from '../src/log/format.js';
import { traceLogAction } from '../src/log/trace.js';
import { nflogRecord } from '../src/log/nflog.js';
import type { LogAction } from '../src/modules/module.js';
import * as L from '../assembly/shared/layout.js';

const ip = (text: string) => text.split('.').reduce((v, o) => v * 256 + Number(o), 0);

interface Rec {
  src: string; dst: string; proto: number; len: number;
  tos?: number; ttl?: number; id?: number; flags?: number; fragOff?: number;
  sport?: number; dport?: number; icmpType?: number; icmpCode?: number;
  tcpFlags?: number; window?: number; seq?: number; ack?: number; res?: number; urgp?: number;
  srcMac?: number[]; dstMac?: number[]; uid?: number; gid?: number;
}

/** A packet record written field by field at the PKT_* offsets, at byte 64 of a bigger buffer. */
function record(r: Rec): { view: DataView; off: number } {
  const off = 64;
  const view = new DataView(new ArrayBuffer(off + L.PKT_SIZE + 256));
  let flags = r.flags ?? L.PF_L4;
  view.setUint32(off + L.PKT_SRC, ip(r.src), true);
  view.setUint32(off + L.PKT_DST, ip(r.dst), true);
  view.setUint8(off + L.PKT_PROTO, r.proto);
  view.setUint16(off + L.PKT_IPLEN, r.len, true);
  view.setUint8(off + L.PKT_TOS, r.tos ?? 0);
  view.setUint8(off + L.PKT_TTL, r.ttl ?? 64);
  view.setUint16(off + L.PKT_IPID, r.id ?? 0, true);
  view.setUint16(off + L.PKT_FRAGOFF, r.fragOff ?? 0, true);
  view.setUint16(off + L.PKT_SPORT, r.sport ?? 0, true);
  view.setUint16(off + L.PKT_DPORT, r.dport ?? 0, true);
  view.setUint8(off + L.PKT_ICMP_TYPE, r.icmpType ?? 0);
  view.setUint8(off + L.PKT_ICMP_CODE, r.icmpCode ?? 0);
  view.setUint8(off + L.PKT_TCPFLAGS, r.tcpFlags ?? 0);
  view.setUint16(off + L.PKT_TCPWIN, r.window ?? 0, true);
  view.setUint32(off + L.PKT_SEQ, r.seq ?? 0, true);
  view.setUint32(off + L.PKT_ACK, r.ack ?? 0, true);
  view.setUint8(off + L.PKT_TCPRES, r.res ?? 0);
  view.setUint16(off + L.PKT_TCPURGP, r.urgp ?? 0, true);
  if (r.srcMac && r.dstMac) {
    flags |= L.PF_HAS_MAC;
    r.srcMac.forEach((b, i) => view.setUint8(off + L.PKT_SRCMAC + i, b));
    r.dstMac.forEach((b, i) => view.setUint8(off + L.PKT_DSTMAC + i, b));
  }
  if (r.uid !== undefined) {
    flags |= L.PF_HAS_OWNER;
    view.setUint32(off + L.PKT_UID, r.uid, true);
    view.setUint32(off + L.PKT_GID, r.gid ?? 0, true);
  }
  view.setUint8(off + L.PKT_FLAGS, flags);
  return { view, off };
}

const plain = (over: Partial<LogAction> = {}): LogAction => ({
  type: 'LOG', prefix: '', level: 4, tcpSequence: false, tcpOptions: false, ipOptions: false, uid: false, macDecode: false, ...over,
});

const SERVER_MAC = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
const CLIENT_MAC = [0x52, 0x54, 0x00, 0xab, 0xcd, 0xef];
const SSH_SYN: Rec = {
  src: '192.0.2.10', dst: '198.51.100.7', proto: 6, len: 60, ttl: 64, id: 54321, flags: L.PF_L4 | L.PF_DF,
  sport: 40000, dport: 22, tcpFlags: 0x02, window: 64240, seq: 123456789, srcMac: CLIENT_MAC, dstMac: SERVER_MAC,
};
const INPUT_AT = { hook: L.HOOK_INPUT, inIface: 'eth0', outIface: '', mark: 0 };

test('TCP SYN arriving on eth0: prefix, MAC, header fields, flags', () => {
  const { view, off } = record(SSH_SYN);
  assert.is(
    formatLogLine(plain({ prefix: 'IN-DROP: ' }), view, off, INPUT_AT),
    'IN-DROP: IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 SRC=192.0.2.10 DST=198.51.100.7 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=54321 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ',
  );
});

test('--log-tcp-sequence adds SEQ/ACK, the mark ends the line', () => {
  const { view, off } = record(SSH_SYN);
  assert.is(
    formatLogLine(plain({ tcpSequence: true }), view, off, { ...INPUT_AT, mark: 0x1f }),
    'IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 SRC=192.0.2.10 DST=198.51.100.7 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=54321 DF PROTO=TCP SPT=40000 DPT=22 SEQ=123456789 ACK=0 WINDOW=64240 RES=0x00 SYN URGP=0 MARK=0x1f ',
  );
});

test('--log-macdecode splits the link header', () => {
  const { view, off } = record(SSH_SYN);
  const line = formatLogLine(plain({ macDecode: true }), view, off, INPUT_AT);
  assert.ok(line.startsWith('IN=eth0 OUT= MACSRC=52:54:00:ab:cd:ef MACDST=52:54:00:12:34:56 MACPROTO=0800 SRC=192.0.2.10 '), line);
});

test('locally generated packet in OUTPUT: no IN, no MAC, UID/GID with --log-uid', () => {
  const { view, off } = record({
    src: '198.51.100.7', dst: '192.0.2.10', proto: 6, len: 52, ttl: 64, id: 0, flags: L.PF_L4 | L.PF_DF | L.PF_LOCAL_OUT,
    sport: 22, dport: 40000, tcpFlags: 0x18, window: 501, uid: 1000, gid: 1001,
  });
  assert.is(
    formatLogLine(plain({ uid: true }), view, off, { hook: L.HOOK_OUTPUT, inIface: 'lo', outIface: 'eth0', mark: 0 }),
    'IN= OUT=eth0 SRC=198.51.100.7 DST=192.0.2.10 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=22 DPT=40000 WINDOW=501 RES=0x00 ACK PSH URGP=0 UID=1000 GID=1001 ',
  );
});

test('UID/GID needs --log-uid; OUT= is blank in PREROUTING whatever the caller says', () => {
  const { view, off } = record({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17, len: 29, sport: 1, dport: 2, uid: 5 });
  const line = formatLogLine(plain(), view, off, { hook: L.HOOK_PREROUTING, inIface: 'tun0', outIface: 'eth9', mark: 0 });
  assert.is(line, 'IN=tun0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=29 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=UDP SPT=1 DPT=2 LEN=9 ');
});

test('forwarded UDP without a recorded MAC; TOS split into TOS and precedence', () => {
  const { view, off } = record({ src: '10.1.1.5', dst: '8.8.8.8', proto: 17, len: 76, tos: 0xb8, ttl: 63, id: 4242, sport: 5353, dport: 53 });
  assert.is(
    formatLogLine(plain({ prefix: 'FWD ' }), view, off, { hook: L.HOOK_FORWARD, inIface: 'eth1', outIface: 'eth0', mark: 0 }),
    'FWD IN=eth1 OUT=eth0 MAC= SRC=10.1.1.5 DST=8.8.8.8 LEN=76 TOS=0x18 PREC=0xA0 TTL=63 ID=4242 PROTO=UDP SPT=5353 DPT=53 LEN=56 ',
  );
});

test('POSTROUTING has no input device', () => {
  const { view, off } = record({ src: '10.1.1.5', dst: '8.8.8.8', proto: 17, len: 28, sport: 9, dport: 9, srcMac: CLIENT_MAC, dstMac: SERVER_MAC });
  assert.is(
    formatLogLine(plain(), view, off, { hook: L.HOOK_POSTROUTING, inIface: 'eth1', outIface: 'eth0', mark: 0 }),
    'IN= OUT=eth0 SRC=10.1.1.5 DST=8.8.8.8 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=UDP SPT=9 DPT=9 LEN=8 ',
  );
});

test('ICMP echo request prints ID and SEQ', () => {
  const { view, off } = record({ src: '192.0.2.10', dst: '198.51.100.7', proto: 1, len: 84, id: 1, flags: L.PF_L4 | L.PF_DF, icmpType: 8, sport: 4660, dport: 1 });
  assert.is(
    formatLogLine(plain(), view, off, { ...INPUT_AT, inIface: 'ppp0' }),
    'IN=ppp0 OUT= MAC= SRC=192.0.2.10 DST=198.51.100.7 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=4660 SEQ=1 ',
  );
});

test('ICMP error: the quoted packet in brackets, MTU for fragmentation needed', () => {
  // The quoted packet: IPv4 header (UDP 192.0.2.10:5353 -> 198.51.100.7:53, length 40) + UDP header.
  const quoted = Uint8Array.from([
    0x45, 0x00, 0x00, 0x28, 0x00, 0x07, 0x00, 0x00, 0x3f, 0x11, 0x00, 0x00,
    192, 0, 2, 10, 198, 51, 100, 7,
    0x14, 0xe9, 0x00, 0x35, 0x00, 0x14, 0x00, 0x00,
  ]);
  const { view, off } = record({ src: '198.51.100.7', dst: '192.0.2.10', proto: 1, len: 56, icmpType: 3, icmpCode: 4, dport: 1400 });
  assert.is(
    formatLogLine(plain(), view, off, { ...INPUT_AT, inIface: 'wg0', payload: quoted }),
    'IN=wg0 OUT= MAC= SRC=198.51.100.7 DST=192.0.2.10 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=ICMP TYPE=3 CODE=4 [SRC=192.0.2.10 DST=198.51.100.7 LEN=40 TOS=0x00 PREC=0x00 TTL=63 ID=7 PROTO=UDP SPT=5353 DPT=53 LEN=20 ] MTU=1400 ',
  );
});

test('ICMP error quoting a TCP header cut after 8 bytes, payload found through PKT_PAYLOAD_PTR', () => {
  const { view, off } = record({ src: '198.51.100.7', dst: '192.0.2.10', proto: 1, len: 56, icmpType: 3, icmpCode: 3 });
  const payloadAt = off + L.PKT_SIZE + 8;
  const quoted = [
    0x45, 0x00, 0x00, 0x3c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
    192, 0, 2, 10, 198, 51, 100, 7,
    0x9c, 0x40, 0x00, 0x16, 0x07, 0x5b, 0xcd, 0x15,
  ];
  quoted.forEach((b, i) => view.setUint8(payloadAt + i, b));
  view.setUint32(off + L.PKT_PAYLOAD_PTR, payloadAt, true);
  view.setUint32(off + L.PKT_PAYLOAD_LEN, quoted.length, true);
  assert.is(
    formatLogLine(plain(), view, off, { hook: L.HOOK_INPUT, inIface: 'wg0', outIface: '', mark: 7 }),
    'IN=wg0 OUT= MAC= SRC=198.51.100.7 DST=192.0.2.10 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=ICMP TYPE=3 CODE=3 [SRC=192.0.2.10 DST=198.51.100.7 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=4660 DF PROTO=TCP INCOMPLETE [8 bytes] ] MARK=0x7 ',
  );
});

test('ICMP error too short for its quote is INCOMPLETE', () => {
  const { view, off } = record({ src: '1.2.3.4', dst: '5.6.7.8', proto: 1, len: 36, icmpType: 11, icmpCode: 0 });
  assert.is(
    formatLogLine(plain(), view, off, { ...INPUT_AT, inIface: 'x' }),
    'IN=x OUT= MAC= SRC=1.2.3.4 DST=5.6.7.8 LEN=36 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=ICMP TYPE=11 CODE=0 INCOMPLETE [16 bytes] ',
  );
});

test('non-first fragment: FRAG offset, no ports, mark still printed', () => {
  const { view, off } = record({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6, len: 1500, id: 99, flags: L.PF_MF | L.PF_FRAG_NONFIRST, fragOff: 185 });
  assert.is(
    formatLogLine(plain(), view, off, { hook: L.HOOK_INPUT, inIface: 'eth0', outIface: '', mark: 2 }),
    'IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=1500 TOS=0x00 PREC=0x00 TTL=64 ID=99 MF FRAG:185 PROTO=TCP MARK=0x2 ',
  );
});

test('truncated TCP header: INCOMPLETE ends the line before the mark', () => {
  const { view, off } = record({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6, len: 28, flags: 0 });
  assert.is(
    formatLogLine(plain(), view, off, { hook: L.HOOK_INPUT, inIface: 'eth0', outIface: '', mark: 2 }),
    'IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=TCP INCOMPLETE [8 bytes] ',
  );
});

test('every TCP flag in kernel order; AE from the reserved bits', () => {
  const { view, off } = record({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6, len: 40, sport: 1, dport: 2, tcpFlags: 0xff, res: 0x01, urgp: 7 });
  const line = formatLogLine(plain(), view, off, { hook: L.HOOK_OUTPUT, inIface: '', outIface: 'eth0', mark: 0 });
  assert.ok(line.endsWith('PROTO=TCP SPT=1 DPT=2 WINDOW=0 RES=0x04 AE CWR ECE URG ACK PSH RST SYN FIN URGP=7 '), line);
});

test('other protocols print their number', () => {
  const { view, off } = record({ src: '10.0.0.1', dst: '10.0.0.2', proto: 47, len: 100 });
  assert.is(
    formatLogLine(plain(), view, off, { hook: L.HOOK_FORWARD, inIface: 'gre1', outIface: 'eth0', mark: 0 }),
    'IN=gre1 OUT=eth0 MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=100 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=47 ',
  );
});

test('TRACE lines use the trace prefix and the default flags', () => {
  const { view, off } = record({ ...SSH_SYN, srcMac: undefined, dstMac: undefined });
  const action = traceLogAction('raw', 'PREROUTING', 'rule', 2);
  assert.is(
    formatLogLine(action, view, off, { hook: L.HOOK_PREROUTING, inIface: 'eth0', outIface: '', mark: 0 }),
    'TRACE: raw:PREROUTING:rule:2 IN=eth0 OUT= MAC= SRC=192.0.2.10 DST=198.51.100.7 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=54321 DF PROTO=TCP SPT=40000 DPT=22 SEQ=123456789 ACK=0 WINDOW=64240 RES=0x00 SYN URGP=0 ',
  );
});

test('NFLOG summary: group, prefix and the packet dump', () => {
  const { view, off } = record({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17, len: 28, sport: 7, dport: 9 });
  const r = nflogRecord({ type: 'NFLOG', group: 5, prefix: 'fw' }, view, off, { hook: L.HOOK_OUTPUT, inIface: '', outIface: 'eth0', mark: 0 });
  assert.is(r.group, 5);
  assert.is(r.prefix, 'fw');
  assert.is(r.line, 'fw IN= OUT=eth0 SRC=10.0.0.1 DST=10.0.0.2 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=0 PROTO=UDP SPT=7 DPT=9 LEN=8 ');
});

test.run();
