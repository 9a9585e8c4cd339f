// The conntrack tables in the core's memory as plain objects (assembly/shared/layout.ts
// "Connection tracking"): every live entry and expectation, timers as seconds left at `nowMs`.
import {
  CFG_CT_ENTRIES_PTR, CFG_CT_EXP_HIGH, CFG_CT_EXP_PTR, CFG_CT_EXT_PTR, CFG_CT_HIGH, CFG_CT_INDEX_SLOTS,
  CFG_CT_MAX, CT_EXPIRES, CT_SLOT_SIZE,
  CT_EXT_SIZE, CT_FLAGS, CT_ID, CT_ORIG_DPORT, CT_ORIG_DST, CT_ORIG_SPORT, CT_ORIG_SRC, CT_PROTO,
  CT_SIZE, CT_STATE, CT_STATUS, CT_STATUS_MASK, CTE_EXT, CTE_NAT, CX_CT_HELPER, CX_FLAGS, CX_ID,
  CX_MARK, CX_MASTER, CX_REPLY_DPORT,
  CX_REPLY_DST, CX_REPLY_SPORT, CX_REPLY_SRC, CX_ZONE, CXF_HAS_MASTER, CXF_HAS_ZONE, EXP_DPORT, EXP_DST,
  EXP_EXPIRES, EXP_HELPER, EXP_ID, EXP_MASTER, EXP_PROTO, EXP_SIZE, EXP_SPORT, EXP_SPORT_MASK, EXP_SRC,
  EXP_SRC_MASK,
} from '../../assembly/shared/layout.js';
import { HELPER_NAMES } from '../engine/names.js';
import { formatIPv4 } from '../ruleset/names.js';
import { conntrackProtoName, ctStatusNames, TCP_STATE_NAMES } from './names.js';

const PROTO_ICMP = 1;
const PROTO_TCP = 6;
const PORT_PROTOCOLS = new Set([6, 17, 33, 132, 136]);
/** CT_STATE's low nibble: the TCP state (the high one is the tracker's own flags). */
const TCP_STATE_MASK = 0xf;

/** One direction's tuple: ports for TCP/UDP/UDP-Lite/SCTP/DCCP, type/code/id for ICMP. */
export interface ConntrackTuple {
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  type?: number;
  code?: number;
  id?: number;
}

export interface ConntrackEntry {
  /** conntrack -L id= (the ctId of packet results). */
  id: number;
  proto: number;
  protoName: string;
  /** Seconds left on the timer at the last packet's time. */
  timeout: number;
  /** TCP only: SYN_SENT, ESTABLISHED, … */
  tcpState?: string;
  original: ConntrackTuple;
  reply: ConntrackTuple;
  /** EXPECTED, SEEN_REPLY, ASSURED, CONFIRMED. */
  status: string[];
  mark: number;
  helper?: string;
  zone?: number;
  /** id of the master conntrack (expected connections), while it lives. */
  masterId?: number;
  /** The kernel's reference count as conntrack -L prints it (use=): 1 for the table, plus one per
   *  live connection whose master this is (an expected connection holds its master). */
  use: number;
}

export interface ConntrackExpectation {
  id: number;
  timeout: number;
  proto: number;
  /** The connection expected: its source port is a wildcard (see mask). */
  tuple: ConntrackTuple;
  mask: { src: string; dst: string; sport: number; dport: number };
  /** The master connection's original tuple. */
  master: ConntrackTuple;
  masterId: number;
  helper?: string;
  zone?: number;
}

export interface ConntrackSnapshot {
  entries: ConntrackEntry[];
  expectations: ConntrackExpectation[];
}

function tuple(proto: number, src: number, dst: number, sport: number, dport: number): ConntrackTuple {
  const t: ConntrackTuple = { src: formatIPv4(src), dst: formatIPv4(dst) };
  if (PORT_PROTOCOLS.has(proto)) {
    t.sport = sport;
    t.dport = dport;
  } else if (proto === PROTO_ICMP) {
    t.type = dport >>> 8;
    t.code = dport & 0xff;
    t.id = sport;
  }
  return t;
}

