// The per-packet ctstate probe: the kernel does not say which ctstate it gave each packet, so
// the router gets, in mangle PREROUTING (after conntrack, NETFILTER.md §4.1), one NFLOG rule per
// ctstate. NFLOG neither changes the packet nor ends the chain; tcpdump on the router's nflog
// device records each packet with the state's name as prefix, in arrival order.
//
// Only for rulesets that already use conntrack: a conntrack match would otherwise switch
// conntrack on in the router namespace and change what is compared (NETFILTER.md §0, a stateless
// ruleset keeps the table empty). Only where the ruleset has no mangle table of its own, so its
// counters stay the case's.
import type { IPv4View } from './packet-view.js';
import { crossingKey, ipv4Of } from './packet-view.js';
import type { TrafficFrame } from './traffic.js';

export const PROBE_NFLOG_GROUP = 7;
const CTSTATES = ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED'] as const;
const PREFIX_TAG = 'nfwc-ct:';

/** Extensions whose rules make the kernel track connections in the namespace. */
const USES_CONNTRACK = /(^|\s)(-m\s+(state|conntrack|helper|connmark|connlimit|connbytes)|-j\s+(CT|CONNMARK|SNAT|DNAT|MASQUERADE|REDIRECT|NOTRACK))(\s|$)/m;

export function probeApplies(rulesSave: string): boolean {
  return USES_CONNTRACK.test(rulesSave) && !/^\*mangle\s*$/m.test(rulesSave);
}

/** The ruleset with the probe's mangle table added. */
export function withProbe(rulesSave: string): string {
  const rules = CTSTATES.map((s) => `-A PREROUTING -m conntrack --ctstate ${s} -j NFLOG --nflog-group ${PROBE_NFLOG_GROUP} --nflog-prefix ${PREFIX_TAG}${s} --nflog-threshold 1`);
  const mangle = ['*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ...rules, 'COMMIT'];
  return `${rulesSave.trimEnd()}\n${mangle.join('\n')}\n`;
}

export interface ProbeRecord {
  prefix: string;
  /** The IP packet as mangle PREROUTING saw it. */
  packet: Uint8Array;
}

const NFULA_PAYLOAD = 9;
const NFULA_PREFIX = 10;

/** Prefix and packet of each record of a LINKTYPE_NFLOG capture (TLVs in host order, little endian here). */
export function parseNflogRecords(frames: readonly Uint8Array[]): ProbeRecord[] {
  const out: ProbeRecord[] = [];
  for (const frame of frames) {
    const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    let prefix = '';
    let packet: Uint8Array | undefined;
    for (let at = 4; at + 4 <= frame.length; ) {
      const length = v.getUint16(at, true);
      const type = v.getUint16(at + 2, true) & 0x7fff;
      if (length < 4) break;
      const value = frame.subarray(at + 4, at + length);
      if (type === NFULA_PREFIX) prefix = new TextDecoder().decode(value).replace(/\0.*$/s, '');
      if (type === NFULA_PAYLOAD) packet = value;
      at += (length + 3) & ~3;
    }
    if (packet && prefix.startsWith(PREFIX_TAG)) out.push({ prefix: prefix.slice(PREFIX_TAG.length), packet });
  }
  return out;
}

/**
 * The kernel's ctstate per injected packet: probe records are matched to injected packets in
 * order by their bytes (undefined: the packet never reached mangle PREROUTING, e.g. a bad IP header).
 */
export function kernelCtstates(injected: readonly TrafficFrame[], records: readonly ProbeRecord[]): (string | undefined)[] {
  const keyOf = (p: IPv4View | undefined) => (p ? crossingKey(p) : '');
  const probe = records.map((r) => ({ key: keyOf(ipv4Of(ethernetWrap(r.packet))), state: r.prefix }));
  let next = 0;
  return injected.map((frame) => {
    const key = keyOf(ipv4Of(frame.bytes));
    const at = probe.findIndex((p, i) => i >= next && p.key === key);
    if (at < 0) return undefined;
    next = at + 1;
    return probe[at].state;
  });
}

/** ipv4Of reads Ethernet frames: give the bare packet a blank IPv4 Ethernet header. */
function ethernetWrap(packet: Uint8Array): Uint8Array {
  const frame = new Uint8Array(14 + packet.length);
  frame[12] = 0x08;
  frame.set(packet, 14);
  return frame;
}
