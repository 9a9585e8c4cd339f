// The binary interface between the capture parser in WASM (assembly/wire/parse.ts) and its host
// (src/capture/). Like assembly/shared/layout.ts this file is compiled by both asc and tsc, so it
// holds nothing but integer constants. All values are little-endian.
//
// The parser runs in its own instance of the core. The host lays out, above heapBase(), each area
// 16-byte aligned:
//   context block | ifindex map | interface table | packet records | frame infos | payload arena |
//   input buffer
// and calls wireParse(ctx) after appending bytes to the input buffer. The parser consumes whole
// capture units (pcap record, pcapng block), writes one frame info per packet in file order, a
// packet record (assembly/shared/layout.ts PKT_*) for each IPv4 packet, and copies each record's
// L4 payload into the payload arena (PKT_PAYLOAD_PTR is its address there). It returns a WS_*
// status saying why it stopped; the host drains the outputs, compacts the input and calls again.
//
// What the records hold beyond src/packets/encode.ts's fields: PKT_IPOPT_LEN, PKT_TCPRES,
// PKT_LENGTH_L4 from the IP length, PF2_BAD_CSUM (TCP/UDP/ICMP checksum verified when the whole
// segment was captured and the packet is not a fragment), PF2_TRUNCATED_L4, PKT_INNER_* of ICMP
// errors. ICMP records carry header bytes 4-5 / 6-7 in PKT_SPORT / PKT_DPORT for every type. The
// payload of a fragment (PF_MF or PF_FRAG_NONFIRST) is its whole IP payload, a first fragment's L4
// header included, so that defragmentation can rebuild the datagram.

// ----------------------------------------------------------------------------------------------
// Context block: X_BYTES bytes; byte offsets. "host" fields are set by the host, "out" fields
// written by the parser, "state" fields belong to the parser (zero at the start of a file).
export const X_BYTES = 192;
export const X_FORMAT = 0; // state: FMT_* once the file header was read
export const X_SWAPPED = 4; // state: 1 = the file's (pcapng: the section's) numbers are big-endian
export const X_PCAP_NSEC = 8; // state: pcap timestamps are in nanoseconds
export const X_PCAP_RECORD_HEADER = 12; // state: pcap record header bytes (16, or 24 for the modified format)
export const X_LINKTYPE = 16; // state: pcap link type
export const X_SNAPLEN = 20; // state: pcap snapshot length
export const X_SECTION = 24; // state: pcapng sections seen (the current one is X_SECTION - 1)
export const X_IFACE_COUNT = 28; // out: interfaces of the current pcapng section
export const X_IN_PTR = 32; // host: input buffer address
export const X_IN_LEN = 36; // host: bytes of input in the buffer
export const X_IN_POS = 40; // out: bytes consumed (the next unit starts there)
export const X_NEED = 44; // out (WS_NEED_INPUT): size of the pending unit when known, else 0
export const X_IN_BASE = 48; // host: f64, file offset of the input buffer's first byte
export const X_REC_PTR = 56; // host: packet record area
export const X_REC_CAP = 60; // host: records it holds
export const X_REC_COUNT = 64; // out: records written (the host resets it when it takes them)
export const X_FRAME_PTR = 68; // host: frame info area
export const X_FRAME_CAP = 72; // host
export const X_FRAME_COUNT = 76; // out: frame infos written (host resets)
export const X_PAY_PTR = 80; // host: payload arena
export const X_PAY_CAP = 84; // host
export const X_PAY_USED = 88; // out: bytes used (host resets)
export const X_IFMAP_PTR = 92; // host: ifindex -> name map (IM_SIZE entries)
export const X_IFMAP_COUNT = 96; // host
export const X_IFACES_PTR = 100; // host: pcapng interface table (IF_SIZE entries)
export const X_IFACES_CAP = 104; // host
export const X_OPTIONS = 108; // host: XO_* bits
export const X_ERROR = 112; // out (WS_ERROR): WE_* code
export const X_ERROR_DETAIL = 116; // out: a number the message names (length, magic, ...)
export const X_ERROR_OFFSET = 120; // out: f64, file offset of the unit in error
export const X_FRAMES_SEEN = 128; // out: f64, frames parsed since the start of the file
export const X_FRAME_FLAGS = 136; // out: FF_* bits of all frame infos written since the host reset X_FRAME_COUNT (host resets)
export const X_DEFAULT_IFACE = 144; // host: 16 bytes, NUL-padded: in-interface when the capture names none
// A parser for one shard of a sharded run (--workers N, assembly/shard/select.ts): the records of
// the other shards' packets are not written (their frame infos say OTHER_SHARD_RECORD), but count
// towards the batch's record and arena room as if they were, so every shard's batches end at the
// frames an unsharded parser's do. ICMP packets are written whatever their shard (it depends on
// the packet an error quotes); the host picks its own among them.
export const X_SHARDS = 160; // host: shards of the run; 0 or 1: no shard, every record written
export const X_SHARD = 164; // host: this parser's shard, below X_SHARDS
export const X_SKIPPED_RECORDS = 168; // out: records of other shards counted since the host reset it (with X_REC_COUNT)
export const X_SKIPPED_PAYLOAD = 172; // out: their payload bytes, counted against X_PAY_CAP (host resets with X_PAY_USED)
// 176..191 reserved

