// The one place where the binary layout shared by the TypeScript host (src/) and the WASM core
// (assembly/) is defined. This file is compiled by both asc and tsc, so it holds nothing but
// untyped integer constants (i32 in AssemblyScript, number in TypeScript).
//
// Memory is owned by the host: the WASM module never allocates (runtime "stub"). The host lays
// out, above heapBase(), a config block, the compiled entry table, the match code, the counters,
// state for stateful matches, the route table, a packet batch, a result array and an event
// buffer, and passes their addresses in the config block. All values are little-endian.
//
// How the engine (src/engine/arena.ts) places them, each 16-byte aligned, in this order:
//   config block | entries | code | counters | jump stack | state | routes | packet batch |
//   results | events
// A fresh instance per ruleset gives zeroed counters and state. evaluate(cfg, pkts, count,
// results) (assembly/vm/evaluate.ts) reads the config once per call and walks the packets in order.
//
// ----------------------------------------------------------------------------------------------
// Hooks and tables (NETFILTER.md §4.1). Table order within a hook is the kernel's priority order.
export const HOOK_PREROUTING = 0;
export const HOOK_INPUT = 1;
export const HOOK_FORWARD = 2;
export const HOOK_OUTPUT = 3;
export const HOOK_POSTROUTING = 4;
export const HOOK_COUNT = 5;

export const TABLE_RAW = 0;
export const TABLE_MANGLE = 1;
export const TABLE_NAT = 2;
export const TABLE_FILTER = 3;
export const TABLE_SECURITY = 4;
export const TABLE_COUNT = 5;

// ----------------------------------------------------------------------------------------------
// Packet record: one per input packet, PKT_SIZE bytes, written by the host (src/packets), read and
// partly updated (MARK, CTSTATE, CTMARK, OUT_IFACE) by the core while it evaluates.
export const PKT_SIZE = 256;
export const PKT_TS = 0; // f64, seconds since the epoch (packet timestamp)
export const PKT_SRC = 8; // u32, IPv4 source address as a number (a.b.c.d -> a<<24|b<<16|c<<8|d)
export const PKT_DST = 12; // u32
export const PKT_PROTO = 16; // u8, IP protocol number
export const PKT_TOS = 17; // u8
export const PKT_TTL = 18; // u8
export const PKT_FLAGS = 19; // u8, PF_* below
export const PKT_IPLEN = 20; // u16, IP total length: what byte counters add (§4.2)
export const PKT_FRAGOFF = 22; // u16, fragment offset in 8-byte units
export const PKT_SPORT = 24; // u16 (TCP/UDP/SCTP/DCCP)
export const PKT_DPORT = 26; // u16
export const PKT_ICMP_TYPE = 28; // u8
export const PKT_ICMP_CODE = 29; // u8
export const PKT_TCPFLAGS = 30; // u8: FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32, ECE 64, CWR 128
export const PKT_PKTTYPE = 31; // u8, one PKTTYPE_* bit; 0 = derive from the destination address
export const PKT_MARK = 32; // u32, skb->mark (nfmark); MARK target updates it
export const PKT_CTSTATE = 36; // u8, one CTSTATE_* bit (what state/conntrack --ctstate see)
export const PKT_CTDIR = 37; // u8, 0 ORIGINAL, 1 REPLY
export const PKT_HELPER = 38; // u8, HELPER_* id of the conntrack's (or its master's) helper
export const PKT_CTFLAGS = 39; // u8, reserved for the conntrack stage
export const PKT_CTSTATUS = 40; // u32, CTSTATUS_* bits
export const PKT_CTMARK = 44; // u32, connection mark; CONNMARK target updates it
export const PKT_CTEXPIRE = 48; // u32, seconds left on the conntrack timer
export const PKT_CT_ORIG_SRC = 52; // u32
export const PKT_CT_ORIG_DST = 56; // u32
export const PKT_CT_REPL_SRC = 60; // u32
export const PKT_CT_REPL_DST = 64; // u32
export const PKT_CT_ORIG_SPORT = 68; // u16
export const PKT_CT_ORIG_DPORT = 70; // u16
export const PKT_CT_REPL_SPORT = 72; // u16
export const PKT_CT_REPL_DPORT = 74; // u16
export const PKT_CTPROTO = 76; // u8, l4 protocol of the conntrack
export const PKT_TCPWIN = 78; // u16, TCP window
export const PKT_UID = 80; // u32, socket owner (OUTPUT/POSTROUTING of local packets; PF_HAS_OWNER)
export const PKT_GID = 84; // u32
export const PKT_SRCMAC = 88; // 6 bytes, link-layer source (PF_HAS_MAC)
export const PKT_TCPOPT = 96; // 32 bytes: bitmap of TCP option kinds present (bit k = kind k)
export const PKT_IN_IFACE = 128; // 16 bytes, NUL-padded name; all zero = none (local out)
export const PKT_OUT_IFACE = 144; // 16 bytes; filled by routing unless the host gave one
export const PKT_SEQ = 160; // u32, TCP sequence number
export const PKT_ACK = 164; // u32, TCP acknowledgement number
export const PKT_PAYLOAD_PTR = 168; // u32, address of the L4 payload bytes (0 = none)
export const PKT_PAYLOAD_LEN = 172; // u32
export const PKT_LENGTH_L4 = 176; // u16, L4 payload length the IP header announces (IP total length
//   minus the IP and L4 headers): the TCP sequence space a segment covers, even when the capture
//   holds fewer payload bytes (PKT_PAYLOAD_LEN) or none (JSON records, LOG lines)
export const PKT_IPID = 178; // u16, IP identification (LOG prints ID=)
export const PKT_DSTMAC = 180; // 6 bytes, link-layer destination (PF_HAS_MAC); LOG's MAC= is dst:src:08:00
export const PKT_IPOPT_LEN = 186; // u8, bytes of IP options (0 = none)
export const PKT_TCPRES = 187; // u8, TCP reserved bits (LOG's RES=0x..)
export const PKT_TCPURGP = 188; // u16, TCP urgent pointer
export const PKT_FLAGS2 = 190; // u8, PF2_* bits
// 191 reserved
// The packet an ICMP error quotes (PF2_INNER): its tuple as it was sent, looked up inverted to
// find the connection the error belongs to (NETFILTER.md §4.5).
export const PKT_INNER_SRC = 192; // u32
export const PKT_INNER_DST = 196; // u32
export const PKT_INNER_SPORT = 200; // u16 (ICMP inside: id)
export const PKT_INNER_DPORT = 202; // u16 (ICMP inside: type << 8 | code)
export const PKT_INNER_PROTO = 204; // u8
export const PKT_TCP_WSCALE = 205; // u8, window-scale option value; 0xFF = option absent
export const PKT_TCP_SACKPERM = 206; // u8, 1 when the SACK-permitted option is present
// 207 reserved
export const PKT_ZONE = 208; // u16, conntrack zone (set by CT --zone in raw)
// 210..255 reserved (NAT issue)

// PKT_FLAGS bits
export const PF_FRAG_NONFIRST = 1; // fragment offset > 0: L4 matches never match (§4.2)
export const PF_MF = 2; // more-fragments bit
export const PF_DF = 4; // don't-fragment bit
export const PF_L4 = 8; // the L4 header (ports / ICMP type / TCP flags) is present and parsed
export const PF_HAS_MAC = 16; // PKT_SRCMAC is valid
export const PF_LOCAL_OUT = 32; // generated by this host: enters at OUTPUT, not PREROUTING
export const PF_HAS_OWNER = 64; // PKT_UID / PKT_GID are valid
export const PF_OUT_GIVEN = 128; // the host gave PKT_OUT_IFACE: routing keeps it

// PKT_FLAGS2 bits
export const PF2_INNER = 1; // PKT_INNER_* hold the packet quoted by an ICMP error
export const PF2_BAD_CSUM = 2; // the L4 checksum is known to be wrong (INVALID in PREROUTING when
//                               nf_conntrack_checksum=1, NETFILTER.md §4.3)
export const PF2_NO_SEQ = 4; // TCP seq/ack/window unknown (JSON without them, LOG lines): the
//                             tracker cannot judge windows and skips those checks (reported)
export const PF2_TRUNCATED_L4 = 8; // the L4 header is shorter than its own length field (INVALID)

// PKT_CTSTATE bits: the state/conntrack match masks use the same bits (XT_STATE_* order)
export const CTSTATE_INVALID = 1;
export const CTSTATE_ESTABLISHED = 2;
export const CTSTATE_RELATED = 4;
export const CTSTATE_NEW = 8;
export const CTSTATE_UNTRACKED = 16;
export const CTSTATE_SNAT = 32; // conntrack --ctstate SNAT / DNAT (virtual states from ctstatus)
export const CTSTATE_DNAT = 64;

