// Malformed arguments after a recognised keyword (NETFILTER.md §4.8 rule 5) make the helper drop
// the segment: PORT with five numbers, PORT ended by a bare `\n`, EPRT announcing IPv6 on an
// IPv4 control connection, 229 with port 0, 227 with no number at all.
// Each is counted by FORWARD but never reaches the far side, and no expectation is created.
// (A number over 255 is not malformed for the kernel: known-divergences/ftp-number-overflow.)
import type { ConformanceCase } from '../../conformance/case.js';
import { ftpLogin } from '../../conformance/ftp-session.js';
import { client, host, Traffic } from '../../conformance/traffic.js';
import { FTP_FILTER } from './ftp-helper.case.js';
import { FTP_HELPER_RAW } from './ftp-line-start.case.js';

const server = host('server', 21);

const CLIENT_LINES = ['PORT 198,51,100,2,157\r\n', 'PORT 198,51,100,2,157,1\n', 'EPRT |2|::1|40321|\r\n'];
const SERVER_LINES = ['229 Entering Extended Passive Mode (|||0|)\r\n', '227 Entering Passive Mode\r\n'];

export default {
  name: 'ftp-malformed',
  about: 'FTP helper drops malformed PORT/EPRT/227/229 arguments (five numbers, no CR, EPRT |2|, 229 port 0, 227 without digits)',
  rules: FTP_HELPER_RAW + FTP_FILTER,
  traffic: () => {
    const t = new Traffic();
    CLIENT_LINES.forEach((line, i) => ftpLogin(t, client(41301 + i), server).data('opener', line, { lost: true }));
    SERVER_LINES.forEach((line, i) => ftpLogin(t, client(41311 + i), server).data('opener', 'PASV\r\n').data('answerer', line, { lost: true }));
    return t;
  },
} satisfies ConformanceCase;
