// Names the engine reports for the core's numbers (assembly/shared/layout.ts).
import {
  CTSTATE_ESTABLISHED, CTSTATE_INVALID, CTSTATE_NEW, CTSTATE_RELATED, CTSTATE_UNTRACKED, HELPER_FTP,
  REJ_ICMP_ADMIN_PROHIBITED, REJ_ICMP_ECHOREPLY, REJ_ICMP_HOST_PROHIBITED, REJ_ICMP_HOST_UNREACHABLE,
  REJ_ICMP_NET_PROHIBITED, REJ_ICMP_NET_UNREACHABLE, REJ_ICMP_PORT_UNREACHABLE,
  REJ_ICMP_PROT_UNREACHABLE, REJ_TCP_RESET, V_ACCEPT, V_DEFRAG, V_DROP, V_NOROUTE, V_NOT_FORWARDED, V_QUEUE, V_TTL_EXCEEDED,
  V_REJECT,
} from '../../assembly/shared/layout.js';

/** DEFRAG: a fragment held for reassembly (docs/fragments.md). */
export type Verdict = 'ACCEPT' | 'DROP' | 'REJECT' | 'NOROUTE' | 'NOT_FORWARDED' | 'QUEUE' | 'DEFRAG' | 'TTL_EXCEEDED';
export type HookName = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';
export type PathName = 'INPUT' | 'FORWARD' | 'OUTPUT';
export type CtStateName = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID' | 'UNTRACKED';

/** Indexed by HOOK_*. */
export const HOOK_NAMES: readonly HookName[] = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];

export const VERDICT_NAMES: Readonly<Record<number, Verdict>> = {
  [V_ACCEPT]: 'ACCEPT',
  [V_DROP]: 'DROP',
  [V_REJECT]: 'REJECT',
  [V_NOROUTE]: 'NOROUTE',
  [V_NOT_FORWARDED]: 'NOT_FORWARDED',
  [V_QUEUE]: 'QUEUE',
  [V_DEFRAG]: 'DEFRAG',
  [V_TTL_EXCEEDED]: 'TTL_EXCEEDED',
};

/** --reject-with names as iptables prints them. */
export const REJECT_NAMES: Readonly<Record<number, string>> = {
  [REJ_ICMP_NET_UNREACHABLE]: 'icmp-net-unreachable',
  [REJ_ICMP_HOST_UNREACHABLE]: 'icmp-host-unreachable',
  [REJ_ICMP_PROT_UNREACHABLE]: 'icmp-proto-unreachable',
  [REJ_ICMP_PORT_UNREACHABLE]: 'icmp-port-unreachable',
  [REJ_ICMP_ECHOREPLY]: 'icmp-echo-reply',
  [REJ_ICMP_NET_PROHIBITED]: 'icmp-net-prohibited',
  [REJ_ICMP_HOST_PROHIBITED]: 'icmp-host-prohibited',
  [REJ_TCP_RESET]: 'tcp-reset',
  [REJ_ICMP_ADMIN_PROHIBITED]: 'icmp-admin-prohibited',
};

export const HELPER_NAMES: Readonly<Record<number, string>> = { [HELPER_FTP]: 'ftp' };

/** The state/conntrack match's view of a CTSTATE_* bit set. */
export function ctstateName(bits: number): CtStateName {
  if (bits & CTSTATE_UNTRACKED) return 'UNTRACKED';
  if (bits & CTSTATE_INVALID) return 'INVALID';
  if (bits & CTSTATE_RELATED) return 'RELATED';
  if (bits & CTSTATE_ESTABLISHED) return 'ESTABLISHED';
  if (bits & CTSTATE_NEW) return 'NEW';
  return 'INVALID';
}
