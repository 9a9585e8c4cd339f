// Connection helpers (NETFILTER.md §4.7, §4.8): which helper a new connection gets under legacy
// automatic assignment, and running a connection's helper at the confirm stage. Adding one (TFTP,
// SIP) = its file plus a case here and in helperFor.
import { HELPER_FTP, HELPER_NONE } from '../../shared/layout';
import { helperOf } from '../fields';
import { PROTO_TCP } from '../tuple';
import { ftpHelp } from './ftp';

const FTP_PORT: u16 = 21;

/** The helper the pre-4.7 kernels gave a connection to this (reply-side source) port. */
export function helperFor(port: u16, proto: u8): u8 {
  if (proto == PROTO_TCP && port == FTP_PORT) return <u8>HELPER_FTP;
  return <u8>HELPER_NONE;
}

/** Runs `ct`'s helper on the packet; false = drop it (the helper set core.reason). */
export function runHelper(ct: usize, rec: usize, dir: i32, ctinfo: i32): bool {
  switch (<i32>helperOf(ct)) {
    case HELPER_FTP: return ftpHelp(ct, rec, dir, ctinfo);
  }
  return true;
}
