// Where the FTP helper looks (NETFILTER.md §4.8 rules 2 and 3): only at a segment that starts
// where an earlier segment of the same direction ended with a newline, and only at its first
// byte. A PORT in its own segment after a `NOOP\r\n` segment is parsed (data connection RELATED);
// a PORT after `NOOP\r\n` in the same segment is not, nor the rest of a command split in the
// middle, nor a PORT sent as the client's very first segment: no expectation, the data
// connection is NEW and falls to the DROP policy.
import type { ConformanceCase } from '../../conformance/case.js';
import { ftpControl, ftpDataConnection, ftpLogin, portLine } from '../../conformance/ftp-session.js';
import { client, host, Traffic } from '../../conformance/traffic.js';
import { FTP_FILTER } from './ftp-helper.case.js';

const server = host('server', 21);
const port = (dataPort: number) => `PORT ${portLine(client(0).addr, dataPort)}\r\n`;

/** The raw-table rule giving port-21 connections from the client side the FTP helper (§4.7). */
export const FTP_HELPER_RAW = `*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -i eth0 -p tcp -m tcp --dport 21 -j CT --helper ftp
COMMIT
`;

/** The client's active data connection from the server's port 20 to `dataPort`. */
export function activeData(t: Traffic, clientPort: number, dataPort: number): void {
  ftpDataConnection(t, client(clientPort), server, { passive: false, dataPort });
}

export default {
  name: 'ftp-line-start',
  about: 'FTP helper parses only segments starting a line: PORT after a NOOP segment RELATED; NOOP+PORT in one segment, a split PORT, a first-segment PORT: no expectation',
  rules: FTP_HELPER_RAW + FTP_FILTER,
  traffic: () => {
    const t = new Traffic();
    ftpLogin(t, client(41101), server).data('opener', 'NOOP\r\n').data('answerer', '200 NOOP ok\r\n').data('opener', port(40111)).data('answerer', '200 PORT ok\r\n');
    activeData(t, 41101, 40111);
    ftpLogin(t, client(41102), server).data('opener', `NOOP\r\n${port(40112)}`).data('answerer', '200 NOOP ok\r\n200 PORT ok\r\n');
    activeData(t, 41102, 40112);
    const split = port(40113);
    ftpLogin(t, client(41103), server).data('opener', `NOOP\r\n${split.slice(0, 12)}`).data('opener', split.slice(12)).data('answerer', '200 PORT ok\r\n');
    activeData(t, 41103, 40113);
    ftpControl(t, client(41104), server).data('opener', port(40114)).data('answerer', '200 PORT ok\r\n');
    activeData(t, 41104, 40114);
    return t;
  },
} satisfies ConformanceCase;
