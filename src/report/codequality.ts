/**
 * GitLab Code Quality (a subset of Code Climate's issue format), so findings show in merge
 * requests: one issue per finding with a fingerprint that is unique in the report and stays the
 * same when lines shift, so that GitLab tells new findings from old ones.
 */
import type { Severity } from '../finding.js';
import { findingIds, repoPath } from './identity.js';
import type { Formatter } from './types.js';

/** GitLab's scale is info, minor, major, critical, blocker; ESLint's GitLab formatters map the same way. */
const SEVERITY: Record<Severity, string> = { error: 'major', warning: 'minor', info: 'info' };

export const codequality: Formatter = (report, options) => {
  const ids = findingIds(report, options);
  const issues = report.results.flatMap((r) =>
    r.findings.map((f) => ({
      type: 'issue',
      description: f.message,
      check_name: f.ruleId,
      fingerprint: ids.get(f)!,
      severity: SEVERITY[f.severity],
      location: { path: repoPath(r.file, options), lines: { begin: f.line } },
    })),
  );
  return `${JSON.stringify(issues, null, 2)}\n`;
};
