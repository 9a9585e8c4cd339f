// The conformance harness's own parts that need no kernel: the traffic generator's bytes (read
// back by nfwasm's capture parser), the pcapng writer/reader pair, and the comparisons.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { parseHostModel } from '../../src/host/load.js';
import { readCaptureFile } from '../../src/node/capture-file.js';
import { routerHostModel } from '../../conformance/lab.js';
import { parseRuleset } from '../../src/ruleset/load.js';
import { readPcapng } from '../../conformance/capture-files.js';
import { compareConntrack } from '../../conformance/compare-conntrack.js';
import { compareCounters } from '../../conformance/compare-counters.js';
import { compareVerdicts } from '../../conformance/compare-verdicts.js';
import { internetChecksum } from '../../conformance/frames.js';
import { ipv4Of } from '../../conformance/packet-view.js';
import { host, Traffic } from '../../conformance/traffic.js';
import type { OutputRecord } from '../../src/output/record.js';

const session = () => new Traffic().tcpSession(host('client', 40000), host('server', 80)).udpExchange(host('client', 5000), host('server', 53)).ping(host('client'), host('server'));

test('every generated packet has a valid IPv4 header checksum and L4 checksum', () => {
  for (const frame of session().frames) {
    const p = ipv4Of(frame.bytes)!;
    assert.is(internetChecksum(p.ip.subarray(0, 20)), 0);
    const l4 = p.ip.subarray(20);
    if (p.proto === 1) assert.is(internetChecksum(l4), 0);
    else {
      const pseudo = new Uint8Array([...p.ip.subarray(12, 20), 0, p.proto, l4.length >> 8, l4.length & 255]);
      assert.is(internetChecksum(pseudo, l4), 0, 'pseudo-header checksum');
    }
  }
});

test('TCP session: each ACK acknowledges the bytes the other side sent', () => {
  const tcp = session().frames.map((f) => ipv4Of(f.bytes)!).filter((p) => p.proto === 6).map((p) => {
    const v = new DataView(p.ip.buffer, p.ip.byteOffset + 20);
    return { seq: v.getUint32(4), ack: v.getUint32(8), flags: p.ip[33], len: p.ip.length - 40 };
  });
  assert.is(tcp.length, 10);
  const [syn, synack, ack] = tcp;
  assert.is(synack.ack, syn.seq + 1);
  assert.is(ack.ack, synack.seq + 1);
  const request = tcp[3];
  assert.ok(request.len > 0);
  assert.is(tcp[4].ack, request.seq + request.len);
  const lastAck = tcp[9];
  assert.is(lastAck.ack, tcp[8].seq + 1, 'the final ACK acknowledges the server FIN');
});

test('pcapng: nfwasm takes eth0/eth1 from the file as in-interfaces and passes every frame (checksums good)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nfwc-test-'));
  try {
    const traffic = session();
    const file = join(dir, 't.pcapng');
    writeFileSync(file, traffic.toPcapng());
    const back = readPcapng(traffic.toPcapng());
    assert.equal(back.interfaces, ['eth0', 'eth1']);
    assert.is(back.frames.length, traffic.frames.length);
    // conntrack on with INVALID dropped first: a bad checksum would show as a drop.
    const rules = parseRuleset(`*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate INVALID -j DROP
-A FORWARD -i eth0 -o eth1 -j ACCEPT
-A FORWARD -i eth1 -o eth0 -j ACCEPT
COMMIT
`);
    const engine = await Engine.create(rules, parseHostModel(JSON.stringify(routerHostModel())));
    for await (const batch of readCaptureFile(file)) engine.classify(batch.records, batch.count, batch.payloads);
    const forward = engine.countersInto().tables[0].chains.find((c) => c.name === 'FORWARD')!;
    const fromClient = traffic.frames.filter((f) => f.side === 'client').length;
    assert.equal(forward.rules.map((r) => Number(r.counters.packets)), [0, fromClient, traffic.frames.length - fromClient]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const RULES = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [3:120]
:OUTPUT ACCEPT [0:0]
-A FORWARD -p tcp -j ACCEPT
COMMIT
`;

test('counter comparison: same counters agree; a different rule counter is named by position', () => {
  const a = parseRuleset(RULES.replace('-A FORWARD', '[2:80] -A FORWARD'));
  assert.is(compareCounters(a, parseRuleset(RULES.replace('-A FORWARD', '[2:80] -A FORWARD'))).divergences.length, 0);
  const d = compareCounters(a, parseRuleset(RULES.replace('-A FORWARD', '[5:80] -A FORWARD'))).divergences;
  assert.is(d.length, 1);
  assert.is(d[0].where, 'filter:FORWARD:1');
  assert.is(d[0].nfwasm?.packets, 5n);
});

test('verdict comparison: a packet the kernel did not pass on is the first divergence', () => {
  const traffic = new Traffic().udpExchange(host('client', 1), host('server', 2));
  const [request, answer] = traffic.frames;
  const forwardedCopy = Uint8Array.from(request.bytes);
  forwardedCopy[14 + 8]--; // TTL, as the router lowers it
  const records = [{ n: 1, verdict: 'ACCEPT', path: 'FORWARD' }, { n: 2, verdict: 'ACCEPT', path: 'FORWARD' }] as OutputRecord[];
  const result = compareVerdicts(traffic.frames, records, { server: [forwardedCopy], client: [] });
  assert.is(result.packets[0].kernel, 'forwarded');
  assert.is(result.packets[1].kernel, 'not forwarded');
  assert.is(result.firstDivergence, 1);
  assert.ok(answer);
});

test('conntrack comparison ignores timeouts and order, not content', () => {
  const kernel = 'udp      17 28 src=1.2.3.4 dst=5.6.7.8 sport=1 dport=2 src=5.6.7.8 dst=1.2.3.4 sport=2 dport=1 mark=0 use=1\n';
  const nfwasm = '# conntrack -L\nudp      17 30 src=1.2.3.4 dst=5.6.7.8 sport=1 dport=2 src=5.6.7.8 dst=1.2.3.4 sport=2 dport=1 mark=0 use=1\n';
  assert.equal(compareConntrack(kernel, nfwasm), { onlyKernel: [], onlyNfwasm: [] });
  const other = compareConntrack(kernel, nfwasm.replace('dport=2 src', 'dport=3 src'));
  assert.is(other.onlyKernel.length, 1);
  assert.is(other.onlyNfwasm.length, 1);
});

test.run();
