/**
 * CSV for spreadsheets: a header row, then one row per finding. RFC 4180 quoting (CRLF row ends,
 * fields with a comma, quote or line end quoted, quotes doubled), a UTF-8 byte-order mark so
 * that Excel reads accents right, and cells that a spreadsheet would run as a formula (starting
 * with =, +, -, @, tab or CR) prefixed with a single quote (OWASP's CSV-injection advice).
 */
import type { Finding } from '../finding.js';
import { describeEvidence } from './stylish.js';
import type { Formatter } from './types.js';

const COLUMNS: readonly [string, (f: Finding, file: string) => string | number][] = [
  ['file', (_f, file) => file],
  ['line', (f) => f.line],
  ['column', (f) => f.column],
  ['severity', (f) => f.severity],
  ['rule', (f) => f.ruleId],
  ['chartId', (f) => f.chartId ?? ''],
  ['encounterId', (f) => f.encounterId ?? ''],
  ['message', (f) => f.message],
  ['evidence', (f) => f.evidence.map(describeEvidence).join('; ')],
];

/** One cell: numbers as written, text guarded against formulas and quoted when it must be. */
export function csvCell(v: string | number): string {
  if (typeof v === 'number') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csv: Formatter = (report) => {
  const rows = [COLUMNS.map(([name]) => name).join(',')];
  for (const r of report.results) {
    for (const f of r.findings) rows.push(COLUMNS.map(([, get]) => csvCell(get(f, r.file))).join(','));
  }
  return `\uFEFF${rows.join('\r\n')}\r\n`;
};
