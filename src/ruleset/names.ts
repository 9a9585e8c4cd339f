// Names iptables resolves through /etc/protocols and /etc/services, and IPv4 address text.
// Fixed tables (not the local machine's files) so results do not depend on where nfwasm runs.

/** Protocol names iptables 1.8 knows without /etc/protocols (xtables_chain_protos) first, then common /etc/protocols entries. */
const PROTOCOLS: ReadonlyArray<[string, number]> = [
  ['tcp', 6], ['udp', 17], ['udplite', 136], ['icmp', 1], ['ipv6-icmp', 58], ['icmpv6', 58],
  ['esp', 50], ['ah', 51], ['sctp', 132], ['mh', 135], ['dccp', 33], ['all', 0],
  ['ip', 0], ['hopopt', 0], ['igmp', 2], ['ggp', 3], ['ipencap', 4], ['st', 5], ['egp', 8],
  ['igp', 9], ['pup', 12], ['hmp', 20], ['xns-idp', 22], ['rdp', 27], ['iso-tp4', 29],
  ['xtp', 36], ['ddp', 37], ['idpr-cmtp', 38], ['ipv6', 41], ['ipv6-route', 43],
  ['ipv6-frag', 44], ['idrp', 45], ['rsvp', 46], ['gre', 47], ['skip', 57],
  ['ipv6-nonxt', 59], ['ipv6-opts', 60], ['rspf', 73], ['vmtp', 81], ['eigrp', 88],
  ['ospf', 89], ['ax.25', 93], ['ipip', 94], ['etherip', 97], ['encap', 98], ['pim', 103],
  ['ipcomp', 108], ['vrrp', 112], ['l2tp', 115], ['isis', 124], ['fc', 133], ['mpls-in-ip', 137],
  ['manet', 138], ['hip', 139], ['shim6', 140], ['wesp', 141], ['rohc', 142], ['ethernet', 143],
];
const PROTO_BY_NAME = new Map(PROTOCOLS);
/** The name iptables-save prints for a protocol number (first name in PROTOCOLS order). */
const PROTO_NAME = new Map<number, string>();
for (const [name, num] of PROTOCOLS) if (!PROTO_NAME.has(num) && num !== 0) PROTO_NAME.set(num, name);

/** Protocol number for a name or decimal number; undefined if unknown. */
export function protoNumber(text: string): number | undefined {
  const lower = text.toLowerCase();
  // no name is all digits: the common names are found first, without the pattern test
  const named = PROTO_BY_NAME.get(lower);
  if (named !== undefined) return named;
  if (/^\d+$/.test(lower)) {
    const n = Number(lower);
    return n <= 255 ? n : undefined;
  }
  return PROTO_BY_NAME.get(lower);
}

/**
 * How iptables-save prints `-p N`: a name for the protocols in its built-in list
 * (tcp, udp, udplite, icmp, esp, ah, sctp, mh, dccp, ipv6-icmp), else the number.
 */
export function protoSaveName(num: number): string {
  const builtin: Record<number, string> = {
    6: 'tcp', 17: 'udp', 136: 'udplite', 1: 'icmp', 58: 'ipv6-icmp', 50: 'esp', 51: 'ah',
    132: 'sctp', 135: 'mh', 33: 'dccp',
  };
  return builtin[num] ?? String(num);
}

/** How `iptables -L -n` prints the prot column: name from /etc/protocols when known, "all" for 0. */
export function protoListName(num: number): string {
  if (num === 0) return 'all';
  return PROTO_NAME.get(num) ?? String(num);
}

/** Common /etc/services names (tcp/udp share numbers for these). */
const SERVICES: Readonly<Record<string, number>> = {
  tcpmux: 1, echo: 7, discard: 9, systat: 11, daytime: 13, netstat: 15, qotd: 17, chargen: 19,
  'ftp-data': 20, ftp: 21, ssh: 22, telnet: 23, smtp: 25, time: 37, whois: 43, tacacs: 49,
  domain: 53, bootps: 67, bootpc: 68, tftp: 69, gopher: 70, finger: 79, http: 80, www: 80,
  kerberos: 88, 'iso-tsap': 102, pop3: 110, sunrpc: 111, auth: 113, ident: 113, nntp: 119,
  ntp: 123, epmap: 135, 'netbios-ns': 137, 'netbios-dgm': 138, 'netbios-ssn': 139, imap2: 143,
  imap: 143, snmp: 161, 'snmp-trap': 162, xdmcp: 177, bgp: 179, irc: 194, ldap: 389, https: 443,
  'microsoft-ds': 445, kpasswd: 464, isakmp: 500, syslog: 514, printer: 515, talk: 517,
  ntalk: 518, route: 520, submission: 587, ldaps: 636, rsync: 873, ftps: 990, telnets: 992,
  imaps: 993, pop3s: 995, socks: 1080, openvpn: 1194, 'ms-sql-s': 1433, 'ms-sql-m': 1434,
  l2tp: 1701, pptp: 1723, radius: 1812, 'radius-acct': 1813, nfs: 2049, mysql: 3306,
  'ms-wbt-server': 3389, svn: 3690, 'sip': 5060, 'sip-tls': 5061, 'xmpp-client': 5222,
  'xmpp-server': 5269, postgresql: 5432, x11: 6000, 'http-alt': 8080, webcache: 8080,
  domain_s: 853, 'ipp': 631, 'nntps': 563, 'smtps': 465, urd: 465, ssmtp: 465,
};

/** Port number for a decimal number or service name; undefined if invalid. */
export function portNumber(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n <= 65535 ? n : undefined;
  }
  return SERVICES[text.toLowerCase()];
}

/** Parse dotted-quad IPv4 text ("10.1.2.3"); undefined if malformed. Like inet_aton, fewer parts are not accepted here. */
export function parseIPv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return undefined;
    v = v * 256 + o;
  }
  return v >>> 0;
}

export function formatIPv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Netmask for a prefix length 0..32. */
export function prefixMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** Prefix length of a contiguous mask, or -1 if the mask is not contiguous. */
export function maskPrefix(mask: number): number {
  mask >>>= 0;
  let len = 0;
  while (len < 32 && (mask & (0x80000000 >>> len)) !== 0) len++;
  return prefixMask(len) === mask ? len : -1;
}

/**
 * Parse `ADDR[/MASK]` where MASK is a prefix length or dotted mask. Hostnames are not resolved
 * (offline tool): they are rejected with undefined.
 */
export function parseCidr(text: string): { addr: number; mask: number } | undefined {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const addr = parseIPv4(addrText);
  if (addr === undefined) return undefined;
  let mask = 0xffffffff;
  if (slash >= 0) {
    const m = text.slice(slash + 1);
    if (/^\d{1,2}$/.test(m) && Number(m) <= 32) mask = prefixMask(Number(m));
    else {
      const dotted = parseIPv4(m);
      if (dotted === undefined) return undefined;
      mask = dotted;
    }
  }
  return { addr: (addr & mask) >>> 0, mask: mask >>> 0 };
}

/** `ADDR/LEN` as iptables-save prints it (dotted mask when not contiguous). */
export function formatCidr(addr: number, mask: number): string {
  const len = maskPrefix(mask);
  return `${formatIPv4(addr)}/${len >= 0 ? len : formatIPv4(mask)}`;
}
