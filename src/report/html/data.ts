/**
 * The data the HTML report embeds for its findings table: the JSON report flattened into compact
 * rows (files, rules and messages are indexes into lists, as a batch repeats them a lot), the
 * evidence already put into words, and, unless redacted, the few chart lines around each finding.
 * The types are shared with the page's script (html/client/), which reads this back.
 */
import { SEVERITIES, type Finding, type Severity } from '../../finding.js';
import { formatOf } from '../../read/parse.js';
import { describeIndicator } from '../queries.js';
import { evidenceWords } from '../stylish.js';
import type { FormatOptions, Report } from '../types.js';
import { grouped } from '../../core/numbers.js';

/**
 * Lines shown above and below a finding's line; none in NDJSON, where each line is another chart
 * (another patient), so only the finding's own line is shown.
 */
export const CONTEXT_LINES = 2;

function contextLines(file: string): number {
  return formatOf(file) === 'ndjson' ? 0 : CONTEXT_LINES;
}

/** Longest stretch of one chart line shown; a longer line (a one-line JSON chart) is cut around the findings. */
export const MAX_LINE_CHARS = 160;

export interface RuleRow {
  id: string;
  title?: string;
  docs?: string;
}

export type FindingRow = [
  severity: number, // index into SEVERITIES
  rule: number, // index into HtmlData.rules
  file: number, // index into HtmlData.files
  line: number,
  column: number,
  chartId: string,
  encounterId: string,
  message: number, // index into HtmlData.messages
  evidence: string[], // each put into words, as the terminal report does
  query?: QueryRow, // the finding's provider query draft, when its rule has one
];

/** A provider query draft, its indicators put into words (with their line in the file). */
export interface QueryRow {
  question: string;
  indicators: string[];
  options: string[];
}

export interface HtmlData {
  severities: readonly string[];
  files: string[];
  rules: RuleRow[];
  messages: string[];
  findings: FindingRow[];
  /** Chart lines by file index and line number: only lines within the file's context of a finding. */
  sources: Record<number, Record<number, string>>;
  /** Lines shown above and below a finding's line, by file index (contextLines). */
  context: number[];
  /** The report was redacted: no chart lines. */
  redacted: boolean;
  /** Where a rule's doc is, relative to the report; `{id}` stands for the rule id. */
  docsHref: string;
}

const DOCS_HREF = 'docs/rules/{id}.md';

