// Whether the ruleset turns connection tracking on, and the conntrack settings the core gets from
// the host model (assembly/shared/layout.ts CTF_*, CTO_*). NETFILTER.md §0: a stateless ruleset
// never loads conntrack, so the table stays empty and ctstate is whatever the record says.
import {
  CTF_CHECKSUM, CTF_ENABLED, CTF_FTP_LOOSE, CTF_HELPER_AUTOASSIGN, CTF_TCP_BE_LIBERAL,
  CTF_TCP_IGNORE_INVALID_RST, CTF_TCP_LOOSE, CTO_COUNT, CTO_FTP_EXPECT, CTO_GENERIC, CTO_ICMP,
  CTO_TCP_CLOSE, CTO_TCP_CLOSE_WAIT, CTO_TCP_ESTABLISHED, CTO_TCP_FIN_WAIT, CTO_TCP_LAST_ACK,
  CTO_TCP_RETRANS, CTO_TCP_SYN_RECV, CTO_TCP_SYN_SENT, CTO_TCP_SYN_SENT2, CTO_TCP_TIME_WAIT,
  CTO_TCP_UNACK, CTO_UDP, CTO_UDP_STREAM, TCP_NONE,
} from '../../assembly/shared/layout.js';
import type { HostModel } from '../host/model.js';
import type { Rule, Ruleset } from '../ruleset/types.js';

/** Matches and targets that need a conntrack (their kernel modules call nf_ct_netns_get). */
const CONNTRACK_MATCHES = new Set(['state', 'conntrack', 'helper', 'connmark']);
const CONNTRACK_TARGETS = new Set(['CT', 'NOTRACK', 'CONNMARK', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP']);

/** The kernel's default table size (NETFILTER.md §4.3); the index holds 23-bit entry numbers. */
export const MAX_CONNTRACK_ENTRIES = (1 << 23) - 1;
const FTP_EXPECT_SECONDS = 300; // nf_conntrack_ftp: exp_policy timeout
const SYN_SENT2_SECONDS = 120; // tcp_timeouts[SYN_SENT2]: no sysctl

export interface ConntrackSettings {
  enabled: boolean;
  /** "filter:INPUT:1 -m state" … : what turned conntrack on (empty when off). */
  enabledBy: string[];
  /** CFG_CT_FLAGS. */
  flags: number;
  /** CTO_COUNT timeouts in ms (CFG_CT_TIMEOUTS_PTR). */
  timeoutsMs: Uint32Array;
  /** nf_conntrack_max and nf_conntrack_expect_max. */
  maxEntries: number;
  maxExpectations: number;
  maxRetrans: number;
  helperAutoassign: boolean;
  checksum: boolean;
}

function ruleUses(rule: Rule): string | undefined {
  const match = rule.matches.find((m) => CONNTRACK_MATCHES.has(m.module));
  if (match) return `-m ${match.module}`;
  if (rule.target?.kind === 'module' && CONNTRACK_TARGETS.has(rule.target.name)) return `-j ${rule.target.name}`;
  return undefined;
}

function whatEnables(ruleset: Ruleset): string[] {
  const found: string[] = [];
  for (const table of ruleset.tables) {
    for (const chain of table.chains) {
      chain.rules.forEach((rule, i) => {
        const use = ruleUses(rule);
        if (use) found.push(`${table.name}:${chain.name}:${i + 1} ${use}`);
      });
    }
  }
  return found;
}

function timeouts(sysctl: Readonly<Record<string, number>>): Uint32Array {
  const seconds = (name: string) => sysctl[`nf_conntrack_${name}`];
  const t = new Uint32Array(CTO_COUNT);
  const set = (index: number, s: number) => { t[index] = Math.min(s * 1000, 0xffffffff); };
  set(CTO_TCP_SYN_SENT, seconds('tcp_timeout_syn_sent'));
  // timeouts[0] doubles as the "new connection" timeout, like the kernel's tcp_init_net.
  set(TCP_NONE, seconds('tcp_timeout_syn_sent'));
  set(CTO_TCP_SYN_RECV, seconds('tcp_timeout_syn_recv'));
  set(CTO_TCP_ESTABLISHED, seconds('tcp_timeout_established'));
  set(CTO_TCP_FIN_WAIT, seconds('tcp_timeout_fin_wait'));
  set(CTO_TCP_CLOSE_WAIT, seconds('tcp_timeout_close_wait'));
  set(CTO_TCP_LAST_ACK, seconds('tcp_timeout_last_ack'));
  set(CTO_TCP_TIME_WAIT, seconds('tcp_timeout_time_wait'));
  set(CTO_TCP_CLOSE, seconds('tcp_timeout_close'));
  set(CTO_TCP_SYN_SENT2, SYN_SENT2_SECONDS);
  set(CTO_TCP_RETRANS, seconds('tcp_timeout_max_retrans'));
  set(CTO_TCP_UNACK, seconds('tcp_timeout_unacknowledged'));
  set(CTO_UDP, seconds('udp_timeout'));
  set(CTO_UDP_STREAM, seconds('udp_timeout_stream'));
  set(CTO_ICMP, seconds('icmp_timeout'));
  set(CTO_GENERIC, seconds('generic_timeout'));
  set(CTO_FTP_EXPECT, FTP_EXPECT_SECONDS);
  return t;
}

/** The conntrack settings for `ruleset` on `host`. */
export function conntrackSettings(ruleset: Ruleset, host: HostModel, allowed = true): ConntrackSettings {
  const sysctl = host.sysctl;
  const on = (name: string) => (sysctl[name] ?? 0) !== 0;
  const enabledBy = allowed ? whatEnables(ruleset) : [];
  const enabled = enabledBy.length > 0;
  let flags = 0;
  if (enabled) flags |= CTF_ENABLED;
  if (host.helperAutoassign) flags |= CTF_HELPER_AUTOASSIGN;
  if (on('nf_conntrack_checksum')) flags |= CTF_CHECKSUM;
  if (on('nf_conntrack_tcp_loose')) flags |= CTF_TCP_LOOSE;
  if (on('nf_conntrack_tcp_be_liberal')) flags |= CTF_TCP_BE_LIBERAL;
  if (on('nf_conntrack_tcp_ignore_invalid_rst')) flags |= CTF_TCP_IGNORE_INVALID_RST;
  if (on('nf_conntrack_ftp_loose')) flags |= CTF_FTP_LOOSE;
  // nf_conntrack_max = 0 means "no limit" in the kernel; a simulator needs a size: the bucket count.
  const max = sysctl.nf_conntrack_max || sysctl.nf_conntrack_buckets;
  if (max > MAX_CONNTRACK_ENTRIES) throw new RangeError(`nf_conntrack_max ${max} is above the ${MAX_CONNTRACK_ENTRIES} entries nfwasm supports`);
  return {
    enabled,
    enabledBy,
    flags,
    timeoutsMs: timeouts(sysctl),
    maxEntries: max,
    maxExpectations: sysctl.nf_conntrack_expect_max,
    maxRetrans: sysctl.nf_conntrack_tcp_max_retrans,
    helperAutoassign: host.helperAutoassign,
    checksum: on('nf_conntrack_checksum'),
  };
}
