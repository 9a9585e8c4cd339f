// The sysctls nfwasm models, their kernel defaults and accepted spellings. Names are kept without
// their directory (`nf_conntrack_tcp_loose`, not `net.netfilter.nf_conntrack_tcp_loose`).
import { ValueError, didYouMean, showValue } from '../packets/values.js';

/**
 * Kernel defaults of the sysctls nfwasm models: conntrack (NETFILTER.md §0, §4.4, §4.5; timeouts
 * in seconds) and the rate limit on the ICMP errors the host sends (icmp_ratelimit in ms,
 * icmp_ratemask: bit t limits ICMP type t; default 3, 4, 11, 12).
 * nf_conntrack_max = bucket count on a 64-bit host with > 4 GB (§4.3); the expectation limit is
 * 4 × (buckets / 256), nf_conntrack_expect_init() in nf_conntrack_expect.c.
 */
export const SYSCTL_DEFAULTS: Readonly<Record<string, number>> = Object.freeze({
  nf_conntrack_tcp_timeout_syn_sent: 120,
  nf_conntrack_tcp_timeout_syn_recv: 60,
  nf_conntrack_tcp_timeout_established: 432000,
  nf_conntrack_tcp_timeout_fin_wait: 120,
  nf_conntrack_tcp_timeout_close_wait: 60,
  nf_conntrack_tcp_timeout_last_ack: 30,
  nf_conntrack_tcp_timeout_time_wait: 120,
  nf_conntrack_tcp_timeout_close: 10,
  nf_conntrack_tcp_timeout_max_retrans: 300,
  nf_conntrack_tcp_timeout_unacknowledged: 300,
  nf_conntrack_udp_timeout: 30,
  nf_conntrack_udp_timeout_stream: 120,
  nf_conntrack_icmp_timeout: 30,
  nf_conntrack_generic_timeout: 600,
  nf_conntrack_tcp_loose: 1,
  nf_conntrack_tcp_be_liberal: 0,
  nf_conntrack_tcp_ignore_invalid_rst: 0,
  nf_conntrack_tcp_max_retrans: 3,
  nf_conntrack_checksum: 1,
  nf_conntrack_buckets: 262144,
  nf_conntrack_max: 262144,
  nf_conntrack_expect_max: 4096,
  // Not a sysctl: the nf_conntrack_ftp module parameter `loose` (NETFILTER.md §4.8 rule 6),
  // accepted here under this name so a host file can set it.
  nf_conntrack_ftp_loose: 0,
  icmp_ratelimit: 1000,
  icmp_ratemask: 6168,
});

/** net.ipv4.ip_forward: mirrored into HostModel.forwarding. */
export const SYSCTL_IP_FORWARD = 'ip_forward';
/**
 * The pre-4.7 automatic helper assignment switch (gone from 6.x kernels, NETFILTER.md §0, §4.7):
 * mirrored into HostModel.helperAutoassign so old sysctl.conf files still load.
 */
export const SYSCTL_HELPER_AUTOASSIGN = 'nf_conntrack_helper';

const INT_MAX = 0x7fffffff;

/** Value ranges the kernel's proc handlers enforce (proc_dou8vec_minmax etc.). */
const RANGES: Readonly<Record<string, [number, number]>> = {
  nf_conntrack_tcp_loose: [0, 1],
  nf_conntrack_tcp_be_liberal: [0, 1],
  nf_conntrack_tcp_ignore_invalid_rst: [0, 1],
  nf_conntrack_checksum: [0, 1],
  nf_conntrack_ftp_loose: [0, 1],
  nf_conntrack_tcp_max_retrans: [0, 255],
  nf_conntrack_expect_max: [1, INT_MAX],
  nf_conntrack_buckets: [1, INT_MAX],
  [SYSCTL_IP_FORWARD]: [0, 1],
  icmp_ratelimit: [0, INT_MAX],
  icmp_ratemask: [0, INT_MAX],
  [SYSCTL_HELPER_AUTOASSIGN]: [0, 1],
};

export const KNOWN_SYSCTLS: readonly string[] = [
  ...Object.keys(SYSCTL_DEFAULTS), SYSCTL_IP_FORWARD, SYSCTL_HELPER_AUTOASSIGN,
];
const KNOWN = new Set(KNOWN_SYSCTLS);

// Longest first, so "net.ipv4.netfilter." is stripped before "net.ipv4.".
const DIRECTORY_PREFIXES = ['proc.sys.', 'net.ipv4.netfilter.', 'net.netfilter.', 'net.ipv4.', 'net.'];

/**
 * The bare name for any spelling: `net.netfilter.X`, `net.ipv4.ip_forward`, `/proc/sys/net/...`,
 * and the 2.6-era `net.ipv4.netfilter.ip_conntrack_X`; throws ValueError for names not modelled.
 */
export function normaliseSysctlName(name: string): string {
  let bare = name.trim().replace(/\//g, '.').replace(/^\.+/, '');
  for (const prefix of DIRECTORY_PREFIXES) if (bare.startsWith(prefix)) bare = bare.slice(prefix.length);
  if (bare.startsWith('ip_conntrack_')) bare = `nf_conntrack_${bare.slice('ip_conntrack_'.length)}`;
  if (!KNOWN.has(bare)) {
    throw new ValueError(`${showValue(name)} is not a sysctl nfwasm models${didYouMean(bare, KNOWN_SYSCTLS)}; known: ${KNOWN_SYSCTLS.join(', ')}`);
  }
  return bare;
}

/** Checks a value for a (normalised) sysctl name. */
export function sysctlValueOf(name: string, value: unknown): number {
  const [lo, hi] = RANGES[name] ?? [0, INT_MAX];
  if (typeof value === 'boolean' && hi === 1) return value ? 1 : 0;
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < lo || n > hi) {
    throw new ValueError(`${showValue(value)} is not a value for ${name} (an integer ${lo}..${hi})`);
  }
  return n;
}
