// `iptables [-t T] -L [CHAIN] [-v] [-n] [-x] [--line-numbers]` output, following iptables 1.8
// (legacy) list_entries / print_header / print_firewall and xshared.c print_rule_details,
// print_fragment, print_ifaces, print_ipv4_addresses, xtables_print_num.
// Offline differences: addresses are never resolved to host names (the non-numeric form prints
// "anywhere" for 0.0.0.0/0 and otherwise the numeric address), and match / target texts come
// from the modules' list() which always prints ports and numbers numerically.
import { defaultRegistry, type ModuleRegistry } from '../modules/registry.js';
import { RulesetError } from './errors.js';
import { formatIPv4, maskPrefix, protoListName, protoSaveName } from './names.js';
import { chainsInSaveOrder } from './print-save.js';
import {
  BUILTIN_CHAINS, zeroCounters, type AddrMatch, type Chain, type Rule, type Ruleset, type Table,
  type TableName,
} from './types.js';

export interface FormatListOptions {
  table?: TableName;
  chain?: string;
  /** -v: counters and the in/out columns. */
  verbose?: boolean;
  /** -n: numeric addresses and protocols. */
  numeric?: boolean;
  /** -x: exact counter values instead of K/M/G/T units. */
  exact?: boolean;
  lineNumbers?: boolean;
  registry?: ModuleRegistry;
}

const padEnd = (s: string, width: number) => s.padEnd(width);
const padStart = (s: string, width: number) => s.padStart(width);

/** xtables_print_num in table form: `%8llu ` exact, else `%5llu ` or `%4lluK ` ... `%4lluT `. */
export function formatCount(value: bigint, exact: boolean): string {
  if (exact) return `${padStart(value.toString(), 8)} `;
  if (value <= 99999n) return `${padStart(value.toString(), 5)} `;
  let n = value;
  for (const unit of ['K', 'M', 'G']) {
    n = (n + 500n) / 1000n;
    if (n <= 9999n) return `${padStart(n.toString(), 4)}${unit} `;
  }
  n = (n + 500n) / 1000n;
  return `${padStart(n.toString(), 4)}T `;
}

/** The same number in the chain header (FMT_NOTABLE): no padding. */
function formatHeaderCount(value: bigint, exact: boolean): string {
  return formatCount(value, exact).trimStart();
}

/** xtables_ipmask_to_numeric: '' for /32, `/N` for a prefix, `/a.b.c.d` otherwise. */
function maskSuffix(mask: number): string {
  if (mask >>> 0 === 0xffffffff) return '';
  const len = maskPrefix(mask);
  return len >= 0 ? `/${len}` : `/${formatIPv4(mask)}`;
}

function addressText(a: AddrMatch | undefined, numeric: boolean): string {
  const addr = a?.addr ?? 0;
  const mask = a?.mask ?? 0;
  if (mask === 0 && !numeric) return 'anywhere';
  return `${formatIPv4(addr)}${maskSuffix(mask)}`;
}

/** proto_to_name: iptables' own list first, then /etc/protocols unless -n. */
function protoText(num: number, numeric: boolean): string {
  if (num === 0) return 'all';
  const own = protoSaveName(num);
  if (own !== String(num)) return own;
  return numeric ? String(num) : protoListName(num);
}

function targetName(rule: Rule): string {
  const t = rule.target;
  if (!t) return '';
  switch (t.kind) {
    case 'standard': return t.name;
    case 'jump': case 'goto': return t.chain;
    case 'module': return t.name;
  }
}

function references(table: Table, chain: string): number {
  let n = 0;
  for (const c of table.chains) {
    for (const r of c.rules) if ((r.target?.kind === 'jump' || r.target?.kind === 'goto') && r.target.chain === chain) n++;
  }
  return n;
}

