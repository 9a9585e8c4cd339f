// state, conntrack, helper, mark, connmark: save/-L text from libxt_conntrack.c conntrack_dump and
// friends, and the kernel tests they compile to (xt_conntrack.c conntrack_mt: a packet without a
// conntrack fails every test except the state test).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compiled, FD, listed, refusal, saved } from './match-support.js';

// CTSTATE_* bits: INVALID 1, ESTABLISHED 2, RELATED 4, NEW 8, UNTRACKED 16, SNAT 32, DNAT 64
const HAS_CONNTRACK = `ANYBIT ${FD.CTSTATE} 14`;

test('state: RELATED is printed before ESTABLISHED; prefixes and any case accepted', () => {
  assert.is(saved('-m state --state ESTABLISHED,RELATED -j ACCEPT'), '-m state --state RELATED,ESTABLISHED -j ACCEPT');
  assert.is(saved('-m state --state est,n'), '-m state --state NEW,ESTABLISHED');
  assert.is(saved('-m state ! --state INVALID,UNTRACKED'), '-m state ! --state INVALID,UNTRACKED');
  assert.is(listed('-m state ! --state NEW'), '! state NEW');
  assert.match(refusal('-m state --state NEW,'), /requires a list of states/);
  assert.match(refusal('-m state --state SNAT'), /Bad state "SNAT"/);
  assert.match(refusal('-m state'), /"--state" must be specified/);
});

test('state: one ANYBIT over the state bits', () => {
  assert.equal(compiled('-m state --state RELATED,ESTABLISHED').ops, [`ANYBIT ${FD.CTSTATE} 6`]);
  assert.equal(compiled('-m state ! --state NEW').ops, [`!ANYBIT ${FD.CTSTATE} 8`]);
});

test('conntrack: canonical order and forms', () => {
  assert.is(
    saved('-m conntrack --ctdir reply --ctstatus ASSURED,EXPECTED --ctorigdstport http --ctorigdst 10.1.2.3/8 --ctproto udp --ctstate DNAT,NEW'),
    '-m conntrack --ctstate NEW,DNAT --ctproto 17 --ctorigdst 10.1.2.3/8 --ctorigdstport 80 --ctstatus EXPECTED,ASSURED --ctdir REPLY',
  );
  assert.is(saved('-m conntrack ! --ctstatus NONE ! --ctexpire 10:20'), '-m conntrack ! --ctstatus NONE ! --ctexpire 10:20');
  assert.is(saved('-m conntrack --ctreplsrc 192.0.2.1/32 --ctrepldstport :1023'), '-m conntrack --ctreplsrc 192.0.2.1 --ctrepldstport 0:1023');
});

test('conntrack: -L -n text', () => {
  assert.is(listed('-m conntrack --ctstate RELATED,ESTABLISHED'), 'ctstate RELATED,ESTABLISHED');
  assert.is(
    listed('-m conntrack ! --ctstate INVALID --ctorigsrc 10.0.0.0/8 --ctexpire 5 --ctdir ORIGINAL'),
    '! ctstate INVALID ctorigsrc 10.0.0.0/8 ctexpire 5 ctdir ORIGINAL',
  );
});

test('conntrack: refusals', () => {
  assert.match(refusal('-m conntrack'), /At least one option is required/);
  assert.match(refusal('-m conntrack --ctstate NEW --ctstate INVALID'), /may only be specified once/);
  assert.match(refusal('-m conntrack --ctstatus SEEN_REPLIES'), /Bad ctstatus "SEEN_REPLIES"/);
  assert.is(saved('-m conntrack --ctstatus seen'), '-m conntrack --ctstatus SEEN_REPLY');
  assert.match(refusal('-m conntrack --ctdir BOTH'), /--ctdir/);
  assert.match(refusal('-m conntrack --ctorigsrc 10.0.0.0/255.0.0.0'), /bad prefix length/);
  assert.match(refusal('-m conntrack --ctexpire 9:1'), /invalid range/);
});

