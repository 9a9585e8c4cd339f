// The basic match every entry carries (ip_tables.c ip_packet_match, NETFILTER.md §4.2):
// addresses with masks, in/out interface with the '+' wildcard folded into a byte mask, protocol
// and -f, each with its own `!`.
import {
  E_DMSK, E_DST, E_FLAGS, E_IN_MASK, E_IN_NAME, E_INVFLAGS, E_OUT_MASK, E_OUT_NAME, E_PROTO, E_SMSK,
  E_SRC, EF_FRAG, INV_DST, INV_FRAG, INV_IN, INV_OUT, INV_PROTO, INV_SRC, PF_FRAG_NONFIRST, PKT_DST,
  PKT_FLAGS, PKT_FRAGOFF, PKT_PROTO, PKT_SRC,
} from '../shared/layout';
import * as packet from './packet';

/** The 16-byte names differ in a byte the mask keeps (the kernel's ifname_compare_aligned). */
@inline function ifaceDiffers(name: usize, want: usize, mask: usize): bool {
  return v128.any_true(v128.and(v128.xor(v128.load(name), v128.load(want)), v128.load(mask)));
}

/** A fragment other than the first: the kernel's `fragoff != 0`. */
@inline export function isLaterFragment(rec: usize): bool {
  return load<u16>(rec, PKT_FRAGOFF) != 0 || (load<u8>(rec, PKT_FLAGS) & PF_FRAG_NONFIRST) != 0;
}

export function basicMatch(e: usize): bool {
  const rec = packet.record;
  const inv = <u32>load<u8>(e, E_INVFLAGS);
  if (((load<u32>(rec, PKT_SRC) & load<u32>(e, E_SMSK)) != load<u32>(e, E_SRC)) != ((inv & INV_SRC) != 0)) return false;
  if (((load<u32>(rec, PKT_DST) & load<u32>(e, E_DMSK)) != load<u32>(e, E_DST)) != ((inv & INV_DST) != 0)) return false;
  if (ifaceDiffers(packet.inName, e + E_IN_NAME, e + E_IN_MASK) != ((inv & INV_IN) != 0)) return false;
  if (ifaceDiffers(packet.outName, e + E_OUT_NAME, e + E_OUT_MASK) != ((inv & INV_OUT) != 0)) return false;
  const proto = <u32>load<u16>(e, E_PROTO);
  if (proto != 0 && ((<u32>load<u8>(rec, PKT_PROTO) != proto) != ((inv & INV_PROTO) != 0))) return false;
  // FWINV((flags & IPT_F_FRAG) && !isfrag, IPT_INV_FRAG): `-f` wants a later fragment, `! -f` not
  const wantsFragment = (load<u8>(e, E_FLAGS) & EF_FRAG) != 0;
  if ((wantsFragment && !isLaterFragment(rec)) != ((inv & INV_FRAG) != 0)) return false;
  return true;
}
