// limit, hashlimit, recent: rates kept like the kernel (xt_limit: 1/10000 s per packet;
// hashlimit revision 3: microseconds), printed back by print_rate, and the stateful instructions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compiled, listed, refusal, saved } from './match-support.js';

test('limit: rate units, default rate and burst, print_rate picks the unit', () => {
  assert.is(saved('-m limit'), '-m limit --limit 3/hour');
  assert.is(saved('-m limit --limit 2/minute --limit-burst 3'), '-m limit --limit 2/min --limit-burst 3');
  assert.is(saved('-m limit --limit 100'), '-m limit --limit 100/sec');
  assert.is(saved('-m limit --limit 7/h'), '-m limit --limit 7/hour');
  assert.is(saved('-m limit --limit 60/minute'), '-m limit --limit 1/sec');
  assert.is(listed('-m limit --limit 3/m'), 'limit: avg 3/min burst 5');
});

test('limit: interval in 1/10000 s, burst, one state block per rule', () => {
  const c = compiled('-m limit --limit 1000/hour --limit-burst 10');
  assert.equal(c.ops, ['LIMIT 0 36000 10']);
  assert.equal(c.alloc, [24]);
  assert.equal(compiled('-m limit --limit 3/min').ops, ['LIMIT 0 200000 5']);
});

test('limit: refusals', () => {
  assert.match(refusal('-m limit --limit 0/sec'), /bad rate/);
  assert.match(refusal('-m limit --limit 5/week'), /bad rate/);
  assert.match(refusal('-m limit --limit 20000/sec'), /Rate too fast/);
  assert.match(refusal('-m limit --limit-burst 10001'), /out of range/);
  assert.match(refusal('-m limit --limit-burst 0'), /Overflow/);
  assert.match(refusal('-m limit ! --limit 1/sec'), /cannot be inverted/);
});

test('hashlimit: save and -L texts', () => {
  assert.is(saved('-m hashlimit --hashlimit 1/sec --hashlimit-name x'), '-m hashlimit --hashlimit-upto 1/sec --hashlimit-burst 5 --hashlimit-name x');
  const ssh = '-m hashlimit --hashlimit-above 10/min --hashlimit-mode dstport,srcip --hashlimit-srcmask 24 --hashlimit-name ssh';
  assert.is(saved(ssh), '-m hashlimit --hashlimit-above 10/min --hashlimit-burst 5 --hashlimit-mode srcip,dstport --hashlimit-name ssh --hashlimit-srcmask 24');
  assert.is(listed(ssh), 'limit: above 10/min burst 5 mode srcip-dstport srcmask 24');
  assert.is(saved('-m hashlimit ! --hashlimit-upto 5/sec --hashlimit-name y --hashlimit-htable-expire 1000'), '-m hashlimit --hashlimit-above 5/sec --hashlimit-burst 5 --hashlimit-name y');
  assert.is(saved('-m hashlimit --hashlimit-upto 5/min --hashlimit-name y --hashlimit-htable-expire 1000'), '-m hashlimit --hashlimit-upto 5/min --hashlimit-burst 5 --hashlimit-name y --hashlimit-htable-expire 1000');
});

test('hashlimit: packet rates compile to 1/10000 s, mode bits, expiry, shared table per name', () => {
  const c = compiled('-m hashlimit --hashlimit-above 10/min --hashlimit-mode srcip,dstport --hashlimit-srcmask 24 --hashlimit-name ssh');
  // HL_SRCIP 1 | HL_DSTPORT 8 | HL_ABOVE 16; 10/min = 6 s = 60000; expiry = the minute
  assert.equal(c.ops, ['HASHLIMIT 1000 25 24 32 60000 5 60000 65536']);
  assert.equal(c.shared, [['hashlimit:ssh:65536', 16 + 65536 * 40]]);
  const small = compiled('-m hashlimit --hashlimit-upto 2/sec --hashlimit-burst 3 --hashlimit-htable-max 100 --hashlimit-mode dstip --hashlimit-name t');
  assert.equal(small.ops, ['HASHLIMIT 1000 4 32 32 5000 3 1000 100']);
});

test('hashlimit: byte rates', () => {
  const spec = '-m hashlimit --hashlimit-upto 4kb/s --hashlimit-burst 400kb --hashlimit-name b';
  assert.is(saved(spec), spec);
  assert.is(listed(spec), 'limit: up to 4kb/s burst 400kb');
  // HL_BYTES 32: 4096 bytes/s, bucket = one second plus 100 more (400 KiB / 4 KiB), 60 s expiry
  assert.equal(compiled(spec).ops, [`HASHLIMIT 1000 32 32 32 4096 ${4096 * 101} 60000 65536`]);
  // 1 MiB/s = 65536 chunks/s, cost 0xffffffff / 65537 = 65535 exactly, which maps back to 1 MiB;
  // no burst: a one-second bucket and the 15 s byte-rate expiry
  assert.equal(compiled('-m hashlimit --hashlimit-upto 1mb/s --hashlimit-name c').ops, ['HASHLIMIT 1000 32 32 32 1048576 1048576 15000 65536']);
});

