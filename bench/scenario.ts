// The end-to-end benchmark's world (issue 6, bench 3): a router between the Internet (eth0) and
// a server LAN (eth1), ~1k filter rules that open services per server, conntrack with the FTP
// helper assigned by `CT --helper ftp`. bench/gen-capture.ts generates traffic for it.
import { rng } from './generate.js';

export const OUTSIDE_IFACE = 'eth0';
export const INSIDE_IFACE = 'eth1';

/** 10.0.S.H: SUBNETS x HOSTS servers on the LAN. */
const SUBNETS = 10;
const HOSTS = 57;
/** Outside client networks, /16 each. */
export const CLIENT_NETS = Array.from({ length: 24 }, (_, i) => ((11 + i * 8) << 24) | ((17 + i * 7) << 16));
/** Client networks the ruleset blocks outright (a blocklist in front of the ACL). */
export const BLOCKED_NETS = CLIENT_NETS.slice(20);
/** The client networks the ruleset lets in. */
export const OPEN_CLIENT_NETS = CLIENT_NETS.slice(0, 20);
/** The admin network that alone may reach SSH and databases. */
export const ADMIN_NET = CLIENT_NETS[0];

export interface Server {
  addr: number;
  tcp: number[];
  udp: number[];
}

const TCP_SERVICES = [80, 443, 21, 22, 25, 3306, 8080, 993];
const UDP_SERVICES = [53, 123];

/** The servers and the services each offers (seeded: the same every run). */
export function servers(): Server[] {
  const r = rng(42);
  const out: Server[] = [];
  for (let s = 0; s < SUBNETS; s++) {
    for (let h = 1; h <= HOSTS; h++) {
      const tcp = [r() < 0.5 ? 80 : 443];
      if (r() < 0.25) tcp.push(21);
      if (r() < 0.3) tcp.push(TCP_SERVICES[3 + Math.floor(r() * 5)]);
      const udp = r() < 0.2 ? [UDP_SERVICES[Math.floor(r() * 2)]] : [];
      out.push({ addr: (10 << 24) | ((s + 1) << 8) | h, tcp: [...new Set(tcp)], udp });
    }
  }
  return out;
}

const ip = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

const ADMIN_ONLY = new Set([22, 3306]);

/** iptables-save text: raw assigns the FTP helper, filter is a stateful ACL, one rule per service. */
export function scenarioRules(): string {
  const lines = [
    '*raw',
    ':PREROUTING ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    '-A PREROUTING -p tcp --dport 21 -j CT --helper ftp',
    'COMMIT',
    '*filter',
    ':INPUT DROP [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    '-A INPUT -i lo -j ACCEPT',
    '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    `-A INPUT -s ${ip(ADMIN_NET)}/16 -p tcp --dport 22 -j ACCEPT`,
    '-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    '-A FORWARD -m conntrack --ctstate INVALID -j DROP',
    ...BLOCKED_NETS.map((net) => `-A FORWARD -i ${OUTSIDE_IFACE} -s ${ip(net)}/16 -j DROP`),
    `-A FORWARD -i ${INSIDE_IFACE} -o ${OUTSIDE_IFACE} -j ACCEPT`,
    '-A FORWARD -p icmp --icmp-type echo-request -j ACCEPT',
  ];
  for (const server of servers()) {
    for (const port of server.tcp) {
      const from = ADMIN_ONLY.has(port) ? ` -s ${ip(ADMIN_NET)}/16` : '';
      lines.push(`-A FORWARD${from} -d ${ip(server.addr)}/32 -p tcp -m tcp --dport ${port} -m conntrack --ctstate NEW -j ACCEPT`);
    }
    for (const port of server.udp) lines.push(`-A FORWARD -d ${ip(server.addr)}/32 -p udp -m udp --dport ${port} -j ACCEPT`);
  }
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** The router's host model (docs/host-model.md) as JSON text. */
export function scenarioHost(): string {
  return JSON.stringify({
    interfaces: [
      { name: OUTSIDE_IFACE, addresses: ['198.51.100.1/24'] },
      { name: INSIDE_IFACE, addresses: ['10.0.0.1/16'] },
    ],
    routes: [{ to: 'default', via: '198.51.100.254', dev: OUTSIDE_IFACE }],
    forwarding: true,
  }, null, 2);
}
