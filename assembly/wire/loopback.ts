// BSD loopback encapsulation: a 4-byte address family before the IP packet. DLT_NULL (link type
// 0) writes it in the byte order of the capturing machine (tcpdump swaps a value with high bits
// set); DLT_LOOP (108) in network byte order. The IPv6 family number differs between systems.
import { FR_LINK_HEADER_CUT, FR_LOOPBACK_FAMILY, FS_NON_IP, FS_TRUNCATED } from './abi';
import { be32 } from './bytes';
import { lessHeader } from './ethernet';
import * as frame from './frame';

const HEADER: u32 = 4;
const AF_INET: u32 = 2;

function isInet6(family: u32): bool {
  // Linux 10, Windows 23, NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30
  return family == 10 || family == 23 || family == 24 || family == 28 || family == 30;
}

export function parseLoopback(p: usize, captured: u32, onWire: u32, networkOrder: bool): void {
  if (captured < HEADER) {
    frame.fail(FS_TRUNCATED, FR_LINK_HEADER_CUT, captured);
    return;
  }
  let family = networkOrder ? be32(p) : load<u32>(p);
  if (!networkOrder && (family & 0xffff0000) != 0) family = bswap<u32>(family);
  let type: u32;
  if (family == AF_INET) type = frame.ETHERTYPE_IPV4;
  else if (isInet6(family)) type = frame.ETHERTYPE_IPV6;
  else {
    frame.fail(FS_NON_IP, FR_LOOPBACK_FAMILY, family);
    return;
  }
  frame.setNetwork(type, p + HEADER, captured - HEADER, lessHeader(onWire, HEADER));
}