// PKT_CTSTATUS bits (conntrack --ctstatus)
export const CTSTATUS_EXPECTED = 1;
export const CTSTATUS_SEEN_REPLY = 2;
export const CTSTATUS_ASSURED = 4;
export const CTSTATUS_CONFIRMED = 8;

// PKT_PKTTYPE bits (pkttype match)
export const PKTTYPE_UNICAST = 1;
export const PKTTYPE_BROADCAST = 2;
export const PKTTYPE_MULTICAST = 4;

export const HELPER_NONE = 0;
export const HELPER_FTP = 1;

// ----------------------------------------------------------------------------------------------
// Field descriptors for the generic compare opcodes: byte offset in the packet record | width<<16
// (width 1, 2 or 4 bytes, unsigned).
export const FD_PROTO = PKT_PROTO | (1 << 16);
export const FD_TOS = PKT_TOS | (1 << 16);
export const FD_TTL = PKT_TTL | (1 << 16);
export const FD_IPLEN = PKT_IPLEN | (2 << 16);
export const FD_SPORT = PKT_SPORT | (2 << 16);
export const FD_DPORT = PKT_DPORT | (2 << 16);
export const FD_ICMP_TYPE = PKT_ICMP_TYPE | (1 << 16);
export const FD_ICMP_CODE = PKT_ICMP_CODE | (1 << 16);
export const FD_TCPFLAGS = PKT_TCPFLAGS | (1 << 16);
export const FD_PKTTYPE = PKT_PKTTYPE | (1 << 16);
export const FD_MARK = PKT_MARK | (4 << 16);
export const FD_CTSTATE = PKT_CTSTATE | (1 << 16);
export const FD_CTDIR = PKT_CTDIR | (1 << 16);
export const FD_HELPER = PKT_HELPER | (1 << 16);
export const FD_CTSTATUS = PKT_CTSTATUS | (4 << 16);
export const FD_CTMARK = PKT_CTMARK | (4 << 16);
export const FD_CTEXPIRE = PKT_CTEXPIRE | (4 << 16);
export const FD_CT_ORIG_SRC = PKT_CT_ORIG_SRC | (4 << 16);
export const FD_CT_ORIG_DST = PKT_CT_ORIG_DST | (4 << 16);
export const FD_CT_REPL_SRC = PKT_CT_REPL_SRC | (4 << 16);
export const FD_CT_REPL_DST = PKT_CT_REPL_DST | (4 << 16);
export const FD_CT_ORIG_SPORT = PKT_CT_ORIG_SPORT | (2 << 16);
export const FD_CT_ORIG_DPORT = PKT_CT_ORIG_DPORT | (2 << 16);
export const FD_CT_REPL_SPORT = PKT_CT_REPL_SPORT | (2 << 16);
export const FD_CT_REPL_DPORT = PKT_CT_REPL_DPORT | (2 << 16);
export const FD_CTPROTO = PKT_CTPROTO | (1 << 16);
export const FD_SRC = PKT_SRC | (4 << 16);
export const FD_DST = PKT_DST | (4 << 16);
export const FD_UID = PKT_UID | (4 << 16);
export const FD_GID = PKT_GID | (4 << 16);

// ----------------------------------------------------------------------------------------------
// Match code: each rule's `-m` matches compile to a sequence of instructions in one u32 array
// (the code area). An instruction is a header word followed by operand words:
//   header = opcode (bits 0..7) | flags (bits 8..15) | length in words incl. the header (16..31)
// The rule matches when every instruction passes; the first failing one ends the rule (§4.2).
// INS_INVERT in flags negates the instruction's result (the `!` before a match option) unless an
// opcode says otherwise.
export const INS_INVERT = 1 << 8;

// Operands are listed in order after the header.
export const OP_RANGE = 1; //    field, lo, hi                      lo <= field <= hi (unsigned)
export const OP_MASKEQ = 2; //   field, mask, value                 (field & mask) == value
export const OP_ANYBIT = 3; //   field, bits                        (field & bits) != 0
export const OP_L4HDR = 4; //    (none)                             L4 header present and not a
//                                                                  non-first fragment; never
//                                                                  inverted (tcp/udp/icmp/multiport
//                                                                  emit it first)
export const OP_PORTS = 5; //    mode, n, range*n                   mode 0 source, 1 destination,
//                                                                  2 either; range = lo<<16 | hi;
//                                                                  passes if any range holds
export const OP_TCPOPT = 6; //   kind                               option kind present in PKT_TCPOPT
export const OP_MAC = 7; //      hi32, lo16                         source MAC equals (hi32 = bytes
//                                                                  0..3 big-endian, lo16 = bytes 4..5);
//                                                                  fails when PF_HAS_MAC is unset
export const OP_ADDRTYPE = 8; // mode, srcTypes, dstTypes          mode bits AT_*; types = ADDRTYPE_*
//                                                                  bits; src/dst inverted separately;
//                                                                  INS_INVERT unused
export const OP_ICMP = 9; //     type, codeLo, codeHi               ICMP type == type and code in
//                                                                  [codeLo, codeHi]; type 0xFF = any
export const OP_LIMIT = 10; //   stateOff, avg, burst               token bucket (xt_limit): avg in
//                                                                  1/10000 s per packet; state =
//                                                                  LIMIT_STATE_SIZE bytes at
//                                                                  CFG_STATE_PTR + stateOff
export const OP_RECENT = 11; //  listOff, cmd, flags, seconds, hitcount, mask
//                                                                  xt_recent; list = RECENT_LIST_SIZE
//                                                                  bytes shared by every rule naming
//                                                                  the same list; cmd RECENT_*, flags RF_*
export const OP_HASHLIMIT = 12; // stateOff, mode, srcPrefix, dstPrefix, avg, burst, expireMs, maxEntries
//                                                                  xt_hashlimit; mode HL_*; avg in
//                                                                  1/10000 s per packet (or per
//                                                                  byte-cost unit with HL_BYTES);
//                                                                  state = HASHLIMIT_STATE_BYTES(max)
export const OP_OWNER = 13; //   flags, uidLo, uidHi, gidLo, gidHi  owner match; flags OW_*; fails
//                                                                  when PF_HAS_OWNER is unset
export const OP_IPRANGE = 14; // field, lo, hi                      like OP_RANGE on a u32 address
export const OP_FAIL = 15; //    (none)                             never matches (e.g. a match that
//                                                                  cannot hold in this hook)
export const OP_COUNT = 16;
// What the core does beyond the one-line summaries above (assembly/vm/instructions.ts):
// - An instruction's length field advances to the next one; a zero length fails the rule.
// - INS_INVERT is ignored by OP_L4HDR, OP_ADDRTYPE, OP_OWNER (their own operands carry the `!`)
//   and OP_FAIL; OP_MAC fails without a link-layer header whatever the `!` (mac_mt).
// - OP_OWNER follows owner_mt: with no socket (PF_HAS_OWNER unset: forwarded packets, kernel-made
//   ones) the match holds exactly when every option given is negated (`! --uid-owner 0` matches a
//   forwarded packet); with a socket each option is tested with its own `!`; OW_SOCKET alone
//   passes; `! --socket-exists` with a socket fails.
// - OP_ADDRTYPE follows __inet_dev_addr_type: 0.0.0.0 and 255.255.255.255 are BROADCAST, 224/4
//   MULTICAST; otherwise the route for the address decides (RT_BROADCAST -> BROADCAST, RT_LOCAL ->
//   LOCAL, RT_MULTICAST -> MULTICAST, else UNICAST). No route, a route via another device than the
//   one AT_LIMIT_IN/OUT names, and blackhole/unreachable/prohibit routes (fib_table_lookup fails
//   for those types) all give UNICAST, as in the kernel. In a hook without that device the limit
//   is ignored.
// - OP_LIMIT and OP_HASHLIMIT refill with packet time (PKT_TS) continuously; a packet older than
//   the bucket's last one refills nothing. Buckets start full.
// - OP_RECENT follows recent_mt: the address is masked with `mask`; the TTL compared by RF_RTTL
//   is +1 for packets with an out device and no local socket (forwarded: "TTL as seen before
//   forwarding"); --rcheck/--update with neither seconds nor hitcount match any entry; --update
//   refreshes only when the rule's result (after `!`) is true; RF_REAP drops the least recently
//   updated entry when even its newest stamp is older than `seconds` (never the entry being
//   updated). INS_INVERT is the rule's `!` and is applied inside, like info->invert.
// - OP_HASHLIMIT: the key is (src & srcPrefix mask if HL_SRCIP, dst & dstPrefix mask if HL_DSTIP,
//   sport << 16 | dport for the port bits — ports only for TCP, UDP, DCCP, SCTP, UDP-Lite, 0 for
//   other protocols). With HL_BYTES, avg is the rate in bytes per second and burst the bucket size
//   in bytes (0 = avg), and a packet costs its IP total length; otherwise avg is 1/10000 s per
//   packet and burst packets. A bucket idle for expireMs is treated as gone (fresh, full).
//   maxEntries (> 0) is the table capacity; a new key with the table full, or port keys on a
//   later fragment, hot-drops the packet (RF_HOTDROP, V_DROP, the rule is not counted), as
//   hashlimit_mt does.