/** ICMP reply types of the query types (the inverted tuple's type). */
const ICMP_REPLY: Readonly<Record<number, number>> = { 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17 };

function secondsLeft(expires: number, nowMs: number): number {
  const left = (expires - nowMs) | 0; // u32 ms, wrap-aware like the core
  return left <= 0 ? 0 : Math.floor(left / 1000);
}

/** Reads the tables the config block at `cfg` names; the core's clock stood at `nowMs`. */
export function readConntrack(buffer: ArrayBuffer, cfg: number, nowMs: number): ConntrackSnapshot {
  const view = new DataView(buffer);
  const word = (i: number) => view.getUint32(cfg + 4 * i, true);
  const entriesBase = word(CFG_CT_ENTRIES_PTR);
  const extBase = word(CFG_CT_EXT_PTR);
  const high = word(CFG_CT_HIGH);
  const u8 = (at: number) => view.getUint8(at);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const entryAt = (index: number) => entriesBase + index * CT_SIZE;
  // With an ext record the entry's id word links it and the record holds the id (layout.ts CT_ID).
  const extOf = (ct: number) => (u8(ct + CT_FLAGS) & CTE_EXT) === 0 ? undefined : extBase + (u32(ct + CT_ID) - 1) * CT_EXT_SIZE;
  const idOf = (ct: number) => {
    const ext = extOf(ct);
    return ext === undefined ? u32(ct + CT_ID) : u32(ext + CX_ID);
  };
  const original = (ct: number, proto: number) => tuple(proto, u32(ct + CT_ORIG_SRC), u32(ct + CT_ORIG_DST), u16(ct + CT_ORIG_SPORT), u16(ct + CT_ORIG_DPORT));

  const entries: ConntrackEntry[] = [];
  for (let i = 0; i < high; i++) {
    const ct = entryAt(i);
    if (u32(ct + CT_ID) === 0) continue;
    const id = idOf(ct);
    const proto = u8(ct + CT_PROTO);
    const ext = extOf(ct);
    const sport = u16(ct + CT_ORIG_SPORT);
    const dport = u16(ct + CT_ORIG_DPORT);
    let reply: ConntrackTuple;
    if (ext !== undefined && (u8(ct + CT_FLAGS) & CTE_NAT) !== 0) {
      reply = tuple(proto, u32(ext + CX_REPLY_SRC), u32(ext + CX_REPLY_DST), u16(ext + CX_REPLY_SPORT), u16(ext + CX_REPLY_DPORT));
    } else if (proto === PROTO_ICMP) {
      const type = dport >>> 8;
      reply = tuple(proto, u32(ct + CT_ORIG_DST), u32(ct + CT_ORIG_SRC), sport, ((ICMP_REPLY[type] ?? type) << 8) | (dport & 0xff));
    } else {
      reply = tuple(proto, u32(ct + CT_ORIG_DST), u32(ct + CT_ORIG_SRC), dport, sport);
    }
    const entry: ConntrackEntry = {
      id,
      proto,
      protoName: conntrackProtoName(proto),
      timeout: secondsLeft(u32(ct + CT_EXPIRES), nowMs),
      original: original(ct, proto),
      reply,
      status: ctStatusNames(u8(ct + CT_STATUS) & CT_STATUS_MASK),
      mark: ext === undefined ? 0 : u32(ext + CX_MARK),
      use: 1, // counted below, once every entry is read
    };
    if (proto === PROTO_TCP) {
      const state = u8(ct + CT_STATE) & TCP_STATE_MASK;
      entry.tcpState = TCP_STATE_NAMES[state] ?? `state-${state}`;
    }
    const helper = ext === undefined ? 0 : u8(ext + CX_CT_HELPER);
    if (helper !== 0) entry.helper = HELPER_NAMES[helper] ?? `helper-${helper}`;
    if (ext !== undefined) {
      const flags = u16(ext + CX_FLAGS);
      if (flags & CXF_HAS_ZONE) entry.zone = u16(ext + CX_ZONE);
      if (flags & CXF_HAS_MASTER) {
        const master = entryAt(view.getInt32(ext + CX_MASTER, true));
        if (u32(master + CT_ID) !== 0) entry.masterId = idOf(master);
      }
    }
    entries.push(entry);
  }
  entries.sort((a, b) => a.id - b.id);

  const expectations: ConntrackExpectation[] = [];
  const expBase = word(CFG_CT_EXP_PTR);
  const expHigh = word(CFG_CT_EXP_HIGH);
  for (let i = 0; i < expHigh; i++) {
    const exp = expBase + i * EXP_SIZE;
    const id = u32(exp + EXP_ID);
    if (id === 0) continue;
    const proto = u8(exp + EXP_PROTO);
    const master = entryAt(view.getInt32(exp + EXP_MASTER, true));
    const masterProto = u8(master + CT_PROTO);
    const expectation: ConntrackExpectation = {
      id,
      timeout: secondsLeft(u32(exp + EXP_EXPIRES), nowMs),
      proto,
      tuple: tuple(proto, u32(exp + EXP_SRC), u32(exp + EXP_DST), u16(exp + EXP_SPORT), u16(exp + EXP_DPORT)),
      mask: { src: formatIPv4(u32(exp + EXP_SRC_MASK)), dst: '255.255.255.255', sport: u16(exp + EXP_SPORT_MASK), dport: 0xffff },
      master: original(master, masterProto),
      masterId: idOf(master),
    };
    const helper = u8(exp + EXP_HELPER);
    if (helper !== 0) expectation.helper = HELPER_NAMES[helper] ?? `helper-${helper}`;
    const masterExt = extOf(master);
    if (masterExt !== undefined && (u16(masterExt + CX_FLAGS) & CXF_HAS_ZONE)) expectation.zone = u16(masterExt + CX_ZONE);
    expectations.push(expectation);
  }
  expectations.sort((a, b) => a.id - b.id);
  const children = new Map<number, number>();
  for (const e of entries) if (e.masterId !== undefined) children.set(e.masterId, (children.get(e.masterId) ?? 0) + 1);
  for (const e of entries) e.use = 1 + (children.get(e.id) ?? 0);
  return { entries, expectations };
}

