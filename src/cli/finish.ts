/**
 * What a lint run and a merge both do with their report: apply the baseline (reading, updating
 * or pruning its file), `--quiet` and `--redact`, write every requested format (each from the
 * same report, so the charts are read once however many formats there are), print the summary
 * line when no report went to the terminal, and turn the report into the exit code. Every text
 * is made before anything is written, so an interrupted run writes nothing, and a finished one
 * writes every file whole.
 *
 * A report with streamed files (findings and chart entries in spools, src/run/spool.ts), or one
 * whose formats all go to files, goes through `finishRun`: when no baseline is asked for and every
 * format can be written piece by piece (src/report/stream-writer.ts), the formats are written
 * straight from the spools or the report (redacted on the way with `--redact`), so memory does not
 * grow with the number of findings or charts; otherwise the spools are read back and `finish` runs.
 * Files are still written whole (atomically, or into a FIFO or device: src/core/io.ts); what
 * goes to stdout is written as it is made.
 */
import { type BigIntStats, existsSync, futimesSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { formatReport, pieceWriter } from '../report/encode.js';
import { chartsWithFindings } from '../report/charts.js';
import { keepFindings } from '../report/filter.js';
import { printable } from '../core/printable.js';
import { Redactor, type RedactOptions } from '../report/redact.js';
import { summaryLine } from '../report/stylish.js';
import type { ChartSource, FileResult, FormatOptions, QuietHidden, Report, RuleInfo, SourceLines } from '../report/types.js';
import { applyBaseline, baselineScope, prunedBaseline, readBaseline, serializeBaseline, updatedBaseline } from '../run/baseline.js';
import { ExitCode, exitCode, type FailOn } from '../run/run.js';
import type { Shard } from '../run/shard.js';
import { PIECE_WRITERS, writePieces, type FileContent } from '../report/stream-writer.js';
import { chartSpoolOf, findingsOf, findingsShape, hasSpools, readBackSpools } from '../run/spool.js';
import { SEVERITIES, type Finding, type Severity } from '../finding.js';
import { IoProblem, openOutput, outputError, OutputError, withRegularFile, type OutputFile } from '../core/io.js';
import type { OutputRecorder, Replayed } from '../run/replay.js';
import { grouped } from '../core/numbers.js';

export interface FormatTarget {
  name: string;
  path?: string;
}

export interface BaselineOption {
  /** As given (relative to the current folder), for messages and the report. */
  path: string;
  update: boolean;
  prune: boolean;
}

export interface FinishOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Chart lines around findings, for the formats that show them (HTML); never with `redact`. */
  sources: SourceLines;
  /** `--redact`: the report's identifying strings become hashes before any format sees it. */
  redact?: RedactOptions;
  /** Ctrl-C: checked once every text is made, before anything is written. */
  signal?: AbortSignal;
  targets: readonly FormatTarget[];
  color: boolean;
  rules: readonly RuleInfo[];
  failOn: FailOn;
  maxWarnings: number | undefined;
  quiet: boolean;
  baseline?: BaselineOption;
  shard?: Shard;
  /** The largest baseline file read (--max-file-size), in bytes. */
  maxInputSize?: number;
  /** Keeps what is written to standard output and to each report file, for a replay (src/run/replay.ts). */
  record?: OutputRecorder;
}

/** The current folder relative to the repository root (the nearest folder with `.git`), with `/`. */
export function pathPrefix(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) {
      const rel = relative(dir, resolve(cwd)).split(sep).join('/');
      return rel === '' ? '' : `${rel}/`;
    }
    if (dirname(dir) === dir) return '';
  }
}

/** Now, as JUnit writes it; SOURCE_DATE_EPOCH (seconds) fixes it for reproducible reports. */
function timestamp(env: NodeJS.ProcessEnv): string {
  const fixed =
    env.SOURCE_DATE_EPOCH !== undefined && /^\d+$/.test(env.SOURCE_DATE_EPOCH) ? Number(env.SOURCE_DATE_EPOCH) * 1000 : undefined;
  return new Date(fixed ?? Date.now()).toISOString().slice(0, 19);
}

/**
 * The files this run writes (reports and the baseline), absolute, so that linting a folder never
 * reads b12lint's own output as charts.
 */
