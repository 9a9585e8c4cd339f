// Names of iptables (IPv4) extensions that exist in iptables 1.8 or in older releases /
// xtables-addons, so that `-j NAME` for one nfwasm does not implement is reported as
// "unsupported" rather than as a jump to a missing chain.

export const KNOWN_TARGET_EXTENSIONS: ReadonlySet<string> = new Set([
  'AUDIT', 'CHECKSUM', 'CLASSIFY', 'CLUSTERIP', 'CONNMARK', 'CONNSECMARK', 'CT', 'DNAT', 'DSCP',
  'ECN', 'HL', 'HMARK', 'IDLETIMER', 'LED', 'LOG', 'MARK', 'MASQUERADE', 'NETMAP', 'NFLOG',
  'NFQUEUE', 'NOTRACK', 'RATEEST', 'REDIRECT', 'REJECT', 'SECMARK', 'SET', 'SNAT', 'SYNPROXY',
  'TCPMSS', 'TCPOPTSTRIP', 'TEE', 'TOS', 'TPROXY', 'TRACE', 'TTL', 'ULOG', 'MIRROR', 'SAME',
  'ROUTE', 'TARPIT', 'DELUDE', 'CHAOS', 'IPMARK', 'LOGMARK', 'SYSRQ', 'ACCOUNT', 'STEAL',
  'DHCPMAC', 'ECHO', 'IPV4OPTSSTRIP', 'XOR', 'TCPLAG', 'IMQ', 'NETFLOW', 'FTOS',
  'DNPT', 'SNPT', 'JOOL', 'JOOL_SIIT', 'FULLCONENAT',
]);

/** Protocol number -> name of the match iptables loads implicitly for `-p NAME --opt`. */
export const IMPLICIT_PROTO_MATCH: Readonly<Record<number, string>> = {
  6: 'tcp', 17: 'udp', 1: 'icmp', 132: 'sctp', 33: 'dccp', 50: 'esp', 51: 'ah', 136: 'udplite',
};

/** Matches that exist only for ip6tables: their presence marks an IPv6 ruleset. */
export const IPV6_ONLY_MATCHES: ReadonlySet<string> = new Set([
  'icmp6', 'icmpv6', 'ipv6header', 'rt', 'frag', 'hbh', 'dst', 'mh', 'eui64', 'hl', 'srh',
]);