/** What the conntrack tables hold and cost, for the memory figures (bench/conntrack.ts). */
export interface ConntrackUsage {
  /** Live conntracks. */
  live: number;
  /** Of which have an ext record (one each): master link, zone, helper, connmark, NAT. */
  withExt: number;
  /** nf_conntrack_max: entries the table was sized for. */
  maxEntries: number;
  indexSlots: number;
  entryBytes: number;
  extBytes: number;
  slotBytes: number;
}

/** Counts the live entries of the tables the config block at `cfg` names. */
export function readConntrackUsage(buffer: ArrayBuffer, cfg: number): ConntrackUsage {
  const view = new DataView(buffer);
  const word = (i: number) => view.getUint32(cfg + 4 * i, true);
  const entriesBase = word(CFG_CT_ENTRIES_PTR);
  const high = word(CFG_CT_HIGH);
  let live = 0;
  let withExt = 0;
  for (let i = 0; i < high; i++) {
    const ct = entriesBase + i * CT_SIZE;
    if (view.getUint32(ct + CT_ID, true) === 0) continue;
    live++;
    if (view.getUint8(ct + CT_FLAGS) & CTE_EXT) withExt++;
  }
  return {
    live, withExt, maxEntries: word(CFG_CT_MAX), indexSlots: word(CFG_CT_INDEX_SLOTS),
    entryBytes: CT_SIZE, extBytes: CT_EXT_SIZE, slotBytes: CT_SLOT_SIZE,
  };
}
