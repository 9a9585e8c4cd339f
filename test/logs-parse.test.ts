// Kernel LOG lines → packets. Expected values are written out by hand from the lines (and the
// kernel's format, nf_log_syslog.c / NETFILTER.md §4.9); times are computed by hand in UTC.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  LOG_LINES_CAVEAT, LogLinesReader, parseLogLine, parseLogText, tallyLogResults, type LogLineResult,
} from '../src/logs/index.js';
import type { PacketInput } from '../src/packets/types.js';
import { readFileSync } from 'node:fs';

const ip = (text: string) => text.split('.').reduce((v, o) => v * 256 + Number(o), 0);
const mac = (text: string) => Uint8Array.from(text.split(':'), (h) => parseInt(h, 16));

function packetOf(r: LogLineResult) {
  if (r.kind !== 'packet') throw new Error(`expected a packet, got ${JSON.stringify(r)}`);
  return r;
}
const parse = (line: string, year = 2024) => packetOf(parseLogLine(line, 7, { defaultYear: year }));

const PSAD_SYN = 'Mar 11 20:35:11 linux kernel: [463490.251762] DROP IN=eth1 OUT= MAC=23:87:fc:c6:24:58:00:21:3f:98:99:78:09:00 SRC=192.168.10.55 DST=192.168.10.1 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=15270 PROTO=TCP SPT=56247 DPT=1025 WINDOW=3072 RES=0x00 SYN URGP=0 OPT (020405B4) ';
const FIELDS = 'IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:ab:cd:ef:08:00 SRC=192.0.2.10 DST=198.51.100.7 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=54321 DF PROTO=TCP SPT=40000 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ';

test('syslog line with dmesg time: every field of the packet and its meta', () => {
  const r = parse(PSAD_SYN);
  const expected: PacketInput = {
    ts: Date.UTC(2024, 2, 11, 20, 35, 11) / 1000, localOut: false, src: ip('192.168.10.55'), dst: ip('192.168.10.1'),
    proto: 6, length: 44, ttl: 53, tos: 0, fragOffset: 0, moreFragments: false, dontFragment: false, mark: 0,
    inIface: 'eth1', sport: 56247, dport: 1025, srcMac: mac('00:21:3f:98:99:78'), dstMac: mac('23:87:fc:c6:24:58'),
    ipId: 15270, tcpUrgPtr: 0, tcpFlags: 2, window: 3072, tcpOptions: [2],
  };
  assert.equal(r.packet, expected);
  assert.equal(r.meta, {
    prefix: 'DROP ', tcpSequenceLogged: false, timestamp: 1710189311, uptime: 463490.251762, host: 'linux', hook: 'INPUT',
  });
  assert.is(r.packet.seq, undefined, 'no SEQ= logged: seq left unset (PF2_NO_SEQ)');
});

test('header formats: syslog, journalctl, RFC 3339/5424, <PRI>, dmesg, dmesg -T, short-monotonic', () => {
  const cases: Array<[string, number | undefined, string | undefined, string]> = [
    ['Jan  8 03:37:09 fw kernel: ', 1704685029, 'fw', ''],
    ['Jan 08 03:37:09 fw kernel: DROP ', 1704685029, 'fw', 'DROP '],
    ['Jan 08 03:37:09.250000 fw kernel: ', 1704685029.25, 'fw', ''],
    ['2024-01-08T03:37:09+0100 fw kernel: ', 1704681429, 'fw', ''],
    ['2015-03-07T05:09:30.045015+02:00 servername kernel: DROP: ', 1425697770.045015, 'servername', 'DROP: '],
    ['2021-03-12T14:10:18Z Hostname kernel: [wan-lan-default-D]', 1615558218, 'Hostname', '[wan-lan-default-D]'],
    ['2024-01-08T03:37:09 fw kernel: ', 1704685029, 'fw', ''], // no zone: UTC
    ['<161>Oct 10 07:25:12 Hostname kernel: ', 1728545112, 'Hostname', ''],
    ['<6>2021-03-12T14:10:18Z Hostname kernel: ', 1615558218, 'Hostname', ''],
    ['<4>1 2024-01-08T03:37:09.5Z fw01 kernel - - - [UFW BLOCK] ', 1704685029.5, 'fw01', '[UFW BLOCK] '],
    ['<4>1 2024-01-08T03:37:09Z fw01 kernel - - [meta sequenceId="7"] ', 1704685029, 'fw01', ''],
    ['[  123.456789] ', 123.456789, undefined, ''],
    ['[Mon Jan  8 03:37:09 2024] FW ', 1704685029, undefined, 'FW '],
    ['[ 1234.500000] fw kernel: X ', 1234.5, 'fw', 'X '],
    ['', undefined, undefined, ''],
  ];
  for (const [head, ts, host, prefix] of cases) {
    const r = parse(head + FIELDS);
    assert.is(r.meta.timestamp, ts, head);
    assert.is(r.packet.ts, ts ?? 0, head);
    assert.is(r.meta.host, host, head);
    assert.is(r.meta.prefix, prefix, head);
    assert.is(r.packet.dport, 22, head);
  }
});

