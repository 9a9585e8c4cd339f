// The LOG target's own formatter (src/log, written from nf_log_syslog.c independently of the
// parser) writes a line for a packet record; reading the line back must give the packet again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HOOK_FORWARD, HOOK_INPUT, HOOK_OUTPUT, PKT_SIZE } from '../assembly/shared/layout.js';
import { formatLogLine, type LogPoint } from '../src/log/format.js';
import { parseLogLine } from '../src/logs/index.js';
import type { LogAction } from '../src/modules/module.js';
import { encodePacket } from '../src/packets/encode.js';
import type { PacketInput } from '../src/packets/types.js';

const ip = (text: string) => text.split('.').reduce((v, o) => v * 256 + Number(o), 0);
const ACTION: LogAction = {
  type: 'LOG', prefix: 'RT: ', level: 4, tcpSequence: true, tcpOptions: false, ipOptions: false, uid: true, macDecode: false,
};

function roundTrip(p: PacketInput, at: LogPoint) {
  const view = new DataView(new ArrayBuffer(PKT_SIZE));
  encodePacket(view, 0, p);
  const line = formatLogLine(ACTION, view, 0, at);
  const r = parseLogLine(`Jan  8 03:37:09 fw kernel: ${line}`, 1, { defaultYear: 2024 });
  if (r.kind !== 'packet') throw new Error(`${line} → ${JSON.stringify(r)}`);
  return { line, ...r };
}

const BASE = {
  ts: 1704685029, localOut: false, ttl: 61, tos: 0xb8, fragOffset: 0, moreFragments: false, dontFragment: true, mark: 0,
} as const;

test('TCP with seq/ack arriving: addresses, ports, flags, window, sequence numbers, MACs', () => {
  const p: PacketInput = {
    ...BASE, inIface: 'eth0', src: ip('192.0.2.10'), dst: ip('198.51.100.7'), proto: 6, length: 52, ipId: 4321,
    sport: 40000, dport: 22, tcpFlags: 0x18, seq: 123456789, ack: 987654321, window: 501, tcpUrgPtr: 0,
    srcMac: Uint8Array.from([0x52, 0x54, 0, 0xab, 0xcd, 0xef]), dstMac: Uint8Array.from([0x52, 0x54, 0, 0x12, 0x34, 0x56]),
  };
  const r = roundTrip(p, { hook: HOOK_INPUT, inIface: 'eth0', outIface: '', mark: 0 });
  assert.equal(r.packet, p, r.line);
  assert.is(r.meta.prefix, 'RT: ');
  assert.is(r.meta.tcpSequenceLogged, true);
});

test('forwarded UDP with a mark; local ICMP echo with its owner', () => {
  const udp: PacketInput = {
    ...BASE, inIface: 'eth1', outIface: 'eth0', src: ip('10.1.1.5'), dst: ip('8.8.8.8'), proto: 17, length: 76, ipId: 7,
    sport: 5353, dport: 53, mark: 0x1f,
  };
  const fwd = roundTrip(udp, { hook: HOOK_FORWARD, inIface: 'eth1', outIface: 'eth0', mark: 0x1f });
  assert.equal(fwd.packet, udp, fwd.line);
  assert.is(fwd.meta.hook, 'FORWARD');

  const echo: PacketInput = {
    ...BASE, localOut: true, outIface: 'wg0', src: ip('10.9.0.1'), dst: ip('10.9.0.2'), proto: 1, length: 84, ipId: 0,
    icmpType: 8, icmpCode: 0, icmpId: 4660, icmpSeq: 3, uid: 1000, gid: 100,
  };
  const out = roundTrip(echo, { hook: HOOK_OUTPUT, inIface: '', outIface: 'wg0', mark: 0 });
  assert.equal(out.packet, echo, out.line);
  assert.is(out.meta.hook, 'OUTPUT');
});

test('non-first fragment', () => {
  const frag: PacketInput = {
    ...BASE, dontFragment: false, moreFragments: true, fragOffset: 185, inIface: 'eth0', src: ip('203.0.113.9'),
    dst: ip('192.0.2.1'), proto: 17, length: 548, ipId: 99,
  };
  const r = roundTrip(frag, { hook: HOOK_INPUT, inIface: 'eth0', outIface: '', mark: 0 });
  assert.equal(r.packet, frag, r.line);
});

test.run();
