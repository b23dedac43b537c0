/**
 * CSV for spreadsheets: a header row, then one row per finding. RFC 4180 (CRLF row ends, quotes
 * doubled), with every field quoted: a spreadsheet whose list separator is `;` (most of Europe)
 * splits an unquoted `a;=1+1` into a cell that it runs as a formula. Cells that a spreadsheet
 * would run (starting with =, +, -, @, tab or CR) are prefixed with a single quote (OWASP's
 * CSV-injection advice), and a UTF-8 byte-order mark makes Excel read accents right. The text
 * comes through src/report/encode.ts, so line ends in chart text are already visible escapes.
 */
import type { Finding } from '../finding.js';
import { evidenceWords } from './stylish.js';
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
  ['evidence', (f) => evidenceWords(f).join('; ')],
];

/** One cell, quoted, and guarded against formulas. */
export function csvCell(v: string | number): string {
  const s = String(v);
  return `"${(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
}

export const csv: Formatter = (report) => {
  const rows = [COLUMNS.map(([name]) => csvCell(name)).join(',')];
  for (const r of report.results) {
    for (const f of r.findings) rows.push(COLUMNS.map(([, get]) => csvCell(get(f, r.file))).join(','));
  }
  return `\uFEFF${rows.join('\r\n')}\r\n`;
};