test('dmesg and syslog time together: the wall clock is the time, uptime kept in meta', () => {
  const r = parse('Sep 27 20:56:38 ubuntu-focal kernel: [  203.842973] IPTABLES-DROP: IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=127.0.0.1 DST=127.0.0.53 LEN=76 TOS=0x00 PREC=0x00 TTL=64 ID=25029 DF PROTO=UDP SPT=49007 DPT=53 LEN=56 ', 2023);
  assert.is(r.packet.ts, 1695848198);
  assert.is(r.meta.uptime, 203.842973);
  assert.is(r.meta.prefix, 'IPTABLES-DROP: ');
  assert.is(r.packet.proto, 17);
  assert.is(r.packet.sport, 49007);
  assert.is(r.packet.dontFragment, true);
  assert.equal(r.packet.srcMac, mac('00:00:00:00:00:00'));
});

test('prefixes glued to IN=, and a syslog line without host', () => {
  const ubnt = parse('Jan  5 20:17:01 MainFirewall kernel: [WAN_OUT-2000-A]IN=eth0 OUT=eth2 MAC=90:10:20:76:8d:20:90:10:24:67:f4:89:08:00 SRC=192.168.134.158 DST=192.0.2.25 LEN=265 TOS=0x00 PREC=0x00 TTL=63 ID=51768 DF PROTO=TCP SPT=43189 DPT=443 WINDOW=159 RES=0x00 ACK PSH URGP=0 ');
  assert.is(ubnt.meta.prefix, '[WAN_OUT-2000-A]');
  assert.is(ubnt.meta.hook, 'FORWARD');
  assert.is(ubnt.packet.inIface, 'eth0');
  assert.is(ubnt.packet.outIface, 'eth2');
  assert.is(ubnt.packet.localOut, false);
  assert.is(ubnt.packet.tcpFlags, 16 | 8);
  const shorewall = parse('Apr 24 12:06:50 localhost kernel: [ 3445.031964] Shorewall:wlan0_mac:DROP:IN=wlan0 OUT= MAC=02:00:5e:02:03:01:18:53:33:33:d6:41:03:00 SRC=192.168.10.55 DST=224.0.0.1 LEN=36 TOS=0x00 PREC=0xC0 TTL=1 ID=0 PROTO=2');
  assert.is(shorewall.meta.prefix, 'Shorewall:wlan0_mac:DROP:');
  assert.is(shorewall.packet.proto, 2);
  assert.is(shorewall.packet.tos, 0xc0);
  assert.is(shorewall.packet.length, 36);
  const openwrt = parse('Nov 18 13:39:49 OpenWRT kernel: [10051.313745] DROP(src wan)IN=eth0 OUT= MAC=c2:56:27:73:33:cf:c4:f0:81:b0:93:24:08:00 SRC=205.205.205.205 DST=192.168.8.100 LEN=44 TOS=0x00 PREC=0x00 TTL=31 ID=8549 PROTO=TCP SPT=40952 DPT=23 WINDOW=64144 RES=0x00 SYN URGP=0 MARK=0xff00');
  assert.is(openwrt.meta.prefix, 'DROP(src wan)');
  assert.is(openwrt.packet.mark, 0xff00);
  const hostless = parse('Jan  8 03:37:09 DENY: ' + FIELDS);
  assert.is(hostless.meta.prefix, 'DENY: ');
  assert.is(hostless.meta.host, undefined);
});

