import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  R_FLAGS, R_GATEWAY, R_IFNAME, R_MASK, R_NET, ROUTE_SIZE, RT_BLACKHOLE, RT_BROADCAST, RT_LOCAL, RT_PROHIBIT,
} from '../assembly/shared/layout.js';
import { defaultHostModel, hostModelFromObject, isAssumedHost, parseHostModel } from '../src/host/load.js';
import { HostModelError } from '../src/host/errors.js';
import { buildRouteTable, describeRoute, routeRecords } from '../src/host/routes.js';
import { SYSCTL_DEFAULTS } from '../src/host/sysctl.js';
import { parseIPv4 } from '../src/ruleset/names.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'hosts');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');
const ip = (text: string) => parseIPv4(text)!;

function hostError(json: unknown, filename = 'host.json'): string {
  try {
    hostModelFromObject(json, { filename });
  } catch (e) {
    assert.instance(e, HostModelError);
    return (e as Error).message;
  }
  assert.unreachable(`host model accepted: ${JSON.stringify(json)}`);
  return '';
}

const oneIface = { interfaces: [{ name: 'eth0', addresses: ['198.51.100.1/24'] }] };

test('router fixture: interfaces, lo first and always present', () => {
  const host = parseHostModel(fixture('router.json'), { filename: 'router.json' });
  assert.equal(host.interfaces.map((i) => i.name), ['lo', 'eth0', 'eth1', 'wg0']);
  assert.equal(host.interfaces[0]!.addresses, [{ addr: ip('127.0.0.1'), prefix: 8 }]);
  assert.equal(host.interfaces[2]!.addresses, [{ addr: ip('203.0.113.1'), prefix: 24 }, { addr: ip('203.0.113.129'), prefix: 31 }]);
  assert.equal(host.interfaces[3]!.addresses, [{ addr: ip('10.200.0.1'), prefix: 32 }]);
});

test('router fixture: routes, dev derived from the gateway subnet', () => {
  const host = parseHostModel(fixture('router.json'), { filename: 'router.json' });
  assert.equal(host.routes, [
    { net: ip('192.0.2.0'), prefix: 24, gateway: ip('203.0.113.254'), dev: 'eth1', type: 'unicast' },
    { net: 0, prefix: 0, gateway: ip('198.51.100.254'), dev: 'eth0', type: 'unicast' },
    { net: ip('10.0.0.0'), prefix: 8, gateway: 0, dev: 'lo', type: 'blackhole' },
    { net: ip('10.200.0.0'), prefix: 16, gateway: 0, dev: 'wg0', type: 'unicast' },
    { net: ip('172.16.0.0'), prefix: 12, gateway: 0, dev: 'lo', type: 'prohibit' },
  ]);
});

test('router fixture: sysctl names normalised, defaults filled, ip_forward sets forwarding', () => {
  const host = parseHostModel(fixture('router.json'), { filename: 'router.json' });
  assert.is(host.forwarding, true);
  assert.is(host.helperAutoassign, false);
  assert.is(host.sysctl.nf_conntrack_tcp_loose, 0);
  assert.is(host.sysctl.nf_conntrack_udp_timeout, 60);
  assert.is(host.sysctl.nf_conntrack_max, 65536);
  // kernel defaults from NETFILTER.md §0 for everything not given
  assert.is(host.sysctl.nf_conntrack_tcp_timeout_established, 432000);
  assert.is(host.sysctl.nf_conntrack_tcp_timeout_syn_sent, 120);
  assert.is(host.sysctl.nf_conntrack_udp_timeout_stream, 120);
  assert.is(host.sysctl.nf_conntrack_generic_timeout, 600);
  assert.is(host.sysctl.nf_conntrack_tcp_be_liberal, 0);
  assert.is(host.sysctl.nf_conntrack_checksum, 1);
  assert.is(host.sysctl.nf_conntrack_tcp_max_retrans, 3);
  assert.not.ok('ip_forward' in host.sysctl);
  assert.equal(host.assumed, []);
  assert.is(isAssumedHost(host), false);
});

test('defaults table: the kernel values', () => {
  assert.is(SYSCTL_DEFAULTS.nf_conntrack_tcp_loose, 1);
  assert.is(SYSCTL_DEFAULTS.nf_conntrack_icmp_timeout, 30);
  assert.is(SYSCTL_DEFAULTS.nf_conntrack_tcp_timeout_time_wait, 120);
  assert.is(SYSCTL_DEFAULTS.nf_conntrack_max, 262144);
  // nf_conntrack_expect_init(): 4 * (262144 / 256)
  assert.is(SYSCTL_DEFAULTS.nf_conntrack_expect_max, 4096);
});

