/**
 * Report transforms that keep the report's shape: leaving findings out (a baseline, `--quiet`)
 * recounts the summary, so every format built from the result agrees with it.
 */
import type { Finding, Severity } from '../finding.js';
import type { FileResult, Report } from './types.js';

export function countSeverities(results: readonly FileResult[]): Record<'errors' | 'warnings' | 'infos', number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  // A severity that is none of these (a report b12lint did not write) counts as an error, never as less.
  for (const r of results) for (const f of r.findings) counts[Object.hasOwn(counts, f.severity) ? f.severity : 'error']++;
  return { errors: counts.error, warnings: counts.warning, infos: counts.info };
}

/** The report with only the findings `keep` accepts, and its counts to match. */
export function keepFindings(report: Report, keep: (f: Finding, file: string) => boolean): Report {
  const results = report.results.map((r) => ({ ...r, findings: r.findings.filter((f) => keep(f, r.file)) }));
  return { ...report, summary: { ...report.summary, ...countSeverities(results) }, results };
}