// OP_ADDRTYPE mode bits
export const AT_SRC = 1;
export const AT_DST = 2;
export const AT_SRC_INV = 4;
export const AT_DST_INV = 8;
export const AT_LIMIT_IN = 16; // --limit-iface-in: only routes via the in interface
export const AT_LIMIT_OUT = 32; // --limit-iface-out
// addrtype type bits (RTN_* numbering as bit positions, like xt_addrtype)
export const ADDRTYPE_UNSPEC = 1;
export const ADDRTYPE_UNICAST = 2;
export const ADDRTYPE_LOCAL = 4;
export const ADDRTYPE_BROADCAST = 8;
export const ADDRTYPE_ANYCAST = 16;
export const ADDRTYPE_MULTICAST = 32;
export const ADDRTYPE_BLACKHOLE = 64;
export const ADDRTYPE_UNREACHABLE = 128;
export const ADDRTYPE_PROHIBIT = 256;
export const ADDRTYPE_THROW = 512;
export const ADDRTYPE_NAT = 1024;
export const ADDRTYPE_XRESOLVE = 2048;

// OP_RECENT commands and flags
export const RECENT_SET = 1;
export const RECENT_RCHECK = 2;
export const RECENT_UPDATE = 3;
export const RECENT_REMOVE = 4;
export const RF_RSOURCE = 0; // default: the source address is the key
export const RF_RDEST = 1;
export const RF_RTTL = 2;
export const RF_REAP = 4;
export const RECENT_MAX_ENTRIES = 100; // xt_recent ip_list_tot default
export const RECENT_MAX_PKTS = 20; // ip_pkt_list_tot default
export const RECENT_ENTRY_SIZE = 16 + RECENT_MAX_PKTS * 8; // addr, ttl, count, next-slot, f64 stamps
export const RECENT_LIST_SIZE = 16 + RECENT_MAX_ENTRIES * RECENT_ENTRY_SIZE;

export const LIMIT_STATE_SIZE = 24; // f64 credit, f64 last timestamp, u32 initialised, pad

// OP_HASHLIMIT mode bits
export const HL_SRCIP = 1;
export const HL_SRCPORT = 2;
export const HL_DSTIP = 4;
export const HL_DSTPORT = 8;
export const HL_ABOVE = 16; // --hashlimit-above (match when over the limit), else --hashlimit-upto
export const HL_BYTES = 32; // byte-based rate
export const HASHLIMIT_HEADER_SIZE = 16;
export const HASHLIMIT_BUCKET_SIZE = 40; // key (src, dst, ports, used), f64 credit, f64 last, f64 expires

// OP_OWNER flags
export const OW_UID = 1;
export const OW_UID_INV = 2;
export const OW_GID = 4;
export const OW_GID_INV = 8;
export const OW_SOCKET = 16; // --socket-exists
export const OW_SOCKET_INV = 32;

// ----------------------------------------------------------------------------------------------
// Entry table: every rule of every chain of every table, plus one tail entry per chain (the
// policy of a built-in chain, the implicit RETURN of a user chain), laid out chain after chain
// like the kernel's blob. ENTRY_SIZE bytes each; an entry index is its position in the array.
// The basic match (§4.2: addresses, interfaces, protocol, -f) lives in the entry itself.
//
// Compiled layout (src/compile/compile.ts): tables in TABLE_* order, each table's chains in
// Table.chains order (built-ins first), each chain = its rules in order, then one tail entry
// (EF_TAIL; T_POLICY with ARG0 = T_ACCEPT/T_DROP for a built-in chain, T_TAIL_RETURN for a user
// chain). CFG_HOOK_START[table * HOOK_COUNT + hook] is the built-in chain's first entry (its tail
// when it has no rules). Every entry's E_CHAIN_TAIL names its chain's tail. E_CODE_OFF is 0 when
// E_CODE_LEN is 0. E_SRC/E_DST are stored already masked. Interface names keep a trailing '+' in
// E_*_NAME but E_*_MASK stops before it ("eth+" compares 3 bytes, "eth0" 5, "+" none).
//
// Traversal (assembly/vm/traverse.ts, ipt_do_table): from the hook start, an entry whose basic
// match and code pass is counted (+1 packet, +PKT_IPLEN bytes at CFG_COUNTERS_PTR + 16 * index)
// and writes EV_RULE (EV_POLICY for a policy) before its target runs. T_JUMP pushes the index
// after the jump (not when ARG0 is that very index, as the kernel) and overflowing
// CFG_STACK_DEPTH drops the packet (RF_STACK_OVERFLOW); T_RETURN and T_TAIL_RETURN pop, or with
// an empty stack go to E_CHAIN_TAIL of the hook start (the built-in policy: "underflow");
// T_TAIL_RETURN writes EV_RETURN and is not counted. The jump stack restarts empty for every
// table traversal.
export const ENTRY_SIZE = 128;
export const E_SRC = 0; // u32
export const E_SMSK = 4; // u32
export const E_DST = 8; // u32
export const E_DMSK = 12; // u32
export const E_IN_NAME = 16; // 16 bytes; an interface matches when ((name ^ E_IN_NAME) & E_IN_MASK) == 0
export const E_IN_MASK = 32; // 16 bytes: 0xFF for each byte compared (incl. the NUL after an exact name)
export const E_OUT_NAME = 48; // 16 bytes
export const E_OUT_MASK = 64; // 16 bytes
export const E_PROTO = 80; // u16, 0 = any
export const E_INVFLAGS = 82; // u8, INV_* bits
export const E_FLAGS = 83; // u8, EF_* bits
export const E_CODE_OFF = 84; // u32, index (in words) of the first instruction in the code area
export const E_CODE_LEN = 88; // u32, length in words (0 = no -m matches)
export const E_TARGET = 92; // u32, T_* target kind
export const E_ARG0 = 96; // u32 target operands, meaning per target kind
export const E_ARG1 = 100;
export const E_ARG2 = 104;
export const E_ARG3 = 108;
export const E_TABLE = 112; // u8 table id (for events)
export const E_CHAIN_TAIL = 116; // u32 (added): entry index of the tail of the chain this entry is in;
//                                  at a hook start it names the built-in chain's policy entry, the
//                                  kernel's "underflow" (§4.2)
export const E_CLASSIFIER = 120; // u32 (added): word index in the code area of the header of the
//                                  classifier of the chain this rule is in; 0 = the chain is
//                                  scanned linearly ("Classifier tables" below). 0 on tail entries.
// 113..115, 124..127 reserved

export const INV_SRC = 1;
export const INV_DST = 2;
export const INV_IN = 4;
export const INV_OUT = 8;
export const INV_PROTO = 16;
export const INV_FRAG = 32;

export const EF_FRAG = 1; // -f: only non-first fragments (or with INV_FRAG, only not)
export const EF_TAIL = 2; // the chain's tail entry (policy or implicit return): no basic match

