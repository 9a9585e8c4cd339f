// The `nfwasm trace` one-liner: a packet written the way tcpdump prints it.
//   PROTO SRC[:PORT] > DST[:PORT] [FLAGS | ICMP-TYPE] [in IF] [out IF] [local] [KEYWORD VALUE]...
// e.g. `tcp 198.51.100.7:41327 > 203.0.113.10:21 syn in eth0`. Without `in` the packet is
// locally generated (enters at OUTPUT). Grammar and keywords: docs/packet-records.md.
import { portNumber, protoNumber } from '../ruleset/names.js';
import { interfaceNameOf } from '../host/ifname.js';
import { PROTO_ICMP, PROTO_TCP, PacketFieldError, completePacket, hasPorts, type PacketDraft, type PacketField } from './complete.js';
import { icmpCodeOf, icmpName, icmpTypeOf } from './icmp-names.js';
import { tcpFlagsOf } from './tcp-flags.js';
import { tcpOptionKindOf, wscaleOf } from './tcp-options.js';
import { checksumBadOf } from './json.js';
import type { PacketInput } from './types.js';
import {
  U16, U32, U8, ValueError, ctstateOf, didYouMean, integerIn, ipv4Of, macOf, pktTypeOf, timestampOf,
} from './values.js';

/** A one-liner that could not be read; `word` is the word that was not understood, if any. */
export class TraceSpecError extends Error {
  readonly word?: string;
  constructor(message: string, word?: string) {
    super(`trace spec: ${message}`);
    this.name = 'TraceSpecError';
    this.word = word;
  }
}

type KeywordReader = (value: string, d: PacketDraft) => void;

interface Keyword {
  names: string[];
  field: PacketField;
  read: KeywordReader;
}

const utf8 = new TextEncoder();

const KEYWORDS: readonly Keyword[] = [
  { names: ['in'], field: 'inIface', read: (v, d) => { d.inIface = interfaceNameOf(v); } },
  { names: ['out'], field: 'outIface', read: (v, d) => { d.outIface = interfaceNameOf(v); } },
  { names: ['len', 'length'], field: 'length', read: (v, d) => { d.length = integerIn(v, 0, U16, 'an IP total length'); } },
  { names: ['ttl'], field: 'ttl', read: (v, d) => { d.ttl = integerIn(v, 0, U8, 'a TTL'); } },
  { names: ['tos'], field: 'tos', read: (v, d) => { d.tos = integerIn(v, 0, U8, 'a TOS byte'); } },
  { names: ['id'], field: 'ipId', read: (v, d) => { d.ipId = integerIn(v, 0, U16, 'an IP identification'); } },
  { names: ['frag', 'frag-offset'], field: 'fragOffset', read: (v, d) => { d.fragOffset = integerIn(v, 0, 0x1fff, 'a fragment offset in 8-byte units'); } },
  { names: ['mark'], field: 'mark', read: (v, d) => { d.mark = integerIn(v, 0, U32, 'a mark'); } },
  { names: ['ctmark'], field: 'ctmark', read: (v, d) => { d.ctmark = integerIn(v, 0, U32, 'a connection mark'); } },
  { names: ['state', 'ctstate'], field: 'ctstate', read: (v, d) => { d.ctstate = ctstateOf(v); } },
  { names: ['flags'], field: 'tcpFlags', read: (v, d) => { d.tcpFlags = tcpFlagsOf(v); } },
  { names: ['seq'], field: 'seq', read: (v, d) => { d.seq = integerIn(v, 0, U32, 'a TCP sequence number'); } },
  { names: ['ack'], field: 'ack', read: (v, d) => { d.ack = integerIn(v, 0, U32, 'a TCP acknowledgement number'); } },
  { names: ['win', 'window'], field: 'window', read: (v, d) => { d.window = integerIn(v, 0, U16, 'a TCP window'); } },
  { names: ['options', 'tcp-options'], field: 'tcpOptions', read: (v, d) => { d.tcpOptions = v.split(',').map(tcpOptionKindOf); } },
  {
    names: ['type', 'icmp-type'], field: 'icmpType', read: (v, d) => {
      const t = icmpTypeOf(v);
      d.icmpType = t.type;
      if (t.code !== undefined) d.icmpCode = t.code;
    },
  },
  { names: ['code', 'icmp-code'], field: 'icmpCode', read: (v, d) => { d.icmpCode = icmpCodeOf(v, d.icmpType); } },
  { names: ['icmp-id'], field: 'icmpId', read: (v, d) => { d.icmpId = integerIn(v, 0, U16, 'an ICMP identifier'); } },
  { names: ['icmp-seq'], field: 'icmpSeq', read: (v, d) => { d.icmpSeq = integerIn(v, 0, U16, 'an ICMP sequence number'); } },
  { names: ['uid'], field: 'uid', read: (v, d) => { d.uid = integerIn(v, 0, U32, 'a user id'); } },
  { names: ['gid'], field: 'gid', read: (v, d) => { d.gid = integerIn(v, 0, U32, 'a group id'); } },
  { names: ['ts', 'at'], field: 'ts', read: (v, d) => { d.ts = timestampOf(v); } },
  { names: ['pkttype'], field: 'pktType', read: (v, d) => { d.pktType = pktTypeOf(v); } },
  { names: ['mac-src'], field: 'srcMac', read: (v, d) => { d.srcMac = macOf(v); } },
  { names: ['mac-dst'], field: 'dstMac', read: (v, d) => { d.dstMac = macOf(v); } },
  { names: ['payload'], field: 'payload', read: (v, d) => { d.payload = utf8.encode(v); } },
  { names: ['checksum'], field: 'checksumBad', read: (v, d) => { d.checksumBad = checksumBadOf(v); } },
  { names: ['wscale'], field: 'tcpWscale', read: (v, d) => { d.tcpWscale = wscaleOf(v); } },
];