function header(table: Table, chain: Chain, o: Required<Omit<FormatListOptions, 'table' | 'chain' | 'registry'>>): string {
  let first = `Chain ${chain.name}`;
  if (chain.builtin) {
    first += ` (policy ${chain.policy ?? 'ACCEPT'}`;
    if (o.verbose) {
      first += ` ${formatHeaderCount(chain.counters.packets, o.exact)}packets, ${formatHeaderCount(chain.counters.bytes, o.exact)}bytes`;
    }
    first += ')';
  } else {
    first += ` (${references(table, chain.name)} references)`;
  }
  let cols = '';
  if (o.lineNumbers) cols += `${padEnd('num', 4)} `;
  if (o.verbose) {
    cols += o.exact ? `${padStart('pkts', 8)} ${padStart('bytes', 10)} ` : `${padStart('pkts', 5)} ${padStart('bytes', 5)} `;
  }
  cols += `${padEnd('target', 9)} `;
  cols += ' prot ';
  cols += 'opt';
  if (o.verbose) cols += ` ${padEnd('in', 6)} ${padEnd('out', 6)} `;
  cols += ` ${padEnd('source', 19)} `;
  cols += ` ${padEnd('destination', 19)} `;
  return `${first}\n${cols}\n`;
}

function ruleLine(rule: Rule, num: number, o: Required<Omit<FormatListOptions, 'table' | 'chain' | 'registry'>>, registry: ModuleRegistry): string {
  let line = '';
  if (o.lineNumbers) line += `${padEnd(String(num), 4)} `;
  if (o.verbose) line += formatCount(rule.counters.packets, o.exact) + formatCount(rule.counters.bytes, o.exact);
  line += `${padEnd(targetName(rule), 9)} `;
  line += rule.proto?.invert ? '!' : ' ';
  line += `${padEnd(protoText(rule.proto?.num ?? 0, o.numeric), 4)} `;
  // print_fragment: '!' for ! -f, then 'f' when -f was given either way
  line += `${rule.fragment === false ? '!' : '-'}${rule.fragment === undefined ? '-' : 'f'} `;
  if (o.verbose) {
    const any = o.numeric ? '*' : 'any';
    const iface = (i: Rule['inIface']) => `${i?.invert ? '!' : ''}${i && i.name !== '' ? i.name : any}`;
    line += ` ${padEnd(iface(rule.inIface), 6)} ${padEnd(iface(rule.outIface), 6)} `;
  }
  line += `${rule.src?.invert ? '!' : ' '}${padEnd(addressText(rule.src, o.numeric), 19)} `;
  line += `${rule.dst?.invert ? '!' : ' '}${padEnd(addressText(rule.dst, o.numeric), 19)} `;
  if (rule.target?.kind === 'goto') line += '[goto] ';
  for (const m of rule.matches) {
    const module = registry.matchModule(m.module);
    if (!module) throw new Error(`match module ${m.module} is not registered`);
    const text = module.list(m.opts);
    if (text) line += ` ${text}`;
  }
  if (rule.target?.kind === 'module') {
    const module = registry.targetModule(rule.target.name);
    if (!module) throw new Error(`target module ${rule.target.name} is not registered`);
    const text = module.list(rule.target.opts);
    if (text) line += ` ${text}`;
  }
  return `${line}\n`;
}

export function formatList(ruleset: Ruleset, opts: FormatListOptions = {}): string {
  const tableName = opts.table ?? 'filter';
  const registry = opts.registry ?? defaultRegistry;
  // A table the input never mentioned still exists in the kernel, empty with ACCEPT policies.
  const table: Table = ruleset.tables.find((t) => t.name === tableName) ?? {
    name: tableName,
    chains: BUILTIN_CHAINS[tableName].map((name) => ({ name, builtin: true, policy: 'ACCEPT', counters: zeroCounters(), rules: [] })),
  };
  const o = {
    verbose: opts.verbose ?? false,
    numeric: opts.numeric ?? false,
    exact: opts.exact ?? false,
    lineNumbers: opts.lineNumbers ?? false,
  };
  const chains = chainsInSaveOrder(table).filter((c) => opts.chain === undefined || c.name === opts.chain);
  if (chains.length === 0) throw new RulesetError(`iptables: No chain/target/match by that name (chain \`${opts.chain}' in table \`${tableName}').`);
  return chains
    .map((c) => header(table, c, o) + c.rules.map((r, i) => ruleLine(r, i + 1, o, registry)).join(''))
    .join('\n');
}
