// OP_OWNER (xt_owner.c owner_mt): the socket owner of a locally generated packet.
import { OW_GID, OW_GID_INV, OW_SOCKET, OW_UID, OW_UID_INV, PF_HAS_OWNER, PKT_FLAGS, PKT_GID, PKT_UID } from '../shared/layout';
import * as packet from './packet';

const GIVEN = OW_UID | OW_GID | OW_SOCKET;

export function ownerMatch(flags: u32, uidLo: u32, uidHi: u32, gidLo: u32, gidHi: u32): bool {
  const rec = packet.record;
  // Each OW_*_INV bit sits right above its OW_* bit, like the kernel's separate invert word.
  const inverted = (flags >> 1) & GIVEN;
  const given = flags & GIVEN;
  if ((load<u8>(rec, PKT_FLAGS) & PF_HAS_OWNER) == 0) {
    // No socket: the match holds only when every option given was negated.
    return (given ^ inverted) == 0;
  }
  if ((given & inverted & OW_SOCKET) != 0) return false;
  if ((given & OW_UID) != 0) {
    const uid = load<u32>(rec, PKT_UID);
    if ((uid >= uidLo && uid <= uidHi) == ((flags & OW_UID_INV) != 0)) return false;
  }
  if ((given & OW_GID) != 0) {
    const gid = load<u32>(rec, PKT_GID);
    if ((gid >= gidLo && gid <= gidHi) == ((flags & OW_GID_INV) != 0)) return false;
  }
  return true;
}