test('minimal host: forwarding off, every sysctl default, old and /proc spellings', () => {
  const host = hostModelFromObject({
    interfaces: [{ name: 'eth0', addresses: ['192.0.2.5'] }],
    sysctl: { 'net.ipv4.netfilter.ip_conntrack_tcp_timeout_established': 7200, '/proc/sys/net/netfilter/nf_conntrack_checksum': 0 },
  });
  assert.is(host.forwarding, false);
  assert.equal(host.interfaces[1]!.addresses, [{ addr: ip('192.0.2.5'), prefix: 32 }]);
  assert.is(host.sysctl.nf_conntrack_tcp_timeout_established, 7200);
  assert.is(host.sysctl.nf_conntrack_checksum, 0);
  assert.is(host.sysctl.nf_conntrack_tcp_loose, 1);
});

test('declared lo keeps its extra addresses and gains 127.0.0.1/8', () => {
  const host = hostModelFromObject({ interfaces: [{ name: 'eth0' }, { name: 'lo', addresses: ['10.255.0.1/32'] }] });
  assert.equal(host.interfaces.map((i) => i.name), ['lo', 'eth0']);
  assert.equal(host.interfaces[0]!.addresses, [{ addr: ip('127.0.0.1'), prefix: 8 }, { addr: ip('10.255.0.1'), prefix: 32 }]);
});

test('a multi-homed host without "forwarding" says what it assumed', () => {
  const host = hostModelFromObject({ interfaces: [{ name: 'eth0', addresses: ['198.51.100.1/24'] }, { name: 'eth1', addresses: ['203.0.113.1/24'] }] });
  assert.is(host.forwarding, false);
  assert.is(host.assumed.length, 1);
  assert.match(host.assumed[0]!, /forwarding/);
  assert.match(host.assumed[0]!, /eth0 and eth1/);
});

test('helper autoassign from the key or the legacy sysctl', () => {
  assert.is(hostModelFromObject({ ...oneIface, helper_autoassign: true }).helperAutoassign, true);
  assert.is(hostModelFromObject({ ...oneIface, sysctl: { 'net.netfilter.nf_conntrack_helper': 1 } }).helperAutoassign, true);
});

test('errors name the file and the JSON path', () => {
  assert.is(
    hostError({ interfaces: [{ name: 'eth0', addresses: ['198.51.100.1/24'] }, { name: 'eth1', addresses: ['10.0.0.300/24'] }] }),
    'host.json: interfaces[1].addresses[0]: "10.0.0.300/24" is not an IPv4 address/prefix (e.g. "192.0.2.1/24")',
  );
  assert.match(hostError({ interfaces: [{ name: 'eth0', addresses: ['10.0.0.1/33'] }] }), /^host\.json: interfaces\[0\]\.addresses\[0\]: /);
  assert.match(hostError({ interfaces: [{ name: 'eth0', addresses: '10.0.0.1/24' }] }), /^host\.json: interfaces\[0\]\.addresses: must be a JSON array/);
  assert.match(hostError({ interfaces: [{ name: 'averyveryverylongname' }] }), /^host\.json: interfaces\[0\]\.name: .*longer than 15 bytes/);
  assert.match(hostError({ interfaces: [{ name: 'eth0' }, { name: 'eth0' }] }), /^host\.json: interfaces\[1\]\.name: interface "eth0" is already declared at interfaces\[0\]/);
  assert.match(hostError({}), /^host\.json: interfaces: is required/);
  assert.match(hostError([]), /^host\.json: the host model must be a JSON object/);
});

test('unknown keys are errors, with a suggestion', () => {
  assert.is(
    hostError({ ...oneIface, forwardng: true }),
    'host.json: forwardng: unknown key (did you mean "forwarding"?); the host model keys are interfaces, routes, forwarding, sysctl, helper_autoassign',
  );
  assert.match(hostError({ interfaces: [{ name: 'eth0', adresses: [] }] }), /^host\.json: interfaces\[0\]\.adresses: unknown key \(did you mean "addresses"\?\)/);
  try {
    parseHostModel(fixture('typo.json'), { filename: 'typo.json' });
    assert.unreachable('typo.json accepted');
  } catch (e) {
    assert.match((e as Error).message, /^typo\.json: routes\[0\]\.devv: unknown key \(did you mean "dev"\?\)/);
  }
});

