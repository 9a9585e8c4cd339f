// One table's chain for the current hook, walked like ip_tables.c ipt_do_table (NETFILTER.md
// §4.2): first matching entry counts (+1 packet, +IP length bytes) before its target runs;
// jumps push the return position, goto does not; RETURN with an empty stack goes to the built-in
// chain's policy ("underflow"). A chain with a classifier (E_CLASSIFIER, assembly/classify) skips
// straight to the next rule its tables do not rule out; that rule is then checked exactly, so the
// walk visits the same matching rules in the same order as a linear scan.
import {
  E_ARG0, E_CHAIN_TAIL, E_CLASSIFIER, E_CODE_LEN, E_CODE_OFF, E_FLAGS, E_TARGET, EF_TAIL, EV_POLICY, EV_RETURN,
  EV_RULE, PKT_IPLEN, RF_HOTDROP, RF_NAT_SKIPPED, RF_STACK_OVERFLOW, T_ACCEPT, T_CONTINUE, T_DROP,
  T_ERROR, T_GOTO, T_JUMP, T_LOG, T_NAT, T_NFLOG, T_QUEUE, T_REJECT, T_RETURN, T_TAIL_RETURN,
  TABLE_FILTER, V_DROP, V_QUEUE, V_REJECT,
} from '../shared/layout';
import { nextCandidate } from '../classify/next';
import { packetChanged } from '../classify/rows';
import { countersBase, entryAddress, hookStart, stackBase, stackDepth } from './config';
import { basicMatch } from './entry-match';
import { emitEvent } from './events';
import { runMatchCode } from './instructions';
import { MATCH_FAIL, MATCH_HOTDROP } from './match-result';
import * as packet from './packet';
import { applyPacketTarget } from './targets';

function count(entry: u32): void {
  const at = countersBase + (<usize>entry << 4);
  store<u64>(at, load<u64>(at) + 1);
  store<u64>(at, load<u64>(at, 8) + <u64>load<u16>(packet.record, PKT_IPLEN), 8);
}

/** The table let the packet go on (ACCEPT, a policy ACCEPT, or a skipped NAT target). */
function accepted(table: i32, entry: u32): bool {
  packet.decidedEntry = <i32>entry;
  packet.decidedTable = table;
  if (table == TABLE_FILTER) packet.filterAcceptEntry = <i32>entry;
  return true;
}

/** The packet ends here with `verdict`. */
function stopped(table: i32, entry: u32, verdict: u32): bool {
  packet.verdict = verdict;
  packet.decidedEntry = <i32>entry;
  packet.decidedTable = table;
  return false;
}

/**
 * Traverses `table` in the current hook. Returns true when the packet goes on to the next table
 * or hook, false when it ended (packet.verdict says how).
 */
export function runTable(table: i32): bool {
  const start = hookStart(table, packet.hook);
  if (start < 0) return true;
  const underflow = load<u32>(entryAddress(<u32>start), E_CHAIN_TAIL);
  let depth: u32 = 0;
  let at = <u32>start;
  // Another hook or table: devices and ctstate may differ from the last traversal's.
  packetChanged();
  while (true) {
    let e = entryAddress(at);
    const classifier = load<u32>(e, E_CLASSIFIER);
    if (classifier != 0) {
      at = nextCandidate(classifier, at);
      e = entryAddress(at);
    }
    const kind = load<u32>(e, E_TARGET);
    if ((load<u8>(e, E_FLAGS) & EF_TAIL) != 0) {
      if (kind == T_TAIL_RETURN) {
        // Falling off a user chain: reported, not counted (iptables shows no counter for it).
        emitEvent(EV_RETURN, at);
        at = depth == 0 ? underflow : load<u32>(stackBase + (<usize>(--depth) << 2));
        continue;
      }
      count(at);
      emitEvent(EV_POLICY, at);
      return load<u32>(e, E_ARG0) == T_ACCEPT ? accepted(table, at) : stopped(table, at, V_DROP);
    }

    if (!basicMatch(e)) {
      at++;
      continue;
    }
    const codeLen = load<u32>(e, E_CODE_LEN);
    if (codeLen != 0) {
      const r = runMatchCode(load<u32>(e, E_CODE_OFF), codeLen);
      if (r == MATCH_FAIL) {
        at++;
        continue;
      }
      if (r == MATCH_HOTDROP) {
        packet.flags |= RF_HOTDROP;
        return stopped(table, at, V_DROP);
      }
    }

    count(at);
    emitEvent(EV_RULE, at);
    switch (kind) {
      case T_CONTINUE:
      case T_LOG:
      case T_NFLOG: {
        at++;
        break;
      }
      case T_ACCEPT:
        return accepted(table, at);
      case T_DROP:
      case T_ERROR:
        return stopped(table, at, V_DROP);
      case T_REJECT: {
        packet.rejectKind = load<u32>(e, E_ARG0);
        return stopped(table, at, V_REJECT);
      }
      case T_QUEUE:
        return stopped(table, at, V_QUEUE);
      case T_NAT: {
        packet.flags |= RF_NAT_SKIPPED;
        return accepted(table, at);
      }
      case T_RETURN: {
        at = depth == 0 ? underflow : load<u32>(stackBase + (<usize>(--depth) << 2));
        break;
      }
      case T_JUMP: {
        const target = load<u32>(e, E_ARG0);
        // ipt_do_table pushes nothing when the chain is literally the next entry
        if (target != at + 1) {
          if (depth >= stackDepth) {
            packet.flags |= RF_STACK_OVERFLOW;
            return stopped(table, at, V_DROP);
          }
          store<u32>(stackBase + (<usize>depth << 2), at + 1);
          depth++;
        }
        at = target;
        break;
      }
      case T_GOTO: {
        at = load<u32>(e, E_ARG0);
        break;
      }
      default: {
        applyPacketTarget(kind, e);
        packetChanged();
        at++;
      }
    }
  }
  return true; // unreachable: every path above continues the loop or returns
}
