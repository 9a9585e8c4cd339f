// What an NFLOG rule hands to userspace, summarised for reports. A logging daemon (ulogd's
// LOGEMU) writes the same packet dump as the kernel's LOG line after the prefix, which is what
// `line` gives; there is no syslog level.
import type { LogAction, NflogAction } from '../modules/module.js';
import { formatLogLine, type LogPoint } from './format.js';

export interface NflogRecord {
  group: number;
  prefix: string;
  line: string;
}

const NFLOG_AS_LOG: Omit<LogAction, 'prefix'> = {
  type: 'LOG', level: 4, tcpSequence: false, tcpOptions: false, ipOptions: false, uid: false, macDecode: false,
};

export function nflogRecord(action: NflogAction, view: DataView, pktOff: number, at: LogPoint): NflogRecord {
  const prefix = action.prefix === '' ? '' : `${action.prefix} `;
  return {
    group: action.group,
    prefix: action.prefix,
    line: formatLogLine({ ...NFLOG_AS_LOG, prefix }, view, pktOff, at),
  };
}
