// The TCP option bytes --log-tcp-options prints ("OPT (020405B40402080A...)"), read into what a
// packet record keeps: the kinds present (what `-p tcp --tcp-option N` tests), the window-scale
// shift and SACK-permitted (what conntrack's window tracking reads from a SYN).

export interface TcpOptionSummary {
  /** Each kind once, in the order it first appears. */
  kinds: number[];
  /** Window-scale shift, when a well-formed option (kind 3, length 3) is there. */
  wscale?: number;
  /** A well-formed SACK-permitted option (kind 4, length 2) is there. */
  sackPermitted: boolean;
}

const EOL = 0;
const NOP = 1;
const WSCALE = 3;
const SACK_PERM = 4;

/**
 * Walks the options as xt_tcp's option match (tcp_find_option) does: EOL and NOP are one byte,
 * every other option says its own length (0 counts as 1), and the walk goes on past EOL to the
 * end of the header. Malformed options (a real packet may have them) are walked the same way.
 */
export function summarizeTcpOptions(bytes: Uint8Array): TcpOptionSummary {
  const kinds: number[] = [];
  const summary: TcpOptionSummary = { kinds, sackPermitted: false };
  let i = 0;
  while (i < bytes.length) {
    const kind = bytes[i]!;
    if (!kinds.includes(kind)) kinds.push(kind);
    if (kind === EOL || kind === NOP) {
      i++;
      continue;
    }
    const length = bytes[i + 1];
    if (kind === WSCALE && length === 3 && i + 2 < bytes.length) summary.wscale = bytes[i + 2];
    if (kind === SACK_PERM && length === 2) summary.sackPermitted = true;
    i += length || 1;
  }
  return summary;
}