export function ownFiles(cwd: string, targets: readonly FormatTarget[], baseline: BaselineOption | undefined): string[] {
  return [...targets.map((t) => t.path), baseline?.path].filter((p): p is string => p !== undefined).map((p) => resolve(cwd, p));
}

/** The baseline file to write, and what to say once it is written. */
interface BaselineWrite {
  path: string;
  shown: string;
  text: string;
  note: string;
}

/** The report through the baseline, and the baseline file to write, if any. */
function withBaseline(report: Report, b: BaselineOption, o: FinishOptions): { report: Report; write?: BaselineWrite } {
  const file = resolve(o.cwd, b.path);
  const old = b.update && !existsSync(file) ? [] : readBaseline(file, b.path, o.maxInputSize);
  const inScope = baselineScope(report, o.cwd, o.shard);
  const entries = b.update ? updatedBaseline(old, report, inScope) : old;
  const applied = applyBaseline(report, entries, inScope, b.path);
  const fixed = applied.summary.baseline!.fixed;
  if (b.update) {
    const note = `b12lint: wrote ${entries.length} finding${entries.length === 1 ? '' : 's'} to the baseline ${printable(b.path)}\n`;
    return { report: applied, write: { path: file, shown: b.path, text: serializeBaseline(entries), note } };
  }
  if (b.prune && fixed.length) {
    const note = `b12lint: pruned ${fixed.length} fixed finding${fixed.length === 1 ? '' : 's'} from the baseline ${printable(b.path)}\n`;
    return { report: applied, write: { path: file, shown: b.path, text: serializeBaseline(prunedBaseline(old, fixed)), note } };
  }
  return { report: applied };
}

/** Opens a report file and writes its text, or throws an OutputError naming it. */
function reportFile(path: string, shown: string, cwd: string): OutputFile {
  try {
    return openOutput(resolve(cwd, path));
  } catch (err) {
    throw outputError('the report', shown, err);
  }
}

/** Opens a report file (added to `files`, to be committed or aborted with them) and writes its whole text. */
function writeReport(
  files: { file: OutputFile; what: string; shown: string }[],
  path: string,
  cwd: string,
  text: string | Uint8Array,
): void {
  const file = reportFile(path, path, cwd);
  files.push({ file, what: 'the report', shown: path });
  try {
    file.write(text);
  } catch (err) {
    throw outputError('the report', path, err);
  }
}

/** Puts every written file in place (renames first: they cannot wait on a reader); on a failure, the rest are removed. */
async function commitAll(written: readonly { file: OutputFile; what: string; shown: string }[], signal?: AbortSignal): Promise<void> {
  const files = [...written].sort((a, b) => Number(a.file.into) - Number(b.file.into));
  // A signal that came while the reports were made (in one go each) is heard before any is put in place.
  try {
    await pauser(signal)();
  } catch (err) {
    for (const f of files) f.file.abort();
    throw err;
  }
  let k = 0;
  try {
    for (; k < files.length; k++) {
      const f = files[k]!;
      try {
        await f.file.commit(signal);
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        throw outputError(f.what, f.shown, err);
      }
    }
  } finally {
    for (k++; k < files.length; k++) files[k]!.file.abort();
  }
}

/** The options every format shares. */
function sharedOptions(flagged: number | undefined, o: FinishOptions): Omit<FormatOptions, 'color'> {
  return {
    ...(flagged !== undefined ? { chartsWithFindings: flagged } : {}),
    rules: o.rules,
    // A redacted report shows no chart text: no source lines, and formats told so.
    ...(o.redact ? { redact: true } : { sources: o.sources }),
    pathPrefix: pathPrefix(o.cwd),
    timestamp: timestamp(o.env),
    hostname: hostname(),
  };
}

/** The report stage of a run: from the spools when it can be (see the header), else `finish`. */
export async function finishRun(report: Report, given: FinishOptions): Promise<number> {
  const rec = given.record;
  const o: FinishOptions = rec
    ? {
        ...given,
        stdout: (s) => {
          rec.stdout(s);
          given.stdout(s);
        },
        stderr: (s) => {
          rec.stderr(s);
          given.stderr(s);
        },
      }
    : given;
  // A report held in memory takes the same way when every format goes to a file: no text of a
  // whole report is made (a large report's string and its bytes were a third of a run's memory),
  // and the files are still put in place whole. Standard output keeps the whole text, so that an
  // interrupted run prints nothing.
  const inPieces = hasSpools(report) || o.targets.every((t) => t.path !== undefined);
  if (inPieces && !o.baseline && o.targets.every((t) => PIECE_WRITERS.has(t.name))) return finishInPieces(report, o);
  await readBackSpools(report, pauser(o.signal));
  return finish(report, o);
}

