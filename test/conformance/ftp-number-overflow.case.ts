// The kernel's FTP helper does not bound the numbers of a PORT/227 argument (nf_conntrack_ftp.c
// try_number accumulates each into a u32; try_rfc959 builds the address as a0<<24 | a1<<16 |
// a2<<8 | a3 and the port as a4<<8 | a5, truncated to 16 bits). So `PORT 198,51,300,2,…` is not
// malformed: it announces 198.51.44.2 (51 | 300 >> 8), a third party, and the packet passes with no expectation
// (§4.8 rule 6); `PORT 198,50,356,2,…` announces 198.51.100.2 — the client itself — and creates
// an expectation, so its data connection is RELATED. NETFILTER.md §4.8 rule 5 ("each ≤ 255")
// says both are dropped; the 6.18 lab kernel (legacy and nft) does not, and nfwasm follows the
// kernel (assembly/conntrack/helpers/ftp-parse.ts, readNumbers).
import type { ConformanceCase } from '../../conformance/case.js';
import { ftpLogin } from '../../conformance/ftp-session.js';
import { client, host, Traffic } from '../../conformance/traffic.js';
import { FTP_FILTER } from './ftp-helper.case.js';
import { activeData, FTP_HELPER_RAW } from './ftp-line-start.case.js';

const server = host('server', 21);

export default {
  name: 'ftp-number-overflow',
  about: 'PORT numbers over 255 overflow into the next byte (kernel): third-party address passes, 198,50,356,2 is the client (RELATED)',
  rules: FTP_HELPER_RAW + FTP_FILTER,
  traffic: () => {
    const t = new Traffic();
    ftpLogin(t, client(41601), server).data('opener', 'PORT 198,51,300,2,157,1\r\n').data('answerer', '200 PORT ok\r\n');
    ftpLogin(t, client(41602), server).data('opener', 'PORT 198,50,356,2,157,2\r\n').data('answerer', '200 PORT ok\r\n');
    activeData(t, 41602, 157 * 256 + 2);
    return t;
  },
} satisfies ConformanceCase;
