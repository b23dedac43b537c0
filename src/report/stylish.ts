/** The default terminal format: findings grouped by file, ESLint-style, with their evidence. */
import { Chalk } from 'chalk';
import type { Evidence, Finding } from '../finding.js';
import { lineStart } from '../core/printable.js';
import type { BaselineSummary, Formatter, QuietHidden, Report } from './types.js';
import { ownValue } from '../core/own.js';
import { maxOf, pushAll } from '../core/arrays.js';
import { grouped } from '../core/numbers.js';

/** How a note's mention is shown when it is not affirmed: "(family history)", "(denied)". */
const ASSERTION_WORDS: Record<string, string> = {
  negated: 'denied',
  possible: 'uncertain',
  hypothetical: 'hypothetical',
  historical: 'history',
  family: 'family history',
};

/** A count and its word, the count with thousands separators ("20,000 charts"). */
function plural(n: number, word: string): string {
  return `${grouped(n)} ${word}${n === 1 ? '' : 's'}`;
}

function at(e: { file?: string; line?: number; column?: number }): string {
  return e.line !== undefined ? ` at ${e.file ? `${e.file}:` : ''}${e.line}:${e.column}` : '';
}

/** A finding's evidence put into words, one line each, and how many more it has when it has more than it lists. */
export function evidenceWords(f: Pick<Finding, 'evidence' | 'moreEvidence'>): string[] {
  const words = f.evidence.map(describeEvidence);
  if (f.moreEvidence) words.push(`and ${grouped(f.moreEvidence)} more`);
  return words;
}

export function describeEvidence(e: Evidence): string {
  // Evidence of what an adapter left out may have no code, value or excerpt: it is named by kind.
  const code = e.code !== undefined ? ` ${e.code}` : '';
  switch (e.kind) {
    case 'diagnosis':
      return `diagnosis${code}${e.mappedFrom ? ` (mapped from ${e.mappedFrom})` : ''}${at(e)}`;
    case 'service':
      return `service${code}${e.date ? ` on ${e.date}` : ''}${at(e)}`;
    case 'lab': {
      if (e.test === undefined && e.value === undefined) return `lab${code}${at(e)}`;
      const written = `${e.value}${e.unit ? ` ${e.unit}` : ''}`;
      const conv =
        e.converted && (e.converted.unit !== e.unit || String(e.converted.value) !== String(e.value))
          ? ` (= ${e.converted.value} ${e.converted.unit})`
          : '';
      return `lab ${e.test} ${written}${conv}${e.date ? ` on ${e.date}` : ''}${at(e)}`;
    }
    case 'note':
      return e.excerpt === undefined
        ? `note${at(e)}`
        : `${e.section} note${e.assertion && e.assertion !== 'affirmed' ? ` (${ownValue(ASSERTION_WORDS, e.assertion) ?? e.assertion})` : ''} "${e.excerpt}"${at(e)}`;
    case 'medication':
      return `medication${e.name !== undefined ? ` ${e.name}` : code}${at(e)}`;
    default:
      return `${e.kind}${at(e)}`;
  }
}

export function summaryLine(report: Report, chartsWithFindings?: number, hidden?: QuietHidden): string {
  const s = report.summary;
  const total = s.errors + s.warnings + s.infos;
  const known = (s.baseline ? baselineNote(s.baseline) : '') + quietNote(hidden);
  if (total === 0 && hidden && hidden.warnings + hidden.infos > 0)
    return `${hidden.failing ? '✖' : '✔'} No errors in ${plural(s.charts, 'chart')} (${plural(s.files, 'file')})${known}`;
  if (total === 0) return `✔ No problems in ${plural(s.charts, 'chart')} (${plural(s.files, 'file')})${known}`;
  const charts =
    chartsWithFindings !== undefined
      ? ` in ${grouped(chartsWithFindings)} of ${plural(s.charts, 'chart')}`
      : ` in ${plural(s.charts, 'chart')}`;
  const parts = [plural(s.errors, 'error'), plural(s.warnings, 'warning')];
  if (s.infos > 0) parts.push(plural(s.infos, 'info'));
  return `✖ ${plural(total, 'problem')} (${parts.join(', ')})${charts}${known}`;
}

/** What `--quiet` hid, after the summary line: "; 2 warnings hidden by --quiet; the run fails" (stderr says why). */
function quietNote(h: QuietHidden | undefined): string {
  if (!h || h.warnings + h.infos === 0) return '';
  const parts = [h.warnings > 0 ? plural(h.warnings, 'warning') : '', h.infos > 0 ? plural(h.infos, 'info') : ''].filter(Boolean);
  return `; ${parts.join(' and ')} hidden by --quiet${h.failing ? '; the run fails' : ''}`;
}

/** What the baseline hid and what has been fixed since, after the summary line. */
function baselineNote(b: BaselineSummary): string {
  const fixed = b.fixed.length ? `, ${b.fixed.length} fixed since (--baseline-prune drops ${b.fixed.length === 1 ? 'it' : 'them'})` : '';
  return `; ${b.suppressed} known in the baseline${fixed}`;
}

/** The pieces of the stylish format, shared by the formatter and the piece-by-piece writer (src/report/stream-writer.ts). */
export interface StylishParts {
  /** A file's heading line. */
  file(name: string): string;
  /** The lines of one finding, given the widest position and severity in its file. */
  finding(f: Finding, posWidth: number, sevWidth: number): string[];
  /** The closing summary line. */
  summary(report: Report, chartsWithFindings?: number): string;
}

export function stylishParts(color: boolean, hidden?: QuietHidden): StylishParts {
  const c = new Chalk({ level: color ? 1 : 0 });
  const sev = (f: Finding): string =>
    f.severity === 'error' ? c.red('error') : f.severity === 'warning' ? c.yellow('warning') : c.blue('info');
  return {
    file: (name) => c.underline(lineStart(name)),
    finding(f, posW, sevW) {
      const lines: string[] = [];
      const pos = `${f.line}:${f.column}`.padEnd(posW);
      const s = sev(f) + ' '.repeat(sevW - f.severity.length);
      lines.push(`  ${c.dim(pos)}  ${s}  ${f.message}  ${c.dim(f.ruleId)}`);
      const indent = ' '.repeat(2 + posW + 2 + sevW + 2);
      for (const e of evidenceWords(f)) lines.push(c.dim(`${indent}↳ ${e}`));
      if (f.stack)
        lines.push(
          c.dim(
            f.stack
              .split('\n')
              .map((l) => indent + l)
              .join('\n'),
          ),
        );
      return lines;
    },
    summary(report, chartsWithFindings) {
      const total = report.summary.errors + report.summary.warnings + report.summary.infos;
      const line = summaryLine(report, chartsWithFindings, hidden);
      if (total === 0) return hidden?.failing ? c.yellow.bold(line) : c.green(line);
      return report.summary.errors > 0 ? c.red.bold(line) : c.yellow.bold(line);
    },
  };
}

export const stylish: Formatter = (report, options) => {
  const parts = stylishParts(options.color, options.quietHidden);
  const lines: string[] = [];
  for (const r of report.results) {
    if (r.findings.length === 0) continue;
    lines.push(parts.file(r.file));
    const posW = maxOf(
      r.findings.map((f) => `${f.line}:${f.column}`.length),
      0,
    );
    const sevW = maxOf(
      r.findings.map((f) => f.severity.length),
      0,
    );
    for (const f of r.findings) pushAll(lines, parts.finding(f, posW, sevW));
    lines.push('');
  }
  lines.push(parts.summary(report, options.chartsWithFindings));
  return `${lines.join('\n')}\n`;
};
