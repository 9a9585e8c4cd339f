// What the build runs `nfwasm classify` on to record the CLI's code cache (scripts/bundle-cli.mjs,
// src/node/launcher.ts): a ruleset with the common matches and a chain long enough for a
// classifier, and a small pcap of TCP, UDP and ICMP frames, so that the parser, compiler, engine
// set-up and the fused capture path have all run once. Only which functions run matters here.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function trainingRules() {
  const lines = [
    '*raw', ':PREROUTING ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', '-A PREROUTING -p tcp --dport 21 -j CT --helper ftp', 'COMMIT',
    '*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]',
    '-A INPUT -i lo -j ACCEPT',
    '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    '-A INPUT -m state --state INVALID -j DROP',
    '-A INPUT -p icmp --icmp-type echo-request -m limit --limit 5/second -j ACCEPT',
    '-A INPUT -p tcp -m multiport --dports 22,80,443 -m conntrack --ctstate NEW -j ACCEPT',
    '-A INPUT -p udp --dport 53 -j ACCEPT',
    '-A INPUT -j LOG --log-prefix "in-drop: "',
    '-A INPUT -p tcp -j REJECT --reject-with tcp-reset',
    '-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    '-A FORWARD -m conntrack --ctstate INVALID -j DROP',
  ];
  for (let i = 0; i < 64; i++) lines.push(`-A FORWARD -d 10.0.${i >> 4}.${i + 1}/32 -p tcp -m tcp --dport ${[80, 443, 21, 25][i % 4]} -m conntrack --ctstate NEW -j ACCEPT`);
  lines.push('-A FORWARD -s 192.0.2.0/24 -p udp -m udp --sport 1024:65535 -j ACCEPT', 'COMMIT');
  return lines.join('\n') + '\n';
}

/** IPv4 frames on Ethernet: [src, dst, protocol, source port or ICMP type, destination port]. */
const FRAMES = [
  ['192.0.2.7', '10.0.0.1', 6, 40000, 80],
  ['10.0.0.1', '192.0.2.7', 6, 80, 40000],
  ['192.0.2.7', '10.0.0.3', 6, 40001, 21],
  ['192.0.2.8', '10.0.0.9', 17, 5353, 53],
  ['192.0.2.8', '198.51.100.1', 1, 8, 0],
  ['192.0.2.9', '198.51.100.1', 6, 40002, 22],
];

function ipv4(text) {
  return text.split('.').map(Number);
}

function frame([src, dst, proto, a, b]) {
  const l4 = proto === 6 ? 20 : 8;
  const bytes = new Uint8Array(14 + 20 + l4);
  const view = new DataView(bytes.buffer);
  bytes.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2], 0);
  view.setUint16(12, 0x0800);
  view.setUint8(14, 0x45);
  view.setUint16(16, 20 + l4);
  view.setUint8(22, 64);
  view.setUint8(23, proto);
  bytes.set(ipv4(src), 26);
  bytes.set(ipv4(dst), 30);
  let sum = 0;
  for (let i = 14; i < 34; i += 2) sum += view.getUint16(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  view.setUint16(24, ~sum & 0xffff);
  if (proto === 1) view.setUint8(34, a);
  else {
    view.setUint16(34, a);
    view.setUint16(36, b);
    if (proto === 6) {
      view.setUint8(46, 0x50);
      view.setUint8(47, 0x02); // SYN
      view.setUint16(48, 64240);
    } else view.setUint16(38, 8);
  }
  return bytes;
}

function trainingCapture() {
  const parts = [];
  const header = new DataView(new ArrayBuffer(24));
  header.setUint32(0, 0xa1b2c3d4, true);
  header.setUint16(4, 2, true);
  header.setUint16(6, 4, true);
  header.setUint32(16, 65535, true);
  header.setUint32(20, 1, true); // Ethernet
  parts.push(new Uint8Array(header.buffer));
  FRAMES.forEach((spec, i) => {
    const bytes = frame(spec);
    const record = new DataView(new ArrayBuffer(16));
    record.setUint32(0, 1700000000 + i, true);
    record.setUint32(8, bytes.length, true);
    record.setUint32(12, bytes.length, true);
    parts.push(new Uint8Array(record.buffer), bytes);
  });
  return Buffer.concat(parts);
}

/** Writes the training inputs into a fresh temporary directory; returns the classify arguments. */
export function writeTrainingInputs() {
  const dir = mkdtempSync(join(tmpdir(), 'nfwasm-code-cache-'));
  const rules = join(dir, 'rules');
  const capture = join(dir, 'capture.pcap');
  writeFileSync(rules, trainingRules());
  writeFileSync(capture, trainingCapture());
  return { dir, args: ['classify', capture, '--rules', rules, '--format', 'msgpack', '--records', '/dev/null', '--quiet'] };
}