// Target kinds (E_TARGET) and their operands
export const T_CONTINUE = 0; // no -j, or a non-terminal target without effect in the core
export const T_ACCEPT = 1; // ends this table's traversal for this hook
export const T_DROP = 2; // ends everything
export const T_RETURN = 3; // explicit RETURN
export const T_JUMP = 4; // ARG0 = entry index of the target chain's first entry
export const T_GOTO = 5; // ARG0 = entry index; no return position pushed
export const T_POLICY = 6; // built-in chain tail; ARG0 = T_ACCEPT or T_DROP
export const T_TAIL_RETURN = 7; // user chain tail (implicit RETURN)
export const T_REJECT = 8; // terminal; ARG0 = REJ_* kind (the reply the kernel would send)
export const T_MARK = 9; // mark = (mark & ~ARG0) ^ ARG1, continue (xt_MARK)
export const T_CONNMARK = 10; // ARG0 = CM_* mode, ARG1 = value/ctmask, ARG2 = mask/nfmask, ARG3 = shift (unused: 0)
export const T_NOTRACK = 11; // ctstate becomes UNTRACKED (raw table), continue
export const T_CT = 12; // ARG0 = CTT_* flags, ARG1 = helper id, ARG2 = zone; continue
export const T_LOG = 13; // continue; ARG0 = host-side action id (the host formats the line)
export const T_NFLOG = 14; // continue; ARG0 = host-side action id
export const T_TRACE = 15; // continue; marks the packet traced (RF_TRACED)
export const T_NAT = 16; // DNAT/SNAT/MASQUERADE/REDIRECT/NETMAP: not evaluated yet: the
//                          packet is accepted by the nat table unchanged and RF_NAT_SKIPPED set
export const T_ERROR = 17; // the kernel's ERROR target: drop
export const T_QUEUE = 18; // NFQUEUE/QUEUE: no userspace here: reported, treated as DROP... see engine
//                            (the core ends the packet with V_QUEUE; the engine reports "QUEUE")
// T_CONNMARK does nothing for a packet without a conntrack (ctstate INVALID or UNTRACKED), like
// xt_CONNMARK. T_NOTRACK and T_CT do nothing once the packet carries a conntrack (the loopback
// pass of a local -> local packet: "Previously seen (loopback)? Ignore."). T_CT --helper sets
// RES_HELPER (it is the template's helper; the conntrack stage decides whether a new connection
// takes it); it never changes PKT_HELPER (the helper match tests the master's helper).
export const T_COUNT = 19;

// REJECT kinds (ARG0 of T_REJECT)
export const REJ_ICMP_NET_UNREACHABLE = 0;
export const REJ_ICMP_HOST_UNREACHABLE = 1;
export const REJ_ICMP_PROT_UNREACHABLE = 2;
export const REJ_ICMP_PORT_UNREACHABLE = 3;
export const REJ_ICMP_ECHOREPLY = 4;
export const REJ_ICMP_NET_PROHIBITED = 5;
export const REJ_ICMP_HOST_PROHIBITED = 6;
export const REJ_TCP_RESET = 7;
export const REJ_ICMP_ADMIN_PROHIBITED = 8;

// CONNMARK modes (ARG0 of T_CONNMARK)
export const CM_SET = 1; // ctmark = (ctmark & ~ARG2) ^ ARG1
export const CM_SAVE = 2; // ctmark = (ctmark & ~ARG1) ^ (mark & ARG2)   (ARG1 ctmask, ARG2 nfmask)
export const CM_RESTORE = 3; // mark = (mark & ~ARG2) ^ (ctmark & ARG1)   (ARG1 ctmask, ARG2 nfmask)

// CT target flags (ARG0 of T_CT)
export const CTT_NOTRACK = 1;
export const CTT_HELPER = 2;
export const CTT_ZONE = 4;

// ----------------------------------------------------------------------------------------------
// Routes (host model), ROUTE_SIZE bytes each, sorted by the host with the longest prefix first;
// local addresses and subnet broadcasts are /32 routes with RT_LOCAL (and RT_BROADCAST).
export const ROUTE_SIZE = 32;
export const R_NET = 0; // u32
export const R_MASK = 4; // u32
export const R_GATEWAY = 8; // u32, 0 = directly connected
export const R_FLAGS = 12; // u32, RT_* bits
export const R_IFNAME = 16; // 16 bytes
export const RT_LOCAL = 1;
export const RT_BROADCAST = 2;
export const RT_BLACKHOLE = 4;
export const RT_UNREACHABLE = 8;
export const RT_PROHIBIT = 16;
export const RT_MULTICAST = 32;

// ----------------------------------------------------------------------------------------------
// Config block: CFG_WORDS u32 words; the address of its first word is passed to evaluate().
export const CFG_ENTRIES_PTR = 0;
export const CFG_ENTRY_COUNT = 1;
export const CFG_CODE_PTR = 2;
export const CFG_COUNTERS_PTR = 3; // per entry: u64 packets, u64 bytes (16 bytes)
export const CFG_ROUTES_PTR = 4;
export const CFG_ROUTE_COUNT = 5;
export const CFG_FLAGS = 6; // CFGF_* bits
export const CFG_STACK_PTR = 7; // jump stack, CFG_STACK_DEPTH u32 words
export const CFG_STACK_DEPTH = 8;
export const CFG_EVENTS_USED = 9; // written by evaluate(): events written in the last call
export const CFG_STATE_PTR = 10; // base of the state area (OP_LIMIT/OP_RECENT/OP_HASHLIMIT offsets)
export const CFG_STATE_SIZE = 11; // bytes; the host zeroes it when a ruleset is loaded
export const CFG_EVENTS_CAP = 12; // capacity of the event buffer, in events
export const CFG_EVENTS_PTR = 13;
export const CFG_EVENTS_PER_PACKET_MAX = 14; // (added) upper bound on the events one packet can
//   write, computed by the compiler; evaluate() starts a packet only while that many slots are
//   free (or the buffer is empty), so it never has to undo a half-evaluated packet
export const CFG_HOOK_START = 16; // 25 words: [table * HOOK_COUNT + hook] = first entry, or -1
// Connection tracking (see the conntrack section below)
export const CFG_CT_FLAGS = 41; // CTF_* bits
export const CFG_CT_ENTRIES_PTR = 42; // CT_SIZE * CFG_CT_MAX bytes
export const CFG_CT_MAX = 43; // nf_conntrack_max
export const CFG_CT_INDEX_PTR = 44; // CT_SLOT_SIZE * CFG_CT_INDEX_SLOTS bytes
export const CFG_CT_INDEX_SLOTS = 45; // reserved: a power of two, >= 4 * CFG_CT_MAX (2 keys per conntrack, load <= 0.5)
export const CFG_CT_EXT_PTR = 46; // CT_EXT_SIZE * CFG_CT_EXT_MAX bytes (was: * CFG_CT_MAX; the pool is host-sized)
export const CFG_CT_EXP_PTR = 47; // EXP_SIZE * CFG_CT_EXP_MAX bytes
export const CFG_CT_EXP_MAX = 48; // nf_conntrack_expect_max
export const CFG_CT_TIMEOUTS_PTR = 49; // CTO_COUNT u32 timeouts in milliseconds (from sysctls)
export const CFG_CT_COUNT = 50; // out: live conntracks
export const CFG_CT_HIGH = 51; // out: 1 + highest entry index ever used (the host scans [0, HIGH))
export const CFG_CT_EXP_COUNT = 52; // out: live expectations
export const CFG_CT_MAX_RETRANS = 53; // nf_conntrack_tcp_max_retrans
export const CFG_CT_TIME_BASE = 54; // f64 at words 54..55: the packet timestamp that is time 0 of
//                                     CT_EXPIRES/EXP_EXPIRES (set by the core from the first packet)
export const CFG_CT_NEXT_ID = 56; // next conntrack/expectation id
// 57..63 reserved for the conntrack core's own bookkeeping (free lists)
export const CFG_CT_TIME_BASE_SET = 57; // (added) 1 once CFG_CT_TIME_BASE holds the first packet's time
export const CFG_CT_EXT_MAX = 58; // (added) ext records in the pool at CFG_CT_EXT_PTR (host-sized)
export const CFG_CT_FREE_ENTRY = 59; // (added) head of the free-entry list: entry index + 1, 0 = empty
export const CFG_CT_EXT_HIGH = 60; // (added) ext records ever handed out (bump pointer)
export const CFG_CT_FREE_EXT = 61; // (added) head of the free ext list: ext index + 1, 0 = empty
export const CFG_CT_NEXT_EXPIRY = 62; // (added) no entry expires before this ms (table-full collection)
export const CFG_CT_EXP_HIGH = 63; // (added) 1 + highest expectation slot ever used
export const CFG_DF_PTR = 64; // (added) the defrag block (DF_* words, "Defragmentation" below);
//                              0 = no defragmentation (conntrack off: the kernel loads nf_defrag_ipv4 with it)
export const CFG_WORDS = 72; // (was 64; 65..71 spare)
// (added) The kernel's per-destination ICMP error rate limit (icmp_send → inet_peer_xrlim_allow):
// a table of ICMP_RL_SLOTS peers of ICMP_RL_PEER_SIZE bytes at CFG_ICMP_RL_PTR (zeroed by the host)
export const CFG_ICMP_RL_PTR = 66;
export const CFG_ICMP_RATELIMIT_MS = 67; // net.ipv4.icmp_ratelimit (ms; 0 = no limit)
export const CFG_ICMP_RATEMASK = 68; // net.ipv4.icmp_ratemask (bit t = ICMP type t is limited)
export const ICMP_RL_SLOTS = 1024; // direct-mapped by address: a colliding peer starts afresh
export const ICMP_RL_PEER_SIZE = 24; // u32 address, u32 used, f64 credit (ms), f64 last (s)
export const CFGF_FORWARDING = 1; // net.ipv4.ip_forward
export const CFGF_ALL_LOCAL = 2; // host model omitted: every arriving packet is for this host (INPUT)
export const CFGF_TABLE_PRESENT = 1 << 8; // << table: the ruleset has this table
//
// The path of a packet (assembly/vm/hooks.ts, NETFILTER.md §4.1):
// - arriving (PF_LOCAL_OUT unset): PREROUTING raw, mangle, nat; then the routing decision on
//   PKT_DST (first route of the table whose prefix holds it): delivered locally (INPUT) when
//   CFGF_ALL_LOCAL, 255.255.255.255, 224/4 (group membership is not modelled: taken as joined) or
//   a route with RT_LOCAL/RT_BROADCAST/RT_MULTICAST; else V_NOT_FORWARDED without
//   CFGF_FORWARDING, V_NOROUTE with no route or a blackhole/unreachable/prohibit one, otherwise
//   FORWARD (PKT_OUT_IFACE = the route's R_IFNAME unless PF_OUT_GIVEN) then POSTROUTING.
//   INPUT: mangle, filter, security, nat. FORWARD: mangle, filter, security. POSTROUTING:
//   mangle, nat.
// - locally generated: routing first: a RT_LOCAL (not broadcast) destination leaves on "lo";
//   otherwise the route's interface, V_NOROUTE without a usable route (unless PF_OUT_GIVEN).
//   OUTPUT: raw, mangle, nat, filter, security; then POSTROUTING. A destination on this host then
//   comes back in on lo (PKT_IN_IFACE becomes "lo"): PREROUTING raw, mangle, then INPUT mangle,
//   filter, security — no nat on that pass (nf_nat_inet_fn finds the bindings made on the way out).
// - nat is traversed only while ctstate is NEW or RELATED (NOTRACK in raw makes it UNTRACKED
//   first). The conntrack stage sits after raw in PREROUTING and OUTPUT.
// - Each hook's basic match sees the devices the kernel passes there: PREROUTING/INPUT the in
//   device only, OUTPUT/POSTROUTING the out device only, FORWARD both; the other is all zeros.
// - PKT_PKTTYPE 0 is derived before the first hook: 255.255.255.255 or an RT_BROADCAST route ->
//   broadcast, 224/4 -> multicast, else unicast; the core writes it into the record.
// - The core also updates the record's PKT_MARK, PKT_CTMARK, PKT_CTSTATE, PKT_OUT_IFACE and (local
//   -> local) PKT_IN_IFACE: after evaluate() the record shows the packet as it left.

