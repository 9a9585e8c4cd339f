// Interface names as the kernel accepts them (net/core/dev.c dev_valid_name): 1..15 bytes
// (IFNAMSIZ 16 with the NUL), not "." or "..", no '/', ':' or whitespace. Packet records store
// them as 16 NUL-padded bytes (layout.ts PKT_IN_IFACE), which is why the limit matters here.
import { ValueError, showValue } from '../packets/values.js';

export const IFNAME_MAX_BYTES = 15;

const utf8 = new TextEncoder();

/** The name's bytes; throws ValueError when the kernel would refuse the name. */
export function interfaceNameBytes(name: unknown): Uint8Array {
  if (typeof name !== 'string' || name === '') {
    throw new ValueError(`${showValue(name)} is not an interface name`);
  }
  const bytes = utf8.encode(name);
  if (bytes.length > IFNAME_MAX_BYTES) {
    throw new ValueError(`interface name ${showValue(name)} is longer than ${IFNAME_MAX_BYTES} bytes`);
  }
  if (name === '.' || name === '..' || /[/:\s]/.test(name)) {
    throw new ValueError(`${showValue(name)} is not a valid interface name (no '/', ':' or spaces)`);
  }
  return bytes;
}

/** Checks the name and returns it (for parsers that keep the string). */
export function interfaceNameOf(name: unknown): string {
  interfaceNameBytes(name);
  return name as string;
}
