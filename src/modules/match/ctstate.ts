// Connection states as the state and conntrack matches name them, parse them and print them
// (libxt_conntrack.c), and the "has a conntrack" test both conntrack and connmark need.
import type { Emitter } from '../module.js';
import {
  CTSTATE_DNAT, CTSTATE_ESTABLISHED, CTSTATE_INVALID, CTSTATE_NEW, CTSTATE_RELATED, CTSTATE_SNAT,
  CTSTATE_UNTRACKED, FD_CTSTATE, OP_ANYBIT,
} from '../../../assembly/shared/layout.js';
import type { KeywordTable } from './keyword-list.js';

/** Parse order: what a prefix such as "E" or "N" resolves to first. */
export const STATE_KEYWORDS: KeywordTable = [
  ['INVALID', CTSTATE_INVALID], ['NEW', CTSTATE_NEW], ['ESTABLISHED', CTSTATE_ESTABLISHED],
  ['RELATED', CTSTATE_RELATED], ['UNTRACKED', CTSTATE_UNTRACKED],
];

export const CTSTATE_KEYWORDS: KeywordTable = [...STATE_KEYWORDS, ['SNAT', CTSTATE_SNAT], ['DNAT', CTSTATE_DNAT]];

/** Print order (print_state): RELATED before ESTABLISHED. */
export const CTSTATE_PRINT_ORDER: KeywordTable = [
  ['INVALID', CTSTATE_INVALID], ['NEW', CTSTATE_NEW], ['RELATED', CTSTATE_RELATED],
  ['ESTABLISHED', CTSTATE_ESTABLISHED], ['UNTRACKED', CTSTATE_UNTRACKED], ['SNAT', CTSTATE_SNAT],
  ['DNAT', CTSTATE_DNAT],
];

/**
 * Passes only when the packet has a conntrack: INVALID and UNTRACKED packets have none, and the
 * kernel's conntrack_mt / connmark_mt return false for them before looking at anything else
 * (NETFILTER.md §4.3).
 */
export function emitHasConntrack(em: Emitter): void {
  em.op(OP_ANYBIT, [FD_CTSTATE, CTSTATE_NEW | CTSTATE_ESTABLISHED | CTSTATE_RELATED]);
}
