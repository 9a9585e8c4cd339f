// The same FTP sessions and filter rules as ftp-helper, without the raw CT rule: no helper is
// ever assigned (NETFILTER.md §0, the automatic assignment by port is gone), so control passes,
// no expectation is created and every data connection is NEW and falls to the DROP policy.
import type { ConformanceCase } from '../../conformance/case.js';
import { ftpTraffic, FTP_FILTER } from './ftp-helper.case.js';

export default {
  name: 'ftp-no-helper',
  about: 'FTP without CT --helper: control passes, data connections NEW and dropped, no expectations',
  rules: FTP_FILTER,
  traffic: ftpTraffic,
} satisfies ConformanceCase;
