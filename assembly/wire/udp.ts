// UDP (RFC 768) and UDP-Lite (RFC 3828) headers, with the checks conntrack's udp_error() /
// udplite_error() make (NETFILTER.md §4.5): a length field outside 8..segment is a truncated or
// malformed packet; checksum 0 means "none" for UDP (UDP-Lite must have one, and a coverage
// field within the segment). The kernel sums the whole IP payload, whatever the length field says.
import { be16 } from './bytes';
import { addSums, sumBytes, sumIsValid } from './checksum';
import * as l4 from './l4';

export const HEADER: u32 = 8;

export let lengthField: u32 = 0;
export let checksumField: u32 = 0;

/** See tcp.ts parseTcp for the arguments; `lite` selects UDP-Lite's coverage rules. */
export function parseUdp(p: usize, length: u32, captured: u32, whole: bool, pseudo: u32, lite: bool): void {
  lengthField = 0;
  checksumField = 0;
  l4.setHeaderLength(HEADER);
  if (captured < HEADER) {
    l4.setTruncated();
    return;
  }
  l4.setPresent(be16(p), be16(p + 2));
  lengthField = be16(p + 4);
  checksumField = be16(p + 6);
  l4.setPayload(p, HEADER, captured);
  if (!whole) return; // a first fragment: the length field and checksum cover the whole datagram
  if (lite) checkLite(p, length, captured, pseudo);
  else checkPlain(p, length, captured, pseudo);
}

function checkPlain(p: usize, length: u32, captured: u32, pseudo: u32): void {
  if (lengthField < HEADER || lengthField > length) {
    l4.setTruncated();
    return;
  }
  if (l4.verifySums && checksumField != 0 && captured == length && !sumIsValid(addSums(pseudo, sumBytes(p, length)))) l4.setBadChecksum();
}

function checkLite(p: usize, length: u32, captured: u32, pseudo: u32): void {
  const coverage = lengthField == 0 ? length : lengthField;
  if (coverage < HEADER || coverage > length || checksumField == 0) {
    l4.setTruncated(); // "invalid checksum coverage" / "checksum missing": INVALID in every hook
    return;
  }
  if (l4.verifySums && captured >= coverage && !sumIsValid(addSums(pseudo, sumBytes(p, coverage)))) l4.setBadChecksum();
}
