// TCPMSS (xt_TCPMSS, libxt_TCPMSS): rewrite the MSS option of SYN packets; no effect on verdicts.
// The kernel wants `-p tcp` and, for --clamp-mss-to-pmtu, the FORWARD/OUTPUT/POSTROUTING hooks.
// It also wants a tcp match whose --tcp-flags compare value has SYN, not inverted, in the same
// rule (tcpmss_tg4_check, find_syn_match). That check needs the rule's matches, which the
// finalize context carries as `matches` when the rule parser provides them; without them it is
// skipped.
import type { ParseCtx, TargetModule } from '../module.js';
import type { MatchInstance } from '../../ruleset/types.js';
import { T_CONTINUE } from '../../../assembly/shared/layout.js';
import { requireOneOf, useOnce } from './option-rules.js';
import { requireHooks } from './placement.js';
import { parseXtUint, U16_MAX } from './xt-number.js';

/** XT_TCPMSS_CLAMP_PMTU: the value --clamp-mss-to-pmtu stores in place of an MSS. */
const CLAMP_PMTU = 0xffff;
/** IPv4: the MSS must leave room for a 20-byte IP header. */
const MAX_MSS = U16_MAX - 20;
const PROTO_TCP = 6;
const TCP_SYN = 0x02;


function hasSynMatch(matches: readonly MatchInstance[]): boolean {
  return matches.some((m) => {
    const flags = m.module === 'tcp' ? (m.opts as { flags?: { cmp: number; invert: boolean } }).flags : undefined;
    return flags !== undefined && (flags.cmp & TCP_SYN) !== 0 && !flags.invert;
  });
}

export interface TcpmssOptions {
  mss: number;
  given: string[];
}

export const TCPMSS: TargetModule<TcpmssOptions> = {
  name: 'TCPMSS',
  options: [{ name: 'set-mss', args: 1 }, { name: 'clamp-mss-to-pmtu', args: 0 }],
  init: () => ({ mss: 0, given: [] }),
  parse(opts, option, args, _invert, ctx: ParseCtx) {
    useOnce(opts.given, option, 'TCPMSS', ctx);
    if (option === 'clamp-mss-to-pmtu') {
      opts.mss = CLAMP_PMTU;
      return;
    }
    const mss = parseXtUint(args[0], MAX_MSS);
    if (mss === undefined) ctx.fail(`TCPMSS: bad value for option "--set-mss", or out of range (0-${MAX_MSS})`);
    opts.mss = mss;
  },
  finalize(opts, ctx) {
    requireOneOf(opts.given, ['set-mss', 'clamp-mss-to-pmtu'], 'TCPMSS target: At least one parameter is required', ctx);
    if (ctx.proto?.num !== PROTO_TCP || ctx.proto.invert) ctx.fail('TCPMSS target: only valid for protocol 6 (-p tcp)');
    if (opts.mss === CLAMP_PMTU) requireHooks(ctx, 'TCPMSS --clamp-mss-to-pmtu', ['FORWARD', 'OUTPUT', 'POSTROUTING']);
    const matches = ctx.matches;
    if (matches && !hasSynMatch(matches)) {
      ctx.fail('TCPMSS target: Only works on TCP SYN packets (add -m tcp --tcp-flags ... SYN or --syn)');
    }
  },
  save: (opts) => (opts.mss === CLAMP_PMTU ? '--clamp-mss-to-pmtu' : `--set-mss ${opts.mss}`),
  list: (opts) => (opts.mss === CLAMP_PMTU ? 'TCPMSS clamp to PMTU' : `TCPMSS set ${opts.mss}`),
  compile: () => ({ kind: T_CONTINUE }),
};