// ----------------------------------------------------------------------------------------------
// Results: one RES_SIZE record per packet, written by evaluate().
export const RES_SIZE = 64; // (was 48: defrag fields added at 48..63)
export const RES_VERDICT = 0; // u8, V_*
export const RES_PATH = 1; // u8, the route taken: HOOK_INPUT, HOOK_FORWARD or HOOK_OUTPUT
export const RES_HOOK = 2; // u8, the hook where the verdict fell (last hook traversed if accepted)
export const RES_TABLE = 3; // u8, the table whose rule or policy decided (0xFF = none)
export const RES_ENTRY = 4; // i32, the entry that decided (rule or policy), -1 = none
export const RES_MARK = 8; // u32, final skb mark
export const RES_CTSTATE = 12; // u8, ctstate after the raw table (UNTRACKED by NOTRACK / CT)
export const RES_REJECT = 13; // u8, REJ_* when the verdict is V_REJECT
export const RES_FLAGS = 14; // u8, RF_* bits
export const RES_HELPER = 15; // u8, helper assigned by CT --helper (HELPER_*), 0 none
export const RES_ROUTE = 16; // i32, index of the route used, -1 = none
export const RES_CTMARK = 20; // u32
export const RES_EVENT_FIRST = 24; // u32, index of this packet's first event (in this call's buffer)
// RES_ENTRY/RES_TABLE: for DROP/REJECT/QUEUE the entry that ended the packet; for an accepted
// packet the filter table's last ACCEPT (rule or policy) if filter was traversed, else the last
// table's ACCEPT; -1/0xFF when no table decided (no tables, NOROUTE, NOT_FORWARDED before any).
// RES_PATH for V_NOROUTE/V_NOT_FORWARDED of arriving packets is HOOK_FORWARD (RES_HOOK
// PREROUTING). Local -> local: RES_PATH HOOK_OUTPUT, RES_HOOK the last hook of the lo pass.
export const RES_EVENT_COUNT = 28; // u32
export const RES_CT_ID = 32; // u32, CT_ID of the packet's conntrack (0 = none: INVALID/UNTRACKED)
export const RES_TCP_STATE = 36; // u8, TCP_* state after this packet (TCP conntracks)
export const RES_CTDIR = 37; // u8, 0 ORIGINAL, 1 REPLY
export const RES_CTSTATUS = 38; // u16, CTSTATUS_* after this packet
export const RES_CT_NOTE = 40; // u16, CTN_* bits: what the conntrack stage did and why
export const RES_CT_REASON = 42; // u8, CTR_* why the packet is INVALID or was dropped by conntrack
// 43..47 reserved
// (added) Defragmentation (conntrack on only; zero otherwise). RES_SIZE grew from 48 to 64 for them.
export const RES_DEFRAG_STATE = 48; // u8, DFS_*: what conntrack-defrag did with this packet
export const RES_DEFRAG_REASON = 49; // u8, DFR_* why this fragment was dropped (DFS_DROPPED)
export const RES_DEFRAG_FRAGMENTS = 50; // u16, DFS_REASSEMBLED: fragments in the datagram; DFS_DROPPED:
//                                        held fragments discarded with their queue (this one not counted)
export const RES_DEFRAG_QUEUE = 52; // u32, id of the reassembly queue (DFS_HELD/REASSEMBLED/DROPPED)
export const RES_DEFRAG_EXPIRED = 56; // u16, queues that timed out before this packet (ipfrag_time)
export const RES_DEFRAG_EXPIRED_FRAGS = 58; // u16, fragments they held
export const RES_DEFRAG_EVICTED = 60; // u16, queues evicted to make room for this fragment
export const RES_DEFRAG_EVICTED_FRAGS = 62; // u16, fragments they held

export const V_ACCEPT = 1; // delivered (INPUT) or sent on (FORWARD/OUTPUT)
export const V_DROP = 2;
export const V_REJECT = 3; // dropped, and the reply in RES_REJECT sent
export const V_NOROUTE = 4; // the routing decision found no route: dropped before FORWARD/OUTPUT
export const V_NOT_FORWARDED = 5; // not for this host and ip_forward is off
export const V_QUEUE = 6; // NFQUEUE/QUEUE: handed to userspace (no verdict knowable offline)
export const V_UNPARSED = 7; // host-side: the record could not be turned into a packet
export const V_DEFRAG = 8; // (added) a fragment held for reassembly (conntrack-defrag stole it, NF_STOLEN):
export const V_TTL_EXCEEDED = 9; // (added) forwarded with TTL <= 1: ip_forward drops it before the FORWARD
//   hook and answers with ICMP time exceeded (built and walked like a REJECT answer: RPL_* slot)
//                            no table saw it; the fragment that completes the datagram carries its verdict

export const RF_EVENTS_TRUNCATED = 1; // the event buffer could not hold all of this packet's events
export const RF_TRACED = 2; // a TRACE target marked the packet
export const RF_NAT_SKIPPED = 4; // a NAT target matched: not evaluated yet
export const RF_STACK_OVERFLOW = 8; // jump stack overflow: dropped as the kernel does
export const RF_HOTDROP = 16; // (added) a match hot-dropped the packet (xt_hashlimit table full,
//                               hashlimit on ports of a non-first fragment); RES_ENTRY = that rule

// ----------------------------------------------------------------------------------------------
// Events: EVENT_SIZE bytes each, in traversal order, written while packets are evaluated.
// word 0 = packet index in the batch; word 1 = entry index << 8 | hook << 4 | EV_* kind;
// word 2 = skb mark at that moment (LOG prints it).
// Every evaluate() call writes its events from index 0 (the host reads them before the next
// call); word 0 counts from the call's first packet. A call starts a packet only while
// CFG_EVENTS_PER_PACKET_MAX slots are free or nothing was written yet; a packet alone exceeding
// CFG_EVENTS_CAP keeps its first events and gets RF_EVENTS_TRUNCATED.
export const EVENT_SIZE = 12;
export const EV_RULE = 0; // a rule matched (and was counted) — "table:chain:rule:N"
export const EV_RETURN = 1; // fell off the end of a user chain — "…:return:N"
export const EV_POLICY = 2; // a built-in chain's policy applied — "…:policy:N"