test('sysctl errors: unknown names, bad values, one name twice', () => {
  assert.match(hostError({ ...oneIface, sysctl: { nf_conntrack_tcp_loos: 1 } }),
    /^host\.json: sysctl\.nf_conntrack_tcp_loos: "nf_conntrack_tcp_loos" is not a sysctl nfwasm models \(did you mean "nf_conntrack_tcp_loose"\?\)/);
  assert.match(hostError({ ...oneIface, sysctl: { 'net.ipv4.tcp_syncookies': 1 } }), /^host\.json: sysctl\["net\.ipv4\.tcp_syncookies"\]: .*not a sysctl nfwasm models/);
  assert.match(hostError({ ...oneIface, sysctl: { nf_conntrack_tcp_be_liberal: 2 } }), /sysctl\.nf_conntrack_tcp_be_liberal: 2 is not a value for nf_conntrack_tcp_be_liberal \(an integer 0\.\.1\)/);
  assert.match(hostError({ ...oneIface, sysctl: { nf_conntrack_max: -1 } }), /sysctl\.nf_conntrack_max: -1 is not a value/);
  assert.match(hostError({ ...oneIface, sysctl: { nf_conntrack_max: 1, 'net.netfilter.nf_conntrack_max': 2 } }),
    /sysctl\["net\.netfilter\.nf_conntrack_max"\]: the same sysctl as "nf_conntrack_max"/);
  assert.match(hostError({ ...oneIface, forwarding: false, sysctl: { 'net.ipv4.ip_forward': 1 } }), /^host\.json: forwarding: false contradicts sysctl ip_forward=1/);
});

test('route errors', () => {
  const withRoutes = (routes: unknown[]) => ({ ...oneIface, routes });
  assert.is(hostError(withRoutes([{ to: '10.0.0.1/8', dev: 'eth0' }])), 'host.json: routes[0].to: 10.0.0.1/8 has host bits set (did you mean "10.0.0.0/8"?)');
  assert.match(hostError(withRoutes([{ to: '10.0.0.0/8', via: '192.0.2.1' }])), /^host\.json: routes\[0\]\.via: gateway 192\.0\.2\.1 is not on a connected subnet/);
  assert.match(hostError(withRoutes([{ to: '10.0.0.0/8', via: '192.0.2.1', dev: 'eth0' }])), /^host\.json: routes\[0\]\.via: gateway 192\.0\.2\.1 is not on a subnet of eth0/);
  assert.match(hostError(withRoutes([{ to: '10.0.0.0/8', dev: 'eth9' }])), /^host\.json: routes\[0\]\.dev: "eth9" is not a declared interface \(did you mean "eth0"\?\); declared: lo, eth0/);
  assert.match(hostError(withRoutes([{ to: '10.0.0.0/8' }])), /^host\.json: routes\[0\]: a route needs "via"/);
  assert.match(hostError(withRoutes([{ to: '10.0.0.0/8', via: '198.51.100.1' }])), /routes\[0\]\.via: 198\.51\.100\.1 is an address of this host/);
  assert.match(hostError(withRoutes([{ to: '10.0.0.0/8', type: 'blackhole', via: '198.51.100.9' }])), /routes\[0\]\.via: a blackhole route has no next hop/);
  assert.match(hostError(withRoutes([{ to: '10.0.0.0/8', type: 'throw' }])), /routes\[0\]\.type: "throw" is not a route type/);
  assert.match(hostError(withRoutes([{ to: '198.51.100.0/24', dev: 'eth0' }])), /routes\[0\]\.to: 198\.51\.100\.0\/24 is already the connected subnet of eth0/);
  assert.match(hostError(withRoutes([{ to: 'default', via: '198.51.100.9' }, { to: '0.0.0.0/0', dev: 'eth0' }])), /routes\[1\]\.to: a route to 0\.0\.0\.0\/0 is already given at routes\[0\]/);
});

test('onlink gateway outside the subnet is accepted with dev', () => {
  const host = hostModelFromObject({ ...oneIface, routes: [{ to: 'default', via: '192.0.2.1', dev: 'eth0', onlink: true }] });
  assert.equal(host.routes[0], { net: 0, prefix: 0, gateway: ip('192.0.2.1'), dev: 'eth0', type: 'unicast' });
});

test('invalid JSON names the file', () => {
  try {
    parseHostModel('{"interfaces": [}', { filename: 'h.json' });
    assert.unreachable('accepted');
  } catch (e) {
    assert.instance(e, HostModelError);
    assert.match((e as Error).message, /^h\.json: not valid JSON: /);
  }
});

