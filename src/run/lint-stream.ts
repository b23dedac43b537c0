/**
 * Large NDJSON files, streamed: read line by line with backpressure (ndjson-stream.ts), each line
 * linted as it comes, its located findings and its chart entries written to spools (spool.ts)
 * rather than kept. Only the counts and one number a chart (the key of its id, for ids repeated
 * across the run) stay in memory. The outcome is the one lintFile gives for the same file, except
 * that the findings and chart entries are in spools, an internal error is contained to its line,
 * and no file-size limit applies (only a line-size one).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { ENGINE_RULES, type Finding, type Position } from '../finding.js';
import { decode } from '../read/decode.js';
import { isUtf16, ndjsonLines } from '../read/ndjson-stream.js';
import { formatOf, parseNdjsonLine } from '../read/parse.js';
import {
  compareFindings,
  EMPTY_FILE,
  formatFinding,
  fileFinding,
  limitsFor,
  lintDoc,
  unlistedFinding,
  type Budget,
  type ChartLinter,
  type FileOutcome,
  type LintFileOptions,
} from './lint-file.js';
import { attachChartSpool, attachSpool, ChartSpool, FindingSpool } from './spool.js';
import { addTo } from '../core/arrays.js';

/** NDJSON files from this size up are streamed; `B12LINT_STREAM_THRESHOLD` (bytes) overrides it. */
export const DEFAULT_STREAM_THRESHOLD = 16 * 1024 * 1024;

export function streamThreshold(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.B12LINT_STREAM_THRESHOLD);
  return env.B12LINT_STREAM_THRESHOLD !== undefined && Number.isInteger(v) && v >= 0 ? v : DEFAULT_STREAM_THRESHOLD;
}

function head(abs: string): Buffer {
  const fd = openSync(abs, 'r');
  try {
    const b = Buffer.alloc(2);
    return b.subarray(0, readSync(fd, b, 0, 2, 0));
  } finally {
    closeSync(fd);
  }
}

/** True for an NDJSON file (by extension) at or over the threshold, in UTF-8. */
export function streamable(abs: string, threshold: number): boolean {
  if (formatOf(abs) !== 'ndjson') return false;
  try {
    const st = statSync(abs);
    return st.isFile() && st.size >= threshold && !isUtf16(head(abs));
  } catch {
    return false; // lintFile reports why it cannot be read
  }
}

const MB = 1024 * 1024;

/** Lines between two checkpoints (Ctrl-C) of a streamed file. */
const CHECK_EVERY = 1024;
/**
 * Bytes of lines between two checkpoints, whatever their number: lines of a megabyte each take about
 * a second to lint, and 1,024 of them kept Ctrl-C waiting for minutes (a hostile-input review).
 */
const CHECK_BYTES = 256 * 1024;

/** One line's chart linted; an engine fault is a finding on the line, and the stream goes on. */
function lintLine(
  doc: Parameters<typeof lintDoc>[0],
  line: number,
  display: string,
  engine: ChartLinter,
  options: LintFileOptions,
  budget: Budget,
): FileOutcome {
  const part: FileOutcome = { file: display, findings: [], charts: 0, encounters: 0, chartRefs: [] };
  try {
    lintDoc(doc, engine, options, part, budget);
  } catch (err) {
    const f = fileFinding(ENGINE_RULES.internalError, `b12lint failed on this line: ${err instanceof Error ? err.message : String(err)}`, {
      line,
      column: 1,
    });
    if (options.debug && err instanceof Error && err.stack) f.stack = err.stack;
    part.findings.push(f);
  }
  return part;
}

/** What one line of a streamed file gave: its chart's outcome, or the one finding that it could not be read. */
export type LineOutcome = { part: FileOutcome } | { unread: Finding };

/** One decoded line parsed and linted (in this thread, or in a worker for a line over the inline limit). */
export function lintLineText(
  text: string,
  line: number,
  display: string,
  engine: ChartLinter,
  options: LintFileOptions,
  budget: Budget,
): LineOutcome {
  const parsed = parseNdjsonLine(text, line, limitsFor(options.maxFileSize));
  if ('problem' in parsed) return { unread: fileFinding(ENGINE_RULES.parseError, parsed.problem.message, parsed.problem) };
  const part = lintLine(parsed.doc, line, display, engine, options, budget);
  for (const p of parsed.formatProblems) part.findings.push(formatFinding(p, part.chartRefs));
  return { part };
}

