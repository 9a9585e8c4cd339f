// The TCP state tables of NETFILTER.md §4.4, both directions, every packet class against every
// state, through the whole pipeline. The tables are written out below as §4.4 prints them; the
// expected outcome of each cell is read from them, with §4.4's special cases applied on top.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PacketResult } from '../src/engine/engine.js';
import { ACK, Clock, FIN, routerEngine, RST, SYN, TcpFlow, type Side } from './ct-tcp-support.js';

const STATES = ['NONE', 'SS', 'SR', 'ES', 'FW', 'CW', 'LA', 'TW', 'CL', 'S2'] as const;
type State = (typeof STATES)[number];
const CLASSES = ['syn', 'synack', 'fin', 'ack', 'rst', 'none'] as const;
type PacketClass = (typeof CLASSES)[number];

// §4.4, "Transitions, ORIGINAL direction" and "REPLY direction", verbatim.
const ORIGINAL_TABLE = `
| syn | SS | SS | IG | IG | IG | IG | IG | SS | SS | S2 |
| synack | IV | IV | SR | IV | IV | IV | IV | IV | IV | SR |
| fin | IV | IV | FW | FW | LA | LA | LA | TW | CL | IV |
| ack | ES | IV | ES | ES | CW | CW | TW | TW | CL | IV |
| rst | IV | CL | CL | CL | CL | CL | CL | CL | CL | CL |
| none | IV | IV | IV | IV | IV | IV | IV | IV | IV | IV |`;
const REPLY_TABLE = `
| syn | IV | S2 | IV | IV | IV | IV | IV | SS | IV | S2 |
| synack | IV | SR | IG | IG | IG | IG | IG | IG | IG | SR |
| fin | IV | IV | FW | FW | LA | LA | LA | TW | CL | IV |
| ack | IV | IG | SR | ES | CW | CW | TW | TW | CL | IG |
| rst | IV | CL | CL | CL | CL | CL | CL | CL | CL | CL |
| none | IV | IV | IV | IV | IV | IV | IV | IV | IV | IV |`;

function parseTable(text: string): Record<PacketClass, string[]> {
  const rows = {} as Record<PacketClass, string[]>;
  for (const line of text.trim().split('\n')) {
    const [cls, ...cells] = line.split('|').map((c) => c.trim()).filter((c) => c !== '');
    rows[cls as PacketClass] = cells;
  }
  return rows;
}

const TABLES: Record<Side, Record<PacketClass, string[]>> = {
  client: parseTable(ORIGINAL_TABLE),
  server: parseTable(REPLY_TABLE),
};

/** conntrack -L names of the table's abbreviations. */
const NAMES: Record<string, string> = {
  SS: 'SYN_SENT', SR: 'SYN_RECV', ES: 'ESTABLISHED', FW: 'FIN_WAIT', CW: 'CLOSE_WAIT', LA: 'LAST_ACK',
  TW: 'TIME_WAIT', CL: 'CLOSE', S2: 'SYN_SENT2',
};

const FLAGS: Record<PacketClass, number> = { syn: SYN, synack: SYN | ACK, fin: FIN | ACK, ack: ACK, rst: RST, none: 0 };

/** Packets (from the client unless said) that bring a fresh connection into `state`. */
const PATHS: Record<State, [Side, PacketClass][]> = {
  NONE: [],
  SS: [['client', 'syn']],
  SR: [['client', 'syn'], ['server', 'synack']],
  ES: [['client', 'syn'], ['server', 'synack'], ['client', 'ack']],
  FW: [['client', 'syn'], ['server', 'synack'], ['client', 'ack'], ['client', 'fin']],
  CW: [['client', 'syn'], ['server', 'synack'], ['client', 'ack'], ['client', 'fin'], ['server', 'ack']],
  LA: [['client', 'syn'], ['server', 'synack'], ['client', 'ack'], ['client', 'fin'], ['server', 'ack'], ['server', 'fin']],
  TW: [['client', 'syn'], ['server', 'synack'], ['client', 'ack'], ['client', 'fin'], ['server', 'ack'], ['server', 'fin'], ['client', 'ack']],
  // The client aborts with a RST at the point the server acknowledged: CLOSE (no FIN was seen).
  CL: [['client', 'syn'], ['server', 'synack'], ['client', 'ack'], ['client', 'rst']],
  // Simultaneous open: both sides send a SYN.
  S2: [['client', 'syn'], ['server', 'syn']],
};

