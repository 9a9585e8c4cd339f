// The interface name a record gets: the pcapng interface's name, else the host's name for the
// interface index the link layer carries (SLL2, NFLOG), else the caller's default (--in). With
// XO_VLAN_NAMES an 802.1Q-tagged frame gets ".<vid>" per tag, the kernel's usual VLAN device names.
import { copy16 } from '../inline-memory';
import { IF_RECORD_NAME, IM_INDEX, IM_NAME, IM_SIZE, MAX_VLAN_TAGS, XO_VLAN_NAMES } from './abi';
import * as context from './context';
import * as frame from './frame';

const NAME_BYTES: u32 = 16;
const NAME_MAX: u32 = 15; // IFNAMSIZ - 1

const scratch: usize = memory.data(NAME_BYTES);

/** The host's name for interface `index`, or 0. */
export function mappedName(index: u32): usize {
  const map = context.ifmap;
  for (let i: u32 = 0; i < context.ifmapCount; i++) {
    const entry = map + <usize>i * IM_SIZE;
    if (load<u32>(entry + IM_INDEX) == index) return entry + IM_NAME;
  }
  return 0;
}

/**
 * The name for this frame, in a scratch buffer valid until the next call: from the pcapng
 * interface entry `ifaceEntry` (0 = none), the host map for `index` when `hasIndex`, or the default.
 */
export function frameName(ifaceEntry: usize, index: u32, hasIndex: bool): usize {
  let source = context.defaultIface;
  const mapped = hasIndex ? mappedName(index) : 0;
  if (ifaceEntry != 0 && load<u8>(ifaceEntry + IF_RECORD_NAME) != 0) source = ifaceEntry + IF_RECORD_NAME;
  else if (mapped != 0) source = mapped;
  copy16(scratch, source);
  store<u8>(scratch + NAME_MAX, 0);
  if ((context.options & XO_VLAN_NAMES) != 0) appendVlans(scratch);
  return scratch;
}

/** "eth0" + ".100" + ".20" while it fits in 15 bytes (a name that would not fit stays as it is). */
function appendVlans(name: usize): void {
  let length: u32 = 0;
  while (length < NAME_MAX && load<u8>(name + length) != 0) length++;
  if (length == 0) return;
  const tags = min(frame.vlanCount, <u32>MAX_VLAN_TAGS);
  for (let t: u32 = 0; t < tags; t++) {
    const id = <u32>load<u16>(frame.vlanIds + (<usize>t << 1));
    const digits: u32 = id >= 1000 ? 4 : id >= 100 ? 3 : id >= 10 ? 2 : 1;
    if (length + 1 + digits > NAME_MAX) return;
    store<u8>(name + length, 0x2e); // '.'
    let v = id;
    for (let d = digits; d > 0; d--) {
      store<u8>(name + length + d, <u8>(0x30 + v % 10));
      v /= 10;
    }
    length += 1 + digits;
  }
}
