// Packet rates "N[/second|minute|hour|day]" as libxt_limit.c and libxt_hashlimit.c read and print
// them: stored as the interval between packets in 1/scale seconds (limit: XT_LIMIT_SCALE = 10000;
// hashlimit revision 3: 1000000), printed back in the largest unit that keeps the number whole
// enough (print_rate).

const UNITS: ReadonlyArray<readonly [word: string, seconds: number]> = [
  ['second', 1], ['minute', 60], ['hour', 3600], ['day', 86400],
];

/** Printed unit names, largest first. */
const PRINT_UNITS: ReadonlyArray<readonly [name: string, seconds: number]> = [
  ['day', 86400], ['hour', 3600], ['min', 60], ['sec', 1],
];

/** C atoi/atoll on the leading number; NaN when there is none. */
export function leadingInteger(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  return m ? Number(m[1]) : NaN;
}

/** The unit's seconds for the text after "/", which may be any prefix of second/minute/hour/day. */
function unitSeconds(unit: string): number | undefined {
  if (unit === '') return undefined;
  return UNITS.find(([word]) => word.startsWith(unit.toLowerCase()))?.[1];
}

export type RateParse = { period: number; unitSeconds: number } | { error: 'bad' | 'too-fast' };

/** parse_rate: the interval between packets in 1/scale s, and the unit's length in seconds. */
export function parseRate(text: string, scale: number): RateParse {
  const slash = text.indexOf('/');
  const seconds = slash < 0 ? 1 : unitSeconds(text.slice(slash + 1));
  if (seconds === undefined) return { error: 'bad' };
  const count = leadingInteger(text);
  if (!(count > 0)) return { error: 'bad' };
  const period = Math.floor((scale * seconds) / count);
  if (period === 0) return { error: 'too-fast' };
  return { period, unitSeconds: seconds };
}

/**
 * print_rate: "3/hour", "1/sec". Also returns the chosen unit's length in milliseconds, which
 * hashlimit compares its expiry with (the "quantum").
 */
export function formatRate(period: number, scale: number): { text: string; unitMs: number } {
  if (period === 0) return { text: 'inf', unitMs: 0 };
  let i = 1;
  for (; i < PRINT_UNITS.length; i++) {
    const mult = PRINT_UNITS[i][1] * scale;
    if (period > mult || Math.floor(mult / period) < mult % period) break;
  }
  const [name, seconds] = PRINT_UNITS[i - 1];
  return { text: `${Math.floor((seconds * scale) / period)}/${name}`, unitMs: seconds * 1000 };
}