export const FMT_UNKNOWN = 0;
export const FMT_PCAP = 1;
export const FMT_PCAPNG = 2;

// X_OPTIONS bits
export const XO_VLAN_NAMES = 1; // an 802.1Q-tagged frame arrives on "<iface>.<vid>" (one suffix per tag)
export const XO_IGNORE_IP_CSUM = 2; // do not drop arriving packets whose IPv4 header checksum is wrong

// wireParse() results
export const WS_NEED_INPUT = 1; // every complete unit was consumed; append input (or end)
export const WS_OUTPUT_FULL = 2; // records, frame infos or payload arena full: drain and call again
export const WS_INTERFACE = 3; // a pcapng interface was just described (X_IFACE_COUNT - 1): the
//                                host may rewrite its IF_RECORD_NAME before calling again
export const WS_ERROR = 4; // X_ERROR, X_ERROR_DETAIL, X_ERROR_OFFSET; parsing cannot go on

// X_ERROR codes
export const WE_BAD_MAGIC = 1; // detail: the first 4 bytes, little-endian
export const WE_PCAP_VERSION = 2; // detail: major << 16 | minor
export const WE_CAPLEN_ABSURD = 3; // detail: the record's captured length
export const WE_BLOCK_LENGTH = 4; // detail: the block's total length
export const WE_BYTE_ORDER_MAGIC = 5; // detail: the SHB's byte-order magic as read little-endian
export const WE_PCAPNG_VERSION = 6; // detail: major << 16 | minor
export const WE_NO_INTERFACE = 7; // detail: interface id a packet block names
export const WE_BLOCK_BODY = 8; // detail: block type whose body is too short
export const WE_PACKET_PAST_BLOCK = 9; // detail: captured length running past the block's end
export const WE_TOO_MANY_INTERFACES = 10; // detail: the table's capacity
export const WE_SHB_EXPECTED = 11; // detail: block type found where a section must start

// Limits (libpcap's: larger values are corrupt files, not real packets)
export const PCAP_MAX_CAPLEN = 262144; // max_snaplen_for_dlt for the link types read here
export const PCAPNG_MAX_BLOCK = 16 * 1024 * 1024; // pcapng INITIAL_MAX_BLOCKSIZE
export const MAX_VLAN_TAGS = 8;

// ----------------------------------------------------------------------------------------------
// Frame info: one per packet of the file, FR_SIZE bytes, in file order.
export const FR_SIZE = 64;
export const FR_STATUS = 0; // u8, FS_*
export const FR_REASON = 1; // u8, FR_* reason when not FS_IPV4 (or what was noted about it)
export const FR_IFACE = 2; // u16, pcapng interface id; 0xFFFF = none (pcap)
export const FR_RECORD = 4; // u32, index of its packet record in this batch; 0xFFFFFFFF = none; OTHER_SHARD_RECORD: another shard's (X_SHARDS)
export const FR_OFFSET = 8; // f64, file offset of the record header / block
export const FR_TS = 16; // f64, seconds since the epoch
export const FR_CAPLEN = 24; // u32, bytes captured
export const FR_LENGTH = 28; // u32, length on the wire
export const FR_DETAIL = 32; // u32, a number the reason names (ethertype, link type, length...)
export const FR_LINKTYPE = 36; // u16
export const FR_VLAN_COUNT = 38; // u8, 802.1Q/802.1ad tags seen
export const FR_HOOK = 39; // u8, NFLOG: the netfilter hook the packet was logged at; 0xFF = none
export const FR_VLAN = 40; // u16, outermost VLAN id (FR_VLAN_COUNT > 0)
export const FR_DIRECTION = 42; // u8, DIR_*
export const FR_FLAGS = 43; // u8, FF_*
export const FR_IFINDEX_IN = 44; // u32 (FF_IFINDEX_IN): SLL2 interface index / NFLOG indev
export const FR_IFINDEX_OUT = 48; // u32 (FF_IFINDEX_OUT): NFLOG outdev; SLL2 index of an outgoing packet
export const FR_MARK = 52; // u32 (FF_MARK): NFLOG: skb mark when it was logged
export const FR_PREFIX_OFF = 56; // u32, NFLOG prefix: offset in the payload arena
export const FR_PREFIX_LEN = 60; // u16, 0 = no prefix
export const FR_PKTTYPE = 62; // u8, Linux packet type (SLL/SLL2: 0 host .. 4 outgoing); 0xFF unknown

