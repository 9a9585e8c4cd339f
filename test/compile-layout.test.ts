// compileRuleset(): the entry table, code area, hook starts and bookkeeping the core relies on
// (assembly/shared/layout.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CFGF_ALL_LOCAL, CFGF_FORWARDING, CFGF_TABLE_PRESENT, E_ARG0, E_ARG1, E_CHAIN_TAIL, E_CODE_LEN,
  E_CODE_OFF, E_DMSK, E_DST, E_FLAGS, E_IN_MASK, E_IN_NAME, E_INVFLAGS, E_OUT_MASK, E_PROTO, E_SMSK,
  E_SRC, E_TABLE, E_TARGET, EF_FRAG, EF_TAIL, ENTRY_SIZE, HOOK_COUNT, HOOK_FORWARD, HOOK_INPUT,
  HOOK_OUTPUT, HOOK_PREROUTING, INS_INVERT, INV_DST, INV_FRAG, INV_IN, INV_OUT, INV_PROTO,
  LIMIT_STATE_SIZE, OP_LIMIT, OP_RANGE, RECENT_LIST_SIZE, T_ACCEPT, T_DROP, T_GOTO, T_JUMP, T_LOG,
  T_MARK, T_NAT, T_POLICY, T_TAIL_RETURN, TABLE_FILTER, TABLE_RAW,
} from '../assembly/shared/layout.js';
import { compileRuleset, interfaceNameAndMask } from '../src/compile/index.js';
import { UnsupportedError } from '../src/ruleset/errors.js';
import { defaultHostModel, ip, routerHost, rules, testRegistry, withOps } from './engine-support.js';

function entryView(entries: Uint8Array, index: number): DataView {
  return new DataView(entries.buffer, entries.byteOffset + index * ENTRY_SIZE, ENTRY_SIZE);
}

test('interface names compare the NUL after an exact name; "+" ends a prefix', () => {
  const exact = interfaceNameAndMask('eth0');
  assert.equal([...exact.mask.slice(0, 6)], [0xff, 0xff, 0xff, 0xff, 0xff, 0]);
  assert.equal([...exact.name.slice(0, 5)], [0x65, 0x74, 0x68, 0x30, 0]);
  const prefix = interfaceNameAndMask('eth+');
  assert.equal([...prefix.mask.slice(0, 4)], [0xff, 0xff, 0xff, 0]);
  assert.is(prefix.name[3], 0x2b, "the '+' stays in the name, masked out");
  assert.ok(interfaceNameAndMask('+').mask.every((b) => b === 0));
  assert.is(interfaceNameAndMask('abcdefghijklmno').mask.filter((b) => b === 0xff).length, 16);
  assert.throws(() => interfaceNameAndMask('abcdefghijklmnop'));
});

