// Whole rulesets as users write them, through the real parser and match modules: the classic
// firewall patterns the core must get right end to end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CTSTATE_ESTABLISHED, CTSTATE_INVALID, CTSTATE_RELATED } from '../assembly/shared/layout.js';
import { classify, counters, engineFor, packet, type PacketSpec } from './engine-support.js';

const firewall = (body: string) => `*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n${body}\nCOMMIT\n`;

test('stateful host firewall: established first, then services, then the DROP policy', async () => {
  const engine = await engineFor(firewall([
    '-A INPUT -i lo -j ACCEPT',
    '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A INPUT -m conntrack --ctstate INVALID -j DROP',
    '-A INPUT -p tcp -m tcp --dport 22 --tcp-flags FIN,SYN,RST,ACK SYN -j ACCEPT',
    '-A INPUT -p udp -m multiport --dports 53,123 -j ACCEPT',
    '-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT',
  ].join('\n')));
  const specs: PacketSpec[] = [
    { dport: 22, tcpFlags: 2 },
    { dport: 22, tcpFlags: 0x10 }, // bare ACK of no connection: NEW, not a SYN
    { dport: 80, tcpFlags: 0x10, ctstate: CTSTATE_ESTABLISHED },
    { dport: 80, ctstate: CTSTATE_INVALID },
    { proto: 17, dport: 123, tcpFlags: undefined },
    { proto: 1, icmpType: 8, icmpCode: 0, sport: undefined, dport: undefined, tcpFlags: undefined },
    { proto: 1, icmpType: 3, icmpCode: 3, sport: undefined, dport: undefined, tcpFlags: undefined, ctstate: CTSTATE_RELATED },
    { dport: 80 },
  ];
  const results = classify(engine, specs.map(packet));
  assert.equal(results.map((r) => `${r.verdict} ${r.decidedBy}`), [
    'ACCEPT filter:INPUT:4',
    'DROP filter:INPUT:policy',
    'ACCEPT filter:INPUT:2',
    'DROP filter:INPUT:3',
    'ACCEPT filter:INPUT:5',
    'ACCEPT filter:INPUT:6',
    'ACCEPT filter:INPUT:2',
    'DROP filter:INPUT:policy',
  ]);
  assert.equal(counters(engine, 'filter:INPUT:policy'), { packets: 2, bytes: 120 });
});

test('fragments: --dport never matches a later fragment, even negated; -f does', async () => {
  const engine = await engineFor(firewall([
    '-A INPUT -p tcp --dport 22 -j ACCEPT',
    '-A INPUT -p tcp ! --dport 22 -j REJECT',
    '-A INPUT -f -j LOG --log-prefix "frag: "',
  ].join('\n')));
  const [first, later, other] = classify(engine, [
    packet({ dport: 22, moreFragments: true }),
    packet({ dport: 22, fragOffset: 185 }),
    packet({ dport: 80 }),
  ]);
  assert.is(first.decidedBy, 'filter:INPUT:1');
  assert.is(later.verdict, 'DROP');
  assert.equal(later.matched, ['filter:INPUT:3']);
  assert.match(later.logs[0], /^frag: IN=eth0 OUT= .* FRAG:185 /);
  assert.is(other.verdict, 'REJECT');
});

test('limit: the first burst passes, then one packet per period', async () => {
  const engine = await engineFor(firewall([
    '-A INPUT -p icmp -m limit --limit 1/sec --limit-burst 2 -j ACCEPT',
  ].join('\n')));
  const ping = (t: number) => packet({ ts: 5000 + t, proto: 1, icmpType: 8, icmpCode: 0, sport: undefined, dport: undefined, tcpFlags: undefined });
  const results = classify(engine, [0, 0.2, 0.4, 0.6, 1.5, 1.7, 3.0].map(ping));
  assert.equal(results.map((r) => r.verdict), ['ACCEPT', 'ACCEPT', 'DROP', 'DROP', 'ACCEPT', 'DROP', 'ACCEPT']);
});

test('recent: the SSH brute-force pattern drops a new connection once 4 were seen within 60 s', async () => {
  const engine = await engineFor(firewall([
    '-A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --name SSH --update --seconds 60 --hitcount 4 -j DROP',
    '-A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --name SSH --set -j ACCEPT',
  ].join('\n')));
  const attempt = (t: number, src = '192.0.2.50') => packet({ ts: 7000 + t, src, dport: 22 });
  const results = classify(engine, [attempt(0), attempt(5), attempt(10), attempt(15), attempt(16), attempt(17, '192.0.2.51'), attempt(90)]);
  // --update refreshes on the dropped attempt too; at 90 s every stamp is older than 60 s
  assert.equal(results.map((r) => r.verdict), ['ACCEPT', 'ACCEPT', 'ACCEPT', 'ACCEPT', 'DROP', 'ACCEPT', 'ACCEPT']);
});

test('MARK in mangle, -m mark in filter', async () => {
  const text = [
    '*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]',
    '-A PREROUTING -p tcp --dport 8080 -j MARK --set-mark 0x10', 'COMMIT',
    firewall('-A INPUT -m mark --mark 0x10/0xf0 -j ACCEPT'),
  ].join('\n');
  const results = classify(await engineFor(text), [packet({ dport: 8080 }), packet({ dport: 8081 })]);
  assert.equal(results.map((r) => r.verdict), ['ACCEPT', 'DROP']);
  assert.is(results[0].mark, 0x10);
});

test('addrtype: a broadcast DROP before the services', async () => {
  const engine = await engineFor(firewall([
    '-A INPUT -m addrtype --dst-type BROADCAST -j DROP',
    '-A INPUT -p udp -j ACCEPT',
  ].join('\n')));
  const udp = (dst: string) => packet({ dst, proto: 17, dport: 137, tcpFlags: undefined });
  const results = classify(engine, [udp('255.255.255.255'), udp('192.0.2.200')]);
  assert.equal(results.map((r) => r.decidedBy), ['filter:INPUT:1', 'filter:INPUT:2']);
});

test.run();