interface Expected {
  ctstate: string;
  tcpState?: string;
  note?: string;
  newEntry?: boolean;
}

/**
 * The outcome of a `cls` packet from `side` meeting `state`: the table's cell, with §4.4's special
 * cases for this scenario (the connections built by PATHS).
 */
function expectedOutcome(side: Side, cls: PacketClass, state: State): Expected {
  const cell = TABLES[side][cls][STATES.indexOf(state)];
  const replySeen = state !== 'NONE' && state !== 'SS';
  const attached = side === 'server' || replySeen ? 'ESTABLISHED' : 'NEW';
  if (state === 'NONE') {
    // No conntrack yet: the packet may only create one (tcp_new), as the client's.
    return cell === 'IV' ? { ctstate: 'INVALID' } : { ctstate: 'NEW', tcpState: NAMES[cell], newEntry: true };
  }
  if (cell === 'IV') return { ctstate: 'INVALID' };
  if (cell === 'IG') return { ctstate: attached, tcpState: NAMES[state], note: 'ignored' };
  if (cell === 'SS' && (state === 'TW' || state === 'CL')) {
    // Reopen: in TIME_WAIT a FIN was seen; in this CLOSE the last packet in the client's direction
    // was its RST. The old entry goes, the packet starts a new connection.
    return { ctstate: 'NEW', tcpState: 'SYN_SENT', note: 'reopened', newEntry: true };
  }
  if (cls === 'rst' && !replySeen) {
    // "If only reply is a RST" / no reply yet: the entry is deleted at once (§0, §4.4).
    return { ctstate: attached, tcpState: 'CLOSE', note: 'deleted' };
  }
  return { ctstate: attached, tcpState: NAMES[cell] };
}

/** The packet under test: SYN-class segments reuse the sender's initial sequence number. */
function probe(flow: TcpFlow, side: Side, cls: PacketClass): PacketResult {
  const isSyn = cls === 'syn' || cls === 'synack';
  return flow.send(side, FLAGS[cls], isSyn ? { seq: flow.isn[side], keepSeq: true } : { keepSeq: true });
}

test('§4.4 transition tables: every class in both directions against every state', async () => {
  const engine = await routerEngine();
  const clock = new Clock();
  let port = 20000;
  let checked = 0;
  for (const state of STATES) {
    for (const side of ['client', 'server'] as Side[]) {
      if (state === 'NONE' && side === 'server') continue; // "never reached": a new connection is the opener's
      for (const cls of CLASSES) {
        const flow = new TcpFlow(engine, clock, port++);
        let id: number | undefined;
        for (const [from, step] of PATHS[state]) {
          const r = flow.send(from, FLAGS[step]);
          assert.ok(r.ctstate !== 'INVALID', `building ${state}: ${from} ${step}`);
          id = r.ctId;
        }
        const want = expectedOutcome(side, cls, state);
        const got = probe(flow, side, cls);
        const where = `${side} ${cls} in ${state}`;
        assert.is(got.ctstate, want.ctstate, where);
        assert.is(got.tcpState, want.tcpState, where);
        if (want.note) assert.ok(got.ctNote?.includes(want.note), `${where}: notes ${got.ctNote}`);
        if (want.ctstate === 'INVALID') assert.match(got.ctReason ?? '', /invalid/, where);
        else if (state !== 'NONE') {
          if (want.newEntry) assert.is.not(got.ctId, id, `${where}: a new conntrack`);
          else assert.is(got.ctId, id, `${where}: the same conntrack`);
        }
        checked++;
      }
    }
  }
  assert.is(checked, 6 * (10 + 9));
});

test.run();