test('OUT only: locally generated (OUTPUT), UID/GID kept; IN only: UID/GID dropped', () => {
  const out = parse('Feb  4 23:33:37 hostname kernel: DROP IN= OUT=wlan0 SRC=192.168.1.102 DST=74.125.232.52 LEN=52 TOS=0x00 PREC=0x00 TTL=64 ID=5394 DF PROTO=TCP SPT=59534 DPT=443 WINDOW=501 RES=0x00 ACK PSH FIN URGP=0 UID=1000 GID=1001 ');
  assert.is(out.packet.localOut, true);
  assert.is(out.packet.inIface, undefined);
  assert.is(out.packet.outIface, 'wlan0');
  assert.is(out.meta.hook, 'OUTPUT');
  assert.is(out.packet.uid, 1000);
  assert.is(out.packet.gid, 1001);
  assert.is(out.packet.tcpFlags, 16 | 8 | 1);
  const early = parse(FIELDS + 'UID=33 GID=33 ');
  assert.is(early.packet.uid, undefined);
  assert.is(early.packet.localOut, false);
});

test('--log-tcp-sequence and --log-tcp-options: seq/ack, option kinds, wscale, SACK-permitted', () => {
  const r = parse('IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=5000 DPT=80 SEQ=4294967295 ACK=0 WINDOW=64240 RES=0x00 CWR ECE SYN URGP=0 OPT (020405B40402080A000000010000000001030307) ');
  assert.is(r.meta.tcpSequenceLogged, true);
  assert.is(r.packet.seq, 4294967295);
  assert.is(r.packet.ack, 0);
  assert.is(r.packet.tcpFlags, 128 | 64 | 2);
  assert.equal(r.packet.tcpOptions, [2, 4, 8, 1, 3]);
  assert.is(r.packet.tcpWscale, 7);
  assert.is(r.packet.tcpSackPerm, true);
  assert.is(r.packet.srcMac, undefined, 'MAC= empty: no link header');
  const noOptions = parse(FIELDS);
  assert.is(noOptions.packet.tcpOptions, undefined);
  assert.is(noOptions.packet.tcpWscale, undefined);
  assert.is(noOptions.packet.tcpSackPerm, undefined);
});

test('Proxmox pve-firewall lines: own time format, no RES/URGP, bridge ports, IN= or OUT= left out', () => {
  const bridged = parse('101 1 tap101i0-IN 20/Jun/2022:13:12:46 +0200 REJECT: IN=fwbr101i0 OUT=fwbr101i0 PHYSIN=fwln101i0 PHYSOUT=tap101i0 MAC=a2:1b:bb:df:61:a5:6e:68:28:cc:2a:0c:08:00 SRC=10.3.95.34 DST=10.3.95.200 LEN=60 TOS=0x10 PREC=0x00 TTL=63 ID=37700 DF PROTO=TCP SPT=51604 DPT=22 SEQ=3673568222 ACK=0 WINDOW=64240 SYN ');
  assert.is(bridged.packet.ts, Date.UTC(2022, 5, 20, 11, 12, 46) / 1000);
  assert.is(bridged.meta.prefix, 'REJECT: ');
  assert.is(bridged.meta.physin, 'fwln101i0');
  assert.is(bridged.meta.physout, 'tap101i0');
  assert.is(bridged.meta.hook, 'FORWARD');
  assert.is(bridged.packet.seq, 3673568222);
  assert.is(bridged.packet.tos, 0x10);
  assert.is(bridged.packet.tcpUrgPtr, undefined);
  const hostOut = parse('0 1 PVEFW-HOST-OUT 20/Jun/2022:13:16:23 +0200 REJECT: OUT=vmbr0.94 SRC=10.3.94.12 DST=10.3.94.10 LEN=60 TOS=0x10 PREC=0x00 TTL=64 ID=59156 DF PROTO=TCP SPT=49566 DPT=22 SEQ=708451139 ACK=0 WINDOW=64240 SYN ');
  assert.is(hostOut.packet.localOut, true);
  assert.is(hostOut.packet.outIface, 'vmbr0.94');
  const hostIn = parse('0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 policy DROP: IN=vmbr0.94 MAC=24:8a:07:9a:2a:f2:24:8a:07:50:2c:9e:08:00 SRC=10.3.94.11 DST=10.3.94.12 LEN=52 TOS=0x00 PREC=0xC0 TTL=255 ID=64317 DF PROTO=UDP SPT=49152 DPT=3784 LEN=32');
  assert.is(hostIn.packet.inIface, 'vmbr0.94');
  assert.is(hostIn.meta.prefix, 'policy DROP: ');
  assert.is(hostIn.meta.hook, 'INPUT');
});

