/**
 * `--stats`: what each rule costs, like ESLint's TIMING, on stderr after the report (never in it,
 * so a JSON report stays the same with or without it): evaluations, findings, time and share of
 * rule time, slowest first; then where the run's outcomes came from (cache, threads) and its pace.
 */
import type { ScheduleStats } from '../run/schedule.js';
import { maxOf } from '../core/arrays.js';
import { grouped } from '../core/numbers.js';

/**
 * `replay`, for a replayed run: `inPlace`, the report files it left where the last run put them,
 * unchanged since; `compiled`, whether the ruleset was compiled all the same (a replay needs no rule).
 */
export function formatStats(
  stats: ScheduleStats,
  charts: number,
  wallMs: number,
  replay: { inPlace: number; compiled: boolean } = { inPlace: 0, compiled: true },
): string {
  if (stats.replayed) {
    const { inPlace } = replay;
    const left = inPlace
      ? ` (${inPlace} report ${inPlace === 1 ? 'file' : 'files'} still in place, left as ${inPlace === 1 ? 'it is' : 'they are'})`
      : '';
    return `${stats.files} files (${stats.cached} from the cache), ${charts} charts: nothing changed, the last run's outputs written again${left} in ${(wallMs / 1000).toFixed(2)} s; no rule ran${replay.compiled ? '' : ', the ruleset not even compiled'}\n`;
  }
  const rows = [...stats.rules].sort((a, b) => b[1].ms - a[1].ms || (a[0] < b[0] ? -1 : 1));
  const total = rows.reduce((s, [, r]) => s + r.ms, 0);
  const head = ['Rule', 'Evaluations', 'Findings', 'Time (ms)', 'Relative'];
  const cells = rows.map(([id, r]) => [
    id,
    String(r.evaluations),
    String(r.findings),
    r.ms.toFixed(1),
    `${total > 0 ? ((100 * r.ms) / total).toFixed(1) : '0.0'}%`,
  ]);
  const w = head.map((h, i) =>
    maxOf(
      cells.map((c) => c[i]!.length),
      h.length,
    ),
  );
  const line = (c: readonly string[]): string => c.map((x, i) => (i === 0 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join(' | ');
  const out = [line(head), w.map((n, i) => (i === 0 ? `:${'-'.repeat(n - 1)}` : `${'-'.repeat(n - 1)}:`)).join('-|-'), ...cells.map(line)];
  const threads = `${stats.threads > 1 ? `${stats.threads} threads` : 'one thread'}${stats.readAhead ? ' (the files read ahead by another)' : ''}`;
  const pace = wallMs > 0 ? `, ${grouped(Math.round((charts * 1000) / wallMs))} charts/s` : '';
  out.push(
    '',
    `${stats.files} files (${stats.cached} from the cache), ${charts} charts, linted in ${threads}: ${(wallMs / 1000).toFixed(2)} s${pace}; rule time ${total.toFixed(1)} ms`,
  );
  return `${out.join('\n')}\n`;
}
