// What the transport-layer parsers (tcp.ts, udp.ts, icmp.ts, ports.ts) found, in the terms of
// the packet record: whether the L4 header is there, whether it is cut short or its checksum
// wrong, the two 16-bit words after it, and where the payload is.
export let present: bool = false; // PF_L4
export let truncated: bool = false; // PF2_TRUNCATED_L4
export let badChecksum: bool = false; // PF2_BAD_CSUM
export let sport: u32 = 0; // ports, or ICMP bytes 4-5
export let dport: u32 = 0; // ports, or ICMP bytes 6-7
export let payload: usize = 0;
export let payloadLength: u32 = 0;
/** Bytes of L4 header, for the payload length the IP header announces (PKT_LENGTH_L4). */
export let headerLength: u32 = 0;
/** Whether TCP and UDP checksums are verified: not for another shard's packet, whose record is not written. */
export let verifySums: bool = true;

export function setVerifySums(verify: bool): void {
  verifySums = verify;
}

export function resetL4(): void {
  present = false;
  truncated = false;
  badChecksum = false;
  sport = 0;
  dport = 0;
  payload = 0;
  payloadLength = 0;
  headerLength = 0;
}

export function setHeaderLength(bytes: u32): void {
  headerLength = bytes;
}

export function setPresent(source: u32, destination: u32): void {
  present = true;
  sport = source;
  dport = destination;
}

export function setTruncated(): void {
  truncated = true;
}

export function setBadChecksum(): void {
  badChecksum = true;
}

/** The payload starts `offset` bytes into the L4 segment at `l4` of which `captured` bytes are there. */
export function setPayload(l4: usize, offset: u32, captured: u32): void {
  if (offset >= captured) return;
  payload = l4 + offset;
  payloadLength = captured - offset;
}
