// Every -m match nfwasm implements. Matches users meet but nfwasm does not evaluate (set,
// physdev, policy, time, string, ...) are absent on purpose: the registry reports them as
// unsupported.
import type { MatchModule } from '../module.js';
import { addrtypeMatch } from './addrtype.js';
import { commentMatch } from './comment.js';
import { connmarkMatch } from './connmark.js';
import { conntrackMatch } from './conntrack.js';
import { dscpMatch } from './dscp.js';
import { hashlimitMatch } from './hashlimit.js';
import { helperMatch } from './helper.js';
import { icmpMatch } from './icmp.js';
import { iprangeMatch } from './iprange.js';
import { lengthMatch } from './length.js';
import { limitMatch } from './limit.js';
import { macMatch } from './mac.js';
import { markMatch } from './mark.js';
import { multiportMatch } from './multiport.js';
import { ownerMatch } from './owner.js';
import { pkttypeMatch } from './pkttype.js';
import { recentMatch } from './recent.js';
import { stateMatch } from './state.js';
import { tcpMatch } from './tcp.js';
import { tosMatch } from './tos.js';
import { ttlMatch } from './ttl.js';
import { udpMatch } from './udp.js';

export const MATCH_MODULES: MatchModule[] = [
  tcpMatch, udpMatch, icmpMatch, multiportMatch, stateMatch, conntrackMatch, iprangeMatch, macMatch,
  commentMatch, markMatch, connmarkMatch, lengthMatch, ttlMatch, pkttypeMatch, addrtypeMatch, helperMatch,
  limitMatch, hashlimitMatch, recentMatch, ownerMatch, tosMatch, dscpMatch,
];
