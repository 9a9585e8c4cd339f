// Shared by the match-*.test.ts files: rules go through the real rule parser (parseRuleset), and
// the match modules' save/list/compile output is collected per rule. Expected values in the
// tests are written by hand from the iptables sources (print/save functions) and the kernel's
// match functions, never produced by the code under test.
import * as layout from '../assembly/shared/layout.js';
import type { Emitter } from '../src/modules/module.js';
import { defaultRegistry } from '../src/modules/registry.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { formatRuleSpec } from '../src/ruleset/rule-text.js';
import type { Rule, Ruleset, TableName } from '../src/ruleset/types.js';

export interface Where {
  table?: TableName;
  chain?: string;
}

export function load(spec: string, where: Where = {}): Ruleset {
  const table = where.table ?? 'filter';
  const chain = where.chain ?? 'INPUT';
  return parseRuleset(`*${table}\n-A ${chain} ${spec}\nCOMMIT\n`, { filename: 'match.rules' });
}

export function ruleOf(spec: string, where: Where = {}): Rule {
  const rs = load(spec, where);
  const chain = rs.tables[0].chains.find((c) => c.name === (where.chain ?? 'INPUT'))!;
  return chain.rules[0];
}

/** The rule as iptables-save prints it after "-A CHAIN ". */
export function saved(spec: string, where: Where = {}): string {
  return formatRuleSpec(ruleOf(spec, where));
}

/** The match texts of `iptables -L -n` for the rule, space-separated. */
export function listed(spec: string, where: Where = {}): string {
  return ruleOf(spec, where)
    .matches.map((m) => defaultRegistry.matchModule(m.module)!.list(m.opts))
    .filter((t) => t !== '')
    .join(' ');
}

/** The load error for a rule that must be refused (throws if it loads). */
export function refusal(spec: string, where: Where = {}): string {
  try {
    load(spec, where);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`rule was accepted: ${spec}`);
}

const OPCODE_NAMES = new Map<number, string>(
  Object.entries(layout)
    .filter(([k]) => k.startsWith('OP_') && k !== 'OP_COUNT')
    .map(([k, v]) => [v as number, k.slice(3)]),
);

/** One emitted instruction, readable: "RANGE 1 2 3" or "!ANYBIT ...". */
export type Op = string;

export interface Compiled {
  ops: Op[];
  warnings: string[];
  alloc: number[];
  shared: Array<[string, number]>;
}

/** Compile every match of the rule with a recording emitter. */
export function compiled(spec: string, where: Where = {}): Compiled {
  const out: Compiled = { ops: [], warnings: [], alloc: [], shared: [] };
  let next = 0;
  const em: Emitter = {
    op(opcode, operands, invert) {
      out.ops.push(`${invert ? '!' : ''}${OPCODE_NAMES.get(opcode)}${operands.map((v) => ` ${v}`).join('')}`);
    },
    allocState(bytes) {
      out.alloc.push(bytes);
      const at = next;
      next += Math.ceil(bytes / 8) * 8;
      return at;
    },
    sharedState(key, bytes) {
      out.shared.push([key, bytes]);
      return 1000;
    },
    warn(message) {
      out.warnings.push(message);
    },
  };
  for (const m of ruleOf(spec, where).matches) defaultRegistry.matchModule(m.module)!.compile(m.opts, em);
  return out;
}

/** Field descriptors spelled out for the expected strings (offset | width << 16). */
export const FD = {
  SPORT: 24 | (2 << 16),
  DPORT: 26 | (2 << 16),
  TCPFLAGS: 30 | (1 << 16),
  TTL: 18 | (1 << 16),
  TOS: 17 | (1 << 16),
  IPLEN: 20 | (2 << 16),
  MARK: 32 | (4 << 16),
  CTMARK: 44 | (4 << 16),
  CTSTATE: 36 | (1 << 16),
  CTDIR: 37 | (1 << 16),
  HELPER: 38 | (1 << 16),
  CTSTATUS: 40 | (4 << 16),
  CTEXPIRE: 48 | (4 << 16),
  CT_ORIG_DST: 56 | (4 << 16),
  CT_ORIG_DPORT: 70 | (2 << 16),
  CTPROTO: 76 | (1 << 16),
  PKTTYPE: 31 | (1 << 16),
  SRC: 8 | (4 << 16),
  DST: 12 | (4 << 16),
};
