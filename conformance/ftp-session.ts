// FTP sessions as the router sees them: a control connection to port 21 with a real dialogue
// (banner, login, one transfer command, QUIT) and the data connection its PORT, EPRT, 227 or 229
// line announces (NETFILTER.md §4.8). The login lines come first on purpose: the helper never
// parses the first data segment in each direction (§4.8 rule 2), so the mode line is the first
// one it can see.
import type { SegmentSink } from './tcp-conversation.js';
import { TcpConversation } from './tcp-conversation.js';
import { sides, type Endpoint } from './traffic.js';

export type FtpMode = 'active' | 'passive' | 'eprt' | 'epsv';

export interface FtpSessionOptions {
  mode: FtpMode;
  /** The port the data connection goes to (the client's for active/EPRT, the server's for passive/EPSV). */
  dataPort?: number;
  /** Source port of a passive data connection (the client's). */
  clientDataPort?: number;
  /** Address written in the PORT/EPRT/227 line; default the announcing end's own (third-party test otherwise). */
  announcedAddress?: string;
  /** Whether the data connection is opened at all (default true). */
  dataConnection?: boolean;
}

const FTP_CONTROL_PORT = 21;
const FTP_ACTIVE_DATA_PORT = 20;

/** PORT's and 227's argument: the address's four bytes and the port's two, comma-separated. */
export function portLine(addr: string, port: number): string {
  return `${addr.split('.').join(',')},${port >> 8},${port & 255}`;
}

/** The client's mode command and the server's answer to it. */
function modeDialogue(mode: FtpMode, announced: string, port: number): [string, string] {
  switch (mode) {
    case 'active':
      return [`PORT ${portLine(announced, port)}\r\n`, '200 PORT command successful\r\n'];
    case 'eprt':
      return [`EPRT |1|${announced}|${port}|\r\n`, '200 EPRT command successful\r\n'];
    case 'passive':
      return ['PASV\r\n', `227 Entering Passive Mode (${portLine(announced, port)}).\r\n`];
    case 'epsv':
      return ['EPSV\r\n', `229 Entering Extended Passive Mode (|||${port}|)\r\n`];
  }
}

/** The control connection to `server` (port 21 unless given), opened but nothing said yet. */
export function ftpControl(sink: SegmentSink, client: Endpoint, server: Endpoint): TcpConversation {
  const [clientSide, serverSide] = sides(client, server);
  return new TcpConversation(sink, client, { addr: server.addr, port: server.port || FTP_CONTROL_PORT }, { opener: clientSide, answerer: serverSide }, {
    opener: 0x2100_0000 + client.port,
    answerer: 0x6100_0000 + client.port,
  }).handshake();
}

/**
 * A control connection through banner and login: the helper has seen one data segment each way,
 * so the client's next segment and the server's next one start where it parses (§4.8 rule 2).
 */
export function ftpLogin(sink: SegmentSink, client: Endpoint, server: Endpoint): TcpConversation {
  return ftpControl(sink, client, server)
    .data('answerer', '220 nfwasm conformance FTP\r\n')
    .data('opener', 'USER anonymous\r\n')
    .data('answerer', '331 Password required\r\n')
    .data('opener', 'PASS guest\r\n')
    .data('answerer', '230 Logged in\r\n');
}

/**
 * A data connection carrying one listing: from the server's port 20 to the client's `dataPort`
 * (active), or from the client's `clientDataPort` to the server's `dataPort` (passive).
 */
export function ftpDataConnection(sink: SegmentSink, client: Endpoint, server: Endpoint, opts: { passive: boolean; dataPort: number; clientDataPort?: number }): void {
  const [clientSide, serverSide] = sides(client, server);
  const { passive, dataPort } = opts;
  const isn = { opener: 0x3300_0000 + dataPort, answerer: 0x4400_0000 + dataPort };
  const data = passive
    ? new TcpConversation(sink, { addr: client.addr, port: opts.clientDataPort ?? 50_100 }, { addr: server.addr, port: dataPort }, { opener: clientSide, answerer: serverSide }, isn)
    : new TcpConversation(sink, { addr: server.addr, port: FTP_ACTIVE_DATA_PORT }, { addr: client.addr, port: dataPort }, { opener: serverSide, answerer: clientSide }, isn);
  // The server sends the listing on either kind of data connection, then closes it.
  data.handshake().data(passive ? 'answerer' : 'opener', '-rw-r--r-- 1 ftp ftp 5 readme\r\n').close(passive ? 'answerer' : 'opener');
}

export function writeFtpSession(sink: SegmentSink, client: Endpoint, server: Endpoint, opts: FtpSessionOptions): void {
  const control = ftpLogin(sink, client, server);
  const passive = opts.mode === 'passive' || opts.mode === 'epsv';
  const dataPort = opts.dataPort ?? (passive ? 50_021 : 40_021);
  const announced = opts.announcedAddress ?? (passive ? server.addr : client.addr);
  const [command, answer] = modeDialogue(opts.mode, announced, dataPort);

  control
    .data('opener', command)
    .data('answerer', answer)
    .data('opener', 'LIST\r\n');
  if (opts.dataConnection !== false) {
    control.data('answerer', '150 Here comes the listing\r\n');
    ftpDataConnection(sink, client, server, { passive, dataPort, clientDataPort: opts.clientDataPort });
    control.data('answerer', '226 Transfer complete\r\n');
  } else {
    control.data('answerer', '425 No data connection\r\n');
  }
  control.data('opener', 'QUIT\r\n').data('answerer', '221 Goodbye\r\n').close('opener');
}
