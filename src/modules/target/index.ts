// Every `-j` extension target nfwasm knows (the standard verdicts and chain jumps are the rule
// parser's). Order is irrelevant: the registry looks targets up by name.
import type { TargetModule } from '../module.js';
import { CHECKSUM } from './checksum.js';
import { CLASSIFY } from './classify.js';
import { CONNMARK } from './connmark.js';
import { CT, NOTRACK } from './ct.js';
import { DSCP } from './dscp.js';
import { LOG } from './log.js';
import { MARK } from './mark.js';
import { DNAT, MASQUERADE, REDIRECT, SNAT } from './nat.js';
import { NETMAP } from './netmap.js';
import { NFLOG } from './nflog.js';
import { NFQUEUE } from './nfqueue.js';
import { REJECT } from './reject.js';
import { TCPMSS } from './tcpmss.js';
import { TOS } from './tos.js';
import { TRACE } from './trace.js';
import { TTL } from './ttl.js';

export const TARGET_MODULES: TargetModule[] = [
  REJECT, LOG, NFLOG, MARK, CONNMARK, CT, NOTRACK, TRACE,
  DNAT, SNAT, MASQUERADE, REDIRECT, NETMAP,
  TCPMSS, CLASSIFY, DSCP, TOS, CHECKSUM, TTL, NFQUEUE,
];
