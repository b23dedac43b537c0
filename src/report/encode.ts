/**
 * The one layer between the report and every format's text (src/core/printable.ts says why):
 * the CLI writes no format but through here. The data formats (JSON, SARIF, GitLab Code Quality)
 * get the report as it is, and their JSON text goes through `jsonSafe`, so a reader gets the
 * exact data back. Every other format, and any format added later unless it is listed as data,
 * is text for a terminal, a CI log or a spreadsheet: it gets the report with every string
 * printable. A text format that starts a line with a path starts it with `lineStart` (stylish's
 * file headings). The formatters stay pure functions of the report they are given.
 */
import type { Finding } from '../finding.js';
import { FORMATTERS } from './index.js';
import { jsonSafe, printable, printableBlock, printableDeep } from '../core/printable.js';
import { PIECE_WRITERS, type PieceWriter } from './stream-writer.js';
import type { ChartSource, FormatOptions, Report, SourceLines } from './types.js';

/** The formats whose text is JSON data. */
export const DATA_FORMATS: ReadonlySet<string> = new Set(['json', 'sarif', 'codequality']);

/**
 * The report as text formats show it, and its source-line reader: asked for a shown path, it
 * reads the file's real path, and gives lines printable (tabs kept: a chart may be indented with them).
 */
export function printableReport(report: Report, sources?: SourceLines): { report: Report; sources?: SourceLines } {
  const original = new Map<string, string>();
  const results = report.results.map((r) => {
    const shown = printableDeep(r);
    if (shown.file !== r.file) original.set(shown.file, r.file);
    return shown;
  });
  const head = printableDeep({
    tool: report.tool,
    ruleset: report.ruleset,
    summary: report.summary,
    ...(report.shard ? { shard: report.shard } : {}),
  });
  const shownSources: SourceLines | undefined =
    sources &&
    ((file, lines) => {
      const got = sources(original.get(file) ?? file, lines);
      return got && new Map([...got].map(([n, text]) => [n, printableBlock(text)]));
    });
  return { report: { ...report, ...head, results }, ...(shownSources ? { sources: shownSources } : {}) };
}

/** The report in format `name` (one of FORMATTERS). */
export function formatReport(name: string, report: Report, options: FormatOptions): string {
  const format = FORMATTERS.get(name);
  if (!format) throw new Error(`no format ${name}`);
  if (DATA_FORMATS.has(name)) return jsonSafe(format(report, options));
  const shown = printableReport(report, options.sources);
  const { sources: _raw, ...rest } = options;
  return format(shown.report, { ...rest, ...(shown.sources ? { sources: shown.sources } : {}) });
}

function* each<T>(items: Iterable<T>, f: (x: T) => T): Generator<T> {
  for (const x of items) yield f(x);
}

/**
 * Format `name` in pieces (one of PIECE_WRITERS), through the same layer as `formatReport`: the
 * writer, and what its text goes through on the way out. A data format's pieces are encoded a
 * chunk at a time (`jsonSafe` over many pieces at once, not each on its own): the same text,
 * since whatever `jsonSafe` changes stands inside a JSON string, and no piece cuts a string.
 */
export function pieceWriter(
  name: string,
  report: Report,
  options: FormatOptions,
): { writer: PieceWriter; encode: (text: string) => string } {
  const make = PIECE_WRITERS.get(name);
  if (!make) throw new Error(`no piece writer for ${name}`);
  if (DATA_FORMATS.has(name)) return { writer: make(report, options), encode: jsonSafe };
  const w = make(printableReport(report).report, options);
  const writer: PieceWriter = {
    start: () => w.start(),
    file: (r, shape, index) => w.file({ ...r, file: printable(r.file) }, shape, index),
    finding: (f: Finding, index) => w.finding(printableDeep(f), index),
    endFile: (charts: ChartSource) => w.endFile({ count: charts.count, entries: () => each(charts.entries(), printableDeep) }),
    end: (flagged) => w.end(flagged),
  };
  return { writer, encode: (text) => text };
}
