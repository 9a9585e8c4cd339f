// The UDP tracker's checks (NETFILTER.md §4.5, §4.3 checksums): a datagram without a checksum (0)
// is fine and NEW; a wrong checksum, or a length field longer than the datagram, is INVALID and
// dropped by the INVALID rule, leaving no entry — so the server's answer to it is NEW from the
// server side and dropped too.
import type { ConformanceCase } from '../../conformance/case.js';
import { text } from '../../conformance/frames.js';
import { client, server, Traffic } from '../../conformance/traffic.js';
import { TCP_STATE_RULES } from './tcp-window.case.js';

export default {
  name: 'udp-invalid',
  about: 'UDP checksum 0 valid (NEW); wrong checksum or overlong length field INVALID, no entry, answer NEW from the server',
  rules: TCP_STATE_RULES,
  traffic: () => {
    const t = new Traffic();
    for (const [port, odd] of [[53401, 'no-checksum'], [53402, 'bad-checksum'], [53403, 'long-length']] as const) {
      t.udpDatagram('client', client(port), server(53), text('query'), odd);
      t.udpDatagram('server', server(53), client(port), text('answer'));
    }
    return t;
  },
} satisfies ConformanceCase;
