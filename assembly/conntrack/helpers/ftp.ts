// The FTP conntrack helper (nf_conntrack_ftp.c; NETFILTER.md §4.8): reads PORT/EPRT commands and
// 227/229 replies on a control connection and registers the expectation that makes the data
// connection RELATED. Runs at the confirm stage, after every table accepted the packet.
import {
  CT_ORIG_DST, CT_ORIG_SRC, CTF_FTP_LOOSE, CTO_FTP_EXPECT,
  CTR_EXPECT_REFUSED, CTR_FTP_PARSE, CTR_FTP_PARTIAL, PF2_NO_SEQ, PKT_FLAGS2, PKT_PAYLOAD_LEN,
  PKT_PAYLOAD_PTR, PKT_SEQ,
} from '../../shared/layout';
import { ctFlags, timeoutMs } from '../clock';
import * as core from '../core';
import { DIR_ORIGINAL, IP_CT_ESTABLISHED, IP_CT_ESTABLISHED_REPLY } from '../ctinfo';
import { attachedExt, extOf } from '../entries';
import { expectRegister } from '../expect';
import { helperOf } from '../fields';
import { PROTO_TCP, replyDst, replySrc } from '../tuple';
import { rememberLineStart, startsLine } from './ftp-lines';
import {
  FOUND_ARGUMENT, FOUND_MALFORMED, FOUND_PARTIAL, findFtpArgument, foundAddr, foundPort,
} from './ftp-parse';

const NEWLINE: u8 = 10;
// nf_conntrack_ftp's expectation policy: one outstanding expectation per control connection.
const FTP_MAX_EXPECTED: i32 = 1;

/** Source address of the conntrack's tuple in direction `dir` (ct->tuplehash[dir].tuple.src). */
function sourceOf(ct: usize, dir: i32): u32 {
  return dir == DIR_ORIGINAL ? load<u32>(ct, CT_ORIG_SRC) : replySrc(ct);
}

function destinationOf(ct: usize, dir: i32): u32 {
  return dir == DIR_ORIGINAL ? load<u32>(ct, CT_ORIG_DST) : replyDst(ct);
}

/** The helper's verdict "drop" (runHelper's caller notes CTN_HELPER_DROP). */
function dropPacket(reason: u32): bool {
  core.reason = reason;
  return false;
}

/**
 * Registers "the other side connects to the announcer": the expected connection runs from the
 * peer (any source port) to `announced`:foundPort (NETFILTER.md §4.8 point 7). `dir` is the
 * direction of the announcing packet; the expectation is in the opposite one.
 */
function expectDataConnection(ct: usize, dir: i32, announced: u32): bool {
  const other = 1 - dir;
  return expectRegister(
    ct, sourceOf(ct, other), 0xffffffff, announced, foundPort, 0, 0, PROTO_TCP,
    helperOf(ct), FTP_MAX_EXPECTED, timeoutMs(CTO_FTP_EXPECT),
  );
}

/**
 * Acts on an argument found at a line start: false = the expectation was refused. An address other
 * than the announcer's own (PORT bounce, a DMZ host opening holes to third parties) gives no
 * expectation unless the helper's `loose` parameter is on (§4.8 point 6).
 */
function actOnArgument(ct: usize, dir: i32): bool {
  let target = destinationOf(ct, 1 - dir);
  if (foundAddr != sourceOf(ct, dir)) {
    if ((ctFlags() & CTF_FTP_LOOSE) == 0) return true;
    target = foundAddr;
  }
  return expectDataConnection(ct, dir, target);
}

/**
 * nf_conntrack_ftp's help(): returns false when the packet must be dropped (core.reason says why).
 * Only packets of a connection that has seen both directions (ESTABLISHED / ESTABLISHED_REPLY)
 * and that carry payload are read (§4.8 point 1).
 */
export function ftpHelp(ct: usize, rec: usize, dir: i32, ctinfo: i32): bool {
  if (ctinfo != IP_CT_ESTABLISHED && ctinfo != IP_CT_ESTABLISHED_REPLY) return true;
  const len = load<u32>(rec, PKT_PAYLOAD_LEN);
  const data = <usize>load<u32>(rec, PKT_PAYLOAD_PTR);
  // A record that gives a payload length but no bytes (a LOG line) has nothing to read.
  if (len == 0 || data == 0) return true;

  const seq = load<u32>(rec, PKT_SEQ);
  let accepted = true;
  // Without sequence numbers (PF2_NO_SEQ) line starts cannot be known: every segment is taken as
  // starting a line, like the kernel's pickup flag for conntracks injected from userspace.
  const aligned = (load<u8>(rec, PKT_FLAGS2) & PF2_NO_SEQ) != 0 || startsLine(attachedExt(ct), dir, seq);
  if (aligned) {
    const found = findFtpArgument(data, len, dir == DIR_ORIGINAL, sourceOf(ct, dir));
    // These drops leave the line bookkeeping as it was (the kernel's "goto out").
    if (found == FOUND_PARTIAL) return dropPacket(CTR_FTP_PARTIAL);
    if (found == FOUND_MALFORMED) return dropPacket(CTR_FTP_PARSE);
    if (found == FOUND_ARGUMENT && !actOnArgument(ct, dir)) accepted = dropPacket(CTR_EXPECT_REFUSED);
  }
  // A refused expectation still records the line end: only the parse drops skip it.
  if (load<u8>(data + <usize>(len - 1)) == NEWLINE) {
    const ext = extOf(ct, true);
    if (ext != 0) rememberLineStart(ext, dir, seq + len);
  }
  return accepted;
}
