/**
 * The progress bar: on a terminal only (stderr), never on a pipe or in CI, and only once a run has
 * taken a second, so short runs print nothing. One line, redrawn at most ten times a second and
 * cleared at the end, so nothing of it is left in the scrollback or mixed into a report.
 */
import { grouped } from '../core/numbers.js';

export interface ProgressSink {
  /** Files and charts done so far. */
  update(files: number, charts: number): void;
  /** Clears the line (if one was drawn). */
  done(): void;
}

/** True when a progress bar may be shown: stderr is a terminal and no CI variable is set. */
export function progressAllowed(stderrIsTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return stderrIsTTY && (ci === undefined || ci === '' || ci === 'false' || ci === '0');
}

const DELAY_MS = 1000;
const EVERY_MS = 100;
const BAR = 24;

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** The bar's text, for `done` of `total` files after `elapsedMs`. */
export function progressLine(done: number, total: number, charts: number, elapsedMs: number): string {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(share * BAR);
  const perSecond = elapsedMs > 0 ? (charts * 1000) / elapsedMs : 0;
  const left = done > 0 ? ((total - done) * elapsedMs) / done / 1000 : NaN;
  return (
    `[${'='.repeat(filled)}${' '.repeat(BAR - filled)}] ${grouped(done)}/${grouped(total)} files, ` +
    `${grouped(Math.round(perSecond))} charts/s${Number.isFinite(left) ? `, ${clock(left)} left` : ''}`
  );
}

export class ProgressBar implements ProgressSink {
  private readonly start: number;
  private last = 0;
  private drawn = false;

  constructor(
    private readonly total: number,
    private readonly write: (s: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.start = now();
  }

  update(files: number, charts: number): void {
    const t = this.now();
    if (t - this.start < DELAY_MS || t - this.last < EVERY_MS) return;
    this.last = t;
    this.drawn = true;
    this.write(`\r${progressLine(files, this.total, charts, t - this.start)}\x1b[K`);
  }

  done(): void {
    if (this.drawn) this.write('\r\x1b[K');
    this.drawn = false;
  }
}
