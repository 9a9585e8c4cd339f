// Memory stays bounded whatever the capture size: a ~2 GB pcap, generated here in chunks, is
// classified through the streaming API while the resident set size is sampled. Slow (about a
// minute or more), so skipped unless NFWASM_BIG=1 (`npm run test:big`); NFWASM_BIG_BYTES sets
// the size.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { classifyFileBatches } from '../src/node/stream.js';
import { ethernet, ip, ipv4, pcapFile, tcp, type PcapPacket } from './capture-support.js';
import { example, tempDir } from './classify-support.js';

const BIG = process.env.NFWASM_BIG === '1';
const TARGET_BYTES = Number(process.env.NFWASM_BIG_BYTES ?? 2 * 1024 ** 3);
const RSS_LIMIT = 400 * 1024 ** 2;
const FRAMES_PER_CHUNK = 1024;
const PCAP_HEADER = 24;

/** 1024 frames of about 1 kB, TCP to port 21 from as many source ports. */
function chunk(): Uint8Array {
  const packets: PcapPacket[] = [];
  for (let i = 0; i < FRAMES_PER_CHUNK; i++) {
    const src = ip('192.168.30.50');
    const dst = ip('192.168.30.203');
    const segment = tcp({ src, dst, sport: 20000 + i, dport: 21, flags: 0x10, seq: 1, ack: 1, payload: new Uint8Array(940) });
    packets.push({ ts: 1700000000 + i, data: ethernet(ipv4({ src, dst, proto: 6, payload: segment })) });
  }
  return pcapFile({ linkType: 1, packets });
}

function writeBigCapture(path: string): number {
  const file = chunk();
  const body = file.subarray(PCAP_HEADER);
  const fd = openSync(path, 'w');
  let frames = 0;
  try {
    writeSync(fd, file.subarray(0, PCAP_HEADER));
    for (let bytes = PCAP_HEADER; bytes < TARGET_BYTES; bytes += body.length) {
      writeSync(fd, body);
      frames += FRAMES_PER_CHUNK;
    }
  } finally {
    closeSync(fd);
  }
  return frames;
}

test(BIG ? `a ${(TARGET_BYTES / 1024 ** 3).toFixed(1)} GiB capture: one record per frame, RSS under ${RSS_LIMIT / 1024 ** 2} MiB` : 'big capture (skipped: NFWASM_BIG=1 to run)', async () => {
  if (!BIG) return;
  const path = join(tempDir(), 'big.pcap');
  try {
    const frames = writeBigCapture(path);
    let records = 0;
    let peak = 0;
    let lastN = 0;
    for await (const batch of classifyFileBatches(path, { rules: example('rules.sh'), host: example('host.json'), in: 'eth0' })) {
      records += batch.records.length;
      lastN = batch.records[batch.records.length - 1].n;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    assert.is(records, frames);
    assert.is(lastN, frames);
    assert.ok(peak < RSS_LIMIT, `peak RSS ${(peak / 1024 ** 2).toFixed(0)} MiB`);
    console.log(`  ${frames} frames, peak RSS ${(peak / 1024 ** 2).toFixed(0)} MiB`);
  } finally {
    rmSync(path, { force: true });
  }
});

test.run();
