/**
 * The formats that can be written piece by piece (json, sarif, stylish), for a report whose findings are
 * not all in memory (a streamed file's are in its spool, src/run/spool.ts): each format is cut
 * into the text before the files, each file's opening, each finding, each file's closing and the
 * text after the files, so that joined they are byte for byte what its pure formatter gives for
 * the whole report (tested). Findings are read once, in report order, for every format at once,
 * and the charts with findings are counted on the way. The pure formatters stay the in-memory path.
 */
import { ENGINE_RULES, type Finding } from '../finding.js';
import { FlaggedCharts } from './charts.js';
import { fileFindingIds } from './identity.js';
import { sarifParts } from './sarif.js';
import { stylishParts } from './stylish.js';
import type { ChartEntry, ChartSource, FileResult, FormatOptions, Report } from './types.js';

/** What the writers must know of a file's findings before reading them. */
export interface FileShape {
  count: number;
  /** Widest `line:column` and severity among them (stylish columns). */
  posWidth: number;
  sevWidth: number;
}

/** One format, in pieces (each piece as a few strings, so that no one of them holds a whole list). */
export interface PieceWriter {
  start(): Iterable<string>;
  /** The file's opening (`index` among the report's files). */
  file(r: FileResult, shape: FileShape, index: number): Iterable<string>;
  /** A finding of the current file (`index` among the file's findings). */
  finding(f: Finding, index: number): string;
  /** The file's closing, with its chart entries (read only by the formats that show them). */
  endFile(charts: ChartSource): Iterable<string>;
  end(chartsWithFindings: number): Iterable<string>;
}

/** Any string of the report is JSON-escaped, so this quoted NUL-string stands for a value that no report holds. */
const HOLE = '\u0000b12lint-hole\u0000';
const QUOTED_HOLE = JSON.stringify(HOLE);

/** `value` as JSON.stringify(_, null, 2) writes it, cut where the values of `keys` go (in key order). */
function around(value: object, keys: readonly string[]): string[] {
  return JSON.stringify({ ...value, ...Object.fromEntries(keys.map((k) => [k, HOLE])) }, null, 2).split(QUOTED_HOLE);
}

/** JSON text indented by `by` (its newlines are all between values: JSON escapes those inside strings). */
function indent(text: string, by: string): string {
  return by + text.replace(NEWLINES, `\n${by}`);
}

const NEWLINES = /\n/g;

/** An array of a file result (findings or charts) item by item: `[`, each item, and `]` at depth 3. */
function item(value: unknown, index: number): string {
  return `${index > 0 ? ',' : ''}\n${indent(JSON.stringify(value, null, 2), '        ')}`;
}

function* items<T>(values: Iterable<T>, each: (value: T, index: number) => string = item): Generator<string> {
  let i = 0;
  for (const v of values) yield `${i === 0 ? '[' : ''}${each(v, i++)}`;
  yield i === 0 ? '[]' : '\n      ]';
}

const CHART_KEYS = ['chartId', 'line', 'column', 'pointer'];

/**
 * A chart entry as `item` writes it: the same text, put together without JSON.stringify's
 * indentation (a run writes one per chart). An entry of any other shape (other keys, or in
 * another order, a position that is not a finite number, an id that is not text, an object that
 * is not plain) goes to `item`.
 */
function chartItem(c: ChartEntry, index: number): string {
  // Only a plain object (as the run builds it, or JSON.parse reads it back) with a text id or none.
  if (c === null || typeof c !== 'object' || Object.getPrototypeOf(c) !== Object.prototype) return item(c, index);
  if (c.chartId !== undefined && typeof c.chartId !== 'string') return item(c, index);
  let k = c.chartId === undefined ? 1 : 0;
  for (const key in c) if (key !== CHART_KEYS[k++]) return item(c, index);
  if (k !== 4 || !Number.isFinite(c.line) || !Number.isFinite(c.column) || typeof c.pointer !== 'string') return item(c, index);
  const id = c.chartId === undefined ? '' : `\n          "chartId": ${JSON.stringify(c.chartId)},`;
  return `${index > 0 ? ',' : ''}\n        {${id}\n          "line": ${c.line},\n          "column": ${c.column},\n          "pointer": ${JSON.stringify(c.pointer)}\n        }`;
}

/** A file name no report holds (see HOLE), standing for the file's own in the cut of a file result. */
const FILE_HOLE = '\u0000b12lint-file\u0000';
const QUOTED_FILE_HOLE = JSON.stringify(FILE_HOLE);
/** The cut of a file result with its file name left out, made once (a run has one per file). */
let plainCut: string[] | undefined;

/**
 * A file result at depth 2, cut where its findings and charts go. A result with no other field
 * than those and its file (every result of a run) differs from the next only by its file name:
 * the cut is made once and the name put in.
 */
function fileCut(result: FileResult): string[] {
  const keys = Object.keys(result);
  if (keys.length !== 3 || keys[0] !== 'file' || keys[1] !== 'findings' || keys[2] !== 'charts')
    return around(result, ['findings', 'charts']).map((t) => indent(t, '    '));
  plainCut ??= around({ file: FILE_HOLE, findings: [], charts: [] }, ['findings', 'charts']).map((t) => indent(t, '    '));
  const name = JSON.stringify(result.file);
  return [plainCut[0]!.replace(QUOTED_FILE_HOLE, () => name), plainCut[1]!, plainCut[2]!];
}

