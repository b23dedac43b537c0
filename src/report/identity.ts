/**
 * Where a finding stands for CI systems, and who it is across runs. Reports give paths from the
 * current folder; SARIF, GitHub and GitLab want them from the repository root. A finding's
 * identity is its file and fingerprint (src/finding.ts), never its line, so it survives an
 * export that shifts lines; identical findings in one file are told apart by their order.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Finding } from '../finding.js';
import type { FormatOptions, Report } from './types.js';

/** A report path (relative to the current folder) as a path from the repository root. */
export function repoPath(file: string, options: Pick<FormatOptions, 'pathPrefix'>): string {
  return options.pathPrefix ? posix.normalize(posix.join(options.pathPrefix, file)) : file;
}

/** The key under which a baseline remembers a finding. */
export function identityKey(file: string, fingerprint: string): string {
  return `${file}\u0000${fingerprint}`;
}

/** A stable, unique id for every finding of the report: repository path, fingerprint, occurrence. */
export function findingIds(report: Report, options: Pick<FormatOptions, 'pathPrefix'>): Map<Finding, string> {
  const ids = new Map<Finding, string>();
  for (const r of report.results) {
    const id = fileFindingIds(r.file, options);
    for (const f of r.findings) ids.set(f, id(f));
  }
  return ids;
}

/**
 * The ids of one file's findings, given in report order (a piece writer reads them once): the
 * repository path, the fingerprint, and how many findings of the file had that fingerprint before.
 */
export function fileFindingIds(reportFile: string, options: Pick<FormatOptions, 'pathPrefix'>): (f: Finding) => string {
  const file = repoPath(reportFile, options);
  const seen = new Map<string, number>();
  return (f) => {
    const n = seen.get(f.fingerprint) ?? 0;
    seen.set(f.fingerprint, n + 1);
    return createHash('sha256')
      .update(`${identityKey(file, f.fingerprint)}\u0000${n}`)
      .digest('hex');
  };
}
