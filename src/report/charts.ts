/**
 * Which chart a finding belongs to, from the report alone, so that runs, baselines, `--quiet` and
 * `merge` count "charts with findings" alike. A finding with a chart id belongs to the chart of
 * its file with that id that starts last before it (a file may repeat an id); a FHIR chart,
 * spread over its document or over the files of a Bulk export, has no entry and is known by its
 * id across the run. A finding without an id belongs to the last chart before it whose pointer
 * is a prefix of its own (a chart without an id, or a place that could not be read as a chart);
 * documents of one file (YAML `---`, NDJSON lines) each start after the one before.
 */
import { ENGINE_RULES, type Finding } from '../finding.js';
import { formatOf } from '../read/parse.js';
import type { ChartEntry, FileResult, Report } from './types.js';

function startsBefore(c: ChartEntry, f: Finding): boolean {
  return c.line < f.line || (c.line === f.line && c.column <= f.column);
}

function contains(c: ChartEntry, f: Finding): boolean {
  return c.pointer === '' || f.pointer === c.pointer || f.pointer.startsWith(`${c.pointer}/`);
}

/** The index in `charts` of the finding's chart, or -1 (a chart known by id alone, or the file itself). */
export function ownerOf(charts: readonly ChartEntry[], f: Finding): number {
  if (f.ruleId === ENGINE_RULES.parseError || f.ruleId === ENGINE_RULES.readError) return -1;
  let fallback = -1;
  for (let i = charts.length - 1; i >= 0; i--) {
    const c = charts[i]!;
    const match = f.chartId !== undefined ? c.chartId === f.chartId : contains(c, f);
    if (!match) continue;
    if (startsBefore(c, f)) return i;
    fallback = i;
  }
  return f.chartId !== undefined ? fallback : -1;
}

/**
 * The chart of a finding as a key: a chart of the file, a chart known by id, or the file itself
 * (one that cannot be read, or a JSON or YAML file that does not parse, stands for one chart that
 * was not linted; in NDJSON each broken line is one).
 */
export function chartKey(r: FileResult, f: Finding): string {
  const i = ownerOf(r.charts, f);
  if (i >= 0) return `${r.file}\u0000#${i}`;
  if (f.chartId !== undefined) return `id\u0000${f.chartId}`;
  if (f.ruleId === ENGINE_RULES.parseError) return formatOf(r.file) === 'ndjson' ? `${r.file}\u0000@${f.line}` : `${r.file}\u0000file`;
  if (f.ruleId === ENGINE_RULES.readError) return `${r.file}\u0000file`;
  return `${r.file}\u0000@${f.pointer}`;
}

export function chartsWithFindings(report: Report): number {
  const keys = new Set<string>();
  for (const r of report.results) for (const f of r.findings) keys.add(chartKey(r, f));
  return keys.size;
}
