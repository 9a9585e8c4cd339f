// The progress line: its formatting, and that it stays silent off a terminal and in short runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatBytes, formatDuration, formatProgress, ProgressMeter } from '../src/node/progress.js';

test('bytes, durations', () => {
  assert.is(formatBytes(512), '512 B');
  assert.is(formatBytes(1536), '1.5 KiB');
  assert.is(formatBytes(2 * 1024 ** 3), '2.0 GiB');
  assert.is(formatDuration(42), '0:42');
  assert.is(formatDuration(3725), '1:02:05');
});

test('a file of known size: bar, percent, bytes, rate, ETA', () => {
  const line = formatProgress({ bytes: 512 * 1024 ** 2, totalBytes: 2 * 1024 ** 3, packets: 2_000_000, elapsedMs: 10_000 });
  // A quarter read in 10 s: 30 s left; 2M packets in 10 s.
  assert.is(line, '[#####...............] 25%  512.0 MiB / 2.0 GiB  2000000 packets  200.0 kpkt/s  ETA 0:30');
});

test('no size known (stdin, lines): packets, rate, elapsed', () => {
  assert.is(formatProgress({ packets: 3_000_000, elapsedMs: 2000 }), '3000000 packets  1.50 Mpkt/s  elapsed 0:02');
});

test('drawn only on a terminal, after a second, and erased at the end', () => {
  let now = 0;
  const written: string[] = [];
  const tty = { isTTY: true, write: (s: string) => written.push(s) };
  const meter = new ProgressMeter(tty, 1000, () => now);
  now = 500;
  meter.update(10, 100);
  assert.is(written.length, 0, 'not within the first second');
  now = 1500;
  meter.update(20, 500);
  assert.is(written.length, 1);
  assert.match(written[0], /^\r\[##########\.{10}\] 50% .*\x1b\[K$/);
  now = 1600;
  meter.update(21, 510);
  assert.is(written.length, 1, 'redrawn at most 4 times a second');
  meter.done();
  assert.is(written[written.length - 1], '\r\x1b[K');

  const pipe = { isTTY: false, write: (s: string) => written.push(s) };
  const silent = new ProgressMeter(pipe, 1000, () => now);
  now = 10_000;
  silent.update(1, 1);
  silent.done();
  assert.is(written.length, 2, 'nothing on a pipe');
});

test.run();