// ----------------------------------------------------------------------------------------------
// Connection tracking (NETFILTER.md §4.3–§4.8). All tables live in host-allocated memory named
// by the CFG_CT_* words; the core owns their contents. Times are u32 milliseconds after
// CFG_CT_TIME_BASE; entries expire lazily (an expired entry found by a lookup is deleted first), so
// results depend only on packet timestamps.
export const CTF_ENABLED = 1; // the ruleset uses conntrack (state/conntrack/CT/NAT/helper/connmark…):
//                              without it the kernel never loads conntrack (§0) and ctstate is the record's
export const CTF_HELPER_AUTOASSIGN = 2; // legacy: ftp helper on connections to port 21 (§4.7)
export const CTF_CHECKSUM = 4; // nf_conntrack_checksum
export const CTF_TCP_LOOSE = 8; // nf_conntrack_tcp_loose
export const CTF_TCP_BE_LIBERAL = 16; // nf_conntrack_tcp_be_liberal
export const CTF_TCP_IGNORE_INVALID_RST = 32; // nf_conntrack_tcp_ignore_invalid_rst
export const CTF_FTP_LOOSE = 64; // nf_conntrack_ftp loose=1

// Timeouts (CFG_CT_TIMEOUTS_PTR, u32 ms each, index CTO_*): the TCP states use their TCP_* number.
export const CTO_TCP_SYN_SENT = 1;
export const CTO_TCP_SYN_RECV = 2;
export const CTO_TCP_ESTABLISHED = 3;
export const CTO_TCP_FIN_WAIT = 4;
export const CTO_TCP_CLOSE_WAIT = 5;
export const CTO_TCP_LAST_ACK = 6;
export const CTO_TCP_TIME_WAIT = 7;
export const CTO_TCP_CLOSE = 8;
export const CTO_TCP_SYN_SENT2 = 9;
export const CTO_TCP_RETRANS = 10;
export const CTO_TCP_UNACK = 11;
export const CTO_UDP = 12;
export const CTO_UDP_STREAM = 13;
export const CTO_ICMP = 14;
export const CTO_GENERIC = 15;
export const CTO_FTP_EXPECT = 16; // 300 s
export const CTO_COUNT = 17;

// TCP states (nf_conntrack_tcp.h numbering), in CT_STATE and RES_TCP_STATE
export const TCP_NONE = 0;
export const TCP_SYN_SENT = 1;
export const TCP_SYN_RECV = 2;
export const TCP_ESTABLISHED = 3;
export const TCP_FIN_WAIT = 4;
export const TCP_CLOSE_WAIT = 5;
export const TCP_LAST_ACK = 6;
export const TCP_TIME_WAIT = 7;
export const TCP_CLOSE = 8;
export const TCP_SYN_SENT2 = 9;

// Conntrack entry: CT_SIZE bytes, dense array of CFG_CT_MAX; entry index i has CT_ID != 0 while live.
// Every conntrack, TCP included, fits here (issue 3 "at most 64 bytes per connection plus the
// index"); what few connections need (master link, zone, helper and its state, connmark != 0,
// NAT binding) lives in the ext record. Read the fields through assembly/conntrack/fields.ts.
export const CT_SIZE = 64;
export const CT_ORIG_SRC = 0; // u32, original-direction tuple
export const CT_ORIG_DST = 4; // u32
export const CT_ORIG_SPORT = 8; // u16 (ICMP: id)
export const CT_ORIG_DPORT = 10; // u16 (ICMP: type << 8 | code of the original direction)
export const CT_PROTO = 12; // u8
export const CT_STATUS = 13; // u8: CTSTATUS_* in bits 0..3 (CT_STATUS_MASK) ...
export const CT_FLAGS = 13; // ... and CTE_* in bits 4..7 of the same byte
export const CT_STATUS_MASK = 15; // (added) the CTSTATUS_* bits an entry keeps
export const CT_STATE = 14; // u8: TCP_* in bits 0..3 (TCP; 0 otherwise); bits 4..7 the TCP tracker's
//                             last-packet flags (assembly/conntrack/proto/tcp-conn.ts)
export const CT_TCP_SCALE = 15; // u8, window scale: ORIGINAL in bits 0..3, REPLY in bits 4..7
export const CT_EXPIRES = 16; // u32 ms after CFG_CT_TIME_BASE
export const CT_ID = 20; // u32: the unique id (conntrack -L id=) or, when CTE_EXT, 1 + the index of
//                          the ext record, which then holds the id at CX_ID; 0 = free slot
export const CT_PRIV = 24; // 40 bytes private to the protocol tracker:
//   TCP: per direction d (0 ORIGINAL, 1 REPLY) at CT_PRIV + d*16: u32 td_end, td_maxend, td_maxwin,
//        td_maxack; at +32 u32 last_end; at +36 u16 td_flags of both directions (TDF_*, 6 bits
//        each) | last_dir << 12 | last_index << 13; at +38 (CT_TCP_RETRANS) u8 retrans; at +39 u8
//        digest of the last packet's seq/ack/window (tcp-conn.ts).
//   UDP: u32 ms of creation (the 2 s "stream" rule).
export const CT_TCP_RETRANS = 62; // u8, retransmission counter (inside CT_PRIV, TCP only)
export const CTE_UNCONFIRMED = 16; // created by this packet, not yet in the index (dropped -> freed)
export const CTE_NAT = 32; // the ext record holds a NAT binding (reply tuple != inverted original)
export const CTE_DYING = 64;
export const CTE_EXT = 128; // (added) CT_ID links the entry's ext record (which holds the id)

// TCP per-direction td_flags (TDF_*), like the kernel's IP_CT_TCP_FLAG_*
export const TDF_WINDOW_SCALE = 1;
export const TDF_SACK_PERM = 2;
export const TDF_CLOSE_INIT = 4;
export const TDF_BE_LIBERAL = 8;
export const TDF_DATA_UNACKNOWLEDGED = 16;
export const TDF_MAXACK_SET = 32;

// Ext record: CT_EXT_SIZE bytes, allocated from a pool for conntracks that need more than the entry.
export const CT_EXT_SIZE = 64;
export const CX_MASTER = 0; // i32, entry index of the master conntrack (expected connections), -1
export const CX_ZONE = 4; // u16
export const CX_FLAGS = 6; // u16, CXF_* bits
export const CX_REPLY_SRC = 8; // u32: NAT binding: the reply tuple when CTE_NAT (NAT issue)
export const CX_REPLY_DST = 12; // u32
export const CX_REPLY_SPORT = 16; // u16
export const CX_REPLY_DPORT = 18; // u16
export const CX_SEQ_OFFSET = 20; // 12 bytes, seqadj record (NAT helper issue)
export const CX_HELPER = 32; // 20 bytes of helper state (FTP: u32 seq_aft_nl[dir][2] = 16 bytes,
//                                u8 seq_aft_nl_num[2]; 2 spare)
export const CX_ID = 52; // (added) u32, the conntrack's id (its CT_ID word links this record)
export const CX_MARK = 56; // (added) u32, connmark (an entry without ext record has connmark 0)
export const CX_CT_HELPER = 60; // (added) u8, HELPER_* assigned to the conntrack (none without ext)
// 61..63 spare
export const CXF_HAS_MASTER = 1;
export const CXF_HAS_ZONE = 2;
export const CXF_MASTER_HELPER_SHIFT = 8; // (added) CX_FLAGS bits 8..15: HELPER_* of the master (what
//                                          `-m helper` tests for an expected connection, §0)

// Index: open addressing over CFG_CT_INDEX_SLOTS slots of CT_SLOT_SIZE bytes reserved; the slots in
// use grow with the peak of live conntracks (assembly/conntrack/index-size.ts) and are the whole
// reservation once that peak reaches CFG_CT_MAX (the only time the table can be full). Each live conntrack
// has two keys (ORIGINAL tuple and REPLY tuple) so a packet in either direction finds it.
export const CT_SLOT_SIZE = 8; // u32 fingerprint (upper half of the tuple's 64-bit hash; its low bits
//                                are the home slot), u32 dir << 31 | assured << 30 | (entry + 1) (0 =
//                                empty slot; assured: the entry has CTSTATUS_ASSURED); the
//                                tuple itself is checked on the entry (assembly/conntrack/table.ts)

