// evaluate(): the core's entry point. Evaluates packet records in order, writing a result record
// per packet and events into the event buffer (assembly/shared/layout.ts).
import {
  CFG_EVENTS_USED, PKT_CTMARK, PKT_CTSTATE, PKT_MARK, PKT_SIZE, REPLY_SIZE, RES_CTMARK, RES_CTSTATE,
  RES_ENTRY, RES_EVENT_COUNT, RES_EVENT_FIRST, RES_FLAGS, RES_HELPER, RES_HOOK, RES_MARK, RES_PATH,
  RES_REJECT, RES_ROUTE, RES_SIZE, RES_TABLE, RES_VERDICT, DFS_DROPPED, DFS_NONE, DFS_HELD, DFS_REASSEMBLED,
} from '../shared/layout';
import { defragEnabled, loadDefragConfig } from '../defrag/config';
import { defragConcerns, defragPacket } from '../defrag/gather';
import { resetReport, writeDefragResult } from '../defrag/report';
import { loadConntrackConfig } from '../conntrack/config';
import { beginPacket, clearResult, conntrackEnabled, finishPacket } from '../conntrack/stage';
import { eventsCapacity, eventsPerPacketMax, loadConfig, repliesBase } from './config';
import { creditedEntry, creditedTable, decidedVerdict, settleDecision } from './decision';
import { eventsUsed, resetEvents } from './events';
import * as hooks from './hooks';
import * as packet from './packet';
import { sendReply } from './reply';

function writeResult(res: usize, rec: usize): void {
  settleDecision();
  const table = creditedTable;
  store<u8>(res, <u8>decidedVerdict, RES_VERDICT);
  store<u8>(res, <u8>hooks.path, RES_PATH);
  store<u8>(res, <u8>hooks.lastHook, RES_HOOK);
  store<u8>(res, table < 0 ? 0xff : <u8>table, RES_TABLE);
  store<i32>(res, creditedEntry, RES_ENTRY);
  store<u32>(res, load<u32>(rec, PKT_MARK), RES_MARK);
  store<u8>(res, load<u8>(rec, PKT_CTSTATE), RES_CTSTATE);
  store<u8>(res, <u8>packet.rejectKind, RES_REJECT);
  store<u8>(res, <u8>packet.flags, RES_FLAGS);
  store<u8>(res, <u8>packet.helper, RES_HELPER);
  store<i32>(res, hooks.routeUsed, RES_ROUTE);
  store<u32>(res, load<u32>(rec, PKT_CTMARK), RES_CTMARK);
}

/**
 * Evaluates `count` packet records at `pkts`, one result record each at `results`. Returns how
 * many were completed: fewer than `count` when the event buffer cannot be guaranteed to hold
 * the next packet's events, or right after a packet that completed a datagram (its payload lives
 * in the defrag scratch buffer until the host has read the result); the host calls again from
 * there. A packet is started only while CFG_EVENTS_PER_PACKET_MAX slots are free or the buffer is
 * empty, so no packet is ever half evaluated (counters and match state are never rolled back).
 */
export function evaluate(cfg: usize, pkts: usize, count: u32, results: usize): u32 {
  loadConfig(cfg);
  loadConntrackConfig(cfg);
  loadDefragConfig(cfg);
  resetEvents();
  const tracking = conntrackEnabled();
  // nf_defrag_ipv4 is loaded with conntrack (NETFILTER.md §4.1: conntrack-defrag at -400)
  const defragging = tracking && defragEnabled();
  let i: u32 = 0;
  for (; i < count; i++) {
    if (eventsUsed > 0 && eventsCapacity - eventsUsed < eventsPerPacketMax) break;
    const rec = pkts + <usize>i * PKT_SIZE;
    const res = results + <usize>i * RES_SIZE;
    const firstEvent = eventsUsed;
    packet.resetPacket(rec, i);
    resetReport();
    const fragment = defragging && defragConcerns(rec) ? defragPacket(rec) : DFS_NONE;
    if (tracking) beginPacket(rec);
    if (fragment == DFS_HELD || fragment == DFS_DROPPED) hooks.stolenByDefrag(rec, fragment == DFS_DROPPED);
    else hooks.walkPacket(rec);
    writeResult(res, rec);
    store<u32>(res, firstEvent, RES_EVENT_FIRST);
    store<u32>(res, eventsUsed - firstEvent, RES_EVENT_COUNT);
    // The REJECT answer runs before finishPacket: it may carry the original's conntrack.
    if (repliesBase != 0) sendReply(rec, repliesBase + <usize>i * REPLY_SIZE, tracking);
    if (tracking) finishPacket(res);
    else clearResult(res);
    writeDefragResult(res);
    if (fragment == DFS_REASSEMBLED) {
      i++;
      break;
    }
  }
  store<u32>(cfg + (<usize>CFG_EVENTS_USED << 2), eventsUsed);
  return i;
}
