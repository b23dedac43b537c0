/**
 * GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` per finding, which
 * GitHub shows as an annotation on the file and line (in the job summary and a pull request's
 * diff). Values are escaped as GitHub's own toolkit does: `%`, CR and LF everywhere, and `:` and
 * `,` in properties too.
 */
import type { Severity } from '../finding.js';
import { repoPath } from './identity.js';
import { evidenceWords } from './stylish.js';
import type { Formatter } from './types.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export const github: Formatter = (report, options) => {
  const lines: string[] = [];
  for (const r of report.results) {
    const file = escapeProperty(repoPath(r.file, options));
    for (const f of r.findings) {
      const message = [f.message, ...evidenceWords(f).map((e) => `↳ ${e}`)].join('\n');
      const props = `file=${file},line=${f.line},col=${f.column},title=${escapeProperty(f.ruleId)}`;
      lines.push(`::${COMMAND[f.severity]} ${props}::${escapeData(message)}`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
};