/**
 * Lints a line over the inline limit in a worker thread, so that this thread, which handles
 * Ctrl-C, is free while a line of tens of megabytes is parsed and linted (seconds): the run's
 * `lineInWorker` (schedule.ts), or undefined where the run has no worker to give.
 */
export type LineInWorker = (text: string, line: number, budget: Budget) => Promise<LineOutcome>;

export async function lintNdjsonStream(
  abs: string,
  display: string,
  engine: ChartLinter,
  options: LintFileOptions,
  checkpoint?: () => Promise<void>,
  inWorker?: { limit: number; lint: LineInWorker },
): Promise<FileOutcome> {
  const out: FileOutcome = { file: display, findings: [], charts: 0, encounters: 0, chartRefs: [] };
  const spool = new FindingSpool();
  const charts = new ChartSpool();
  const { maxFindings } = limitsFor(options.maxFileSize);
  const budget: Budget = { left: maxFindings, unlisted: 0, severity: 'info' };
  let last: Position = { line: 1, column: 1 };
  const unread = async (f: Finding): Promise<void> => {
    out.charts++;
    last = f;
    await spool.append([f]);
  };
  let lines = 0;
  let sinceCheck = 0;
  try {
    for await (const l of ndjsonLines(abs, options.maxFileSize)) {
      if ('tooLong' in l) {
        lines++;
        await unread(
          fileFinding(
            ENGINE_RULES.readError,
            `Line ${l.line} is ${(l.tooLong / MB).toFixed(1)} MB, over the ${(options.maxFileSize / MB).toFixed(0)} MB limit for one chart: raise it with --max-file-size.`,
            { line: l.line, column: 1 },
          ),
        );
        continue;
      }
      const decoded = decode(l.bytes);
      const bad = decoded.undecodable[decoded.undecodable.length - 1];
      if (!bad && decoded.text.trim() === '') continue;
      sinceCheck += l.bytes.length;
      if (++lines % CHECK_EVERY === 0 || sinceCheck >= CHECK_BYTES) {
        sinceCheck = 0;
        await checkpoint?.();
      }
      if (bad) {
        await unread(fileFinding(ENGINE_RULES.parseError, bad.message, { line: l.line, column: bad.column }));
        continue;
      }
      const done =
        inWorker && l.bytes.length > inWorker.limit
          ? await inWorker.lint(decoded.text, l.line, budget)
          : lintLineText(decoded.text, l.line, display, engine, options, budget);
      if ('unread' in done) {
        await unread(done.unread);
        continue;
      }
      const { part } = done;
      out.charts += part.charts;
      out.encounters += part.encounters;
      await charts.append(part.chartRefs);
      // Lines of one chart id add to one list (copied at each, 6,400 lines took a minute).
      for (const [id, values] of part.sensitive ?? []) addTo((out.sensitive ??= new Map()), id, values);
      if (part.findings.length > 0) {
        part.findings.sort(compareFindings);
        last = part.findings[part.findings.length - 1]!;
        await spool.append(part.findings);
      }
    }
    if (budget.unlisted > 0) await spool.append([unlistedFinding(budget, maxFindings, last)]);
    if (lines === 0) await unread(fileFinding(ENGINE_RULES.chartFormat, EMPTY_FILE));
  } catch (err) {
    // The file went away or became unreadable part-way: what was read stands, the rest is one
    // finding. Anything else (Ctrl-C at a checkpoint) stops the run.
    const e = err as NodeJS.ErrnoException;
    if (typeof e.syscall !== 'string') throw err;
    await unread(fileFinding(ENGINE_RULES.readError, `Cannot read the file to its end: ${e.code ?? String(err)}.`));
  }
  await spool.close();
  await charts.close();
  attachSpool(out.findings, spool);
  attachChartSpool(out.chartRefs, charts);
  return out;
}
