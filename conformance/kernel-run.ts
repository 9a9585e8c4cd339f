// One replay against the real kernel: load the ruleset into the lab router, capture on the far
// ends, inject the capture frame by frame, then read back counters, conntrack and what came out.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { releasePid, trackPid } from './cleanup.js';
import { LINKTYPE_NFLOG, readPcap } from './capture-files.js';
import { parseNflogRecords, PROBE_NFLOG_GROUP, type ProbeRecord } from './ctstate-probe.js';
import { LAB, type Side } from './lab.js';
import { nsOf, type Lab } from './namespaces.js';
import { inNs, run } from './shell.js';

export type Backend = 'legacy' | 'nft';

export interface KernelResult {
  /** iptables-save -c of the router after the replay. */
  save: string;
  conntrack: string;
  expectations: string;
  /** Frames that arrived at the client's and the server's end, in arrival order. */
  arrived: Record<Side, Uint8Array[]>;
  /** The ctstate probe's records (ctstate-probe.ts), when the ruleset carries the probe. */
  probe?: ProbeRecord[];
}

/** Longest a capture process may live even if this run is killed before it can end it. */
const CAPTURE_LIFETIME_S = 600;

export async function replayInKernel(lab: Lab, backend: Backend, rulesSave: string, capturePath: string, workDir: string, injector: string, withProbe = false): Promise<KernelResult> {
  run(inNs(lab.router, [`iptables-${backend}-restore`]), { input: rulesSave });

  const farEnds = (['client', 'server'] as const).map((side) => ({ ns: nsOf(lab, side), iface: LAB[side].peerIface, file: join(workDir, `arrived-${side}.pcap`), direction: ['-Q', 'in'] }));
  const probe = { ns: lab.router, iface: `nflog:${PROBE_NFLOG_GROUP}`, file: join(workDir, 'ctstate-probe.pcap'), direction: [] };
  const captures = await Promise.all([...farEnds, ...(withProbe ? [probe] : [])].map((c) => startCapture(c.ns, c.iface, c.direction, c.file)));
  try {
    const mapping = (['client', 'server'] as const).map((side) => `${LAB[side].routerIface}=/run/netns/${nsOf(lab, side)}:${LAB[side].peerIface}`);
    run(['python3', injector, capturePath, ...mapping]);
    // Let the last frames cross the router before the captures stop.
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    await Promise.all(captures.map(stopCapture));
  }

  const conntrack = (args: string[]) => run(inNs(lab.router, ['conntrack', ...args]), { allowFailure: true }).stdout;
  return {
    save: run(inNs(lab.router, [`iptables-${backend}-save`, '-c'])).stdout,
    conntrack: conntrack(['-L']),
    expectations: conntrack(['-L', 'expect']),
    arrived: {
      client: readPcap(readFileSync(captures[0].file)),
      server: readPcap(readFileSync(captures[1].file)),
    },
    probe: withProbe ? parseNflogRecords(readPcap(readFileSync(probe.file), LINKTYPE_NFLOG)) : undefined,
  };
}

interface Capture {
  child: ChildProcess;
  file: string;
  exited: Promise<void>;
}

/**
 * tcpdump on `iface` in namespace `ns` (the far end of a veth pair, incoming frames only, or the
 * router's nflog device); resolves once it listens.
 * --immediate-mode: otherwise libpcap hands frames over a ring block at a time (after up to 1 s),
 * and the frames of a block still open when the capture is stopped never reach the file.
 */
function startCapture(ns: string, iface: string, direction: string[], file: string): Promise<Capture> {
  const argv = inNs(ns, ['timeout', '-s', 'INT', String(CAPTURE_LIFETIME_S),
    'tcpdump', '--immediate-mode', '-i', iface, ...direction, '-n', '-U', '-s', '0', '-w', file]);
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  if (child.pid !== undefined) trackPid(child.pid);
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let stderr = '';
    const onData = (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('listening on')) {
        child.stderr!.off('data', onData);
        child.stderr!.resume();
        resolve({ child, file, exited });
      }
    };
    child.stderr!.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`tcpdump on ${iface} in ${ns} exited (${code}) before listening: ${stderr.trim()}`)));
  });
}

async function stopCapture(capture: Capture): Promise<void> {
  const pid = capture.child.pid;
  if (pid !== undefined && capture.child.exitCode === null) capture.child.kill('SIGINT');
  await capture.exited;
  if (pid !== undefined) releasePid(pid);
}
