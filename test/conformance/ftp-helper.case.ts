// FTP with the helper given by `-t raw … -j CT --helper ftp` (NETFILTER.md §0, §4.7, §4.8): the
// data connection's first packet is RELATED, the rest ESTABLISHED, in active (PORT), passive
// (227), EPRT and EPSV sessions. Expectations are consumed by the data SYN, so what is compared
// is the RELATED rule's counter, the `-m helper` rule's counter (data connections only, never
// the control connection), the final conntrack table, and the expectations still pending: one
// from a PASV whose data connection never came, none from a PORT naming a third party.
import type { ConformanceCase } from '../../conformance/case.js';
import { client, server, Traffic } from '../../conformance/traffic.js';

export const FTP_FILTER = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m helper --helper ftp
-A FORWARD -m conntrack --ctstate RELATED -j ACCEPT
-A FORWARD -m conntrack --ctstate ESTABLISHED -j ACCEPT
-A FORWARD -i eth0 -o eth1 -p tcp -m tcp --dport 21 -m conntrack --ctstate NEW -j ACCEPT
COMMIT
`;

/** One session of each kind, a PASV left without its data connection, a third-party PORT. */
export function ftpTraffic(): Traffic {
  return new Traffic()
    .ftpSession(client(41001), server(21), { mode: 'active', dataPort: 40101 })
    .ftpSession(client(41002), server(21), { mode: 'passive', dataPort: 50102, clientDataPort: 50202 })
    .ftpSession(client(41003), server(21), { mode: 'eprt', dataPort: 40103 })
    .ftpSession(client(41004), server(21), { mode: 'epsv', dataPort: 50104, clientDataPort: 50204 })
    .ftpSession(client(41005), server(21), { mode: 'passive', dataPort: 50105, dataConnection: false })
    .ftpSession(client(41006), server(21), { mode: 'active', dataPort: 40106, announcedAddress: '198.51.100.77' });
}

export default {
  name: 'ftp-helper',
  about: 'FTP active/passive/EPRT/EPSV with CT --helper ftp: data RELATED then ESTABLISHED, -m helper counts data only',
  rules: `*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -i eth0 -p tcp -m tcp --dport 21 -j CT --helper ftp
COMMIT
${FTP_FILTER}`,
  traffic: ftpTraffic,
} satisfies ConformanceCase;
