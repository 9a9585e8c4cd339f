// Byte rates of -m hashlimit ("4kb/s", burst "400kb"): libxt_hashlimit.c stores them as a "cost"
// per 16-byte chunk, UINT32_MAX / (chunks per second + 1), and prints them back from that cost,
// so the text that comes out is whatever survives the round trip through it.

const UINT32_MAX = 0xffffffff;
const BYTE_SHIFT = 4;
const UNITS: ReadonlyArray<readonly [suffix: string, bytes: number]> = [['m', 1024 * 1024], ['k', 1024], ['', 1]];

/** get_factor: the multiplier a "k" or "m" suffix letter stands for. */
export function byteFactor(letter: string | undefined): number {
  return letter === 'm' ? 1024 * 1024 : letter === 'k' ? 1024 : 1;
}

/** bytes_to_cost. */
export function bytesToCost(bytes: number): number {
  const chunks = Math.floor(bytes / 2 ** BYTE_SHIFT) % 2 ** 32;
  return Math.floor(UINT32_MAX / (chunks + 1));
}

/** cost_to_bytes: the byte rate a cost stands for. */
export function costToBytes(cost: number): number {
  const r = cost ? Math.floor(UINT32_MAX / cost) : UINT32_MAX;
  return (r - 1) * 2 ** BYTE_SHIFT;
}

/**
 * parse_bytes: "N[k|m]b/s" into a cost; 'none' when the text is not a byte rate (then it is read
 * as a packet rate), 'too-high' when the cost would be 0.
 */
export function parseByteRate(text: string, count: number): number | 'none' | 'too-high' {
  const at = text.indexOf('b/s');
  if (at <= 0 || !(count > 0)) return 'none';
  const cost = bytesToCost(count * byteFactor(text[at - 1]));
  return cost === 0 ? 'too-high' : cost;
}

/** print_bytes: " 4kb/s" and, when a burst is set, " <prefix>burst 400kb". */
export function formatByteRate(cost: number, burst: number, burstPrefix: string): string {
  const rate = costToBytes(cost);
  const unit = UNITS.find(([, size], i) => i === UNITS.length - 1 || (rate >= size && bytesToCost(rate - (rate % size)) === cost))!;
  let text = `${Math.floor(rate / unit[1])}${unit[0]}b/s`;
  if (burst === 0) return text;
  const total = rate * burst;
  const burstUnit = UNITS.find(([, size], i) => i === UNITS.length - 1 || total >= size)!;
  text += ` ${burstPrefix}burst ${Math.floor(total / burstUnit[1])}${burstUnit[0]}b`;
  return text;
}
