// Words for the parser's error codes (assembly/wire/abi.ts WE_*).
import {
  PCAP_MAX_CAPLEN, PCAPNG_MAX_BLOCK, WE_BAD_MAGIC, WE_BLOCK_BODY, WE_BLOCK_LENGTH,
  WE_BYTE_ORDER_MAGIC, WE_CAPLEN_ABSURD, WE_NO_INTERFACE, WE_PACKET_PAST_BLOCK, WE_PCAP_VERSION,
  WE_PCAPNG_VERSION, WE_SHB_EXPECTED, WE_TOO_MANY_INTERFACES,
} from '../../assembly/wire/abi.js';

const hex32 = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** Magic numbers of inputs that are not captures but are easy to mistake for one. */
function recognise(firstBytesLE: number): string {
  const b0 = firstBytesLE & 0xff;
  const b1 = (firstBytesLE >>> 8) & 0xff;
  if (b0 === 0x1f && b1 === 0x8b) return ' (gzip-compressed: decompress it first)';
  if (b0 === 0x28 && b1 === 0xb5) return ' (zstd-compressed: decompress it first)';
  if (b0 === 0x7b || b0 === 0x5b) return ' (looks like JSON, not a capture)';
  if (b0 >= 0x20 && b0 < 0x7f && b1 >= 0x20 && b1 < 0x7f) return ' (looks like text, not a capture)';
  return '';
}

export function wireErrorText(code: number, detail: number): string {
  switch (code) {
    case WE_BAD_MAGIC:
      return `not a pcap or pcapng file: magic number ${hex32(detail)}${recognise(detail)}`;
    case WE_PCAP_VERSION:
      return `unsupported pcap version ${detail >>> 16}.${detail & 0xffff}`;
    case WE_CAPLEN_ABSURD:
      return `packet record claims ${detail} captured bytes, more than the ${PCAP_MAX_CAPLEN} a real capture holds (corrupt file?)`;
    case WE_BLOCK_LENGTH:
      return `pcapng block length ${detail} is impossible (at least 12, a multiple of 4, at most ${PCAPNG_MAX_BLOCK}) (corrupt file?)`;
    case WE_BYTE_ORDER_MAGIC:
      return `pcapng section header has byte-order magic ${hex32(detail)}, not 0x1a2b3c4d`;
    case WE_PCAPNG_VERSION:
      return `unsupported pcapng version ${detail >>> 16}.${detail & 0xffff}`;
    case WE_NO_INTERFACE:
      return `packet refers to interface ${detail}, which no interface description block of this section describes`;
    case WE_BLOCK_BODY:
      return `pcapng block of type ${hex32(detail)} is too short for its fixed fields`;
    case WE_PACKET_PAST_BLOCK:
      return `packet claims ${detail} captured bytes, more than its block holds`;
    case WE_TOO_MANY_INTERFACES:
      return `more than ${detail} interfaces in one pcapng section`;
    case WE_SHB_EXPECTED:
      return `pcapng file does not start with a section header block (block type ${hex32(detail)})`;
    default:
      return `capture parser error ${code} (${detail})`;
  }
}
