// The match code interpreter (assembly/shared/layout.ts "Match code"): a rule's `-m` matches are
// a run of instructions; the rule matches when all pass, the first failure ends it (§4.2).
import {
  AT_DST, AT_DST_INV, AT_LIMIT_IN, AT_LIMIT_OUT, AT_SRC, AT_SRC_INV, INS_INVERT, OP_ADDRTYPE,
  OP_ANYBIT, OP_FAIL, OP_HASHLIMIT, OP_ICMP, OP_IPRANGE, OP_L4HDR, OP_LIMIT, OP_MAC, OP_MASKEQ,
  OP_OWNER, OP_PORTS, OP_RANGE, OP_RECENT, OP_TCPOPT, PF_HAS_MAC, PF_L4, PKT_DPORT, PKT_DST,
  PKT_FLAGS, PKT_ICMP_CODE, PKT_ICMP_TYPE, PKT_SPORT, PKT_SRC, PKT_SRCMAC, PKT_TCPOPT,
} from '../shared/layout';
import { addressType } from '../route/addrtype';
import { codeBase, stateBase } from './config';
import { isLaterFragment } from './entry-match';
import { hashlimitMatch } from './hashlimit';
import { limitMatch } from './limit';
import { MATCH_FAIL, MATCH_HOTDROP, MATCH_PASS } from './match-result';
import { ownerMatch } from './owner';
import * as packet from './packet';
import { recentMatch } from './recent';

/** A field descriptor (FD_*): byte offset in the record | width << 16. */
@inline function readField(rec: usize, fd: u32): u32 {
  const at = rec + <usize>(fd & 0xffff);
  const width = fd >>> 16;
  if (width == 1) return <u32>load<u8>(at);
  if (width == 2) return <u32>load<u16>(at);
  return load<u32>(at);
}

@inline function operand(ins: usize, i: i32): u32 {
  return load<u32>(ins + (<usize>i << 2));
}

function portsMatch(rec: usize, ins: usize): bool {
  const mode = operand(ins, 1);
  const n = <i32>operand(ins, 2);
  const sport = <u32>load<u16>(rec, PKT_SPORT);
  const dport = <u32>load<u16>(rec, PKT_DPORT);
  for (let i = 0; i < n; i++) {
    const range = operand(ins, 3 + i);
    const lo = range >>> 16;
    const hi = range & 0xffff;
    if (mode != 1 && sport >= lo && sport <= hi) return true;
    if (mode != 0 && dport >= lo && dport <= hi) return true;
  }
  return false;
}

function tcpOptionPresent(rec: usize, kind: u32): bool {
  return (<u32>load<u8>(rec + PKT_TCPOPT + <usize>(kind >> 3)) >> (kind & 7)) & 1 ? true : false;
}

function macMatch(rec: usize, hi32: u32, lo16: u32): bool {
  const mac = rec + PKT_SRCMAC;
  const first = (<u32>load<u8>(mac) << 24) | (<u32>load<u8>(mac, 1) << 16) | (<u32>load<u8>(mac, 2) << 8) | <u32>load<u8>(mac, 3);
  const last = (<u32>load<u8>(mac, 4) << 8) | <u32>load<u8>(mac, 5);
  return first == hi32 && last == lo16;
}

function icmpMatch(rec: usize, type: u32, codeLo: u32, codeHi: u32): bool {
  if (type == 0xff) return true; // "any"
  const code = <u32>load<u8>(rec, PKT_ICMP_CODE);
  return <u32>load<u8>(rec, PKT_ICMP_TYPE) == type && code >= codeLo && code <= codeHi;
}

