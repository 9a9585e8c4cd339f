// The conntrack tables in the core's memory as plain objects (assembly/shared/layout.ts
// "Connection tracking"): every live entry and expectation, timers as seconds left at `nowMs`.
import {
  CFG_CT_ENTRIES_PTR, CFG_CT_EXP_HIGH, CFG_CT_EXP_PTR, CFG_CT_EXT_PTR, CFG_CT_HIGH, CT_EXPIRES, CT_EXT,
  CT_EXT_SIZE, CT_FLAGS, CT_HELPER, CT_ID, CT_MARK, CT_ORIG_DPORT, CT_ORIG_DST, CT_ORIG_SPORT,
  CT_ORIG_SRC, CT_PROTO, CT_SIZE, CT_STATE, CT_STATUS, CTE_NAT, CX_FLAGS, CX_MASTER, CX_REPLY_DPORT,
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
  const extOf = (ct: number) => {
    const index = view.getInt32(ct + CT_EXT, true);
    return index < 0 ? undefined : extBase + index * CT_EXT_SIZE;
  };
  const original = (ct: number, proto: number) => tuple(proto, u32(ct + CT_ORIG_SRC), u32(ct + CT_ORIG_DST), u16(ct + CT_ORIG_SPORT), u16(ct + CT_ORIG_DPORT));

  const entries: ConntrackEntry[] = [];
  for (let i = 0; i < high; i++) {
    const ct = entryAt(i);
    const id = u32(ct + CT_ID);
    if (id === 0) continue;
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
      status: ctStatusNames(u16(ct + CT_STATUS)),
      mark: u32(ct + CT_MARK),
    };
    if (proto === PROTO_TCP) entry.tcpState = TCP_STATE_NAMES[u8(ct + CT_STATE)] ?? `state-${u8(ct + CT_STATE)}`;
    const helper = u8(ct + CT_HELPER);
    if (helper !== 0) entry.helper = HELPER_NAMES[helper] ?? `helper-${helper}`;
    if (ext !== undefined) {
      const flags = u16(ext + CX_FLAGS);
      if (flags & CXF_HAS_ZONE) entry.zone = u16(ext + CX_ZONE);
      if (flags & CXF_HAS_MASTER) {
        const master = entryAt(view.getInt32(ext + CX_MASTER, true));
        const masterId = u32(master + CT_ID);
        if (masterId !== 0) entry.masterId = masterId;
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
      masterId: u32(master + CT_ID),
    };
    const helper = u8(exp + EXP_HELPER);
    if (helper !== 0) expectation.helper = HELPER_NAMES[helper] ?? `helper-${helper}`;
    const masterExt = extOf(master);
    if (masterExt !== undefined && (u16(masterExt + CX_FLAGS) & CXF_HAS_ZONE)) expectation.zone = u16(masterExt + CX_ZONE);
    expectations.push(expectation);
  }
  expectations.sort((a, b) => a.id - b.id);
  return { entries, expectations };
}
