// Which ICMP messages conntrack follows (NETFILTER.md §4.5): timestamp and address-mask requests
// create connections like echo does (the timestamp reply is ESTABLISHED); a repeated echo request
// before any reply is still NEW; a message that is neither a request, a reply to a known request
// nor an error (router advertisement, type 9) and any type above 18 are INVALID.
import type { ConformanceCase } from '../../conformance/case.js';
import { icmp, PROTO_ICMP } from '../../conformance/frames.js';
import { host, Traffic } from '../../conformance/traffic.js';
import { TCP_STATE_RULES } from './tcp-window.case.js';

const client = host('client').addr;
const server = host('server').addr;
/** Originate, receive and transmit timestamps: 12 bytes after the id/sequence word. */
const TIMESTAMPS = new Uint8Array(12);

export default {
  name: 'icmp-types',
  about: 'timestamp and address-mask requests NEW, timestamp reply ESTABLISHED, repeated echo request NEW, router advertisement and type 30 INVALID',
  rules: TCP_STATE_RULES,
  traffic: () =>
    new Traffic()
      .ip('client', client, server, PROTO_ICMP, icmp(13, 0, 0x0777_0001, TIMESTAMPS))
      .ip('server', server, client, PROTO_ICMP, icmp(14, 0, 0x0777_0001, TIMESTAMPS))
      .ip('client', client, server, PROTO_ICMP, icmp(17, 0, 0x0778_0001, new Uint8Array(4)))
      .ping(host('client'), host('server'), { id: 0x0779, seq: 1, answered: false })
      .ping(host('client'), host('server'), { id: 0x0779, seq: 1 })
      .ip('client', client, server, PROTO_ICMP, icmp(9, 0, 0x0100_0708, new Uint8Array(8)))
      .ip('client', client, server, PROTO_ICMP, icmp(30, 0, 0x0001_0000, new Uint8Array(12))),
} satisfies ConformanceCase;
