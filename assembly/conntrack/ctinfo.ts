// The kernel's ctinfo values (enum ip_conntrack_info), directions and protocol-tracker results,
// shared by the core, the trackers and the helpers (NETFILTER.md §4.3).

export const IP_CT_ESTABLISHED = 0;
export const IP_CT_RELATED = 1;
export const IP_CT_NEW = 2;
export const IP_CT_ESTABLISHED_REPLY = 3;
export const IP_CT_RELATED_REPLY = 4;

export const DIR_ORIGINAL = 0;
export const DIR_REPLY = 1;

/** The packet is INVALID: its conntrack is detached and the table is unchanged for it. */
export const TRK_INVALID = 0;
export const TRK_ACCEPT = 1;
/** Accepted with the conntrack attached, its state unchanged (TCP "ignore"). */
export const TRK_IGNORE = 2;
/** The old entry is deleted and the packet looked up again as new (TCP reopen). */
export const TRK_REPEAT = 3;
