// Whether this machine can run the kernel side at all: root, network namespaces, and the tools.
// A machine that cannot is told so loudly, and the run is skipped rather than failed.
import type { Backend } from './kernel-run.js';
import { have, run } from './shell.js';

/** Debian packages a run needs (iptables, conntrack, tcpdump, ethtool; python3 for the sender). */
export const DEBIAN_PACKAGES = ['iptables', 'conntrack', 'tcpdump', 'ethtool', 'python3', 'iproute2'];

/** What is missing for a run with `backend`; empty when everything is there. */
export function missingForKernelRun(backend: Backend): string[] {
  const missing: string[] = [];
  if (process.platform !== 'linux') return [`Linux (this is ${process.platform})`];
  if (process.getuid?.() !== 0) missing.push('root (network namespaces and iptables need it)');
  for (const tool of ['ip', `iptables-${backend}-restore`, `iptables-${backend}-save`, 'iptables-legacy', 'conntrack', 'tcpdump', 'python3', 'timeout', 'sysctl']) {
    if (!have(tool)) missing.push(`the ${tool} command`);
  }
  if (missing.length === 0 && run(['ip', 'netns', 'list'], { allowFailure: true }).status !== 0) missing.push('`ip netns` (network namespaces)');
  return missing;
}

export function skipBanner(missing: readonly string[]): string {
  const bar = '!'.repeat(72);
  return `${bar}\nCONFORMANCE SKIPPED: this machine lacks ${missing.join(', ')}.\n` +
    `The kernel comparison needs root on Linux with network namespaces; on Debian: apt-get install -y ${DEBIAN_PACKAGES.join(' ')}\n${bar}\n`;
}
