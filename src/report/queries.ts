/**
 * `--format queries`: the run's provider query drafts as one Markdown document, grouped by chart
 * and encounter, each ready to paste into an EHR's query tool: the clinical indicators, the
 * question and its options. Above each draft, one line for the coder (rule, place in the file)
 * that is not part of the query. b12lint sends nothing: a person reviews, edits and sends.
 * Every string that comes from a chart or a report (quotes, ids, paths, rendered templates) is
 * escaped: control and bidirectional characters are dropped, line breaks become spaces, and the
 * characters that Markdown (CommonMark, GFM) reads as markup are backslash-escaped, so chart text
 * cannot become a heading, a link, HTML or a table. docs/queries.md describes the format.
 */
import type { Finding, QueryIndicator } from '../finding.js';
import type { Formatter, Report } from './types.js';
import { ownValue } from '../core/own.js';
import { pushAll } from '../core/arrays.js';
import { grouped } from '../core/numbers.js';

/**
 * Characters a terminal, an editor or a browser would act on: C0 and C1 controls, DEL, bidi
 * embeddings, overrides and isolates, zero-width characters and the byte order mark.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const BREAKS = /[\t\n\r\u2028\u2029]+/g;
/** What CommonMark and GFM read as markup inside a line: emphasis, code, links, HTML, entities, tables, strikethrough, autolinks. */
const MARKUP = /[\\`*_{}[\]<>|~&:@!#]/g;

/** Text from a report, safe inside a Markdown line that does not start with it. */
export function mdText(s: string): string {
  return s
    .replace(BREAKS, ' ')
    .replace(CONTROL, '')
    .replace(/ {2,}/g, ' ')
    .trim()
    .replace(MARKUP, '\\$&')
    .replace(/\b(www)\./gi, '$1\\.'); // a GFM "www." autolink
}

const SECTION_NAMES: Record<string, string> = {
  assessment: 'Assessment',
  plan: 'Plan',
  hpi: 'History of present illness',
  ros: 'Review of systems',
  exam: 'Examination',
  other: 'Note',
};

/** What an indicator is and when, in words: "Lab result, 2026-09-28", "Assessment note, 2026-10-02". */
export function indicatorLabel(i: QueryIndicator): string {
  const kind =
    i.source === 'lab'
      ? 'Lab result'
      : i.source === 'note'
        ? `${ownValue(SECTION_NAMES, i.section ?? 'other') ?? 'Note'} note` // a merged shard's section is any text
        : i.source === 'medication'
          ? 'Medication'
          : i.source === 'service'
            ? 'Service'
            : 'Diagnosis on the record';
  return `${kind}${i.date ? `, ${i.date}` : ''}`;
}

/** An indicator as one line of plain text (the HTML report shows it so): a note is quoted. */
export function describeIndicator(i: QueryIndicator): string {
  return `${indicatorLabel(i)}: ${i.source === 'note' ? `“${i.text}”` : i.text}`;
}

function indicatorLine(i: QueryIndicator): string {
  const text = mdText(i.text);
  return `- ${mdText(indicatorLabel(i))}: ${i.source === 'note' ? `“${text}”` : text}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

interface Draft {
  file: string;
  finding: Finding;
}

function draft(d: Draft, n: number, total: number): string[] {
  const f = d.finding;
  const q = f.query!;
  const where = (i: QueryIndicator): string => `${i.file ? `${mdText(i.file)}\\:` : ''}${i.line ?? '?'}`;
  const lines = [
    `#### Draft ${n} of ${total}`,
    '',
    `*For the coder, not part of the query: rule ${mdText(f.ruleId)} (${f.severity}) at ${mdText(d.file)}\\:${f.line}\\:${f.column}${q.indicators.length ? `; indicators at ${q.indicators.length === 1 ? 'line' : 'lines'} ${q.indicators.map(where).join(', ')}` : ''}.*`,
    '',
    '**Clinical indicators**',
    '',
  ];
  if (q.indicators.length) pushAll(lines, q.indicators.map(indicatorLine));
  else lines.push('- None found in the record: do not send this draft without the indicators that support it.');
  if (q.moreIndicators) lines.push(`- and ${grouped(q.moreIndicators)} more of the same kinds in the record`);
  lines.push('', `**Question:** ${mdText(q.question)}`, '');
  if (q.options.length) {
    pushAll(
      lines,
      q.options.map((o) => `- [ ] ${mdText(o)}${/^other\b/i.test(o) ? ': ____________' : ''}`),
    );
  } else {
    lines.push('**Response:** ____________');
  }
  lines.push('');
  return lines;
}

export const queries: Formatter = (report: Report, options) => {
  const drafts: Draft[] = [];
  for (const r of report.results) for (const f of r.findings) if (f.query) drafts.push({ file: r.file, finding: f });
  const out = [
    '# Provider query drafts',
    '',
    `b12lint ${mdText(report.tool.version)}, ruleset ${mdText(report.ruleset.name)}: ${plural(drafts.length, 'draft')}.`,
    '',
    "Each draft is for a person to review against the record, edit and send through the organization's query process; b12lint sends nothing. " +
      'The clinical indicators come from the chart the finding is about, and the options end with "Other" and "Clinically undetermined".',
    '',
  ];
  if (options.redact)
    out.push('This report is redacted: note quotes and identifiers are hashed. Its drafts are for a ticket, not for a provider.', '');
  if (drafts.length === 0) {
    out.push('No finding of this run asks for a provider query.', '');
    return out.join('\n');
  }
  // Grouped by file and chart (in the report's order), then by encounter (first seen first).
  const charts = new Map<string, { file: string; chartId?: string; encounters: Map<string, Draft[]> }>();
  for (const d of drafts) {
    const key = `${d.file}\u0000${d.finding.chartId ?? ''}`;
    let c = charts.get(key);
    if (!c)
      charts.set(
        key,
        (c = { file: d.file, ...(d.finding.chartId !== undefined ? { chartId: d.finding.chartId } : {}), encounters: new Map() }),
      );
    const e = d.finding.encounterId ?? '';
    c.encounters.set(e, [...(c.encounters.get(e) ?? []), d]);
  }
  let n = 0;
  for (const c of charts.values()) {
    out.push(`## Chart ${c.chartId !== undefined ? mdText(c.chartId) : '(no chart id)'}`, '', `File: ${mdText(c.file)}`, '');
    for (const [encounterId, list] of c.encounters) {
      const date = list[0]!.finding.query!.encounterDate;
      const title = encounterId
        ? `Encounter ${mdText(encounterId)}${date ? `, date of service ${mdText(date)}` : ''}`
        : 'The chart as a whole';
      out.push(`### ${title}`, '');
      for (const d of list) pushAll(out, draft(d, ++n, drafts.length));
    }
  }
  return out.join('\n');
};
