// A fixed conformance case (test/conformance/*.case.ts): a ruleset and the traffic to replay.
import type { Traffic } from './traffic.js';

export interface ConformanceCase {
  name: string;
  /** What the case checks, for the suite's listing. */
  about: string;
  /** iptables-save text (or an iptables command script). */
  rules: string;
  traffic(): Traffic;
}