test('ICMP: echo ID/SEQ, error with the quoted packet, frag-needed MTU, redirect, parameter problem', () => {
  const echo = parse('Aug 17 10:03:37 myhostname kernel: SFW2-INext-DROP-DEFLT IN=eth0 OUT= MAC=00:08:02:da:c8:51:00:0f:f7:74:31:8a:08:00 SRC=1.2.3.36 DST=1.2.3.194 LEN=28 TOS=0x00 PREC=0x00 TTL=44 ID=60200 PROTO=ICMP TYPE=8 CODE=0 ID=10466 SEQ=21229');
  assert.is(echo.packet.ipId, 60200, 'the IP ID= is not the ICMP ID=');
  assert.is(echo.packet.icmpType, 8);
  assert.is(echo.packet.icmpId, 10466);
  assert.is(echo.packet.icmpSeq, 21229);
  const unreach = parse('Jan  8 03:37:09 DENY: IN=eth0 OUT= MAC=90:10:28:5f:62:24:90:10:18:5a:89:2a:08:00 SRC=192.0.2.71 DST=192.0.2.83 LEN=88 TOS=0x00 PREC=0x00 TTL=118 ID=21684 PROTO=ICMP TYPE=3 CODE=3 [SRC=192.0.2.83 DST=192.168.173.191 LEN=60 TOS=0x00 PREC=0x00 TTL=54 ID=0 DF PROTO=UDP SPT=21458 DPT=62936 LEN=40 ]');
  assert.is(unreach.packet.icmpCode, 3);
  assert.equal(unreach.packet.inner, { src: ip('192.0.2.83'), dst: ip('192.168.173.191'), proto: 17, sport: 21458, dport: 62936 });
  const fragNeeded = parse('IN=eth0 OUT= MAC= SRC=203.0.113.1 DST=10.0.0.2 LEN=576 TOS=0x00 PREC=0xC0 TTL=254 ID=9 PROTO=ICMP TYPE=3 CODE=4 [SRC=10.0.0.2 DST=198.51.100.9 LEN=1500 TOS=0x00 PREC=0x00 TTL=63 ID=77 DF PROTO=TCP SPT=443 DPT=51000 WINDOW=502 RES=0x00 ACK URGP=0 ] MTU=1400 MARK=0x2 ');
  assert.equal(fragNeeded.packet.inner, { src: ip('10.0.0.2'), dst: ip('198.51.100.9'), proto: 6, sport: 443, dport: 51000 });
  assert.is(fragNeeded.packet.mark, 2);
  const quotedEcho = parse('IN=eth0 OUT= MAC= SRC=203.0.113.1 DST=10.0.0.2 LEN=56 TOS=0x00 PREC=0x00 TTL=254 ID=9 PROTO=ICMP TYPE=11 CODE=0 [SRC=10.0.0.2 DST=198.51.100.9 LEN=84 TOS=0x00 PREC=0x00 TTL=1 ID=5 DF PROTO=ICMP TYPE=8 CODE=0 ID=31 SEQ=2 ] ');
  assert.equal(quotedEcho.packet.inner, { src: ip('10.0.0.2'), dst: ip('198.51.100.9'), proto: 1, icmpType: 8, icmpCode: 0, icmpId: 31 });
  const redirect = parse('IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=3 PROTO=ICMP TYPE=5 CODE=1 GATEWAY=10.0.0.254 [SRC=10.0.0.2 DST=8.8.8.8 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=4 PROTO=UDP SPT=1 DPT=53 LEN=64 ] ');
  assert.is(redirect.packet.icmpType, 5);
  assert.is(redirect.packet.inner?.dst, ip('8.8.8.8'));
  const truncated = parse('IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=36 TOS=0x00 PREC=0x00 TTL=64 ID=3 PROTO=ICMP TYPE=3 CODE=1 [TRUNCATED] ');
  assert.is(truncated.packet.inner, undefined);
  const param = parse('IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=3 PROTO=ICMP TYPE=12 CODE=0 PARAMETER=20 ');
  assert.is(param.packet.icmpType, 12);
  assert.is(param.packet.inner, undefined, 'the kernel prints no quoted packet for parameter problems');
  const shortQuote = parse('IN=eth0 OUT= MAC= SRC=203.0.113.1 DST=10.0.0.2 LEN=56 TOS=0x00 PREC=0xC0 TTL=254 ID=9 PROTO=ICMP TYPE=11 CODE=0 [SRC=10.0.0.2 DST=198.51.100.9 LEN=60 TOS=0x00 PREC=0x00 TTL=1 ID=77 DF PROTO=TCP INCOMPLETE [8 bytes] ] ');
  assert.is(shortQuote.packet.icmpType, 11);
  assert.is(shortQuote.packet.inner, undefined, 'quoted TCP ports not shown: no inner tuple');
});

