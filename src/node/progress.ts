// The progress line on stderr for long runs: bytes read (of how many), packets per second, ETA.
// Drawn only when stderr is a terminal and the run has lasted over a second, so pipes, logs and
// short runs see nothing; erased at the end so the summary starts on a clean line.

export interface ProgressState {
  /** Input bytes consumed so far; undefined when the input does not say (JSON or LOG lines). */
  bytes?: number;
  /** The input's size, when known (a regular file). */
  totalBytes?: number;
  packets: number;
  elapsedMs: number;
}

const BAR_WIDTH = 20;
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k`;
  return `${Math.round(perSecond)} `;
}

/** h:mm:ss or m:ss. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** One progress line (no line ending). */
export function formatProgress(p: ProgressState): string {
  const seconds = p.elapsedMs / 1000;
  const parts: string[] = [];
  if (p.bytes !== undefined && p.totalBytes) {
    const fraction = Math.min(1, p.bytes / p.totalBytes);
    const filled = Math.round(fraction * BAR_WIDTH);
    parts.push(`[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${Math.floor(fraction * 100)}%`);
    parts.push(`${formatBytes(p.bytes)} / ${formatBytes(p.totalBytes)}`);
  } else if (p.bytes !== undefined) {
    parts.push(formatBytes(p.bytes));
  }
  parts.push(`${p.packets} packets`);
  if (seconds > 0) parts.push(`${formatRate(p.packets / seconds)}pkt/s`);
  if (p.bytes && p.totalBytes && seconds > 0) {
    const left = ((p.totalBytes - p.bytes) / p.bytes) * seconds;
    parts.push(`ETA ${formatDuration(left)}`);
  } else {
    parts.push(`elapsed ${formatDuration(seconds)}`);
  }
  return parts.join('  ');
}

interface TerminalLike {
  isTTY?: boolean;
  write(text: string): unknown;
}

const SHOW_AFTER_MS = 1000;
const REDRAW_MS = 250;

export class ProgressMeter {
  private readonly started: number;
  private lastDrawn = 0;
  private drawn = false;

  constructor(
    private readonly terminal: TerminalLike = process.stderr,
    private readonly totalBytes?: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
  }

  update(packets: number, bytes?: number): void {
    if (!this.terminal.isTTY) return;
    const t = this.now();
    const elapsedMs = t - this.started;
    if (elapsedMs < SHOW_AFTER_MS || t - this.lastDrawn < REDRAW_MS) return;
    this.lastDrawn = t;
    this.drawn = true;
    this.terminal.write(`\r${formatProgress({ bytes, totalBytes: this.totalBytes, packets, elapsedMs })}\x1b[K`);
  }

  /** Erases the line, if one was drawn. */
  done(): void {
    if (this.drawn) this.terminal.write('\r\x1b[K');
    this.drawn = false;
  }
}