/**
 * What the report stage awaits between two pieces of work: the event loop runs (a signal's handler
 * with it), and an aborted run stops there. The formats themselves are made in one go each.
 */
function pauser(signal: AbortSignal | undefined): () => Promise<void> {
  return async () => {
    await new Promise((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
  };
}

/** Text is handed to a sink in chunks of about this many characters. */
const CHUNK = 1 << 16;

function buffered(write: (s: string) => void): { write: (s: string) => void; flush: () => void } {
  let pending: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (size > 0) write(pending.join(''));
    pending = [];
    size = 0;
  };
  return {
    write: (s) => {
      pending.push(s);
      size += s.length;
      if (size >= CHUNK) flush();
    },
    flush,
  };
}

/** Every format written piece by piece, each file's findings read once (from its spool, or the report). */
async function finishInPieces(input: Report, o: FinishOptions): Promise<number> {
  // `--quiet` keeps the errors: the counts follow, and each file's findings are filtered as they are read.
  const keep: ReadonlySet<Severity> = new Set(o.quiet ? ['error'] : SEVERITIES);
  const counted: Report = o.quiet ? { ...input, summary: { ...input.summary, warnings: 0, infos: 0 } } : input;
  // `--redact`: each file's path, findings and chart entries are redacted as they are written.
  const red = o.redact ? new Redactor(o.redact) : undefined;
  const report: Report = red ? { ...counted, results: counted.results.map((r) => ({ ...r, file: red.path(r.file) })) } : counted;
  const fileOf = new Map(report.results.map((r, k) => [r, counted.results[k]!.file]));
  // `--quiet` hides warnings and infos, but they still count towards --fail-on and --max-warnings.
  const quietCode = o.quiet ? exitCode(input, o.failOn, o.maxWarnings) : undefined;
  const hidden = quietCode !== undefined ? quietHidden(input.summary, quietCode) : undefined;
  const shared = { ...sharedOptions(undefined, o), ...(hidden ? { quietHidden: hidden } : {}) };
  // Nothing is written before this point. A signal that came while the last file was linted (one
  // long step, the event loop held) is heard in this turn of the loop, and stops the run here.
  await pauser(o.signal)();
  const files: { file: OutputFile; what: string; shown: string }[] = [];
  const exit = new ExitCode(o.failOn, o.maxWarnings);
  let flagged: number;
  try {
    const outputs = o.targets.map((t) => {
      let write = o.stdout;
      if (t.path !== undefined) {
        const shown = t.path;
        const file = reportFile(t.path, shown, o.cwd);
        files.push({ file, what: 'the report', shown });
        const recorded = o.record?.open(shown);
        write = (s) => {
          if (recorded !== undefined) o.record?.file(recorded, s);
          try {
            file.write(s);
          } catch (err) {
            throw outputError('the report', shown, err);
          }
        };
      }
      const { writer, encode } = pieceWriter(t.name, report, { color: t.path === undefined && o.color, ...shared });
      return { writer, ...buffered((s) => write(encode(s))) };
    });
    const content = (r: FileResult): FileContent => {
      const findings = kept(findingsOf(r), keep);
      if (!red) return { shape: findingsShape(r, keep), findings, charts: chartSpoolOf(r) };
      const file = fileOf.get(r)!;
      const charts: ChartSource = chartSpoolOf(r) ?? { count: r.charts.length, entries: () => r.charts };
      return {
        shape: findingsShape(r, keep),
        findings: mapped(findings, (f) => red.finding(file, f)),
        charts: { count: charts.count, entries: () => mapped(charts.entries(), (c) => red.chart(c)) },
      };
    };
    flagged = await writePieces(report, content, outputs, (f) => exit.see(f), pauser(o.signal));
    for (const out of outputs) out.flush();
  } catch (err) {
    for (const f of files) f.file.abort();
    throw err;
  }
  await commitAll(files, o.signal);
  if (o.targets.every((t) => t.path !== undefined)) o.stdout(`${summaryLine(report, flagged, hidden)}\n`);
  const code = quietCode ?? exit.code(report.summary);
  noteWhyItFails(code, input.summary, o);
  return code;
}

/** What `--quiet` hides from a run with this summary and exit code, for the summary line. */
function quietHidden(summary: Report['summary'], code: number): QuietHidden {
  return { warnings: summary.warnings, infos: summary.infos, failing: code === 1 && summary.errors === 0 };
}

/**
 * One line on stderr where the report alone does not say why the run fails: more warnings than
 * --max-warnings allows, or findings that fail it but that --quiet does not show.
 */
function noteWhyItFails(code: number, summary: Report['summary'], o: FinishOptions): void {
  if (code !== 1) return;
  const count = (n: number, what: string) => `${grouped(n)} ${what}${n === 1 ? '' : 's'}`;
  if (o.maxWarnings !== undefined && summary.warnings > o.maxWarnings) {
    o.stderr(`b12lint: ${count(summary.warnings, 'warning')}, more than --max-warnings ${o.maxWarnings} allows: the run fails.\n`);
  } else if (o.quiet && summary.errors === 0) {
    const hidden = o.failOn === 'info' ? summary.warnings + summary.infos : summary.warnings;
    if (hidden > 0)
      o.stderr(`b12lint: ${count(hidden, 'finding')} below error fail the run (--fail-on ${o.failOn}); --quiet does not show them.\n`);
  }
}

function* kept(findings: Iterable<Finding>, keep: ReadonlySet<Severity>): Generator<Finding> {
  for (const f of findings) if (keep.has(f.severity)) yield f;
}

function* mapped<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const x of items) yield f(x);
}