test('fragments, INCOMPLETE transport headers, protocols the kernel does not decode', () => {
  const frag = parse('IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=548 TOS=0x00 PREC=0x00 TTL=64 ID=77 MF FRAG:185 PROTO=UDP ');
  assert.is(frag.packet.fragOffset, 185);
  assert.is(frag.packet.moreFragments, true);
  assert.is(frag.packet.sport, undefined);
  const ahFragment = parse('IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=100 TOS=0x00 PREC=0x00 TTL=64 ID=78 FRAG:10 ');
  assert.is(ahFragment.packet.proto, 51, 'AH is the one protocol printed nowhere on a non-first fragment');
  const incomplete = parse('Mar 15 20:58:59 linux kernel: [810518.886753] DROP IN=eth0 OUT= MAC=23:87:fc:c6:24:58:00:21:3f:98:99:78:09:00 SRC=192.168.10.55 DST=192.168.10.1 LEN=20 TOS=0x00 PREC=0x00 TTL=40 ID=40147 PROTO=UDPLITE INCOMPLETE [0 bytes] ');
  assert.is(incomplete.packet.proto, 136);
  assert.is(incomplete.packet.length, 20);
  assert.is(incomplete.packet.sport, undefined, 'ports unknown: port matches cannot match');
  const icmpIncomplete = parse('IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=24 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP INCOMPLETE [4 bytes] ');
  assert.is(icmpIncomplete.packet.icmpType, undefined);
  const sctp = parse('IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=48 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=132 ');
  assert.is(sctp.packet.proto, 132);
  assert.is(sctp.packet.dport, undefined);
  const esp = parse('Jan  5 20:17:01 firewall kernel: [4276041.728154] IN=eno1 OUT= MAC=0c:c4:7a:0f:51:0c:d4:66:24:80:d8:da:08:00 SRC=192.168.110.116 DST=192.168.2.25 LEN=120 TOS=0x00 PREC=0x00 TTL=55 ID=0 DF PROTO=ESP SPI=0xcb886522');
  assert.is(esp.packet.proto, 50);
  assert.is(esp.packet.length, 120);
});

test('link header variants: extra MAC bytes, --log-macdecode, TOS and precedence combined', () => {
  const extra = parse('Jan  5 20:17:05 MainFirewall kernel: [LAN_LOCAL-default-A]IN=eth0.90 OUT= MAC=90:10:92:6e:ea:a7:90:10:73:ba:d6:77:08:00:45:fc:02:1c SRC=192.168.48.137 DST=255.55.174.225 LEN=540 TOS=0x1C PREC=0xE0 TTL=64 ID=27223 PROTO=UDP SPT=48689 DPT=48689 LEN=520 ');
  assert.equal(extra.packet.dstMac, mac('90:10:92:6e:ea:a7'));
  assert.equal(extra.packet.srcMac, mac('90:10:73:ba:d6:77'));
  assert.is(extra.packet.tos, 0xfc);
  assert.is(extra.packet.inIface, 'eth0.90');
  const decoded = parse('IN=eth0 OUT= MACSRC=52:54:00:ab:cd:ef MACDST=52:54:00:12:34:56 MACPROTO=0800 SRC=192.0.2.10 DST=198.51.100.7 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=0 RES=0x00 RST URGP=0 ');
  assert.equal(decoded.packet.srcMac, mac('52:54:00:ab:cd:ef'));
  assert.equal(decoded.packet.dstMac, mac('52:54:00:12:34:56'));
  assert.is(decoded.packet.tcpFlags, 4);
});

