// A rule's iptables-save text after `-A CHAIN` (iptables.c print_rule4 with xshared.c
// save_ipv4_addr / save_rule_details / print_match_save): -s, -d, -i, -o, -p, -f, the matches in
// the order they were loaded, then the target.
import { defaultRegistry, type ModuleRegistry } from '../modules/registry.js';
import { formatIPv4, maskPrefix, protoSaveName } from './names.js';
import type { AddrMatch, IfaceMatch, Rule, TargetInstance } from './types.js';

function not(invert: boolean): string {
  return invert ? '! ' : '';
}

/** save_ipv4_addr: `ADDR/LEN`, or `ADDR/MASK` for a non-contiguous mask; nothing for 0.0.0.0/0. */
export function formatSaveAddr(letter: 's' | 'd', a: AddrMatch | undefined): string | undefined {
  if (!a || (a.mask === 0 && a.addr === 0 && !a.invert)) return undefined;
  const len = maskPrefix(a.mask);
  return `${not(a.invert)}-${letter} ${formatIPv4(a.addr)}/${len >= 0 ? len : formatIPv4(a.mask)}`;
}

/** save_iface: a lone `+` (any interface) is left out unless inverted. */
function formatSaveIface(letter: 'i' | 'o', i: IfaceMatch | undefined): string | undefined {
  if (!i || i.name === '' || (i.name === '+' && !i.invert)) return undefined;
  return `${not(i.invert)}-${letter} ${i.name}`;
}

export function formatSaveTarget(t: TargetInstance | undefined, registry: ModuleRegistry = defaultRegistry): string | undefined {
  if (!t) return undefined;
  switch (t.kind) {
    case 'standard': return `-j ${t.name}`;
    case 'jump': return `-j ${t.chain}`;
    case 'goto': return `-g ${t.chain}`;
    case 'module': {
      const module = registry.targetModule(t.name);
      if (!module) throw new Error(`target module ${t.name} is not registered`);
      const text = module.save(t.opts);
      return text ? `-j ${module.name} ${text}` : `-j ${module.name}`;
    }
  }
}

/** The rule spec as iptables-save prints it after `-A CHAIN ` ('' for a rule with nothing). */
export function formatRuleSpec(rule: Rule, registry: ModuleRegistry = defaultRegistry): string {
  const parts: (string | undefined)[] = [
    formatSaveAddr('s', rule.src),
    formatSaveAddr('d', rule.dst),
    formatSaveIface('i', rule.inIface),
    formatSaveIface('o', rule.outIface),
    rule.proto && rule.proto.num !== 0 ? `${not(rule.proto.invert)}-p ${protoSaveName(rule.proto.num)}` : undefined,
    rule.fragment === undefined ? undefined : `${not(!rule.fragment)}-f`,
  ];
  for (const m of rule.matches) {
    const module = registry.matchModule(m.module);
    if (!module) throw new Error(`match module ${m.module} is not registered`);
    const text = module.save(m.opts);
    parts.push(text ? `-m ${module.name} ${text}` : `-m ${module.name}`);
  }
  parts.push(formatSaveTarget(rule.target, registry));
  return parts.filter((p): p is string => p !== undefined).join(' ');
}