test('chains are laid out rules then tail; jumps and gotos resolve to the callee\'s first entry', () => {
  const rs = rules([
    '*filter', ':INPUT DROP [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':A - [0:0]', ':B - [0:0]',
    '-A INPUT -j A', '-A INPUT -g B', '-A A -j ACCEPT', 'COMMIT',
  ].join('\n'));
  const c = compileRuleset(rs, defaultHostModel());
  // INPUT: 2 rules + policy, FORWARD: policy, OUTPUT: policy, A: 1 rule + return, B: return
  assert.is(c.entryCount, 3 + 1 + 1 + 2 + 1);
  assert.equal(c.entryInfo.map((e) => `${e.chain}:${e.kind}:${e.n}`), [
    'INPUT:rule:1', 'INPUT:rule:2', 'INPUT:policy:3', 'FORWARD:policy:1', 'OUTPUT:policy:1', 'A:rule:1', 'A:return:2', 'B:return:1',
  ]);
  const jump = entryView(c.entries, 0);
  assert.is(jump.getUint32(E_TARGET, true), T_JUMP);
  assert.is(jump.getUint32(E_ARG0, true), 5);
  const goto = entryView(c.entries, 1);
  assert.is(goto.getUint32(E_TARGET, true), T_GOTO);
  assert.is(goto.getUint32(E_ARG0, true), 7);
  const policy = entryView(c.entries, 2);
  assert.is(policy.getUint8(E_FLAGS), EF_TAIL);
  assert.is(policy.getUint32(E_TARGET, true), T_POLICY);
  assert.is(policy.getUint32(E_ARG0, true), T_DROP);
  assert.is(entryView(c.entries, 3).getUint32(E_ARG0, true), T_ACCEPT);
  assert.is(entryView(c.entries, 6).getUint32(E_TARGET, true), T_TAIL_RETURN);
  assert.equal([0, 1, 2, 5, 6, 7].map((i) => entryView(c.entries, i).getUint32(E_CHAIN_TAIL, true)), [2, 2, 2, 6, 6, 7]);
  assert.is(entryView(c.entries, 5).getUint8(E_TABLE), TABLE_FILTER);
  assert.is(c.hookStarts[TABLE_FILTER * HOOK_COUNT + HOOK_INPUT], 0);
  assert.is(c.hookStarts[TABLE_FILTER * HOOK_COUNT + HOOK_FORWARD], 3);
  assert.is(c.hookStarts[TABLE_FILTER * HOOK_COUNT + HOOK_OUTPUT], 4);
  assert.is(c.hookStarts[TABLE_FILTER * HOOK_COUNT + HOOK_PREROUTING], -1);
  assert.is(c.hookStarts[TABLE_RAW * HOOK_COUNT + HOOK_PREROUTING], -1);
  assert.is(c.stackDepth, 3);
  // INPUT: (1 + A's 2) + (1 + B's 1) + policy = 6; FORWARD 1; OUTPUT 1
  assert.is(c.eventsPerPacketMax, 8);
  assert.is(c.chainStarts.get('filter:B'), 7);
});

test('the basic match: addresses, masks, inversions, protocol, -f', () => {
  const rs = rules([
    '-A INPUT -s 192.0.2.0/24 ! -d 10.0.0.1 ! -p udp -i eth0 ! -f -j ACCEPT',
    '-A FORWARD ! -o ppp+ -f -j DROP',
  ].join('\n'));
  const c = compileRuleset(rs, defaultHostModel());
  const e = entryView(c.entries, 0);
  assert.is(e.getUint32(E_SRC, true), ip('192.0.2.0'));
  assert.is(e.getUint32(E_SMSK, true), 0xffffff00);
  assert.is(e.getUint32(E_DST, true), ip('10.0.0.1'));
  assert.is(e.getUint32(E_DMSK, true), 0xffffffff);
  assert.is(e.getUint16(E_PROTO, true), 17);
  assert.is(e.getUint8(E_INVFLAGS), INV_DST | INV_PROTO | INV_FRAG);
  assert.is(e.getUint8(E_FLAGS), EF_FRAG);
  assert.is(e.getUint8(E_IN_NAME), 0x65);
  assert.is(e.getUint8(E_IN_MASK + 4), 0xff);
  const f = entryView(c.entries, 2);
  assert.is(f.getUint8(E_INVFLAGS), INV_OUT);
  assert.is(f.getUint8(E_FLAGS), EF_FRAG);
  assert.is(f.getUint8(E_OUT_MASK + 2), 0xff);
  assert.is(f.getUint8(E_OUT_MASK + 3), 0);
  assert.not.ok(e.getUint8(E_INVFLAGS) & INV_IN);
});

