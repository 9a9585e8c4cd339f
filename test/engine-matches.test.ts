// The core's match instructions (assembly/shared/layout.ts OP_*), each driven through a test-only
// `-m ops` module so the core is checked independently of the real match modules.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ADDRTYPE_BROADCAST, ADDRTYPE_LOCAL, ADDRTYPE_MULTICAST, ADDRTYPE_UNICAST, AT_DST, AT_LIMIT_IN,
  AT_SRC, AT_SRC_INV, CTSTATE_ESTABLISHED, CTSTATE_NEW, CTSTATE_RELATED, FD_CTSTATE, FD_DPORT,
  FD_MARK, FD_PKTTYPE, FD_SRC, FD_TCPFLAGS, FD_TTL, OP_ADDRTYPE, OP_ANYBIT, OP_FAIL, OP_ICMP,
  OP_IPRANGE, OP_L4HDR, OP_MAC, OP_MASKEQ, OP_OWNER, OP_PORTS, OP_RANGE, OP_TCPOPT, OW_GID, OW_SOCKET,
  OW_UID, OW_UID_INV, PKTTYPE_BROADCAST, PKTTYPE_MULTICAST, PKTTYPE_UNICAST,
} from '../assembly/shared/layout.js';
import type { HostModel } from '../src/host/model.js';
import {
  classify, engineFor, ip, packet, routerHost, rules, testRegistry, withOps, type Instruction, type PacketSpec,
} from './engine-support.js';

/** Rule 1 of filter INPUT carries `instructions` and LOGs; which packets match it? */
async function matches(instructions: Instruction[], specs: PacketSpec[], host?: HostModel, basic = ''): Promise<boolean[]> {
  const rs = withOps(rules(`-A INPUT ${basic} -j LOG`.replace(/ +/g, ' ')), 'filter:INPUT:1', instructions);
  const engine = await engineFor(rs, host, { registry: testRegistry });
  return classify(engine, specs.map(packet)).map((r) => r.matched.includes('filter:INPUT:1'));
}

test('OP_RANGE / OP_MASKEQ / OP_ANYBIT on record fields, with and without !', async () => {
  assert.equal(await matches([{ op: OP_RANGE, operands: [FD_DPORT, 20, 22] }], [{ dport: 22 }, { dport: 23 }]), [true, false]);
  assert.equal(await matches([{ op: OP_RANGE, operands: [FD_DPORT, 20, 22], invert: true }], [{ dport: 22 }, { dport: 23 }]), [false, true]);
  assert.equal(await matches([{ op: OP_RANGE, operands: [FD_TTL, 0, 63] }], [{ ttl: 63 }, { ttl: 64 }]), [true, false]);
  // --tcp-flags SYN,ACK SYN
  assert.equal(await matches([{ op: OP_MASKEQ, operands: [FD_TCPFLAGS, 0x12, 0x02] }], [{ tcpFlags: 0x02 }, { tcpFlags: 0x12 }]), [true, false]);
  const established = CTSTATE_ESTABLISHED | CTSTATE_RELATED;
  assert.equal(
    await matches([{ op: OP_ANYBIT, operands: [FD_CTSTATE, established] }], [{ ctstate: CTSTATE_NEW }, { ctstate: CTSTATE_ESTABLISHED }]),
    [false, true],
  );
});

test('every instruction must pass; the first failure ends the rule', async () => {
  const both = [{ op: OP_RANGE, operands: [FD_DPORT, 22, 22] }, { op: OP_RANGE, operands: [FD_TTL, 64, 64] }];
  assert.equal(await matches(both, [{ dport: 22, ttl: 64 }, { dport: 22, ttl: 1 }, { dport: 80, ttl: 64 }]), [true, false, false]);
  assert.equal(await matches([{ op: OP_FAIL, operands: [] }], [{}]), [false]);
});

test('OP_L4HDR: later fragments fail even an inverted port test; -f picks them', async () => {
  const notSsh = [{ op: OP_L4HDR, operands: [] }, { op: OP_RANGE, operands: [FD_DPORT, 22, 22], invert: true }];
  const specs: PacketSpec[] = [{ dport: 80 }, { dport: 80, fragOffset: 185 }, { dport: 22 }];
  assert.equal(await matches(notSsh, specs), [true, false, false]);
  assert.equal(await matches([], specs, undefined, '-f'), [false, true, false]);
  assert.equal(await matches([], specs, undefined, '! -f'), [true, false, true]);
});