const SWITCHES: Readonly<Record<string, (d: PacketDraft) => void>> = {
  local: (d) => { d.localOut = true; },
  mf: (d) => { d.moreFragments = true; },
  df: (d) => { d.dontFragment = true; },
  sackok: (d) => { d.tcpSackPerm = true; },
};

const KEYWORD_BY_NAME = new Map<string, Keyword>();
for (const k of KEYWORDS) for (const name of k.names) KEYWORD_BY_NAME.set(name, k);
const ALL_WORDS = [...KEYWORD_BY_NAME.keys(), ...Object.keys(SWITCHES)];

/** Words separated by blanks; '>' stands alone even when glued; "..." or '...' keep blanks (payload text). */
function tokenize(text: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|>|[^\s>"']+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) words.push(m[1] ?? m[2] ?? m[0]);
  return words;
}

const USAGE = 'PROTO SRC[:PORT] > DST[:PORT] [flags or ICMP type] [in IF] [out IF] [local] [len N] [ttl N] [mark N] [state S] ...';

function endpoint(word: string | undefined, proto: number, side: string): { addr: number; port?: number } {
  if (word === undefined) throw new TraceSpecError(`the ${side} address is missing (${USAGE})`);
  const colon = word.lastIndexOf(':');
  const addrText = colon < 0 ? word : word.slice(0, colon);
  const addr = (() => {
    try {
      return ipv4Of(addrText);
    } catch {
      throw new TraceSpecError(`"${addrText}" is not an IPv4 ${side} address`, word);
    }
  })();
  if (colon < 0) return { addr };
  if (!hasPorts(proto)) throw new TraceSpecError(`"${word}": protocol ${proto} has no ports`, word);
  const port = portNumber(word.slice(colon + 1));
  if (port === undefined) throw new TraceSpecError(`"${word.slice(colon + 1)}" is not a port (0..65535 or a service name)`, word);
  return { addr, port };
}

/** A trace one-liner → a complete packet; throws TraceSpecError naming the word not understood. */
export function parseTraceSpec(text: string): PacketInput {
  const words = tokenize(text);
  if (words.length === 0) throw new TraceSpecError(`empty; expected ${USAGE}`);
  const protoWord = words[0]!;
  const proto = /^(all|ip)$/i.test(protoWord) ? undefined : protoNumber(protoWord);
  if (proto === undefined) throw new TraceSpecError(`"${protoWord}" is not a protocol (tcp, udp, icmp, a name or a number); expected ${USAGE}`, protoWord);

  const source = endpoint(words[1], proto, 'source');
  if (words[2] !== '>') throw new TraceSpecError(`expected ">" after the source, found ${words[2] === undefined ? 'nothing' : `"${words[2]}"`}`, words[2]);
  const destination = endpoint(words[3], proto, 'destination');
  const d: PacketDraft = { proto, src: source.addr, dst: destination.addr, sport: source.port, dport: destination.port };
  const seen = new Set<string>();

  for (let i = 4; i < words.length; i++) {
    const word = words[i]!;
    const lower = word.toLowerCase();
    // "ack" is both the flag and the keyword of the acknowledgement number: a number follows the keyword
    const ackFlag = lower === 'ack' && !/^(0x[0-9a-f]+|\d+)$/i.test(words[i + 1] ?? '');
    const keyword = ackFlag ? undefined : KEYWORD_BY_NAME.get(lower);
    const once = (what: string) => {
      if (seen.has(what)) throw new TraceSpecError(`"${word}" given twice`, word);
      seen.add(what);
    };
    if (keyword) {
      once(keyword.field);
      const value = words[++i];
      if (value === undefined) throw new TraceSpecError(`"${word}" needs a value`, word);
      try {
        keyword.read(value, d);
      } catch (e) {
        if (e instanceof ValueError) throw new TraceSpecError(`${word} ${value}: ${e.message}`, value);
        throw e;
      }
    } else if (SWITCHES[lower]) {
      once(lower);
      SWITCHES[lower]!(d);
    } else if (proto === PROTO_TCP && bareTcpFlags(word) !== undefined) {
      once('tcpFlags');
      d.tcpFlags = bareTcpFlags(word);
    } else if (proto === PROTO_ICMP && icmpName(word)) {
      once('icmpType');
      const named = icmpName(word)!;
      d.icmpType = named.type;
      if (named.code !== undefined) d.icmpCode = named.code;
    } else {
      throw new TraceSpecError(`"${word}" not understood${didYouMean(lower, ALL_WORDS)}; words after the addresses: ${proto === PROTO_TCP ? 'TCP flags (syn, syn,ack, S.), ' : ''}${proto === PROTO_ICMP ? 'an ICMP type (echo-request), ' : ''}${ALL_WORDS.join(', ')}`, word);
    }
  }

  try {
    return completePacket(d);
  } catch (e) {
    if (e instanceof PacketFieldError) throw new TraceSpecError(completionMessage(e));
    throw e;
  }
}

function bareTcpFlags(word: string): number | undefined {
  try {
    return tcpFlagsOf(word);
  } catch {
    return undefined;
  }
}

/** completePacket speaks of record fields; say it in the one-liner's words. */
function completionMessage(e: PacketFieldError): string {
  switch (e.field) {
    case 'sport':
    case 'dport':
      return `ports are required for this protocol: write SRC:PORT > DST:PORT`;
    case 'tcpFlags':
      return `TCP flags are required, e.g. syn, syn,ack, ack, fin,ack, rst (or tcpdump's S, S., ., F., R)`;
    case 'icmpType':
      return `an ICMP type is required, e.g. echo-request, echo-reply, port-unreachable, or "type 3 code 1"`;
    case 'inIface':
      return `"in" and "local" exclude each other: a packet either arrives on an interface or is generated here`;
    default: {
      const keyword = KEYWORDS.find((k) => k.field === e.field)?.names[0] ?? e.field;
      return e.message.startsWith('is ') ? `"${keyword}" ${e.message}` : `${keyword}: ${e.message}`;
    }
  }
}