test('hashlimit: refusals and warnings', () => {
  assert.match(refusal('-m hashlimit --hashlimit-upto 1/sec'), /"--hashlimit-name" must be specified/);
  assert.match(refusal('-m hashlimit --hashlimit-name x'), /You have to specify --hashlimit/);
  assert.match(refusal('-m hashlimit --hashlimit-upto 1/sec --hashlimit-above 1/sec --hashlimit-name x'), /exclude each other/);
  assert.match(refusal('-m hashlimit --hashlimit-upto 1/sec --hashlimit-mode srcip,port --hashlimit-name x'), /--hashlimit-mode/);
  assert.match(refusal('-m hashlimit --hashlimit-upto 1/sec --hashlimit-burst 1000001 --hashlimit-name x'), /out of range/);
  assert.match(refusal('-m hashlimit --hashlimit-upto 1mb/s --hashlimit-burst 1kb --hashlimit-name x'), /burst cannot be smaller/);
  assert.match(refusal('-m hashlimit --hashlimit-upto 1/sec --hashlimit-srcmask 33 --hashlimit-name x'), /prefix length/);
  assert.is(saved('-m hashlimit --hashlimit-upto 1/sec --hashlimit-name abcdefghijklmnopq'), '-m hashlimit --hashlimit-upto 1/sec --hashlimit-burst 5 --hashlimit-name abcdefghijklmno');
  const fast = compiled('-m hashlimit --hashlimit-upto 1000000/sec --hashlimit-name f');
  assert.equal(fast.ops, ['HASHLIMIT 1000 0 32 32 1 5 1000 65536']);
  assert.match(fast.warnings[0], /10000/);
});

test('recent: save fills in the defaults; -L wording', () => {
  assert.is(saved('-m recent --name SSH --set'), '-m recent --set --name SSH --mask 255.255.255.255 --rsource');
  const upd = '-m recent --rdest --update --seconds 60 --hitcount 4 --rttl --name SSH';
  assert.is(saved(upd), '-m recent --update --seconds 60 --hitcount 4 --rttl --name SSH --mask 255.255.255.255 --rdest');
  assert.is(listed(upd), 'recent: UPDATE seconds: 60 hit_count: 4 TTL-Match name: SSH side: dest mask: 255.255.255.255');
  assert.is(listed('-m recent ! --rcheck --mask 255.255.255.0'), '! recent: CHECK name: DEFAULT side: source mask: 255.255.255.0');
});

test('recent: one list per name, shared by rules; command, flags, seconds, hitcount, mask', () => {
  const c = compiled('-m recent --rdest --update --seconds 60 --reap --hitcount 4 --rttl --name SSH --mask 255.255.0.0');
  // RECENT_UPDATE 3; RF_RDEST 1 | RF_RTTL 2 | RF_REAP 4
  assert.equal(c.ops, [`RECENT 1000 3 7 60 4 ${0xffff0000}`]);
  assert.equal(c.shared, [['recent:SSH', 16 + 100 * (16 + 20 * 8)]]); // ip_list_tot 100, ip_pkt_list_tot 20
  assert.equal(compiled('-m recent ! --set').ops, [`!RECENT 1000 1 0 0 0 ${0xffffffff}`]);
  assert.match(compiled('-m recent --rcheck --hitcount 30').warnings[0], /20 hits/);
});

test('recent: refusals (userspace and the kernel checkentry)', () => {
  assert.match(refusal('-m recent --name x'), /you must specify one of/);
  assert.match(refusal('-m recent --set --rcheck'), /cannot be used together/);
  assert.match(refusal('-m recent --set --rttl'), /--rttl/);
  assert.match(refusal('-m recent --set --seconds 10'), /only go with --rcheck or --update/);
  assert.match(refusal('-m recent --rcheck --reap'), /--reap" needs "--seconds"/);
  assert.match(refusal('-m recent --rcheck --hitcount 256'), /larger than allowed maximum \(255\)/);
  assert.match(refusal('-m recent --rcheck --seconds 0'), /out of range/);
  assert.match(refusal('-m recent --rcheck --name a/b'), /invalid list name/);
});

test.run();