test('default host: single-homed, all local, says what it assumed', () => {
  const host = defaultHostModel();
  assert.equal(host.interfaces, [{ name: 'lo', addresses: [{ addr: ip('127.0.0.1'), prefix: 8 }] }, { name: 'eth0', addresses: [] }]);
  assert.is(host.forwarding, false);
  assert.equal(host.sysctl, { ...SYSCTL_DEFAULTS });
  assert.is(isAssumedHost(host), true);
  assert.ok(host.assumed.some((a) => /no --host given/.test(a) && /eth0/.test(a)));
  assert.ok(host.assumed.some((a) => /INPUT/.test(a)));
  // a fresh copy each time: callers may change it
  host.sysctl.nf_conntrack_max = 1;
  assert.is(defaultHostModel().sysctl.nf_conntrack_max, 262144);
});

// ---------------------------------------------------------------------------------------------
// Route table bytes

interface DecodedRoute { net: string; mask: string; gateway: string; flags: number; dev: string }

function decodeRoutes(table: { bytes: Uint8Array; count: number }): DecodedRoute[] {
  assert.is(table.bytes.length, table.count * ROUTE_SIZE);
  const view = new DataView(table.bytes.buffer, table.bytes.byteOffset);
  const fmt = (v: number) => `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  return Array.from({ length: table.count }, (_, i) => {
    const off = i * ROUTE_SIZE;
    const name = table.bytes.subarray(off + R_IFNAME, off + R_IFNAME + 16);
    const end = name.indexOf(0);
    assert.ok(end > 0 && name.subarray(end).every((b) => b === 0), 'interface name NUL-padded');
    return {
      net: fmt(view.getUint32(off + R_NET, true)),
      mask: fmt(view.getUint32(off + R_MASK, true)),
      gateway: fmt(view.getUint32(off + R_GATEWAY, true)),
      flags: view.getUint32(off + R_FLAGS, true),
      dev: new TextDecoder().decode(name.subarray(0, end)),
    };
  });
}

const maskLength = (mask: string) => mask.split('.').reduce((n, o) => n + Number(o).toString(2).replace(/0/g, '').length, 0);

/** First match in table order, as the core looks routes up. */
function lookup(routes: DecodedRoute[], addr: string): DecodedRoute | undefined {
  const a = ip(addr);
  return routes.find((r) => ((a & ip(r.mask)) >>> 0) === ip(r.net));
}

test('route table: records for addresses, broadcasts, subnets, explicit routes', () => {
  const routes = decodeRoutes(buildRouteTable(parseHostModel(fixture('router.json'))));
  const find = (net: string, mask: string) => routes.filter((r) => r.net === net && r.mask === mask);
  assert.equal(find('198.51.100.1', '255.255.255.255'), [{ net: '198.51.100.1', mask: '255.255.255.255', gateway: '0.0.0.0', flags: RT_LOCAL, dev: 'eth0' }]);
  assert.equal(find('198.51.100.255', '255.255.255.255'), [{ net: '198.51.100.255', mask: '255.255.255.255', gateway: '0.0.0.0', flags: RT_LOCAL | RT_BROADCAST, dev: 'eth0' }]);
  assert.equal(find('198.51.100.0', '255.255.255.0'), [{ net: '198.51.100.0', mask: '255.255.255.0', gateway: '0.0.0.0', flags: 0, dev: 'eth0' }]);
  // /31: no broadcast; /32: no connected route
  assert.equal(find('203.0.113.128', '255.255.255.254').map((r) => r.flags), [0]);
  assert.equal(find('203.0.113.129', '255.255.255.255').map((r) => r.flags), [RT_LOCAL]);
  assert.is(routes.filter((r) => r.dev === 'wg0').length, 2); // 10.200.0.1 local + the explicit /16
  // loopback: local /32, local /8, broadcast; and the limited broadcast
  assert.equal(find('127.0.0.0', '255.0.0.0').map((r) => [r.flags, r.dev]), [[RT_LOCAL, 'lo']]);
  assert.equal(find('127.255.255.255', '255.255.255.255').map((r) => r.flags), [RT_LOCAL | RT_BROADCAST]);
  assert.equal(find('255.255.255.255', '255.255.255.255').map((r) => r.flags), [RT_LOCAL | RT_BROADCAST]);
  assert.equal(find('192.0.2.0', '255.255.255.0'), [{ net: '192.0.2.0', mask: '255.255.255.0', gateway: '203.0.113.254', flags: 0, dev: 'eth1' }]);
  assert.equal(find('10.0.0.0', '255.0.0.0').map((r) => r.flags), [RT_BLACKHOLE]);
  assert.equal(find('172.16.0.0', '255.240.0.0').map((r) => r.flags), [RT_PROHIBIT]);
  assert.equal(routes[routes.length - 1], { net: '0.0.0.0', mask: '0.0.0.0', gateway: '198.51.100.254', flags: 0, dev: 'eth0' });
});

test('route table: longest prefix first, local first among equals', () => {
  const routes = decodeRoutes(buildRouteTable(parseHostModel(fixture('router.json'))));
  for (let i = 1; i < routes.length; i++) {
    const [a, b] = [routes[i - 1]!, routes[i]!];
    assert.ok(maskLength(a.mask) >= maskLength(b.mask), `${a.net}/${a.mask} before ${b.net}/${b.mask}`);
    if (maskLength(a.mask) === maskLength(b.mask)) assert.ok((a.flags & RT_LOCAL) >= (b.flags & RT_LOCAL), `local first at ${i}`);
  }
});

test('route table: first-match lookups land where the kernel would', () => {
  const routes = decodeRoutes(buildRouteTable(parseHostModel(fixture('router.json'))));
  const via = (addr: string) => {
    const r = lookup(routes, addr)!;
    return `${r.flags}/${r.gateway}/${r.dev}`;
  };
  assert.is(via('198.51.100.1'), `${RT_LOCAL}/0.0.0.0/eth0`);
  assert.is(via('198.51.100.255'), `${RT_LOCAL | RT_BROADCAST}/0.0.0.0/eth0`);
  assert.is(via('198.51.100.77'), '0/0.0.0.0/eth0');
  assert.is(via('192.0.2.77'), '0/203.0.113.254/eth1');
  assert.is(via('10.200.5.5'), '0/0.0.0.0/wg0');
  assert.is(via('10.200.0.1'), `${RT_LOCAL}/0.0.0.0/wg0`);
  assert.is(via('10.1.2.3'), `${RT_BLACKHOLE}/0.0.0.0/lo`);
  assert.is(via('172.20.0.1'), `${RT_PROHIBIT}/0.0.0.0/lo`);
  assert.is(via('127.0.0.5'), `${RT_LOCAL}/0.0.0.0/lo`);
  assert.is(via('8.8.8.8'), '0/198.51.100.254/eth0');
});

test('route table of the default host: everything leaves via eth0', () => {
  const routes = decodeRoutes(buildRouteTable(defaultHostModel()));
  assert.equal(routes[routes.length - 1], { net: '0.0.0.0', mask: '0.0.0.0', gateway: '0.0.0.0', flags: 0, dev: 'eth0' });
  assert.is(lookup(routes, '192.0.2.1')!.dev, 'eth0');
  assert.is(lookup(routes, '127.0.0.1')!.flags, RT_LOCAL);
  assert.is(routes.length, 5); // 127.0.0.1, 127.255.255.255, 255.255.255.255, 127/8, default
});

test('describeRoute speaks ip-route', () => {
  const lines = routeRecords(parseHostModel(fixture('router.json'))).map(describeRoute);
  assert.ok(lines.includes('local 198.51.100.1 dev eth0'));
  assert.ok(lines.includes('broadcast 198.51.100.255 dev eth0'));
  assert.ok(lines.includes('192.0.2.0/24 via 203.0.113.254 dev eth1'));
  assert.ok(lines.includes('blackhole 10.0.0.0/8'));
  assert.is(lines[lines.length - 1], 'default via 198.51.100.254 dev eth0');
});

test('the example in docs/host-model.md loads', () => {
  const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'host-model.md'), 'utf8');
  const host = parseHostModel(/```json\n([\s\S]*?)```/.exec(doc)![1]!, { filename: 'docs/host-model.md' });
  assert.equal(host.interfaces.map((i) => i.name), ['lo', 'eth0', 'eth1', 'wg0']);
  assert.is(host.routes.find((r) => r.gateway === ip('203.0.113.254'))!.dev, 'eth1');
  assert.is(host.sysctl.nf_conntrack_udp_timeout, 60);
});

test('route table: ties go to local routes even when a hand-built model lists lo last', () => {
  const host = { ...defaultHostModel(), allLocal: undefined, routes: [], interfaces: [
    { name: 'eth0', addresses: [{ addr: ip('10.0.0.1'), prefix: 8 }] },
    { name: 'lo', addresses: [{ addr: ip('127.0.0.1'), prefix: 8 }] },
  ] };
  const slash8 = decodeRoutes(buildRouteTable(host)).filter((r) => r.mask === '255.0.0.0');
  assert.equal(slash8.map((r) => [r.net, r.flags]), [['127.0.0.0', RT_LOCAL], ['10.0.0.0', 0]]);
});

test.run();
