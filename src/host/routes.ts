// The routing table the core looks destinations up in (layout.ts ROUTE_SIZE records), built the
// way the kernel fills its FIB when addresses are configured (fib_add_ifaddr in
// net/ipv4/fib_frontend.c): per address a local /32, the subnet's broadcast /32 (prefixes < 31)
// and the connected subnet (a local route on loopback interfaces), plus the limited broadcast and
// the explicit routes. Default tables are merged (no `ip rule`), so one longest-prefix-match
// lookup over everything is what the kernel does; ties put local routes first.
import {
  R_FLAGS, R_GATEWAY, R_IFNAME, R_MASK, R_NET, ROUTE_SIZE, RT_BLACKHOLE, RT_BROADCAST, RT_LOCAL,
  RT_PROHIBIT, RT_UNREACHABLE,
} from '../../assembly/shared/layout.js';
import { formatIPv4, prefixMask } from '../ruleset/names.js';
import { interfaceNameBytes } from './ifname.js';
import type { HostInterface, HostModel, HostRoute } from './model.js';

export const LOOPBACK = 'lo';
export const LIMITED_BROADCAST = 0xffffffff;

export interface RouteRecord {
  net: number;
  prefix: number;
  gateway: number;
  /** RT_* bits */
  flags: number;
  dev: string;
}

const TYPE_FLAGS: Readonly<Record<HostRoute['type'], number>> = {
  unicast: 0, blackhole: RT_BLACKHOLE, unreachable: RT_UNREACHABLE, prohibit: RT_PROHIBIT,
};

/** The network an address with this prefix belongs to. */
export function networkOf(addr: number, prefix: number): number {
  return (addr & prefixMask(prefix)) >>> 0;
}

/** Whether the kernel adds a connected route for the address: not for /32, not in 0.0.0.0/8-style zero nets. */
function hasConnectedRoute(addr: number, prefix: number): boolean {
  return prefix < 32 && networkOf(addr, prefix) !== 0;
}

/**
 * The interface whose connected subnet holds `addr` (longest prefix, first declared on ties),
 * as the kernel resolves a gateway given without a device.
 */
export function connectedInterfaceFor(interfaces: readonly HostInterface[], addr: number): HostInterface | undefined {
  let best: HostInterface | undefined;
  let bestPrefix = -1;
  for (const iface of interfaces) {
    for (const a of iface.addresses) {
      if (hasConnectedRoute(a.addr, a.prefix) && a.prefix > bestPrefix && networkOf(addr, a.prefix) === networkOf(a.addr, a.prefix)) {
        best = iface;
        bestPrefix = a.prefix;
      }
    }
  }
  return best;
}

function interfaceRoutes(iface: HostInterface): RouteRecord[] {
  const records: RouteRecord[] = [];
  const loopback = iface.name === LOOPBACK;
  for (const { addr, prefix } of iface.addresses) {
    records.push({ net: addr >>> 0, prefix: 32, gateway: 0, flags: RT_LOCAL, dev: iface.name });
    if (!hasConnectedRoute(addr, prefix)) continue;
    const net = networkOf(addr, prefix);
    if (prefix < 31) {
      const broadcast = (net | ~prefixMask(prefix)) >>> 0;
      records.push({ net: broadcast, prefix: 32, gateway: 0, flags: RT_LOCAL | RT_BROADCAST, dev: iface.name });
    }
    records.push({ net, prefix, gateway: 0, flags: loopback ? RT_LOCAL : 0, dev: iface.name });
  }
  return records;
}

/** Every route, in lookup order: longest prefix first, local before other routes of the same length. */
export function routeRecords(host: HostModel): RouteRecord[] {
  const records: RouteRecord[] = host.interfaces.flatMap(interfaceRoutes);
  records.push({ net: LIMITED_BROADCAST, prefix: 32, gateway: 0, flags: RT_LOCAL | RT_BROADCAST, dev: LOOPBACK });
  for (const r of host.routes) {
    records.push({ net: r.net >>> 0, prefix: r.prefix, gateway: r.gateway >>> 0, flags: TYPE_FLAGS[r.type], dev: r.dev });
  }
  const unique = dropDuplicates(records);
  return unique.sort((a, b) => b.prefix - a.prefix || (b.flags & RT_LOCAL) - (a.flags & RT_LOCAL));
}

/** Two interfaces on one subnet, or an address repeated, give identical records: keep the first. */
function dropDuplicates(records: RouteRecord[]): RouteRecord[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    const key = `${r.net}/${r.prefix}/${r.flags & RT_LOCAL}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The route table for the core: ROUTE_SIZE-byte records in lookup order. */
export function buildRouteTable(host: HostModel): { bytes: Uint8Array; count: number } {
  const records = routeRecords(host);
  const bytes = new Uint8Array(records.length * ROUTE_SIZE);
  const view = new DataView(bytes.buffer);
  records.forEach((r, i) => {
    const off = i * ROUTE_SIZE;
    view.setUint32(off + R_NET, r.net, true);
    view.setUint32(off + R_MASK, prefixMask(r.prefix), true);
    view.setUint32(off + R_GATEWAY, r.gateway, true);
    view.setUint32(off + R_FLAGS, r.flags, true);
    bytes.set(interfaceNameBytes(r.dev), off + R_IFNAME);
  });
  return { bytes, count: records.length };
}

/** A route as `ip route show table all` would print it (for explanations: RES_ROUTE indexes routeRecords()). */
export function describeRoute(r: RouteRecord): string {
  const dest = r.prefix === 0 ? 'default' : r.prefix === 32 ? formatIPv4(r.net) : `${formatIPv4(r.net)}/${r.prefix}`;
  if (r.flags & RT_BLACKHOLE) return `blackhole ${dest}`;
  if (r.flags & RT_UNREACHABLE) return `unreachable ${dest}`;
  if (r.flags & RT_PROHIBIT) return `prohibit ${dest}`;
  const kind = r.flags & RT_BROADCAST ? 'broadcast ' : r.flags & RT_LOCAL ? 'local ' : '';
  const via = r.gateway ? ` via ${formatIPv4(r.gateway)}` : '';
  return `${kind}${dest}${via} dev ${r.dev}`;
}