test('skipped: other syslog traffic and blank lines', () => {
  const sshd = parseLogLine('Jan  8 03:37:09 fw sshd[812]: Accepted publickey for root from 192.0.2.1 port 51000', 3);
  assert.is(sshd.kind, 'skip');
  assert.ok(sshd.kind === 'skip' && /not a kernel LOG line/.test(sshd.reason));
  const login = parseLogLine('Jan  8 03:37:09 fw login[5]: LOGIN=root OUT=x', 4);
  assert.is(login.kind, 'skip');
  assert.is(parseLogLine('', 5).kind, 'skip');
});

test('unsupported: IPv6 (SRC with ":", ICMPv6, TC/HOPLIMIT), ARP, non-IP frames, truncated IPv4 header', () => {
  const lines = [
    'Jan 22 09:05:05 ubuntu-bionic kernel: [16571.459614] IN= OUT=lo SRC=2001:0db8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0002 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=868225 PROTO=ICMPv6 TYPE=128 CODE=0 ID=3427 SEQ=1 ',
    'IN=eth0 OUT= MAC= SRC=::1 DST=::1 LEN=40 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0 ',
    'IN=eth0 OUT= MAC=ff:ff:ff:ff:ff:ff:52:54:00:ab:cd:ef:08:06 ARP HTYPE=1 PTYPE=0x0800 OPCODE=1 MACSRC=52:54:00:ab:cd:ef IPSRC=10.0.0.1 MACDST=00:00:00:00:00:00 IPDST=10.0.0.2',
    'IN=br0 OUT= MAC=ff:ff:ff:ff:ff:ff:52:54:00:ab:cd:ef:88:cc ',
    'IN=eth0 OUT= MAC= TRUNCATED',
  ];
  const reasons = lines.map((line, i) => {
    const r = parseLogLine(line, i + 1);
    assert.is(r.kind, 'unsupported', line);
    return r.kind === 'unsupported' ? r.reason : '';
  });
  assert.match(reasons[0]!, /IPv6/);
  assert.match(reasons[1]!, /IPv6/);
  assert.match(reasons[2]!, /ARP/);
  assert.match(reasons[3]!, /neither IPv4 nor IPv6/);
  assert.match(reasons[4]!, /TRUNCATED/);
});

