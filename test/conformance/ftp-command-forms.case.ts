// Command forms the FTP helper accepts (NETFILTER.md §4.8 rules 4 and 5): keywords in any case
// (`port`, `Eprt`) and a 227 answer without parentheses (RFC 1123: the numbers start at the
// first digit after `227 `). Each data connection is RELATED.
import type { ConformanceCase } from '../../conformance/case.js';
import { ftpDataConnection, ftpLogin, portLine } from '../../conformance/ftp-session.js';
import { client, host, Traffic } from '../../conformance/traffic.js';
import { FTP_FILTER } from './ftp-helper.case.js';
import { activeData, FTP_HELPER_RAW } from './ftp-line-start.case.js';

const server = host('server', 21);

export default {
  name: 'ftp-command-forms',
  about: 'FTP helper: lower/mixed-case port and eprt, 227 without parentheses: data connections RELATED',
  rules: FTP_HELPER_RAW + FTP_FILTER,
  traffic: () => {
    const t = new Traffic();
    ftpLogin(t, client(41401), server).data('opener', `port ${portLine(client(0).addr, 40411)}\r\n`).data('answerer', '200 PORT ok\r\n');
    activeData(t, 41401, 40411);
    ftpLogin(t, client(41402), server).data('opener', `Eprt |1|${client(0).addr}|40412|\r\n`).data('answerer', '200 EPRT ok\r\n');
    activeData(t, 41402, 40412);
    ftpLogin(t, client(41403), server).data('opener', 'PASV\r\n').data('answerer', `227 Entering Passive Mode ${portLine(server.addr, 50413)}\r\n`);
    ftpDataConnection(t, client(41403), server, { passive: true, dataPort: 50413, clientDataPort: 50513 });
    return t;
  },
} satisfies ConformanceCase;
