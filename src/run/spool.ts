/**
 * What a streamed file's outcome keeps out of memory: its findings and its chart entries, written
 * out as they are produced to private temporary files (one JSON value a line, in report order),
 * so a 1 GB export with hundreds of thousands of charts and findings lints in flat memory. The
 * report stage writes the formats that can be written piece by piece straight from them
 * (src/report/stream-writer.ts, through `findingsOf` and `chartsOf`), or reads them back
 * (readBackSpools) for those that need the whole report. The files hold what the report holds
 * (patient data): they live in a folder of the process's own, made with a name no one can guess
 * and readable by its owner only (mkdtemp), are created there only if new (never through a link
 * planted in a shared temporary folder), and are removed with the folder when the run ends,
 * whatever way it ends; a folder a killed run left (SIGKILL, a crash) is removed by the next run
 * that spools. Any streamed outcome can use them (attachSpool, attachChartSpool).
 */
import { closeSync, createWriteStream, openSync, readSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { spoolFolder } from '../core/temp.js';
import { ENGINE_RULES, type Finding, type Severity } from '../finding.js';
import type { ChartEntry, ChartSource, FileResult, Report } from '../report/types.js';
import { idKey, NO_ID } from './chart-ids.js';
import { compareFindings } from './lint-file.js';

let serial = 0;

/** Lines are handed to the file in batches of about this many characters. */
const BATCH = 64 * 1024;
/** Bytes read at a time when a spool is read back. */
const READ_CHUNK = 1 << 16;

/** Lines of text in a private temporary file: appended in batches, read back in order as often as needed. */
class LineSpool {
  /** Lines appended. */
  count = 0;
  private readonly out: WriteStream;
  private batch: string[] = [];
  private batchChars = 0;

  constructor(readonly path = join(spoolFolder(), `${++serial}.ndjson`)) {
    this.out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  }

  /** Adds one line (without its line break) to the batch; `written` hands a full batch to the file. */
  protected push(line: string): void {
    this.count++;
    this.batch.push(line);
    this.batchChars += line.length + 1;
  }

  /** Writes the batch once it is full; waits when the disk is behind. */
  protected async written(): Promise<void> {
    if (this.batchChars >= BATCH) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const text = `${this.batch.join('\n')}\n`;
    this.batch = [];
    this.batchChars = 0;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'finish');
  }

  /** The lines, in the order they were appended (read synchronously: the report stage waits on nothing else). */
  protected *lines(): Generator<string> {
    const fd = openSync(this.path, 'r');
    try {
      let buf = Buffer.allocUnsafe(READ_CHUNK);
      let filled = 0;
      for (;;) {
        if (filled === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]); // a line longer than the buffer
        const n = readSync(fd, buf, filled, buf.length - filled, null);
        if (n === 0) break;
        filled += n;
        const end = buf.lastIndexOf(10, filled - 1); // lines are cut on the newline byte, never inside a UTF-8 sequence
        if (end < 0) continue;
        const text = buf.toString('utf8', 0, end);
        buf.copy(buf, 0, end + 1, filled);
        filled -= end + 1;
        yield* text.split('\n');
      }
    } finally {
      closeSync(fd);
    }
  }

  dispose(): void {
    rmSync(this.path, { force: true });
  }
}

export class FindingSpool extends LineSpool {
  internalErrors = 0;
  readonly counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  /** Widest `line:column` by severity, for the stylish columns (with or without `--quiet`). */
  readonly posWidths: Record<Severity, number> = { error: 0, warning: 0, info: 0 };

  /** Appends findings (already in report order). */
  async append(findings: readonly Finding[]): Promise<void> {
    for (const f of findings) {
      this.counts[f.severity]++;
      if (f.ruleId === ENGINE_RULES.internalError) this.internalErrors++;
      this.posWidths[f.severity] = Math.max(this.posWidths[f.severity], `${f.line}:${f.column}`.length);
      this.push(JSON.stringify(f));
    }
    await this.written();
  }

  /** The findings, in the order they were appended. */
  *read(): Generator<Finding> {
    for (const l of this.lines()) yield JSON.parse(l) as Finding;
  }
}

/**
 * The chart entries of a streamed file, in file order. Beside the file it keeps one number a
 * chart in memory, the key of its id (chart-ids.ts), so chart ids repeated across the run are
 * found without reading the entries back (run.ts, duplicateChartIds).
 */
export class ChartSpool extends LineSpool implements ChartSource {
  private keyList = new Float64Array(1024);

