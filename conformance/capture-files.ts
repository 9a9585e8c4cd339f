// The two capture formats the harness handles itself: it writes the replayed traffic as pcapng
// (one interface per router port, named as the router names it, so nfwasm reads the in-interface
// from the file) and reads back the far-side captures tcpdump writes (classic pcap).
// Minimal on purpose: Ethernet only, little-endian, microsecond timestamps.
import { concatBytes, pad4, pcapngBlock, pcapngOption } from '../src/capture/pcapng-blocks.js';

export interface CapturedFrame {
  /** Index into the pcapng's interfaces. */
  iface: number;
  /** Microseconds since the epoch. */
  timeUs: bigint;
  bytes: Uint8Array;
}

export const LINKTYPE_ETHERNET = 1;
/** Linux netfilter NFLOG messages (tcpdump -i nflog:GROUP). */
export const LINKTYPE_NFLOG = 239;
const OPT_IF_NAME = 2;
/** The harness writes little-endian pcapng only. */
const LITTLE = true;

export function writePcapng(interfaceNames: readonly string[], frames: readonly CapturedFrame[]): Uint8Array {
  const shb = new Uint8Array(16);
  const sv = new DataView(shb.buffer);
  sv.setUint32(0, 0x1a2b3c4d, true);
  sv.setUint16(4, 1, true);
  sv.setUint16(6, 0, true);
  sv.setBigInt64(8, -1n, true); // section length unknown
  const parts = [pcapngBlock(0x0a0d0d0a, shb, LITTLE)];
  for (const name of interfaceNames) {
    const idb = new Uint8Array(8);
    const iv = new DataView(idb.buffer);
    iv.setUint16(0, LINKTYPE_ETHERNET, true);
    iv.setUint32(4, 262144, true);
    parts.push(pcapngBlock(1, concatBytes([idb, pcapngOption(OPT_IF_NAME, new TextEncoder().encode(name), LITTLE), new Uint8Array(4)]), LITTLE));
  }
  for (const f of frames) {
    const epb = new Uint8Array(20 + pad4(f.bytes.length));
    const ev = new DataView(epb.buffer);
    ev.setUint32(0, f.iface, true);
    ev.setUint32(4, Number(f.timeUs >> 32n), true);
    ev.setUint32(8, Number(f.timeUs & 0xffffffffn), true);
    ev.setUint32(12, f.bytes.length, true);
    ev.setUint32(16, f.bytes.length, true);
    epb.set(f.bytes, 20);
    parts.push(pcapngBlock(6, epb, LITTLE));
  }
  return concatBytes(parts);
}

/** The frames of a classic pcap file (as tcpdump -w writes it) of the given link type, in file order. */
export function readPcap(data: Uint8Array, linkType = LINKTYPE_ETHERNET): Uint8Array[] {
  if (data.length === 0) return []; // tcpdump ended before writing its header: nothing was seen
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const magic = v.getUint32(0, true);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!little && v.getUint32(0, false) !== 0xa1b2c3d4 && v.getUint32(0, false) !== 0xa1b23c4d) throw new Error('not a pcap file');
  if (v.getUint32(20, little) !== linkType) throw new Error(`pcap link type ${v.getUint32(20, little)}: ${linkType} expected`);
  const frames: Uint8Array[] = [];
  for (let at = 24; at + 16 <= data.length; ) {
    const caplen = v.getUint32(at + 8, little);
    if (at + 16 + caplen > data.length) break; // cut while tcpdump was stopping
    frames.push(data.subarray(at + 16, at + 16 + caplen));
    at += 16 + caplen;
  }
  return frames;
}

/** Interface names and frames of a little-endian pcapng file (the form writePcapng writes). */
export function readPcapng(data: Uint8Array): { interfaces: (string | undefined)[]; frames: CapturedFrame[] } {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const interfaces: (string | undefined)[] = [];
  const frames: CapturedFrame[] = [];
  for (let at = 0; at + 12 <= data.length; ) {
    const type = v.getUint32(at, true);
    const total = v.getUint32(at + 4, true);
    if (total < 12 || at + total > data.length) throw new Error(`pcapng: bad block at byte ${at}`);
    if (type === 0x0a0d0d0a && v.getUint32(at + 8, true) !== 0x1a2b3c4d) throw new Error('pcapng: only little-endian sections are supported');
    if (type === 1) {
      let name: string | undefined;
      for (let o = at + 16; o + 4 <= at + total - 4; ) {
        const code = v.getUint16(o, true);
        const len = v.getUint16(o + 2, true);
        if (code === 0) break;
        if (code === OPT_IF_NAME) name = new TextDecoder().decode(data.subarray(o + 4, o + 4 + len));
        o += 4 + pad4(len);
      }
      interfaces.push(name);
    } else if (type === 6) {
      const caplen = v.getUint32(at + 20, true);
      const timeUs = (BigInt(v.getUint32(at + 12, true)) << 32n) | BigInt(v.getUint32(at + 16, true));
      frames.push({ iface: v.getUint32(at + 8, true), timeUs, bytes: data.subarray(at + 28, at + 28 + caplen) });
    }
    at += total;
  }
  return { interfaces, frames };
}