test('OP_PORTS: source, destination or either, any range', async () => {
  const range = (lo: number, hi: number) => (lo << 16) | hi;
  const specs: PacketSpec[] = [{ sport: 53, dport: 40000 }, { sport: 40000, dport: 443 }, { sport: 1, dport: 2 }];
  assert.equal(await matches([{ op: OP_PORTS, operands: [0, 1, range(53, 53)] }], specs), [true, false, false]);
  assert.equal(await matches([{ op: OP_PORTS, operands: [1, 2, range(80, 80), range(440, 450)] }], specs), [false, true, false]);
  assert.equal(await matches([{ op: OP_PORTS, operands: [2, 2, range(53, 53), range(443, 443)] }], specs), [true, true, false]);
  assert.equal(await matches([{ op: OP_PORTS, operands: [2, 1, range(53, 53)], invert: true }], specs), [false, true, true]);
});

test('OP_TCPOPT, OP_MAC, OP_ICMP, OP_IPRANGE', async () => {
  assert.equal(await matches([{ op: OP_TCPOPT, operands: [4] }], [{ tcpOptions: [2, 4] }, { tcpOptions: [2] }]), [true, false]);
  const mac = new Uint8Array([0x00, 0x11, 0x22, 0x33, 0x44, 0x55]);
  const macOp = { op: OP_MAC, operands: [0x00112233, 0x4455] };
  assert.equal(await matches([macOp], [{ srcMac: mac }, { srcMac: new Uint8Array(6) }, {}]), [true, false, false]);
  // no link-layer header: no match even with `!`
  assert.equal(await matches([{ ...macOp, invert: true }], [{ srcMac: mac }, { srcMac: new Uint8Array(6) }, {}]), [false, true, false]);
  const icmp = (type: number, code: number): PacketSpec => ({ proto: 1, icmpType: type, icmpCode: code, sport: undefined, dport: undefined });
  assert.equal(await matches([{ op: OP_ICMP, operands: [3, 0, 255] }], [icmp(3, 3), icmp(8, 0)]), [true, false]);
  assert.equal(await matches([{ op: OP_ICMP, operands: [3, 3, 3] }], [icmp(3, 3), icmp(3, 1)]), [true, false]);
  assert.equal(await matches([{ op: OP_ICMP, operands: [0xff, 0, 255] }], [icmp(3, 3), icmp(8, 0)]), [true, true]);
  const iprange = { op: OP_IPRANGE, operands: [FD_SRC, ip('192.0.2.10'), ip('192.0.2.20')] };
  assert.equal(await matches([iprange], [{ src: '192.0.2.15' }, { src: '192.0.2.21' }, { src: '200.0.0.1' }]), [true, false, false]);
});

test('packet type derived from the destination when the record leaves it 0', async () => {
  const type = (t: number) => [{ op: OP_RANGE, operands: [FD_PKTTYPE, t, t] }];
  const specs: PacketSpec[] = [{ dst: '198.51.100.1' }, { dst: '198.51.100.255' }, { dst: '255.255.255.255' }, { dst: '224.0.0.251' }];
  const host = routerHost();
  assert.equal(await matches(type(PKTTYPE_UNICAST), specs, host), [true, false, false, false]);
  assert.equal(await matches(type(PKTTYPE_BROADCAST), specs, host), [false, true, true, false]);
  assert.equal(await matches(type(PKTTYPE_MULTICAST), specs, host), [false, false, false, true]);
});

test('OP_ADDRTYPE: address types from the route table, per side, with ! and interface limits', async () => {
  const host = routerHost();
  const dstType = (types: number, mode = AT_DST) => [{ op: OP_ADDRTYPE, operands: [mode, 0, types] }];
  const specs: PacketSpec[] = [
    { dst: '198.51.100.1' }, { dst: '10.0.0.1' }, { dst: '10.0.0.255' }, { dst: '224.0.0.1' },
  ];
  assert.equal(await matches(dstType(ADDRTYPE_LOCAL), specs, host), [true, true, false, false]);
  assert.equal(await matches(dstType(ADDRTYPE_BROADCAST), specs, host), [false, false, true, false]);
  assert.equal(await matches(dstType(ADDRTYPE_MULTICAST), specs, host), [false, false, false, true]);
  // blackhole route (203.0.113.0/24): fib lookup fails, the kernel keeps UNICAST; so does no route
  const srcUnicast = [{ op: OP_ADDRTYPE, operands: [AT_SRC, ADDRTYPE_UNICAST, 0] }];
  const sources: PacketSpec[] = [{ src: '8.8.8.8' }, { src: '203.0.113.1' }, { src: '198.51.100.1' }, { src: '0.0.0.0' }];
  assert.equal(await matches(srcUnicast, sources, host), [true, true, false, false]);
  const srcBroadcast = [{ op: OP_ADDRTYPE, operands: [AT_SRC, ADDRTYPE_BROADCAST, 0] }];
  assert.equal(await matches(srcBroadcast, sources, host), [false, false, false, true]);
  // --limit-iface-in: 10.0.0.1 lives on eth1, the packet came in on eth0
  assert.equal(await matches(dstType(ADDRTYPE_LOCAL, AT_DST | AT_LIMIT_IN), specs, host), [true, false, false, false]);
  const srcNotLocal = [{ op: OP_ADDRTYPE, operands: [AT_SRC | AT_SRC_INV, ADDRTYPE_LOCAL, 0] }];
  assert.equal(await matches(srcNotLocal, [{ src: '10.0.0.1' }, { src: '192.0.2.1' }], host), [false, true]);
});