  /** Appends entries (already in file order). */
  async append(charts: readonly ChartEntry[]): Promise<void> {
    for (const c of charts) {
      if (this.count === this.keyList.length) {
        const grown = new Float64Array(this.keyList.length * 2);
        grown.set(this.keyList);
        this.keyList = grown;
      }
      this.keyList[this.count] = c.chartId === undefined ? NO_ID : idKey(c.chartId);
      this.push(JSON.stringify(c));
    }
    await this.written();
  }

  /** The key of each entry's chart id (NO_ID for none), in file order. */
  get keys(): Float64Array {
    return this.keyList.subarray(0, this.count);
  }

  *entries(): Generator<ChartEntry> {
    for (const l of this.lines()) yield JSON.parse(l) as ChartEntry;
  }
}

/**
 * A streamed file's spools, found by the arrays of its outcome they stand for: the findings array
 * (which then holds only the findings added after streaming: chart ids repeated in other files)
 * and the chart entries array (then empty). Keyed by the arrays, the spools follow them from
 * FileOutcome into the report without becoming part of either.
 */
const findingSpools = new WeakMap<readonly Finding[], FindingSpool>();
const chartSpools = new WeakMap<readonly ChartEntry[], ChartSpool>();

export function attachSpool(findings: readonly Finding[], spool: FindingSpool): void {
  findingSpools.set(findings, spool);
}

export function attachChartSpool(charts: readonly ChartEntry[], spool: ChartSpool): void {
  chartSpools.set(charts, spool);
}

export function spoolOf(findings: readonly Finding[]): FindingSpool | undefined {
  return findingSpools.get(findings);
}

/** The file's chart entries when they are in a spool; undefined when they are in `r.charts`. */
export function chartSpoolOf(r: FileResult): ChartSpool | undefined {
  return chartSpools.get(r.charts);
}

/** True when some file of the report has its findings or chart entries in a spool. */
export function hasSpools(report: Report): boolean {
  return report.results.some((r) => findingSpools.has(r.findings) || chartSpools.has(r.charts));
}

/** A streamed file's findings in report order: the spool merged with the findings added later. */
function* merged(later: readonly Finding[], spool: FindingSpool): Generator<Finding> {
  const rest = [...later].sort(compareFindings);
  let k = 0;
  for (const f of spool.read()) {
    while (k < rest.length && compareFindings(rest[k]!, f) < 0) yield rest[k++]!;
    yield f;
  }
  while (k < rest.length) yield rest[k++]!;
}

/** A file's findings in report order, from its spool (merged with the later ones) or its array. */
export function findingsOf(r: FileResult): Iterable<Finding> {
  const spool = spoolOf(r.findings);
  return spool ? merged(r.findings, spool) : r.findings;
}

/**
 * How many of a file's findings have a severity in `keep`, and the widest `line:column` among
 * them, without reading a spool.
 */
export function findingsShape(r: FileResult, keep: ReadonlySet<Severity>): { count: number; posWidth: number; sevWidth: number } {
  let count = 0;
  let posWidth = 0;
  let sevWidth = 0;
  const spool = spoolOf(r.findings);
  for (const s of spool ? keep : []) {
    if (spool!.counts[s] === 0) continue;
    count += spool!.counts[s];
    posWidth = Math.max(posWidth, spool!.posWidths[s]);
    sevWidth = Math.max(sevWidth, s.length);
  }
  for (const f of r.findings) {
    if (!keep.has(f.severity)) continue;
    count++;
    posWidth = Math.max(posWidth, `${f.line}:${f.column}`.length);
    sevWidth = Math.max(sevWidth, f.severity.length);
  }
  return { count, posWidth, sevWidth };
}

/** Lines read back between two pauses. */
const PAUSE_EVERY = 4096;

/**
 * Reads every spool of a report back into its arrays (then removes the spool): for the formats
 * that need the whole report. `pause` is awaited every few thousand lines (Ctrl-C stops there).
 */
export async function readBackSpools(report: Report, pause: () => Promise<void> = async () => {}): Promise<void> {
  let lines = 0;
  for (const r of report.results) {
    const spool = spoolOf(r.findings);
    if (spool) {
      const all: Finding[] = [];
      for (const f of merged(r.findings, spool)) {
        all.push(f);
        if (++lines % PAUSE_EVERY === 0) await pause();
      }
      r.findings.length = 0;
      for (const f of all) r.findings.push(f);
      findingSpools.delete(r.findings);
      spool.dispose();
    }
    const charts = chartSpoolOf(r);
    if (charts) {
      for (const c of charts.entries()) {
        r.charts.push(c);
        if (++lines % PAUSE_EVERY === 0) await pause();
      }
      chartSpools.delete(r.charts);
      charts.dispose();
    }
  }
}