test('conntrack: state alone needs no conntrack; every other test does', () => {
  assert.equal(compiled('-m conntrack --ctstate NEW,UNTRACKED').ops, [`ANYBIT ${FD.CTSTATE} 24`]);
  assert.equal(compiled('-m conntrack --ctstate NEW,RELATED --ctorigdst 10.1.2.3/8 --ctorigdstport 80 --ctdir REPLY').ops, [
    `ANYBIT ${FD.CTSTATE} 12`,
    `RANGE ${FD.CTDIR} 1 1`,
    `MASKEQ ${FD.CT_ORIG_DST} ${0xff000000} ${0x0a000000}`,
    `RANGE ${FD.CT_ORIG_DPORT} 80 80`,
  ]);
  assert.equal(compiled('-m conntrack --ctproto tcp ! --ctstatus ASSURED --ctexpire 0:60').ops, [
    HAS_CONNTRACK, `RANGE ${FD.CTPROTO} 6 6`, `!ANYBIT ${FD.CTSTATUS} 4`, `RANGE ${FD.CTEXPIRE} 0 60`,
  ]);
});

test('conntrack: a packet without conntrack that passes --ctstate skips the other tests', () => {
  // only INVALID/UNTRACKED pass: the kernel returns true right after the state test
  assert.equal(compiled('-m conntrack --ctstate INVALID --ctproto tcp').ops, [`ANYBIT ${FD.CTSTATE} 1`]);
  // both kinds pass: not expressible with AND-only instructions; the packets without conntrack
  // are held to the other tests, with a warning
  const mixed = compiled('-m conntrack ! --ctstate ESTABLISHED --ctstatus ASSURED');
  assert.equal(mixed.ops, [`!ANYBIT ${FD.CTSTATE} 2`, HAS_CONNTRACK, `ANYBIT ${FD.CTSTATUS} 4`]);
  assert.match(mixed.warnings[0], /INVALID\/UNTRACKED/);
});

test('helper: ftp (and names ftp is a prefix of) test the master helper; others never match', () => {
  assert.is(saved('-m helper --helper ftp'), '-m helper --helper ftp');
  assert.is(saved('-m helper ! --helper "ftp 2"'), '-m helper ! --helper "ftp 2"');
  assert.is(listed('-m helper ! --helper ftp'), 'helper match ! "ftp"');
  assert.equal(compiled('-m helper --helper ftp').ops, [`RANGE ${FD.HELPER} 1 1`]);
  assert.equal(compiled('-m helper --helper ftp-21').ops, [`RANGE ${FD.HELPER} 1 1`]);
  assert.equal(compiled('-m helper --helper ""').ops, [`RANGE ${FD.HELPER} 1 255`]);
  const sip = compiled('-m helper --helper sip');
  assert.equal(sip.ops, ['FAIL']);
  assert.match(sip.warnings[0], /not simulated/);
  assert.equal(compiled('-m helper ! --helper sip').ops, []);
  assert.match(refusal('-m helper'), /"--helper" must be specified/);
});

test('mark: value[/mask] in hex, mask left out when all ones', () => {
  assert.is(saved('-m mark --mark 10'), '-m mark --mark 0xa');
  assert.is(saved('-m mark ! --mark 0x1/0xff'), '-m mark ! --mark 0x1/0xff');
  assert.is(listed('-m mark ! --mark 0x1/0xff'), 'mark match ! 0x1/0xff');
  assert.equal(compiled('-m mark --mark 0x10/0xf0').ops, [`MASKEQ ${FD.MARK} 240 16`]);
  assert.equal(compiled('-m mark ! --mark 5').ops, [`!MASKEQ ${FD.MARK} ${0xffffffff} 5`]);
  assert.match(refusal('-m mark --mark 0x1/'), /bad mask/);
});

test('connmark: like mark on the conntrack mark, which a packet without conntrack lacks', () => {
  assert.is(saved('-m connmark --mark 0x1/0x1'), '-m connmark --mark 0x1/0x1');
  assert.is(listed('-m connmark --mark 7'), 'connmark match  0x7');
  assert.is(listed('-m connmark ! --mark 0x220/0x220'), 'connmark match ! 0x220/0x220');
  assert.equal(compiled('-m connmark ! --mark 1').ops, [HAS_CONNTRACK, `!MASKEQ ${FD.CTMARK} ${0xffffffff} 1`]);
});

test.run();
