// OP_LIMIT (xt_limit): one token bucket per rule, full (`burst` packets) before the first packet,
// refilled at one packet per avg/10000 s; a packet matches when it can take one token.
import { perSecondFromAvg, refilled } from './token-bucket';

const CREDIT = 0; // f64
const LAST = 8; // f64, timestamp of the previous packet that reached the match
const STARTED = 16; // u32, 0 until the first packet (LIMIT_STATE_SIZE covers all three)

export function limitMatch(state: usize, avg: u32, burst: u32, now: f64): bool {
  const cap = <f64>burst;
  let credit: f64;
  if (load<u32>(state, STARTED) == 0) {
    credit = cap;
    store<u32>(state, 1, STARTED);
    store<f64>(state, now, LAST);
  } else {
    const last = load<f64>(state, LAST);
    credit = refilled(load<f64>(state, CREDIT), last, now, perSecondFromAvg(avg), cap);
    if (now > last) store<f64>(state, now, LAST);
  }
  const pass = credit >= 1.0;
  store<f64>(state, pass ? credit - 1.0 : credit, CREDIT);
  return pass;
}
