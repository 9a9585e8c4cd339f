// The routing decision on an address: the host sorts the route table longest prefix first, so
// the first route whose prefix holds the address is the kernel's fib answer.
import { R_FLAGS, R_IFNAME, R_MASK, R_NET, ROUTE_SIZE } from '../shared/layout';
import { routeCount, routesBase } from '../vm/config';

/** Index of the route for `addr`, or -1 when no route holds it. */
export function lookupRoute(addr: u32): i32 {
  for (let i: u32 = 0; i < routeCount; i++) {
    const r = routesBase + <usize>i * ROUTE_SIZE;
    if ((addr & load<u32>(r, R_MASK)) == load<u32>(r, R_NET)) return <i32>i;
  }
  return -1;
}

@inline export function routeFlags(route: i32): u32 {
  return load<u32>(routesBase + <usize>route * ROUTE_SIZE, R_FLAGS);
}

/** Address of the route's 16-byte interface name. */
@inline export function routeIfname(route: i32): usize {
  return routesBase + <usize>route * ROUTE_SIZE + R_IFNAME;
}

@inline export function sameIfname(a: usize, b: usize): bool {
  return !v128.any_true(v128.xor(v128.load(a), v128.load(b)));
}

@inline export function isMulticastAddress(addr: u32): bool {
  return (addr & 0xf0000000) == 0xe0000000;
}