/** xt_addrtype v1: the source test, then the destination test, each with its own `!`. */
function addrtypeMatch(rec: usize, mode: u32, srcTypes: u32, dstTypes: u32): bool {
  let dev: usize = 0;
  if (mode & AT_LIMIT_IN) dev = packet.inName;
  else if (mode & AT_LIMIT_OUT) dev = packet.outName;
  if (dev == packet.NO_IFACE) dev = 0; // no device in this hook: no restriction
  if ((mode & AT_SRC) != 0 && ((addressType(load<u32>(rec, PKT_SRC), dev) & srcTypes) != 0) == ((mode & AT_SRC_INV) != 0)) return false;
  if ((mode & AT_DST) != 0 && ((addressType(load<u32>(rec, PKT_DST), dev) & dstTypes) != 0) == ((mode & AT_DST_INV) != 0)) return false;
  return true;
}

/** Runs `len` words of code from word `off`: MATCH_PASS, MATCH_FAIL or MATCH_HOTDROP. */
export function runMatchCode(off: u32, len: u32): i32 {
  const rec = packet.record;
  let ins = codeBase + (<usize>off << 2);
  const end = ins + (<usize>len << 2);
  while (ins < end) {
    const header = load<u32>(ins);
    const invert = (header & INS_INVERT) != 0;
    let pass: bool;
    switch (header & 0xff) {
      case OP_RANGE:
      case OP_IPRANGE: {
        const v = readField(rec, operand(ins, 1));
        pass = (v >= operand(ins, 2) && v <= operand(ins, 3)) != invert;
        break;
      }
      case OP_MASKEQ: {
        pass = ((readField(rec, operand(ins, 1)) & operand(ins, 2)) == operand(ins, 3)) != invert;
        break;
      }
      case OP_ANYBIT: {
        pass = ((readField(rec, operand(ins, 1)) & operand(ins, 2)) != 0) != invert;
        break;
      }
      case OP_L4HDR: {
        // Never inverted: a later fragment or a missing header fails even `! --dport` (§4.2).
        pass = (load<u8>(rec, PKT_FLAGS) & PF_L4) != 0 && !isLaterFragment(rec);
        break;
      }
      case OP_PORTS: {
        pass = portsMatch(rec, ins) != invert;
        break;
      }
      case OP_TCPOPT: {
        pass = tcpOptionPresent(rec, operand(ins, 1)) != invert;
        break;
      }
      case OP_MAC: {
        // mac_mt: no link-layer header -> no match, whatever the `!`
        pass = (load<u8>(rec, PKT_FLAGS) & PF_HAS_MAC) != 0 && macMatch(rec, operand(ins, 1), operand(ins, 2)) != invert;
        break;
      }
      case OP_ADDRTYPE: {
        pass = addrtypeMatch(rec, operand(ins, 1), operand(ins, 2), operand(ins, 3));
        break;
      }
      case OP_ICMP: {
        pass = icmpMatch(rec, operand(ins, 1), operand(ins, 2), operand(ins, 3)) != invert;
        break;
      }
      case OP_LIMIT: {
        pass = limitMatch(stateBase + <usize>operand(ins, 1), operand(ins, 2), operand(ins, 3), packet.timestamp) != invert;
        break;
      }
      case OP_RECENT: {
        pass = recentMatch(
          stateBase + <usize>operand(ins, 1), operand(ins, 2), operand(ins, 3), operand(ins, 4), operand(ins, 5),
          operand(ins, 6), invert,
        );
        break;
      }
      case OP_HASHLIMIT: {
        const r = hashlimitMatch(
          stateBase + <usize>operand(ins, 1), operand(ins, 2), operand(ins, 3), operand(ins, 4), operand(ins, 5),
          operand(ins, 6), operand(ins, 7), operand(ins, 8),
        );
        if (r == MATCH_HOTDROP) return MATCH_HOTDROP;
        pass = (r == MATCH_PASS) != invert;
        break;
      }
      case OP_OWNER: {
        pass = ownerMatch(operand(ins, 1), operand(ins, 2), operand(ins, 3), operand(ins, 4), operand(ins, 5));
        break;
      }
      case OP_FAIL: {
        pass = false;
        break;
      }
      default: {
        pass = false; // unknown opcode: the compiler never emits one
      }
    }
    const words = header >>> 16;
    if (!pass || words == 0) return MATCH_FAIL;
    ins += <usize>words << 2;
  }
  return MATCH_PASS;
}
