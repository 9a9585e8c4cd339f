// Address types for the addrtype match: the kernel's __inet_dev_addr_type (fib_frontend.c) over
// the host's route table.
import {
  ADDRTYPE_BROADCAST, ADDRTYPE_LOCAL, ADDRTYPE_MULTICAST, ADDRTYPE_UNICAST, RT_BLACKHOLE,
  RT_BROADCAST, RT_LOCAL, RT_MULTICAST, RT_PROHIBIT, RT_UNREACHABLE,
} from '../shared/layout';
import { isMulticastAddress, lookupRoute, routeFlags, routeIfname, sameIfname } from './lookup';

const REJECTING_ROUTE = RT_BLACKHOLE | RT_UNREACHABLE | RT_PROHIBIT;

/**
 * ADDRTYPE_* bit of `addr`; `dev` (a 16-byte name, 0 = any) restricts the answer to routes via
 * that device (--limit-iface-in/out). Like the kernel: 0.0.0.0 and 255.255.255.255 are broadcast,
 * 224/4 multicast; an address with no route, a route via another device, or a blackhole /
 * unreachable / prohibit route (fib_table_lookup fails for those types) keeps the UNICAST default.
 */
export function addressType(addr: u32, dev: usize): u32 {
  if (addr == 0 || addr == 0xffffffff) return ADDRTYPE_BROADCAST;
  if (isMulticastAddress(addr)) return ADDRTYPE_MULTICAST;
  const route = lookupRoute(addr);
  if (route < 0) return ADDRTYPE_UNICAST;
  const flags = routeFlags(route);
  if (flags & REJECTING_ROUTE) return ADDRTYPE_UNICAST;
  if (dev != 0 && !sameIfname(dev, routeIfname(route))) return ADDRTYPE_UNICAST;
  if (flags & RT_BROADCAST) return ADDRTYPE_BROADCAST;
  if (flags & RT_LOCAL) return ADDRTYPE_LOCAL;
  if (flags & RT_MULTICAST) return ADDRTYPE_MULTICAST;
  return ADDRTYPE_UNICAST;
}