// Expectations: EXP_SIZE records, CFG_CT_EXP_MAX of them (live while EXP_ID != 0). A new
// connection's original tuple t matches when (t.src & EXP_SRC_MASK) == EXP_SRC, t.dst == EXP_DST,
// t.dport == EXP_DPORT, (t.sport & EXP_SPORT_MASK) == EXP_SPORT and t.proto == EXP_PROTO (§4.6).
export const EXP_SIZE = 32;
export const EXP_SRC = 0; // u32
export const EXP_DST = 4; // u32
export const EXP_DPORT = 8; // u16
export const EXP_PROTO = 10; // u8
export const EXP_HELPER = 11; // u8, HELPER_* of the master
export const EXP_SRC_MASK = 12; // u32
export const EXP_SPORT = 16; // u16
export const EXP_SPORT_MASK = 18; // u16
export const EXP_MASTER = 20; // i32, entry index of the master conntrack
export const EXP_EXPIRES = 24; // u32 ms after CFG_CT_TIME_BASE
export const EXP_ID = 28; // u32, 0 = free

// RES_CT_NOTE bits
export const CTN_CREATED = 1; // this packet created a conntrack (confirmed if the packet survived)
export const CTN_TABLE_FULL = 2; // nf_conntrack: table full, dropping packet (V_DROP, RES_ENTRY -1)
export const CTN_INVALID = 4; // the conntrack stage found the packet INVALID (RES_CT_REASON says why)
export const CTN_IGNORED = 8; // the TCP tracker ignored the packet (state unchanged)
export const CTN_HELPER_DROP = 16; // the helper dropped the packet (RES_CT_REASON says why)
export const CTN_EXPECT_CREATED = 32; // the helper registered an expectation
export const CTN_EXPECTED = 64; // this packet matched an expectation (RELATED)
export const CTN_REOPENED = 128; // an old TIME_WAIT/CLOSE entry was deleted and the packet re-looked-up
export const CTN_DELETED = 256; // the packet ended its conntrack (e.g. RST before any reply)
export const CTN_WINDOW_UNJUDGED = 512; // PF2_NO_SEQ: TCP window checks skipped
export const CTN_CHECKSUM_SKIPPED = 1024; // checksum not verified (sysctl off or not PREROUTING)
export const CTN_DISCARDED = 2048; // a conntrack created by this packet was discarded (packet dropped)
export const CTN_EARLY_DROP = 4096; // (added) table full: an unassured entry near this tuple was evicted
//                                    to make room (early_drop, NETFILTER.md §4.3)

// RES_CT_REASON values
export const CTR_NONE = 0;
export const CTR_BAD_CHECKSUM = 1;
export const CTR_TRUNCATED = 2;
export const CTR_TCP_BAD_FLAGS = 3; // flag combination outside the valid set (tcp_error)
export const CTR_TCP_CANNOT_CREATE = 4; // SYN/ACK, FIN, RST or no ACK with no conntrack
export const CTR_TCP_STATE = 5; // the state table says invalid for this packet in this state
export const CTR_TCP_SEQ_OVER = 6; // SEQ is over the upper bound (over the window of the receiver)
export const CTR_TCP_ACK_OVER = 7; // ACK is over the upper bound (ACKed data not seen yet)
export const CTR_TCP_SEQ_UNDER = 8; // retransmission of acknowledged data (ignored)
export const CTR_TCP_ACK_UNDER = 9; // ACK is under the lower bound (possible overly delayed ACK)
export const CTR_TCP_INVALID_RST = 10;
export const CTR_ICMP_CANNOT_CREATE = 11; // e.g. echo reply without a request
export const CTR_ICMP_ERROR_UNKNOWN = 12; // ICMP error about a connection we do not know
export const CTR_ICMP_ERROR_SPOOFED = 13; // outer destination differs from the connection's
export const CTR_UDP_BAD_LENGTH = 14;
export const CTR_FTP_PARTIAL = 15; // nf_ct_ftp: partial matching of a command/reply: packet dropped
export const CTR_FTP_PARSE = 16; // nf_ct_ftp: malformed PORT/EPRT/227/229 argument: dropped
export const CTR_EXPECT_REFUSED = 17; // could not register the expectation: dropped
export const CTR_TABLE_FULL = 18;
export const CTR_ICMP_BAD_TYPE = 19; // (added) ICMP type > 18 (icmp_error: "invalid icmp type")
export const CTR_FRAGMENT = 20; // (added) a non-first fragment: the kernel tracks the reassembled
//                                 datagram, which a lone fragment record cannot stand for

// ----------------------------------------------------------------------------------------------
// (added) Defragmentation (NETFILTER.md §4.1: conntrack-defrag at priority -400 in PREROUTING and
// OUTPUT, before raw; net/ipv4/ip_fragment.c). Only while conntrack is on. A fragment is queued by
// (src, dst, IP id, proto, PREROUTING|OUTPUT); the datagram that completes goes on through the
// hooks in the completing fragment's record, rebuilt by the core: the first fragment's header
// fields, IP total length of the whole datagram, L4 header parsed from the reassembled bytes when
// every byte is known (else the first fragment's L4 fields), payload in the scratch buffer.
// evaluate() returns right after a packet that completed a datagram, so the host reads its result
// (LOG lines read the payload) before the scratch buffer is reused.
// Defrag block: DF_WORDS u32 words at CFG_DF_PTR; the host fills the first seven, the core owns the rest.
export const DF_QUEUES_PTR = 0; // DFQ_SIZE * DF_QUEUE_MAX bytes
export const DF_QUEUE_MAX = 1; // reassembly queues at once (the oldest is evicted for a new one)
export const DF_RING_PTR = 2; // fragment store: a ring of DFF_* headers + data, oldest evicted first
export const DF_RING_SIZE = 3; // bytes (>= DF_MIN_RING); plays ipfrag_high_thresh's part
export const DF_SCRATCH_PTR = 4; // DF_SCRATCH_SIZE bytes: the datagram being evaluated
export const DF_TIMEOUT_MS = 5; // ipfrag_time, ms
export const DF_RESERVED = 6;
export const DF_NEXT_ID = 7; // core: next queue id (0 = not started: taken as 1)
export const DF_QUEUE_HIGH = 8; // core: 1 + highest queue slot ever used
export const DF_LIVE = 9; // core: live queues
export const DF_RING_HEAD = 10; // core: where the next fragment goes
export const DF_RING_TAIL = 11; // core: oldest stored fragment
export const DF_RING_WRAP = 12; // core: end of the data before the head wrapped to 0
export const DF_RING_COUNT = 13; // core: fragments stored (live or dead)
export const DF_NEXT_EXPIRY = 14; // f64 at words 14..15: no queue expires before this packet time (s)
export const DF_WORDS = 16;
export const DF_SCRATCH_SIZE = 65536 + 64; // IP header (<= 60 bytes) + the largest datagram's data
export const DF_MIN_RING = 65536 + 64;

// Queue slot: DFQ_SIZE bytes; DFQ_ID 0 = free.
export const DFQ_SIZE = 320;
export const DFQ_ID = 0; // u32
export const DFQ_SRC = 4; // u32
export const DFQ_DST = 8; // u32
export const DFQ_IPID = 12; // u16
export const DFQ_PROTO = 14; // u8
export const DFQ_USER = 15; // u8, 0 PREROUTING (IP_DEFRAG_CONNTRACK_IN), 1 OUTPUT (…_OUT)
export const DFQ_CREATED = 16; // f64, packet time of the first fragment (the timer starts then)
export const DFQ_LEN = 24; // u32, q.len: datagram data length known so far
export const DFQ_MEAT = 28; // u32, data bytes received
export const DFQ_FLAGS = 32; // u8, DFQF_*
export const DFQ_ECN = 33; // u8, IPFRAG_ECN_* bits seen
export const DFQ_COUNT = 34; // u16, fragments held
export const DFQ_MAX_SIZE = 36; // u32, largest fragment (IP header + data)
export const DFQ_MAX_DF_SIZE = 40; // u32, largest fragment with DF set
export const DFQ_FIRST = 44; // u32, ring offset + 1 of the fragment with the lowest offset (0 = none)
export const DFQ_LAST = 48; // u32, ring offset + 1 of the fragment with the highest offset
export const DFQ_LAST_RUN = 52; // u32, ring offset + 1 of the head of the run DFQ_LAST belongs to
// 56..63 spare
export const DFQ_HEAD_RECORD = 64; // PKT_SIZE bytes: the first fragment's record (DFQF_FIRST_IN)
export const DFQF_FIRST_IN = 1;
export const DFQF_LAST_IN = 2;

