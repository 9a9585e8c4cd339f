// What an input is, by its first bytes (never by its file name): a capture by its magic number,
// else JSON lines or text (kernel LOG lines), so one reader can accept every input type.

export type InputKind = 'pcap' | 'pcapng' | 'jsonl' | 'text' | 'compressed' | 'binary' | 'empty';

const PCAP_MAGICS = new Set([0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34]);
const PCAPNG_SHB = 0x0a0d0d0a;

function bswap32(n: number): number {
  return (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | (n >>> 24)) >>> 0;
}

/** `head`: the input's first bytes (16 or more give a sure answer for text). */
export function detectInputKind(head: Uint8Array): InputKind {
  if (head.length === 0) return 'empty';
  if (head.length >= 4) {
    const first = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
    if (PCAP_MAGICS.has(first) || PCAP_MAGICS.has(bswap32(first))) return 'pcap';
    if (first === PCAPNG_SHB) return 'pcapng';
  }
  if ((head[0] === 0x1f && head[1] === 0x8b) || (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd)) return 'compressed';
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0; // UTF-8 byte-order mark
  for (const b of head.subarray(i)) {
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) return 'binary';
  }
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  return head[i] === 0x7b ? 'jsonl' : 'text';
}
