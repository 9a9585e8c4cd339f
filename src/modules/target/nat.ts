// DNAT, SNAT, MASQUERADE, REDIRECT (xt_nat, xt_MASQUERADE, xt_REDIRECT; libxt_NAT): nat table
// only, each from the hooks the kernel registers it for. NAT is not evaluated yet: the core
// accepts the packet in the nat table unchanged (T_NAT) and the rule carries a warning.
import type { OptionSpec, ParseCtx, TargetModule } from '../module.js';
import { T_NAT } from '../../../assembly/shared/layout.js';
import { formatNatRange, formatPortRange, parseNatPorts, parseNatTo, requirePortProtocol, type NatRange } from './nat-range.js';
import { useOnce } from './option-rules.js';
import { requireHooks, requireTable } from './placement.js';

const FLAG_OPTIONS = ['random', 'random-fully', 'persistent'] as const;
type NatFlag = (typeof FLAG_OPTIONS)[number];

export interface NatOptions {
  range: NatRange;
  flags: NatFlag[];
  given: string[];
}

interface NatTargetSpec {
  name: string;
  /** The option carrying the range: "to-destination"/"to-source" (address and ports) or "to-ports". */
  rangeOption: string;
  required: boolean;
  flags: readonly NatFlag[];
  chains: readonly string[];
  /** Text before the range in `iptables -L` ("to:", "masq ports: ", "redir ports "). */
  listLabel: string;
  /** Only DNAT revision 2 takes "a-b/base" port maps. */
  shiftedPorts: boolean;
}

function natTarget(spec: NatTargetSpec): TargetModule<NatOptions> {
  const portsOnly = spec.rangeOption === 'to-ports';
  const options: OptionSpec[] = [
    { name: spec.rangeOption, args: 1 },
    ...spec.flags.map((name) => ({ name, args: 0 as const })),
  ];
  const text = (opts: NatOptions, rangePrefix: string, flagPrefix: string): string => {
    const parts: string[] = [];
    const range = portsOnly ? (opts.range.ports ? formatPortRange(opts.range.ports) : '') : formatNatRange(opts.range);
    if (range !== '') parts.push(rangePrefix + range);
    // Printed in libxt_NAT's fixed order, whatever order they were given in.
    for (const flag of FLAG_OPTIONS) if (opts.flags.includes(flag)) parts.push(flagPrefix + flag);
    return parts.join(' ');
  };
  return {
    name: spec.name,
    options,
    init: () => ({ range: {}, flags: [], given: [] }),
    parse(opts, option, args, _invert, ctx: ParseCtx) {
      useOnce(opts.given, option, spec.name, ctx);
      if (option === spec.rangeOption) {
        opts.range = portsOnly ? { ports: parseNatPorts(args[0], spec.name, ctx) } : parseNatTo(args[0], spec.name, ctx);
      } else {
        opts.flags.push(option as NatFlag);
      }
    },
    finalize(opts, ctx) {
      if (spec.required && !opts.given.includes(spec.rangeOption)) {
        ctx.fail(`${spec.name}: option "--${spec.rangeOption}" must be specified`);
      }
      if (opts.range.ports) {
        requirePortProtocol(ctx, spec.name);
        if (opts.range.ports.base !== undefined && !spec.shiftedPorts) {
          ctx.fail(`${spec.name}: Shifted portmap ranges not supported with this kernel`);
        }
      }
      requireTable(ctx, spec.name, 'nat');
      requireHooks(ctx, spec.name, spec.chains);
    },
    save: (opts) => text(opts, `--${spec.rangeOption} `, '--'),
    list: (opts) => text(opts, spec.listLabel, ''),
    compile(_opts, ctx) {
      ctx.warn(`${spec.name} is not evaluated yet: packets pass the nat table unchanged`);
      return { kind: T_NAT };
    },
  };
}

export const DNAT = natTarget({
  name: 'DNAT', rangeOption: 'to-destination', required: true, flags: ['random', 'persistent'],
  chains: ['PREROUTING', 'OUTPUT'], listLabel: 'to:', shiftedPorts: true,
});

export const SNAT = natTarget({
  name: 'SNAT', rangeOption: 'to-source', required: true, flags: ['random', 'random-fully', 'persistent'],
  chains: ['POSTROUTING', 'INPUT'], listLabel: 'to:', shiftedPorts: true,
});

export const MASQUERADE = natTarget({
  name: 'MASQUERADE', rangeOption: 'to-ports', required: false, flags: ['random', 'random-fully'],
  chains: ['POSTROUTING'], listLabel: 'masq ports: ', shiftedPorts: true,
});

export const REDIRECT = natTarget({
  name: 'REDIRECT', rangeOption: 'to-ports', required: false, flags: ['random'],
  chains: ['PREROUTING', 'OUTPUT'], listLabel: 'redir ports ', shiftedPorts: false,
});
