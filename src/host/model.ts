// The host model: interfaces, addresses, routes, forwarding and sysctls of the simulated machine
// (issue "foundation" §4). Loaded from one JSON file by src/host/load.ts.

export interface HostAddress {
  addr: number; // u32
  prefix: number; // 0..32
}

export interface HostInterface {
  name: string;
  addresses: HostAddress[];
}

export interface HostRoute {
  net: number;
  prefix: number;
  gateway: number; // 0 = directly connected
  dev: string;
  type: 'unicast' | 'blackhole' | 'unreachable' | 'prohibit';
}

export interface HostModel {
  interfaces: HostInterface[];
  /** Explicit routes; connected routes of interface addresses are implied. */
  routes: HostRoute[];
  forwarding: boolean;
  /** sysctl name (without net.netfilter. prefix, e.g. "nf_conntrack_tcp_loose") -> value. */
  sysctl: Record<string, number>;
  /** Legacy helper auto-assignment by port (modprobe ip_conntrack_ftp era). */
  helperAutoassign: boolean;
  /** What was assumed because the file left it out (printed on stderr by the CLI). */
  assumed: string[];
  /**
   * Set only by defaultHostModel() (no host file given): every arriving packet is addressed to
   * this host, whatever its destination address (the engine sets CFGF_ALL_LOCAL; see isAssumedHost).
   */
  allLocal?: boolean;
}
