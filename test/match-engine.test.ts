// The match modules end to end: rules text -> parser -> compiler -> WASM core, one packet at a
// time, on the assumed single-homed host (every arriving packet goes to INPUT). Which rule
// decides is worked out by hand from the kernel's match functions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Engine } from '../src/engine/engine.js';
import { defaultHostModel } from '../src/host/default.js';
import { encodePackets } from '../src/packets/encode.js';
import type { PacketInput } from '../src/packets/types.js';
import { parseRuleset } from '../src/ruleset/load.js';
import { parseIPv4 } from '../src/ruleset/names.js';

const RULES = `*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p tcp -m multiport --dports 80,443,8000:8080 -j ACCEPT
-A INPUT -p tcp --dport 22 --tcp-flags SYN,ACK SYN -m limit --limit 1/min --limit-burst 2 -j ACCEPT
-A INPUT -p icmp --icmp-type echo-request -j ACCEPT
-A INPUT -p udp --dport 53 -m iprange --src-range 10.0.0.1-10.0.0.9 -j ACCEPT
-A INPUT -m mark --mark 0x7/0xf -j ACCEPT
-A INPUT -m ttl --ttl-lt 2 -m length --length 0:100 -j ACCEPT
-A INPUT -p tcp -m recent --name seen --rcheck --seconds 10 -j ACCEPT
-A INPUT -p tcp --dport 9 -m recent --name seen --set
COMMIT
`;

type Spec = Partial<Omit<PacketInput, 'src' | 'dst'>> & { src?: string; dst?: string };

function pkt(spec: Spec): PacketInput {
  const { src, dst, ...rest } = spec;
  return {
    ts: 1000, localOut: false, inIface: 'eth0', src: parseIPv4(src ?? '192.0.2.1')!, dst: parseIPv4(dst ?? '198.51.100.1')!,
    proto: 6, length: 60, ttl: 64, tos: 0, fragOffset: 0, moreFragments: false, dontFragment: false,
    sport: 40000, dport: 22, tcpFlags: 2, mark: 0, ...rest,
  };
}

async function decide(specs: Spec[]): Promise<string[]> {
  const engine = await Engine.create(parseRuleset(RULES, { filename: 'e2e.rules' }), defaultHostModel());
  const packets = specs.map(pkt);
  return engine.classify(encodePackets(packets), packets.length).map((r) => r.decidedBy ?? r.verdict);
}

test('multiport, tcp flags + limit burst, icmp type, iprange, mark mask', async () => {
  assert.equal(
    await decide([
      { dport: 443 },
      { dport: 8080 },
      { dport: 8081 },
      { dport: 22, ts: 1000.0 },
      { dport: 22, ts: 1000.1 },
      { dport: 22, ts: 1000.2 }, // third SYN within the burst of 2: over the limit
      { dport: 22, tcpFlags: 0x12 }, // SYN/ACK is not --tcp-flags SYN,ACK SYN
      { proto: 1, icmpType: 8, icmpCode: 0, sport: undefined, dport: undefined, tcpFlags: undefined },
      { proto: 1, icmpType: 0, icmpCode: 0, sport: undefined, dport: undefined, tcpFlags: undefined },
      { proto: 17, dport: 53, src: '10.0.0.5', tcpFlags: undefined },
      { proto: 17, dport: 53, src: '10.0.0.10', tcpFlags: undefined },
      { dport: 1, mark: 0x17 },
      { dport: 1, mark: 0x18 },
    ]),
    [
      'filter:INPUT:1', 'filter:INPUT:1', 'filter:INPUT:policy',
      'filter:INPUT:2', 'filter:INPUT:2', 'filter:INPUT:policy', 'filter:INPUT:policy',
      'filter:INPUT:3', 'filter:INPUT:policy',
      'filter:INPUT:4', 'filter:INPUT:policy',
      'filter:INPUT:5', 'filter:INPUT:policy',
    ],
  );
});

test('L4 matches never match a non-first fragment; ttl and length do', async () => {
  assert.equal(
    await decide([
      { dport: 443, fragOffset: 10 },
      { dport: 443, fragOffset: 10, ttl: 1, length: 80 },
      { dport: 1, ttl: 1, length: 101 },
    ]),
    ['filter:INPUT:policy', 'filter:INPUT:6', 'filter:INPUT:policy'],
  );
});

test('recent: --set by one rule, --rcheck --seconds by another, per source address', async () => {
  assert.equal(
    await decide([
      { dport: 1, ts: 1000 }, // not yet in the list
      { dport: 9, ts: 1001 }, // --set (rule 8 has no target: counted, continues to the policy)
      { dport: 1, ts: 1005 }, // seen 4 s ago
      { dport: 1, ts: 1005, src: '192.0.2.2' }, // another source
      { dport: 1, ts: 1012 }, // 11 s after the --set
    ]),
    ['filter:INPUT:policy', 'filter:INPUT:policy', 'filter:INPUT:7', 'filter:INPUT:policy', 'filter:INPUT:policy'],
  );
});

test.run();