/**
 * A report as one text, or a refusal that says why when it is longer than Node.js's longest
 * string (about 512 MB; a SARIF report is a hundred times its input: 320,000 findings of a 5 MB
 * file): a limit of the format as written whole, not an internal error. Written alone to files,
 * json, sarif and stylish are written in pieces (`finishInPieces`), and have no such limit.
 */
export function formatted(name: string, report: Report, options: FormatOptions): string {
  try {
    return formatReport(name, report, options);
  } catch (err) {
    if (!(err instanceof RangeError) || !/invalid string length/i.test(err.message)) throw err;
    const n = report.summary.errors + report.summary.warnings + report.summary.infos;
    throw new OutputError(
      `the ${name} report of ${grouped(n)} findings is longer than the longest text Node.js can hold: ${
        PIECE_WRITERS.has(name)
          ? 'write it alone to a file (-o), which is written in pieces, or lint fewer files a run (--shard)'
          : 'lint fewer files a run (--shard), report fewer findings (--quiet), or write json, sarif or stylish alone to a file (-o), which is written in pieces'
      }`,
    );
  }
}

export async function finish(input: Report, o: FinishOptions): Promise<number> {
  const baselined = o.baseline ? withBaseline(input, o.baseline, o) : { report: input };
  let report = baselined.report;
  // `--quiet` hides warnings and infos, but they still count towards --fail-on and --max-warnings.
  const code = exitCode(report, o.failOn, o.maxWarnings);
  const summary = report.summary;
  const hidden = o.quiet ? quietHidden(summary, code) : undefined;
  if (o.quiet) report = keepFindings(report, (f) => f.severity === 'error');
  // The run's report is not read after this stage (its summary, which redaction keeps, aside).
  if (o.redact) report = new Redactor(o.redact).reportInPlace(report);
  const flagged = chartsWithFindings(report);
  const shared = { ...sharedOptions(flagged, o), ...(hidden ? { quietHidden: hidden } : {}) };
  const pause = pauser(o.signal);
  await pause();
  const texts: string[] = [];
  for (const t of o.targets) {
    texts.push(formatted(t.name, report, { color: t.path === undefined && o.color, ...shared } satisfies FormatOptions));
    await pause(); // once writing starts, every file is written whole
  }
  // Every file is written to its temporary file first: one that cannot be written stops the run
  // before any is put in place (the baseline first, which a report does not need).
  const files: { file: OutputFile; what: string; shown: string }[] = [];
  try {
    const b = baselined.write;
    if (b) {
      try {
        const file = openOutput(b.path);
        files.push({ file, what: 'the baseline', shown: b.shown });
        file.write(b.text);
      } catch (err) {
        throw outputError('the baseline', b.shown, err);
      }
    }
    for (const [i, t] of o.targets.entries()) {
      if (t.path === undefined) continue;
      const recorded = o.record?.open(t.path);
      if (recorded !== undefined) o.record?.file(recorded, texts[i]!);
      writeReport(files, t.path, o.cwd, texts[i]!);
    }
  } catch (err) {
    for (const f of files) f.file.abort();
    throw err;
  }
  await commitAll(files, o.signal);
  if (baselined.write) o.stderr(baselined.write.note);
  let stdoutUsed = false;
  for (const [i, t] of o.targets.entries()) {
    if (t.path !== undefined) continue;
    o.stdout(texts[i]!);
    stdoutUsed = true;
  }
  if (!stdoutUsed) o.stdout(`${summaryLine(report, flagged, hidden)}\n`);
  noteWhyItFails(code, summary, o);
  return code;
}