/**
 * src/report/json.ts, in pieces: results at depth 2 (4 spaces); each file's findings and charts
 * (a huge export lists hundreds of thousands) item by item at depth 4 (8 spaces).
 */
function jsonWriter(report: Report): PieceWriter {
  const [head, tail] = around(report, ['results']) as [string, string];
  const any = report.results.length > 0;
  let cut: string[] = [];
  let empty = true;
  return {
    start: () => [head + (any ? '[' : '[]')],
    file(result, shape, index) {
      cut = fileCut(result);
      empty = shape.count === 0;
      return [`${index > 0 ? ',' : ''}\n${cut[0]}${empty ? '[]' : '['}`];
    },
    finding: item,
    *endFile(charts) {
      if (!empty) yield '\n      ]';
      yield cut[1]!.slice(4);
      yield* items(charts.entries(), chartItem);
      yield cut[2]!.slice(4);
    },
    end: () => [`${any ? '\n  ]' : ''}${tail}\n`],
  };
}

/**
 * src/report/sarif.ts, in pieces: the run's results (one a finding, of every file) item by item
 * at depth 4 (8 spaces); what follows them, whether the run was successful (an internal error
 * among the findings), written once they are all read.
 */
function sarifWriter(report: Report, options: FormatOptions): PieceWriter {
  const parts = sarifParts(report, options);
  const head = around(parts.log(HOLE, false), [])[0]!;
  let uri = '';
  let id: (f: Finding) => string = () => '';
  let written = 0;
  let internal = false;
  return {
    start: () => [head],
    file(r) {
      uri = parts.uri(r.file);
      id = fileFindingIds(r.file, options);
      return [];
    },
    finding(f) {
      if (f.ruleId === ENGINE_RULES.internalError) internal = true;
      const index = written++;
      return `${index === 0 ? '[' : ''}${item(parts.result(f, uri, id(f)), index)}`;
    },
    endFile: () => [],
    end: () => [`${written === 0 ? '[]' : '\n      ]'}${around(parts.log(HOLE, internal), [])[1]!}\n`],
  };
}

/** src/report/stylish.ts, in pieces: a file without findings writes nothing. */
function stylishWriter(report: Report, options: FormatOptions): PieceWriter {
  const parts = stylishParts(options.color, options.quietHidden);
  let widths: FileShape = { count: 0, posWidth: 0, sevWidth: 0 };
  return {
    start: () => [],
    file(r, shape) {
      widths = shape;
      return shape.count === 0 ? [] : [`${parts.file(r.file)}\n`];
    },
    finding: (f) => `${parts.finding(f, widths.posWidth, widths.sevWidth).join('\n')}\n`,
    endFile: () => (widths.count === 0 ? [] : ['\n']),
    end: (flagged) => [`${parts.summary(report, flagged)}\n`],
  };
}

export const PIECE_WRITERS: ReadonlyMap<string, (report: Report, options: FormatOptions) => PieceWriter> = new Map([
  ['json', jsonWriter],
  ['sarif', sarifWriter],
  ['stylish', stylishWriter],
]);

/**
 * A file as the writers take it: its findings' shape first, then the findings in report order;
 * its chart entries when they are not in `FileResult.charts` (then read in file order, alongside
 * the findings to count the charts with findings, and once more by each format that shows them).
 */
export interface FileContent {
  shape: FileShape;
  findings: Iterable<Finding>;
  charts?: ChartSource;
}

/** Findings (and files) written between two pauses. */
const PAUSE_EVERY = 4096;

/**
 * Writes every format's pieces to its sink, reading each file's findings once; `seen` is told of
 * every finding written. `pause` is awaited every few thousand findings (Ctrl-C stops there).
 * Returns the number of charts with findings.
 */
export async function writePieces(
  report: Report,
  files: (r: FileResult) => FileContent,
  outputs: readonly { writer: PieceWriter; write: (s: string) => void }[],
  seen: (f: Finding) => void,
  pause: () => Promise<void> = async () => {},
): Promise<number> {
  let work = 0;
  const flagged = new FlaggedCharts();
  const each = (pieces: (w: PieceWriter) => Iterable<string>): void => {
    for (const o of outputs) for (const s of pieces(o.writer)) o.write(s);
  };
  each((w) => w.start());
  for (const [i, r] of report.results.entries()) {
    const { shape, findings, charts } = files(r);
    flagged.startFile(r, charts);
    each((w) => w.file(r, shape, i));
    let k = 0;
    for (const f of findings) {
      flagged.add(f);
      seen(f);
      for (const o of outputs) o.write(o.writer.finding(f, k));
      k++;
      if (++work % PAUSE_EVERY === 0) await pause();
    }
    if (++work % PAUSE_EVERY === 0) await pause();
    each((w) => w.endFile(charts ?? { count: r.charts.length, entries: () => r.charts }));
  }
  each((w) => w.end(flagged.size));
  return flagged.size;
}
