// The basic match of a rule written into its entry (layout.ts E_SRC..E_FLAGS), the way iptables
// hands it to the kernel (struct ipt_ip).
import {
  E_DMSK, E_DST, E_FLAGS, E_IN_MASK, E_IN_NAME, E_INVFLAGS, E_OUT_MASK, E_OUT_NAME, E_PROTO, E_SMSK,
  E_SRC, EF_FRAG, INV_DST, INV_FRAG, INV_IN, INV_OUT, INV_PROTO, INV_SRC,
} from '../../assembly/shared/layout.js';
import type { IfaceMatch, Rule } from '../ruleset/types.js';

const IFNAMSIZ = 16;
const utf8 = new TextEncoder();

/**
 * Name and mask bytes as xtables_parse_interface makes them: an exact name compares its bytes and
 * the NUL after it ("eth0" -> 5 bytes); "eth+" compares the 3 bytes before the '+' (the '+' stays
 * in the name, masked out); "+" alone compares nothing.
 */
export function interfaceNameAndMask(name: string): { name: Uint8Array; mask: Uint8Array } {
  const bytes = utf8.encode(name);
  if (bytes.length >= IFNAMSIZ) throw new RangeError(`interface name "${name}" is longer than ${IFNAMSIZ - 1} bytes`);
  const nameBytes = new Uint8Array(IFNAMSIZ);
  nameBytes.set(bytes);
  const mask = new Uint8Array(IFNAMSIZ);
  const wildcard = name.endsWith('+');
  mask.fill(0xff, 0, wildcard ? bytes.length - 1 : bytes.length + 1);
  return { name: nameBytes, mask };
}

function writeIface(entries: Uint8Array, match: IfaceMatch | undefined, nameAt: number, maskAt: number): boolean {
  if (!match) return false;
  const { name, mask } = interfaceNameAndMask(match.name);
  entries.set(name, nameAt);
  entries.set(mask, maskAt);
  return match.invert;
}

/**
 * Writes the rule's basic match into the zeroed entry at byte `at` of the entry table (`entries`,
 * and `view` over the same bytes).
 */
export function writeBasicMatch(entries: Uint8Array, view: DataView, at: number, rule: Rule): void {
  let inv = 0;
  let flags = 0;
  if (rule.src) {
    view.setUint32(at + E_SRC, (rule.src.addr & rule.src.mask) >>> 0, true);
    view.setUint32(at + E_SMSK, rule.src.mask >>> 0, true);
    if (rule.src.invert) inv |= INV_SRC;
  }
  if (rule.dst) {
    view.setUint32(at + E_DST, (rule.dst.addr & rule.dst.mask) >>> 0, true);
    view.setUint32(at + E_DMSK, rule.dst.mask >>> 0, true);
    if (rule.dst.invert) inv |= INV_DST;
  }
  if (writeIface(entries, rule.inIface, at + E_IN_NAME, at + E_IN_MASK)) inv |= INV_IN;
  if (writeIface(entries, rule.outIface, at + E_OUT_NAME, at + E_OUT_MASK)) inv |= INV_OUT;
  if (rule.proto) {
    view.setUint16(at + E_PROTO, rule.proto.num, true);
    if (rule.proto.invert) inv |= INV_PROTO;
  }
  // -f sets IPT_F_FRAG; ! -f sets IPT_F_FRAG and IPT_INV_FRAG (iptables' set_option)
  if (rule.fragment !== undefined) {
    flags |= EF_FRAG;
    if (!rule.fragment) inv |= INV_FRAG;
  }
  view.setUint8(at + E_INVFLAGS, inv);
  view.setUint8(at + E_FLAGS, flags);
}