test('OP_OWNER: socket owner of local packets; no socket matches only fully negated options', async () => {
  const rs = (instructions: Instruction[]) => {
    const r = rules('-A OUTPUT -j LOG');
    return withOps(r, 'filter:OUTPUT:1', instructions);
  };
  const run = async (instructions: Instruction[], specs: PacketSpec[]) => {
    const engine = await engineFor(rs(instructions), undefined, { registry: testRegistry });
    return classify(engine, specs.map((s) => packet({ localOut: true, src: '10.0.0.9', dst: '192.0.2.1', ...s })))
      .map((r) => r.matched.includes('filter:OUTPUT:1'));
  };
  const specs: PacketSpec[] = [{ uid: 1000, gid: 100 }, { uid: 0, gid: 0 }, {}];
  assert.equal(await run([{ op: OP_OWNER, operands: [OW_UID, 1000, 1000, 0, 0] }], specs), [true, false, false]);
  assert.equal(await run([{ op: OP_OWNER, operands: [OW_UID | OW_UID_INV, 1000, 1000, 0, 0] }], specs), [false, true, true]);
  assert.equal(await run([{ op: OP_OWNER, operands: [OW_UID | OW_GID, 0, 1000, 100, 100] }], specs), [true, false, false]);
  assert.equal(await run([{ op: OP_OWNER, operands: [OW_SOCKET, 0, 0, 0, 0] }], specs), [true, true, false]);
});

test('MARK then a mark test: the target changes what later rules and tables see', async () => {
  const text = [
    '*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]',
    '-A PREROUTING -s 192.0.2.1/32 -j MARK --set-mark 0x5/0xff', 'COMMIT',
    '*filter', ':INPUT DROP [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', '-A INPUT -j ACCEPT', 'COMMIT',
  ].join('\n');
  const rs = withOps(rules(text), 'filter:INPUT:1', [{ op: OP_MASKEQ, operands: [FD_MARK, 0xff, 5] }]);
  const engine = await engineFor(rs, undefined, { registry: testRegistry });
  const [marked, other] = classify(engine, [packet({ mark: 0x100 }), packet({ src: '192.0.2.2' })]);
  assert.is(marked.verdict, 'ACCEPT');
  assert.is(marked.mark, 0x105);
  assert.is(other.verdict, 'DROP');
  assert.is(other.mark, 0);
});

test('CONNMARK --save-mark / --restore-mark move marks between packet and connection', async () => {
  const text = [
    '*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]',
    '-A PREROUTING -j CONNMARK --restore-mark',
    '-A INPUT -j MARK --set-mark 7',
    '-A INPUT -j CONNMARK --save-mark',
    'COMMIT',
  ].join('\n');
  const engine = await engineFor(text);
  const [fresh, known, invalid] = classify(engine, [
    packet({ ctmark: 0 }), packet({ ctmark: 3, ctstate: CTSTATE_ESTABLISHED }), packet({ ctstate: 1, ctmark: 9 }),
  ]);
  assert.is(fresh.ctmark, 7);
  assert.is(known.mark, 7);
  assert.ok(known.trace.includes('mangle:PREROUTING:rule:1'));
  assert.is(invalid.ctmark, 9, 'no conntrack (INVALID): CONNMARK changes nothing');
  assert.is(invalid.mark, 7);
});

test('TRACE, CT --helper, CT --notrack, QUEUE', async () => {
  const raw = (rule: string) => `*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${rule}\nCOMMIT\n`;
  const traced = (await classify(await engineFor(raw('-A PREROUTING -j TRACE')), [packet()]))[0];
  assert.ok(traced.flags.traced);
  const helper = classify(await engineFor(raw('-A PREROUTING -p tcp -j CT --helper ftp')), [packet({ dport: 21 })])[0];
  assert.is(helper.helper, 'ftp');
  assert.is(helper.ctstate, 'NEW');
  const notrack = classify(await engineFor(raw('-A PREROUTING -j CT --notrack')), [packet()])[0];
  assert.is(notrack.ctstate, 'UNTRACKED');
  const queued = classify(await engineFor('-A INPUT -j NFQUEUE --queue-num 3'), [packet()])[0];
  assert.is(queued.verdict, 'QUEUE');
});

test.run();
