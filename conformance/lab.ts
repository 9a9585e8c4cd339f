// The lab every conformance run builds: client — router — server, joined by two veth pairs, and
// only TEST-NET addresses (issue 5, Safety). The generator, the topology and the host model all
// read these constants, so the capture's MACs and addresses are the ones the namespaces carry.
import { formatIPv4, parseIPv4 } from '../src/ruleset/names.js';

export type Side = 'client' | 'server';

export interface Station {
  /** Address and MAC of the router's interface on this side. */
  routerIface: string;
  routerAddr: string;
  routerMac: string;
  /** The far end of the veth pair: the client's or the server's interface. */
  peerIface: string;
  peerAddr: string;
  peerMac: string;
  prefix: number;
}

export const LAB: Readonly<Record<Side, Station>> = {
  client: {
    routerIface: 'eth0', routerAddr: '198.51.100.1', routerMac: '02:00:c6:33:64:01',
    peerIface: 'cl0', peerAddr: '198.51.100.2', peerMac: '02:00:c6:33:64:02', prefix: 24,
  },
  server: {
    routerIface: 'eth1', routerAddr: '203.0.113.1', routerMac: '02:00:cb:00:71:01',
    peerIface: 'sv0', peerAddr: '203.0.113.2', peerMac: '02:00:cb:00:71:02', prefix: 24,
  },
};

/** Reached through the server: the router routes it via the server's address. */
export const BEHIND_SERVER = { net: '192.0.2.0', prefix: 24, via: LAB.server.peerAddr };

/** TEST-NET-1/2/3 (RFC 5737): the only addresses a run may put on an interface or in a route. */
const TEST_NETS = ['192.0.2.0', '198.51.100.0', '203.0.113.0'].map((a) => parseIPv4(a)!);

const net24 = (addr: number): number => (addr & 0xffffff00) >>> 0;

export function isTestNet(addr: string): boolean {
  const a = parseIPv4(addr);
  return a !== undefined && TEST_NETS.includes(net24(a));
}

/** Which side of the router a destination lies on (for the far-side capture). */
export function sideOf(addr: number): Side | undefined {
  for (const side of ['client', 'server'] as const) {
    if (net24(addr) === net24(parseIPv4(LAB[side].peerAddr)!)) return side;
  }
  return net24(addr) === parseIPv4(BEHIND_SERVER.net) ? 'server' : undefined;
}

export function otherSide(side: Side): Side {
  return side === 'client' ? 'server' : 'client';
}

/** The router as nfwasm's host model (docs/host-model.md). */
export function routerHostModel(): object {
  return {
    interfaces: (['client', 'server'] as const).map((side) => ({
      name: LAB[side].routerIface,
      addresses: [`${LAB[side].routerAddr}/${LAB[side].prefix}`],
    })),
    routes: [{ to: `${BEHIND_SERVER.net}/${BEHIND_SERVER.prefix}`, via: BEHIND_SERVER.via }],
    forwarding: true,
  };
}

export { formatIPv4, parseIPv4 };
