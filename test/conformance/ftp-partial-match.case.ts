// A segment that is only the start of a keyword (NETFILTER.md §4.8 rule 4): `POR`, `PORT` or, from
// the server, `22` is a partial match and the helper drops it at the confirm stage — the FORWARD
// rule counted it, the far side never gets it. The client's retransmission of the whole line at
// the same sequence number still starts a line and is parsed: the expectation appears and the
// data connection is RELATED.
import type { ConformanceCase } from '../../conformance/case.js';
import { ftpDataConnection, ftpLogin, portLine } from '../../conformance/ftp-session.js';
import { client, host, Traffic } from '../../conformance/traffic.js';
import { FTP_FILTER } from './ftp-helper.case.js';
import { activeData, FTP_HELPER_RAW } from './ftp-line-start.case.js';

const server = host('server', 21);
const port = (dataPort: number) => `PORT ${portLine(client(0).addr, dataPort)}\r\n`;

export default {
  name: 'ftp-partial-match',
  about: 'FTP helper drops a segment holding only the start of a keyword (POR, PORT, 22); the whole line retransmitted is parsed',
  rules: FTP_HELPER_RAW + FTP_FILTER,
  traffic: () => {
    const t = new Traffic();
    ftpLogin(t, client(41201), server).data('opener', 'POR', { lost: true }).data('opener', port(40211)).data('answerer', '200 PORT ok\r\n');
    activeData(t, 41201, 40211);
    // The keyword alone, and no data connection: the expectation stays in the table.
    ftpLogin(t, client(41202), server).data('opener', 'PORT', { lost: true }).data('opener', port(40212)).data('answerer', '200 PORT ok\r\n');
    const passive = `227 Entering Passive Mode (${portLine(server.addr, 50213)}).\r\n`;
    ftpLogin(t, client(41203), server).data('opener', 'PASV\r\n').data('answerer', '22', { lost: true }).data('answerer', passive);
    ftpDataConnection(t, client(41203), server, { passive: true, dataPort: 50213, clientDataPort: 50313 });
    return t;
  },
} satisfies ConformanceCase;