test('errors name the line and what was wrong', () => {
  const cases: Array<[string, RegExp]> = [
    ['Jun  8 14:34:33 sd-126005 kernel: [50028442.088484] XX=enp1s0 OUT= MAC=00:08:a2:0c:1f:12:00:c8:8b:e2:d6:87:08:00 SRC=195.54.160.107 DST=51.15.166.67 LEN=40 TOS=0x00 PREC=0x00 TTL=245 ID=37308 PROTO=TCP SPT=8080 DPT=8123 WINDOW=1024 RES=0x00 SYN URGP=0', /no IN= field.*"XX=enp1s0"/],
    ['IN=eth0 OUT= MAC= SRC=10.0.0.300 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=2 ', /SRC: "10\.0\.0\.300" is not an IPv4 address/],
    ['IN= OUT=eth0 SRC=192.168.6.57 DST=216.161.248.225 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=18547 DF PROTO=TCP SPT=46388 DPT=37628 WINDOW=6930 RES=0x00 ACK RST URGn=0', /"URGn=0" is not a TCP field/],
    ['IN=abc.123 OUT=abc.123 MAC= SRC=10.251.1.1 DST=10.251.1.1 LEN=84 TOS=00 PREC=0x00 TTL=63 ID=6789 PROTO=ICMP TYPE=8 CODE=0 ID=98765 SEQ=30123 MARK=0', /ID: "98765" is not an ICMP identifier/],
    ['IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 ', /PROTO= is missing/],
    ['IN=eth0 OUT= FOO=1 SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=2 ', /PHYSIN=, MAC= or SRC=, not "FOO=1"/],
    ['IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=12 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=2 ', /LEN: 12 is shorter than an IPv4 header/],
    ['IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0 ', /LEN: 30 is not a possible IP total length/],
    ['IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TTL=64 ID=1 PROTO=2 ', /TOS= is missing/],
    ['IN=eth0 OUT= MAC= SRC=10.0.0.1 SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=2 ', /SRC= appears twice/],
    ['IN=eth0 OUT= MAC=zz:00 SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=2 ', /MAC: "zz:00"/],
    ['IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0 OPT (0204B) ', /OPT: "0204B" is not a sequence of hex bytes/],
    ['IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 SEQ=5 WINDOW=1 RES=0x00 SYN URGP=0 ', /SEQ= and ACK= together/],
    ['IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=2 MARK=0x1 junk', /unexpected "junk"/],
    ['IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=3 PROTO=ICMP TYPE=3 CODE=1 [SRC=10.0.0.2 DST=8.8.8.8 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=4 PROTO=UDP SPT=1 DPT=53 LEN=64 ', /must end with "\]"/],
    ['IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=56 TOS=0x00 PREC=0x00 TTL=64 ID=3 PROTO=ICMP TYPE=12 CODE=0 PARAMETER=20 [SRC=10.0.0.2 DST=10.0.0.1 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=1 DPT=2 LEN=8 ] ', /quotes no packet for ICMP type 12/],
    ['IN=this-name-is-too-long0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=2 ', /IN: interface name/],
    ['IN=eth0 OUT= MAC= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP INCOMPLETE [x bytes] ', /INCOMPLETE must be followed by/],
  ];
  for (const [line, reason] of cases) {
    const r = parseLogLine(line, 42);
    assert.is(r.kind, 'error', line);
    if (r.kind === 'error') {
      assert.match(r.message, /^line 42: /);
      assert.match(r.message, reason);
    }
  }
});

test('an interface name with a dot is valid (VLANs, "enp.1s0")', () => {
  const r = parse('Jun  8 14:34:33 sd-126005 kernel: [50028442.088484] IN=enp.1s0 OUT= MAC=00:08:a2:0c:1f:12:00:c8:8b:e2:d6:87:08:00 SRC=195.54.160.107 DST=51.15.166.67 LEN=40 TOS=0x00 PREC=0x00 TTL=245 ID=37308 PROTO=TCP SPT=8080 DPT=8123 WINDOW=1024 RES=0x00 SYN URGP=0');
  assert.is(r.packet.inIface, 'enp.1s0');
});

test('syslog years: the default year, an impossible date, New Year inside one log', () => {
  assert.is(parse('Feb 29 12:00:00 fw kernel: ' + FIELDS, 2024).packet.ts, Date.UTC(2024, 1, 29, 12) / 1000);
  const notLeap = parseLogLine('Feb 29 12:00:00 fw kernel: ' + FIELDS, 9, { defaultYear: 2023 });
  assert.is(notLeap.kind, 'error');
  assert.ok(notLeap.kind === 'error' && /^line 9: .*Feb 29 12:00:00 is not a date in 2023/.test(notLeap.message), JSON.stringify(notLeap));
  const reader = new LogLinesReader({ defaultYear: 2023 });
  const dec = packetOf(reader.read('Dec 31 23:59:59 fw kernel: ' + FIELDS, 1));
  const jan = packetOf(reader.read('Jan  1 00:00:01 fw kernel: ' + FIELDS, 2));
  assert.is(dec.packet.ts, Date.UTC(2023, 11, 31, 23, 59, 59) / 1000);
  assert.is(jan.packet.ts, Date.UTC(2024, 0, 1, 0, 0, 1) / 1000);
});