/** FR_RECORD of an IPv4 packet of another shard, whose record a sharded parser did not write (X_SHARDS). */
export const OTHER_SHARD_RECORD = 0xfffffffe;

export const FS_IPV4 = 0; // evaluated: a packet record was written
export const FS_IPV6 = 1;
export const FS_ARP = 2;
export const FS_NON_IP = 3;
export const FS_TRUNCATED = 4; // the capture stops before the network header is complete
export const FS_MALFORMED = 5; // a header the kernel would refuse before netfilter sees it
export const FS_OTHER_HOST = 6; // SLL PACKET_OTHERHOST: ip_rcv drops it before PREROUTING

export const DIR_UNKNOWN = 0;
export const DIR_IN = 1;
export const DIR_OUT = 2;

export const FF_IFINDEX_IN = 1;
export const FF_IFINDEX_OUT = 2;
export const FF_MARK = 4;
export const FF_UID = 8; // NFLOG carried the socket owner (written into the record)
export const FF_IP_CSUM_UNSET = 16; // IPv4 header checksum 0, taken as offloaded (not checked)

// FR_REASON values (the host words them; FR_DETAIL holds the number they name)
export const FR_NONE = 0;
export const FR_ETHERTYPE = 1; // detail: ethertype that is neither IPv4, IPv6 nor ARP
export const FR_LLC = 2; // detail: 802.3 length field
export const FR_LINKTYPE_UNSUPPORTED = 3; // detail: link type
export const FR_LINK_HEADER_CUT = 4; // detail: bytes of the link-layer header that are there
export const FR_IP_HEADER_CUT = 5; // detail: bytes of the IPv4 header that are there
export const FR_IP_VERSION = 6; // detail: version nibble
export const FR_IP_HEADER_LENGTH = 7; // detail: IHL * 4
export const FR_IP_TOTAL_SHORT = 8; // detail: total length (< header length)
export const FR_IP_TOTAL_LONG = 9; // detail: total length (> bytes on the wire)
export const FR_IP_CHECKSUM = 10; // detail: checksum field
export const FR_LOOPBACK_FAMILY = 11; // detail: address family
export const FR_NFLOG_FAMILY = 12; // detail: nflog_family
export const FR_NFLOG_TLV = 13; // detail: TLV length
export const FR_NFLOG_NO_PAYLOAD = 14;
export const FR_NFLOG_VERSION = 15; // detail: nflog_version
export const FR_SLL_PROTOCOL = 16; // detail: SLL protocol field (not an ethertype: hatype in high 16 bits)
export const FR_VLAN_DEPTH = 17; // detail: tags

// ----------------------------------------------------------------------------------------------
// pcapng interface table: IF_SIZE bytes per interface of the current section, by interface id.
export const IF_SIZE = 128;
export const IF_LINKTYPE = 0; // u16
export const IF_FLAGS = 2; // u16, IFF_*
export const IF_SNAPLEN = 4; // u32
export const IF_TS_UNITS = 8; // u64, timestamp units per second (if_tsresol); 0 = not an integer: use IF_TS_UNITS_F64
export const IF_TS_UNITS_F64 = 16; // f64
export const IF_TS_OFFSET = 24; // i64, if_tsoffset seconds
export const IF_RECORD_NAME = 32; // 16 bytes, NUL-padded: what records get as the interface name
export const IF_NAME_LEN = 48; // u16, bytes of if_name (the first IF_NAME_MAX are kept)
export const IF_TSRESOL = 50; // u8, if_tsresol as given (6 when absent)
export const IF_NAME = 64; // IF_NAME_MAX bytes of if_name
export const IF_NAME_MAX = 64;
export const IFF_NAMED = 1; // if_name was given

// ifindex map (host-given names for SLL2 and NFLOG interface indexes): IM_SIZE bytes per entry.
export const IM_SIZE = 20;
export const IM_INDEX = 0; // u32
export const IM_NAME = 4; // 16 bytes, NUL-padded
