// One expectation per control connection (NETFILTER.md §4.6, §4.8 rule 7): a second PASV answered
// before the first data connection replaces the first expectation, so a data connection to the
// first port is NEW (dropped by the policy) and one to the second is RELATED; two PORTs with no
// data connection leave only the second expectation in the table.
import type { ConformanceCase } from '../../conformance/case.js';
import { ftpDataConnection, ftpLogin, portLine } from '../../conformance/ftp-session.js';
import { client, host, Traffic } from '../../conformance/traffic.js';
import { FTP_FILTER } from './ftp-helper.case.js';
import { FTP_HELPER_RAW } from './ftp-line-start.case.js';

const server = host('server', 21);
const pasv = (dataPort: number) => `227 Entering Passive Mode (${portLine(server.addr, dataPort)}).\r\n`;
const port = (dataPort: number) => `PORT ${portLine(client(0).addr, dataPort)}\r\n`;

export default {
  name: 'ftp-second-pasv',
  about: 'a second PASV/PORT before the data connection replaces the expectation: first port NEW, second RELATED',
  rules: FTP_HELPER_RAW + FTP_FILTER,
  traffic: () => {
    const t = new Traffic();
    ftpLogin(t, client(41501), server).data('opener', 'PASV\r\n').data('answerer', pasv(50511)).data('opener', 'PASV\r\n').data('answerer', pasv(50521));
    ftpDataConnection(t, client(41501), server, { passive: true, dataPort: 50511, clientDataPort: 50611 });
    ftpDataConnection(t, client(41501), server, { passive: true, dataPort: 50521, clientDataPort: 50621 });
    ftpLogin(t, client(41502), server).data('opener', port(40512)).data('answerer', '200 PORT ok\r\n').data('opener', port(40522)).data('answerer', '200 PORT ok\r\n');
    return t;
  },
} satisfies ConformanceCase;
