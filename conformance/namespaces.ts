// The three namespaces of one run, built and torn down (issue 5, Safety): everything is created
// inside namespaces this run names `nfwc-<pid>-…`; nothing links to the root namespace (the veth
// pairs are created inside the router namespace with their peers moved straight into the client
// and server namespaces); only TEST-NET addresses; no default route out of the router.
// Removal happens on exit, on failure and on signals (see cleanup.ts); namespaces left by a
// killed run (its pid no longer alive) are removed at the next start.
import { BEHIND_SERVER, isTestNet, LAB, type Side } from './lab.js';
import { inNs, run } from './shell.js';

export const NS_PREFIX = 'nfwc-';

export interface Lab {
  router: string;
  client: string;
  server: string;
}

export function labNames(tag: string): Lab {
  const base = `${NS_PREFIX}${process.pid}-${tag}`;
  return { router: `${base}-r`, client: `${base}-c`, server: `${base}-s` };
}

export function nsOf(lab: Lab, side: Side): string {
  return side === 'client' ? lab.client : lab.server;
}

export function listNamespaces(): string[] {
  const out = run(['ip', 'netns', 'list'], { allowFailure: true }).stdout;
  return out.split('\n').map((line) => line.split(' ')[0]).filter(Boolean);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes namespaces of earlier runs whose process is gone; returns their names. */
export function removeStaleNamespaces(): string[] {
  const stale = listNamespaces().filter((name) => {
    const m = new RegExp(`^${NS_PREFIX}(\\d+)-`).exec(name);
    return m !== null && Number(m[1]) !== process.pid && !alive(Number(m[1]));
  });
  for (const name of stale) run(['ip', 'netns', 'del', name], { allowFailure: true });
  return stale;
}

export function destroyLab(lab: Lab): void {
  const existing = new Set(listNamespaces());
  for (const ns of [lab.client, lab.server, lab.router]) {
    if (existing.has(ns)) run(['ip', 'netns', 'del', ns], { allowFailure: true });
  }
}

function sysctl(ns: string, setting: string): void {
  run(inNs(ns, ['sysctl', '-qw', setting]));
}

function assertTestNet(addr: string): void {
  if (!isTestNet(addr)) throw new Error(`refusing ${addr}: conformance runs use TEST-NET addresses only`);
}

/**
 * Builds the lab. The client and server stay silent: OUTPUT DROP in their own (legacy) filter
 * table, IPv6 off, static neighbours everywhere so nobody needs ARP.
 */
export function createLab(lab: Lab): void {
  for (const ns of [lab.router, lab.client, lab.server]) {
    run(['ip', 'netns', 'add', ns]);
    // IPv6 off before any link comes up: no router solicitations, MLD or DAD on the wires.
    sysctl(ns, 'net.ipv6.conf.all.disable_ipv6=1');
    sysctl(ns, 'net.ipv6.conf.default.disable_ipv6=1');
    run(inNs(ns, ['ip', 'link', 'set', 'lo', 'up']));
  }
  for (const side of ['client', 'server'] as const) {
    const s = LAB[side];
    const peerNs = nsOf(lab, side);
    for (const addr of [s.routerAddr, s.peerAddr]) assertTestNet(addr);
    run(inNs(lab.router, ['ip', 'link', 'add', s.routerIface, 'address', s.routerMac, 'type', 'veth',
      'peer', 'name', s.peerIface, 'address', s.peerMac, 'netns', peerNs]));
    run(inNs(lab.router, ['ip', 'addr', 'add', `${s.routerAddr}/${s.prefix}`, 'dev', s.routerIface]));
    run(inNs(peerNs, ['ip', 'addr', 'add', `${s.peerAddr}/${s.prefix}`, 'dev', s.peerIface]));
    run(inNs(lab.router, ['ip', 'neigh', 'replace', s.peerAddr, 'lladdr', s.peerMac, 'nud', 'permanent', 'dev', s.routerIface]));
    run(inNs(peerNs, ['ip', 'neigh', 'replace', s.routerAddr, 'lladdr', s.routerMac, 'nud', 'permanent', 'dev', s.peerIface]));
    // veth marks frames it passes as checksum-verified unless receive offload is off; off, the
    // router's conntrack checks checksums as it would on a real NIC (NETFILTER.md §0).
    run(inNs(lab.router, ['ethtool', '-K', s.routerIface, 'rx', 'off']), { allowFailure: true });
    run(inNs(lab.router, ['ip', 'link', 'set', s.routerIface, 'up']));
    run(inNs(peerNs, ['ip', 'link', 'set', s.peerIface, 'up']));
    run(inNs(peerNs, ['ip', 'route', 'add', 'default', 'via', s.routerAddr]));
    run(inNs(peerNs, ['iptables-legacy', '-P', 'OUTPUT', 'DROP']));
  }
  assertTestNet(BEHIND_SERVER.net);
  assertTestNet(BEHIND_SERVER.via);
  run(inNs(lab.router, ['ip', 'route', 'add', `${BEHIND_SERVER.net}/${BEHIND_SERVER.prefix}`, 'via', BEHIND_SERVER.via]));
  for (const key of ['all', 'default', LAB.client.routerIface, LAB.server.routerIface]) sysctl(lab.router, `net.ipv4.conf.${key}.rp_filter=0`);
  sysctl(lab.router, 'net.ipv4.ip_forward=1');
}

/**
 * Permanent neighbour entries on the router for hosts other than the lab's own that the traffic
 * sends to on a directly attached side (e.g. 198.51.100.7): all point at that side's peer MAC, so
 * the router delivers to the peer's wire instead of queueing the packet behind an ARP request
 * nobody answers.
 */
export function addNeighbours(lab: Lab, side: Side, addrs: Iterable<string>): void {
  for (const addr of addrs) {
    assertTestNet(addr);
    run(inNs(lab.router, ['ip', 'neigh', 'replace', addr, 'lladdr', LAB[side].peerMac, 'nud', 'permanent', 'dev', LAB[side].routerIface]));
  }
}