/**
 * Writes the outputs of the last run again (src/run/replay.ts): each report file whole and put in
 * place as a run puts it, then standard output. When every report file already holds its bytes
 * (`inPlace`), none is written: each is opened for writing as a run opens it (so a folder that
 * takes no new file fails the same way) and given up, and its times are set to now, as a run's
 * writing leaves them; one whose times cannot be set is written after all. The run's exit code,
 * and how many report files were left in place.
 */
export async function replayOutputs(
  replay: Replayed,
  o: Pick<FinishOptions, 'cwd' | 'stdout' | 'stderr' | 'signal'>,
): Promise<{ code: number; inPlace: number }> {
  o.signal?.throwIfAborted();
  const files: { file: OutputFile; what: string; shown: string }[] = [];
  let inPlace = 0;
  try {
    if (replay.inPlace) {
      // Opened as a run opens them (a folder that takes no new file fails here as there), not written.
      for (const f of replay.files) files.push({ file: reportFile(f.path, f.path, o.cwd), what: 'the report', shown: f.path });
      const touched = new Map(replay.files.map((f, k) => [resolve(o.cwd, f.path), files[k]!.file.made]));
      // A file of another mode, owner or group than a run makes, or whose times cannot be set, and
      // the files are written after all, as a run writes them; if the replay's copy of their bytes
      // fails its check, they are left as they are (they hold those bytes: checked before).
      const bytes = [...touched].every(([abs, made]) => touchNow(abs, made)) ? undefined : replay.bytes();
      if (bytes) replay.files.forEach((f, k) => writeTo(files[k]!.file, f.path, bytes[k]?.bytes));
      else {
        for (const f of files) f.file.abort();
        files.length = 0;
        inPlace = touched.size;
      }
    } else
      for (const f of replay.files) {
        files.push({ file: reportFile(f.path, f.path, o.cwd), what: 'the report', shown: f.path });
        writeTo(files[files.length - 1]!.file, f.path, f.bytes);
      }
  } catch (err) {
    for (const f of files) f.file.abort();
    throw err;
  }
  await commitAll(files, o.signal);
  if (replay.stdout) o.stdout(replay.stdout);
  if (replay.stderr) o.stderr(replay.stderr);
  return { code: replay.exit, inPlace };
}

function writeTo(file: OutputFile, shown: string, bytes: Uint8Array | undefined): void {
  try {
    if (!bytes) throw new IoProblem("the cache's replay file changed while it was read");
    file.write(bytes);
  } catch (err) {
    throw outputError('the report', shown, err);
  }
}

/**
 * Sets the times of the regular file at `abs` to now, if it has the mode, owner and group a run
 * would make it with (never through a link, never opening a FIFO); whether they were.
 */
function touchNow(abs: string, made: OutputFile['made']): boolean {
  const accept = (st: BigIntStats): boolean =>
    Number(st.mode & 0o7777n) === made.mode && Number(st.uid) === made.uid && Number(st.gid) === made.gid;
  return withRegularFile(abs, accept, (fd) => {
    const now = new Date();
    futimesSync(fd, now, now);
    return true;
  });
}