test('match code, state offsets and target operands', () => {
  let rs = rules('-A INPUT -j LOG --log-prefix "a: "\n-A INPUT -j ACCEPT\n-A INPUT -j LOG --log-prefix "b: "');
  rs = withOps(rs, 'filter:INPUT:1', [
    { op: OP_RANGE, operands: [1, 2, 3], invert: true },
    { op: OP_LIMIT, operands: [0, 100, 5], state: { operand: 0, bytes: LIMIT_STATE_SIZE } },
  ]);
  rs = withOps(rs, 'filter:INPUT:2', [
    { op: OP_RANGE, operands: [0, 0, 0], state: { operand: 0, bytes: RECENT_LIST_SIZE, shared: 'recent:X' } },
  ]);
  rs = withOps(rs, 'filter:INPUT:3', [
    { op: OP_RANGE, operands: [0, 0, 0], state: { operand: 0, bytes: RECENT_LIST_SIZE, shared: 'recent:X' } },
  ]);
  const c = compileRuleset(rs, defaultHostModel(), { registry: testRegistry });
  const first = entryView(c.entries, 0);
  assert.is(first.getUint32(E_CODE_OFF, true), 0);
  assert.is(first.getUint32(E_CODE_LEN, true), 8);
  assert.is(c.code[0], OP_RANGE | INS_INVERT | (4 << 16));
  assert.equal([...c.code.slice(1, 4)], [1, 2, 3]);
  assert.is(c.code[4], OP_LIMIT | (4 << 16));
  assert.equal([...c.code.slice(5, 8)], [0, 100, 5]);
  assert.is(entryView(c.entries, 1).getUint32(E_CODE_OFF, true), 8);
  assert.is(c.code[9], 24, 'shared state after the limit state, 8-aligned');
  assert.is(c.code[13], 24, 'the same key shares one offset');
  assert.is(c.stateSize, 24 + RECENT_LIST_SIZE);
  assert.is(entryView(c.entries, 0).getUint32(E_TARGET, true), T_LOG);
  assert.is(entryView(c.entries, 2).getUint32(E_ARG0, true), 1);
  assert.equal(c.actions.map((a) => (a as { prefix: string }).prefix), ['a: ', 'b: ']);
});

test('extension targets compile through their modules; their warnings carry the rule position', () => {
  const rs = rules([
    '*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]',
    '-A PREROUTING -j MARK --set-xmark 0x1/0xff', 'COMMIT',
    '*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]',
    '-A POSTROUTING -o eth0 -j MASQUERADE', 'COMMIT',
  ].join('\n'));
  const c = compileRuleset(rs, routerHost());
  const mark = entryView(c.entries, 0);
  assert.is(mark.getUint32(E_TARGET, true), T_MARK);
  assert.is(mark.getUint32(E_ARG0, true), 0xff);
  assert.is(mark.getUint32(E_ARG1, true), 1);
  const nat = c.chainStarts.get('nat:POSTROUTING')!;
  assert.is(entryView(c.entries, nat).getUint32(E_TARGET, true), T_NAT);
  assert.ok(c.warnings.length >= 1);
  assert.is(c.warnings[0].pos?.file, 'test.rules');
  assert.is(c.warnings[0].pos?.line, 14);
  assert.is(c.configFlags & CFGF_FORWARDING, CFGF_FORWARDING);
  assert.is(c.configFlags & CFGF_ALL_LOCAL, 0);
  assert.is(c.configFlags & (CFGF_TABLE_PRESENT * 0x1f), (CFGF_TABLE_PRESENT << 1) | (CFGF_TABLE_PRESENT << 2));
  assert.is(compileRuleset(rs, defaultHostModel()).configFlags & CFGF_ALL_LOCAL, CFGF_ALL_LOCAL);
});

test('a match module the registry does not know is reported as unsupported', () => {
  const rs = rules('-A INPUT -j ACCEPT');
  rs.tables[0].chains[0].rules[0].matches.push({ module: 'nosuchmatch', opts: {} });
  try {
    compileRuleset(rs, defaultHostModel());
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, UnsupportedError);
    assert.is((err as UnsupportedError).feature, 'nosuchmatch');
    assert.match((err as Error).message, /^test\.rules:2: /);
  }
});

test.run();
