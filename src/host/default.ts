// The host assumed when no host file is given: one interface, every arriving packet addressed to
// this machine. The core is told so (CFGF_ALL_LOCAL) instead of guessing addresses.
import type { HostModel } from './model.js';
import { LOOPBACK } from './routes.js';
import { SYSCTL_DEFAULTS } from './sysctl.js';

export const DEFAULT_INTERFACE = 'eth0';

export function defaultHostModel(): HostModel {
  return {
    interfaces: [
      { name: LOOPBACK, addresses: [{ addr: 0x7f000001, prefix: 8 }] },
      { name: DEFAULT_INTERFACE, addresses: [] },
    ],
    // locally generated packets need a way out: everything leaves via eth0
    routes: [{ net: 0, prefix: 0, gateway: 0, dev: DEFAULT_INTERFACE, type: 'unicast' }],
    forwarding: false,
    sysctl: { ...SYSCTL_DEFAULTS },
    helperAutoassign: false,
    assumed: [
      `no --host given: a single-homed host with interface ${DEFAULT_INTERFACE}`,
      'every arriving packet is addressed to this host (INPUT), whatever its destination address',
      `locally generated packets leave via ${DEFAULT_INTERFACE}`,
      'forwarding off (net.ipv4.ip_forward=0)',
      'kernel default sysctls (nf_conntrack_tcp_loose=1, nf_conntrack_checksum=1, ...)',
      'no automatic FTP helper assignment (only -j CT --helper ftp)',
    ],
    allLocal: true,
  };
}

/** The assumed host of defaultHostModel(): the engine sets CFGF_ALL_LOCAL for it. */
export function isAssumedHost(host: HostModel): boolean {
  return host.allLocal === true;
}