test('reader: time never runs backwards, lines without a time take the previous one, errors name the file', () => {
  const text = [
    'Jan  8 03:37:09 fw kernel: [100.5] ' + FIELDS,
    'Jan  8 03:37:05 fw kernel: [100.2] ' + FIELDS,
    'DROP ' + FIELDS,
    'Jan  8 03:37:10 fw sshd[1]: hello',
    'Jan  8 03:37:11 fw kernel: IN=eth0 OUT= MAC= SRC=1.2.3 DST=1.2.3.4 LEN=20 TOS=0x00 PREC=0x00 TTL=1 ID=0 PROTO=2',
    'Jan  8 03:37:12 fw kernel: IN=eth0 OUT= SRC=fe80::1 DST=fe80::2 LEN=40 TC=0 HOPLIMIT=1 FLOWLBL=0 PROTO=ICMPv6 TYPE=135 CODE=0',
    '',
  ].join('\n');
  const entries = [...parseLogText(text, { filename: 'fw.log', defaultYear: 2024 })];
  assert.equal(entries.map((e) => e.lineNo), [1, 2, 3, 4, 5, 6]);
  const t0 = Date.UTC(2024, 0, 8, 3, 37, 9) / 1000;
  const [first, second, third] = entries.map((e) => e.result);
  assert.is(packetOf(first!).packet.ts, t0);
  assert.is(packetOf(second!).packet.ts, t0, 'an earlier time is clamped');
  assert.is(packetOf(second!).meta.timestamp, t0 - 4, 'meta keeps what the line said');
  assert.is(packetOf(third!).packet.ts, t0, 'no time: the previous packet\'s');
  assert.is(entries[3]!.result.kind, 'skip');
  assert.equal(entries[4]!.result, { kind: 'error', message: 'fw.log:5: SRC: "1.2.3" is not an IPv4 address' });
  assert.is(entries[5]!.result.kind, 'unsupported');
  assert.equal(tallyLogResults(entries), { packets: 3, skipped: 1, unsupported: 1, errors: 1 });
});

test('fixture with mixed formats: one result per line, in order', () => {
  const text = readFileSync(new URL('./fixtures/logs/mixed-formats.log', import.meta.url), 'utf8');
  const entries = [...parseLogText(text, { filename: 'mixed-formats.log', defaultYear: 2024 })];
  assert.equal(entries.map((e) => e.result.kind), ['packet', 'skip', 'packet', 'packet', 'packet', 'unsupported', 'error']);
  const [syn, , fwd, ping, icmpErr] = entries.map((e) => e.result);
  const t0 = Date.UTC(2024, 0, 8, 3, 37, 9) / 1000;
  assert.equal(packetOf(syn!).packet.tcpOptions, [2, 4, 8, 1, 3]);
  assert.is(packetOf(syn!).packet.tcpWscale, 7);
  assert.is(packetOf(syn!).meta.prefix, 'INPUT-DROP: ');
  assert.is(packetOf(fwd!).packet.ts, t0 + 1.25, '04:37:10.25 at +01:00');
  assert.is(packetOf(fwd!).packet.seq, 1000);
  assert.is(packetOf(fwd!).packet.mark, 0x10);
  assert.is(packetOf(fwd!).meta.hook, 'FORWARD');
  assert.is(packetOf(ping!).meta.prefix, 'OUT-LOG: ');
  assert.is(packetOf(ping!).packet.uid, 0);
  assert.is(packetOf(ping!).packet.ts, t0 + 2);
  assert.is(packetOf(icmpErr!).meta.uptime, 463493.000001);
  assert.is(packetOf(icmpErr!).packet.ts, t0 + 2, 'seconds since boot are before the previous time: clamped');
  assert.equal(packetOf(icmpErr!).packet.inner, { src: ip('192.0.2.10'), dst: ip('203.0.113.1'), proto: 17, sport: 33434, dport: 33435 });
  const last = entries[6]!.result;
  assert.ok(last.kind === 'error' && last.message.startsWith('mixed-formats.log:7: "LENGTH=3" is not a TCP field'), JSON.stringify(last));
});

test('CRLF line ends are accepted', () => {
  const entries = [...parseLogText(`${FIELDS}\r\n${FIELDS}\r\n`)];
  assert.is(entries.length, 2);
  assert.is(packetOf(entries[1]!.result).packet.window, 64240);
});

test('the caveat for results computed from LOG lines', () => {
  assert.is(
    LOG_LINES_CAVEAT,
    'LOG lines carry no payload and no TCP sequence numbers unless --log-tcp-sequence: helpers (FTP) and TCP window tracking cannot be judged from logs; conntrack states derived from LOG lines are approximate.',
  );
});

test.run();