// Stored fragment in the ring: DFF_HEADER bytes, then its known data bytes (padded to 8).
export const DFF_QUEUE_ID = 0; // u32, the queue it belongs to (dead when that queue is gone)
export const DFF_OFFSET = 4; // u32, datagram offset of its first byte
export const DFF_END = 8; // u32, offset after its last byte
export const DFF_KNOWN_AT = 12; // u32, datagram offset where its known bytes start
export const DFF_KNOWN_LEN = 16; // u32, bytes known (0 = none: JSON without payload, LOG lines)
export const DFF_NEXT = 20; // u32, ring offset + 1 of the next fragment by offset (0 = last)
export const DFF_RUN_END = 24; // u32, run head: end of its run (fragments appended back to back,
//                                inet_frag_queue_insert); 0 = not a run head
export const DFF_SLOT = 28; // u32, queue slot index (with DFF_QUEUE_ID: is the queue still there)
export const DFF_HEADER = 32;

// RES_DEFRAG_STATE values
export const DFS_NONE = 0; // not a fragment, or defrag off
export const DFS_HELD = 1; // queued for reassembly (V_DEFRAG)
export const DFS_REASSEMBLED = 2; // this fragment completed the datagram: the result is the datagram's
export const DFS_DROPPED = 3; // dropped by defrag (V_DROP, RES_DEFRAG_REASON)

// RES_DEFRAG_REASON values (ip_frag_queue / ip_frag_reasm)
export const DFR_NONE = 0;
export const DFR_DUPLICATE = 1; // lies within fragments already held: dropped, queue kept
export const DFR_OVERLAP = 2; // overlaps held fragments otherwise: the whole queue is discarded
export const DFR_BEYOND_END = 3; // data beyond the end the last fragment set: queue discarded
export const DFR_BAD_END = 4; // a last fragment disagreeing with the known length: queue discarded
export const DFR_EMPTY = 5; // no data: queue discarded
export const DFR_OVERSIZE = 6; // the datagram would exceed 65535 bytes: queue discarded
export const DFR_ECN = 7; // ECN codepoints that cannot be combined (not-ECT with ECT/CE): discarded


// ----------------------------------------------------------------------------------------------
// (added) Classifier tables (issue 6: decision tables whose cost stays flat as rulesets grow).
// For a chain with enough rules the compiler (src/compile/bitvector.ts) appends to the code area
// a Lakshman-Stiliadis bit-vector classifier (as bpf-iptables' Linear Bit Vector Search) and sets
// E_CLASSIFIER in every rule entry of the chain. Per field, the packet's value selects a row of
// bits, one per rule of the chain: bit i is 0 only when rule i cannot match a packet with that
// value. The AND of the rows is a superset of the matching rules; the traversal
// (assembly/vm/traverse.ts) jumps to the lowest set bit at or after its position and checks that
// entry exactly (basic match + match code), so first-match order, counters and events stay those
// of the linear walk. A field the table leaves out, or a packet value it has no class for,
// constrains nothing. A row is its summary, ceil(CL_CHUNKS / 128) * 4 words (bit c set when
// chunk c has any bit set), then its bits, CL_CHUNKS * 4 words (128 rules per chunk, bit i =
// rule i, zero past the last rule); rows start at a word index that is a multiple of 4, so they
// are 16-byte aligned in memory. Every "row" below is the word index in the code area of a row
// (never 0). Rules before the chain's first entry with E_CLASSIFIER set are tried in order.
// Header: CL_HEADER_WORDS words, then CL_FIELDS field descriptors of CLF_WORDS words.
export const CL_START = 0; // entry index of the chain's first rule (bit 0)
export const CL_RULES = 1; // rules in the chain (its tail is entry CL_START + CL_RULES)
export const CL_CHUNKS = 2; // 128-bit chunks per row
export const CL_FIELDS = 3; // field descriptors that follow
export const CL_HEADER_WORDS = 4;
export const CLF_KIND = 0; // CLK_*: which packet field selects the row
export const CLF_LOOKUP = 1; // CLL_*: how its value finds the row
export const CLF_TABLE = 2; // word index of the lookup table
export const CLF_LENGTH = 3; // table length (values, intervals or interface patterns)
export const CLF_WORDS = 4;
// Fields (CLK_*): what the value is
export const CLK_SRC = 0; // PKT_SRC
export const CLK_DST = 1; // PKT_DST
export const CLK_PROTOFRAG = 2; // PKT_PROTO << 1 | 1 for a non-first fragment (basic match, OP_L4HDR)
export const CLK_SPORT = 3; // PKT_SPORT
export const CLK_DPORT = 4; // PKT_DPORT
export const CLK_ICMP_TYPE = 5; // PKT_ICMP_TYPE
export const CLK_CTSTATE = 6; // PKT_CTSTATE (state, conntrack --ctstate)
export const CLK_IN = 7; // the in device the basic match sees in this hook
export const CLK_OUT = 8; // the out device
export const CLK_COUNT = 9;
// Lookups (CLL_*)
export const CLL_DIRECT = 0; // table[value] = row; a value >= CLF_LENGTH constrains nothing
export const CLL_SEARCH = 1; // CLF_LENGTH ascending interval starts (the first is 0), then as
//                              many rows: the row of the last start <= value
export const CLL_IFACE = 2; // CLF_LENGTH (<= 32) patterns of 8 words (16-byte name, 16-byte mask,
//                             compared like E_IN_NAME/E_IN_MASK); then a class count and that many
//                             (signature, row) pairs, signature bit j = pattern j matches the
//                             device; an unlisted signature constrains nothing
export const CL_IFACE_PATTERNS_MAX = 32;

// ----------------------------------------------------------------------------------------------
// (added) Router-made replies (issue 5; NETFILTER.md §0, §4.5). A packet that ends in REJECT gets
// the answer the kernel would send (nf_send_reset / icmp_send), built by the core and run as a
// locally generated packet: OUTPUT (raw, mangle, filter, security; nat as nf_nat_inet_fn allows)
// then POSTROUTING, counted and traced like any packet, its events written right after the
// original's. It carries the original's conntrack as RELATED in the opposite direction
// (nf_ct_attach: no lookup, no confirm); an original without a conntrack leaves the reply to the
// conntrack stage in OUTPUT. The host gives one REPLY_SIZE slot per packet of the batch, parallel
// to the results. The core writes a packet's slot only when its verdict is REJECT or TTL_EXCEEDED
// (the only ones the host reads it for); there RPL_KIND 0 means no reply was sent (RPL_NONE says
// why). Other packets' slots hold whatever an earlier batch left.
export const CFG_REPLIES_PTR = 65; // REPLY_SIZE bytes per packet record of the batch
export const REPLY_SIZE = 320;
export const RPL_KIND = 0; // u8, RK_*
export const RPL_TYPE = 1; // u8, ICMP type (0 for a TCP reset)
export const RPL_CODE = 2; // u8, ICMP code
export const RPL_VERDICT = 3; // u8, V_* of the reply itself
export const RPL_ENTRY = 4; // i32, the entry that decided the reply (as RES_ENTRY), -1 = none
export const RPL_HOOK = 8; // u8, the hook where the reply's verdict fell
export const RPL_TABLE = 9; // u8, table of RPL_ENTRY (0xFF = none)
export const RPL_FLAGS = 10; // u8, RF_* bits of the reply
export const RPL_NONE = 11; // u8, RN_*: why a rejected packet got no reply
export const RPL_LENGTH = 12; // u16, the reply's IP total length (what its counters add)
export const RPL_EVENT_FIRST = 16; // u32, index of the reply's first event in this call's buffer
export const RPL_EVENT_COUNT = 20; // u32
export const RPL_RECORD = 64; // PKT_SIZE bytes: the reply's packet record, as it left
export const RK_NONE = 0;
export const RK_TCP_RESET = 1; // nf_send_reset: RST (ACK) with ports swapped, IP length 40
export const RK_ICMP = 2; // icmp_send: an ICMP error quoting the original (at most 576 bytes in all)
// RPL_NONE values (nf_reject_ip_tcphdr_get, nf_send_unreach, icmp_send)
export const RN_SENT = 0;
export const RN_RST = 1; // no RST for a RST
export const RN_ICMP_ERROR = 2; // no ICMP error about an ICMP error
export const RN_FRAGMENT = 3; // only the first fragment is answered
export const RN_BROADCAST = 4; // no answer to broadcast or multicast
export const RN_BAD_CHECKSUM = 5; // the original's checksum is wrong
export const RN_NO_HEADER = 6; // the original's L4 header is missing
export const RN_ECHO_REPLY = 7; // --reject-with icmp-echo-reply sends nothing (ipt_REJECT)
export const RN_RATE_LIMITED = 8; // (added) icmp_send's per-destination rate limit refused it
