// writeRecords(ctl): the record writer's entry point (abi.ts). Walks the packets from W_NEXT,
// tallies each, writes the records --only keeps, and stops where the host must act.
import { PKT_OUT_IFACE, PKT_SIZE, RES_SIZE } from '../shared/layout';
import {
  W_COUNT, W_CTSTATE_KEEP, W_EVENTS, W_FORMAT, W_LOGS, W_NEXT, W_NUMBER, W_OPTIONS, W_PKT, W_RES,
  W_VERDICT_KEEP, W_WRITTEN, WF_CSV, WF_MSGPACK, WO_CONNTRACK, WO_ONLY, WW_DONE, WW_FULL, WW_MISS,
  WW_SPECIAL, WW_TALLY_FULL,
} from './abi';
import { csvRecord } from './csv';
import { clearMiss, loadFragments, missed, saveFragments } from './fragments';
import { keyedRecord } from './keyed';
import * as res from './result';
import { loadSink, overflow, position, rollback, saveSink } from './sink';
import { count, loadTally, saveTally, tallySlot } from './tally';

export function writeRecords(ctl: usize): u32 {
  const format = load<u32>(ctl + W_FORMAT);
  const options = load<u32>(ctl + W_OPTIONS);
  const results = load<u32>(ctl + W_RES) as usize;
  const packets = load<u32>(ctl + W_PKT) as usize;
  const events = load<u32>(ctl + W_EVENTS) as usize;
  const logs = load<u32>(ctl + W_LOGS) as usize;
  const verdictKeep = load<u32>(ctl + W_VERDICT_KEEP) as usize;
  const ctstateKeep = load<u32>(ctl + W_CTSTATE_KEEP) as usize;
  const total = load<u32>(ctl + W_COUNT);
  const firstNumber = load<f64>(ctl + W_NUMBER);
  const conntrack = (options & WO_CONNTRACK) != 0;
  const only = (options & WO_ONLY) != 0;
  loadSink(ctl);
  loadFragments(ctl);
  loadTally(ctl);
  let written = load<u32>(ctl + W_WRITTEN);
  let i = load<u32>(ctl + W_NEXT);
  let status = WW_DONE;
  for (; i < total; i++) {
    if (!res.readResult(results + i * RES_SIZE, events, logs, conntrack)) {
      status = WW_SPECIAL;
      break;
    }
    const slot = tallySlot(res.verdict, res.ctstate, res.entry);
    if (slot == 0) {
      status = WW_TALLY_FULL;
      break;
    }
    if (!only || load<u8>(verdictKeep + res.verdict) != 0 || load<u8>(ctstateKeep + res.ctstate) != 0) {
      const start = position();
      const outName = packets + i * PKT_SIZE + PKT_OUT_IFACE;
      const n = firstNumber + <f64>i;
      const ok = format == WF_CSV ? csvRecord(n, outName, events) : keyedRecord(format == WF_MSGPACK, n, outName, events);
      if (!ok || missed() || overflow) {
        status = !ok ? WW_SPECIAL : missed() ? WW_MISS : WW_FULL;
        rollback(start);
        break;
      }
      written++;
    }
    count(slot);
  }
  store<u32>(ctl + W_NEXT, i);
  store<u32>(ctl + W_WRITTEN, written);
  saveSink(ctl);
  saveFragments(ctl);
  saveTally(ctl);
  clearMiss();
  return status;
}
