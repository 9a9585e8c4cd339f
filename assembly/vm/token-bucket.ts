// The token bucket behind xt_limit and xt_hashlimit: credit refills continuously with packet time
// and is capped at the bucket size. The kernel counts in jiffies; packet timestamps are finer, so
// nfwasm refills exactly where the kernel would round to the next jiffy.

/** Credit after refilling from `last` to `now` at `perSecond`, capped at `cap`. */
@inline export function refilled(credit: f64, last: f64, now: f64, perSecond: f64, cap: f64): f64 {
  // Captures are not always sorted: a packet "from the past" refills nothing.
  const elapsed = now > last ? now - last : 0.0;
  const next = credit + elapsed * perSecond;
  return next > cap ? cap : next;
}

/** Rate of an avg given in 1/10000 s per packet (XT_LIMIT_SCALE). */
@inline export function perSecondFromAvg(avg: u32): f64 {
  return avg == 0 ? Infinity : 10000.0 / <f64>avg;
}