/** Indexes strings in first-seen order. */
class Interner {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  of(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

/** Cuts a long line to windows around the given columns (1-based), joined by an ellipsis. */
function lowSurrogateAt(text: string, i: number): boolean {
  return i > 0 && i < text.length && (text.charCodeAt(i) & 0xfc00) === 0xdc00;
}

export function clipLine(text: string, columns: readonly number[]): string {
  if (text.length <= MAX_LINE_CHARS) return text;
  const before = MAX_LINE_CHARS / 3;
  const windows = (columns.length ? [...columns].sort((a, b) => a - b) : [1])
    .map((c) => {
      const from = Math.max(0, Math.min(c - 1, text.length) - before);
      const to = Math.min(text.length, from + MAX_LINE_CHARS);
      // Never inside a surrogate pair: half a character shows as garbage.
      return [lowSurrogateAt(text, from) ? from - 1 : from, lowSurrogateAt(text, to) ? to + 1 : to] as [number, number];
    })
    .reduce<[number, number][]>((acc, w) => {
      const prev = acc[acc.length - 1];
      if (prev && w[0] <= prev[1]) prev[1] = Math.max(prev[1], w[1]);
      else acc.push(w);
      return acc;
    }, []);
  const parts = windows.map(([a, b]) => text.slice(a, b));
  return `${windows[0]![0] > 0 ? '…' : ''}${parts.join(' … ')}${windows[windows.length - 1]![1] < text.length ? '…' : ''}`;
}

/**
 * The lines to show (with the columns of the findings on each), `context` lines either side of
 * each finding, within the finding's own chart: in a file of several charts (a YAML stream, a
 * JSON list) the lines around a finding may be another patient's (a security review), so the
 * window stops at the line before the next chart begins and at its own chart's first line.
 */
function linesAround(findings: readonly Finding[], context: number, charts: readonly { line?: number }[]): Map<number, number[]> {
  const starts = charts
    .map((c) => c.line)
    .filter((l): l is number => l !== undefined && Number.isInteger(l) && l >= 1)
    .sort((a, b) => a - b);
  const columns = new Map<number, number[]>();
  for (const f of findings) {
    if (!Number.isInteger(f.line) || f.line < 1) continue; // a report from elsewhere may hold anything
    let from = Math.max(1, f.line - context);
    let to = f.line + context;
    if (starts.length > 1) {
      // The first chart that begins after the finding's line (a binary search: a file may hold thousands).
      let lo = 0;
      let hi = starts.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (starts[mid]! <= f.line) lo = mid + 1;
        else hi = mid;
      }
      if (lo < starts.length) to = Math.min(to, starts[lo]! - 1);
      if (lo > 0) from = Math.max(from, starts[lo - 1]!);
    }
    for (let l = from; l <= to; l++) {
      if (!columns.has(l)) columns.set(l, []);
    }
    columns.get(f.line)!.push(f.column);
  }
  return columns;
}

/** A severity's index; one the page does not know (a report from elsewhere) is shown as an error, never as less. */
function severityIndex(severity: string): number {
  return Math.max(0, SEVERITIES.indexOf(severity as Severity));
}

export function htmlData(report: Report, options: FormatOptions): HtmlData {
  const files = new Interner();
  const rules = new Interner();
  const messages = new Interner();
  const context: number[] = [];
  const findings: FindingRow[] = [];
  const sources: HtmlData['sources'] = {};
  const readLines = options.redact ? undefined : options.sources;
  for (const r of report.results) {
    if (r.findings.length === 0) continue;
    const file = files.of(r.file);
    context[file] = contextLines(r.file);
    for (const f of r.findings) {
      const row: FindingRow = [
        severityIndex(f.severity),
        rules.of(f.ruleId),
        file,
        f.line,
        f.column,
        f.chartId ?? '',
        f.encounterId ?? '',
        messages.of(f.message),
        evidenceWords(f),
      ];
      if (f.query) {
        const at = (i: { file?: string; line?: number }): string =>
          i.line !== undefined ? ` (${i.file ? `${i.file}:` : 'line '}${i.line})` : '';
        row.push({
          question: f.query.question,
          indicators: [
            ...f.query.indicators.map((i) => `${describeIndicator(i)}${at(i)}`),
            ...(f.query.moreIndicators ? [`and ${grouped(f.query.moreIndicators)} more`] : []),
          ],
          options: f.query.options,
        });
      }
      findings.push(row);
    }
    const wanted = linesAround(r.findings, context[file]!, r.charts ?? []);
    const got = readLines?.(r.file, new Set(wanted.keys()));
    if (!got || got.size === 0) continue;
    const lines: Record<number, string> = {};
    for (const [n, columns] of wanted) {
      const text = got.get(n);
      if (text !== undefined) lines[n] = clipLine(text, columns);
    }
    sources[file] = lines;
  }
  const info = new Map((options.rules ?? []).map((r) => [r.id, r]));
  return {
    severities: SEVERITIES,
    files: files.list,
    rules: rules.list.map((id) => {
      const r = info.get(id);
      return { id, ...(r?.title ? { title: r.title } : {}), ...(r?.docs ? { docs: r.docs } : {}) };
    }),
    messages: messages.list,
    findings,
    sources,
    context,
    redacted: options.redact === true,
    docsHref: DOCS_HREF,
  };
}

/**
 * JSON that can stand inside <script type="application/json">: every `<` (so `</script>` and
 * `<!--` cannot end or confuse the element), `>`, `&` and the two JavaScript line separators are
 * written as \u escapes, which JSON.parse reads back unchanged.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
