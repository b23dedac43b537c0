/**
 * A run: discover the files, lint each in a fixed order (with `--shard`, only its shard's: a
 * file, or a whole FHIR Bulk export), report chart ids repeated across files, and build the JSON
 * report. `merge` ends the same way (assembleReport). The CLI decides where reports go and what
 * the exit code is.
 */
import type { InputFormat } from '../chart/adapt.js';
import type { ConceptMap } from '../chart/fhir/concept-map.js';
import { ENGINE_RULES, fingerprintOf, SEVERITIES, SEVERITY_RANK, type Finding, type Severity } from '../finding.js';
import { Engine } from '../rules/engine.js';
import type { CompiledRuleset } from '../rules/types.js';
import { countSeverities } from '../report/filter.js';
import type { FileResult, Report, Summary } from '../report/types.js';
import { discoverAll, displayPath } from './discover.js';
import { CACHE_FILE } from './cache.js';
import { join } from 'node:path';
import { sensitiveKey } from '../report/redact.js';
import { lintInputs } from './lint-bulk.js';
import { chartWorker, runPool } from './workers.js';
import { compareFindings, DEFAULT_MAX_FILE_SIZE, inlineLimit, unreachedOutcome, type FileOutcome } from './lint-file.js';
import { lintFiles, type Scheduled, type ScheduleOptions, type ScheduleStats } from './schedule.js';
import type { Replayed } from './replay.js';
import { inShard, type Shard } from './shard.js';
import { idKey, repeatedKeys } from './chart-ids.js';
import { chartSpoolOf, spoolOf, type FindingSpool } from './spool.js';
import { pushAll } from '../core/arrays.js';

export interface RunOptions {
  inputs: readonly string[];
  cwd: string;
  ruleset: CompiledRuleset;
  version: string;
  ignore?: readonly string[];
  /** Absolute paths never linted: the run's own reports and baseline. */
  exclude?: readonly string[];
  debug?: boolean;
  maxFileSize?: number;
  stats?: boolean;
  inputFormat?: InputFormat;
  conceptMap?: ConceptMap;
  /** Lint only this shard's files (src/run/shard.ts). */
  shard?: Shard;
  /** The config file used, as the report shows it (Report.config). */
  config?: string;
  /** Keep each chart's identifying strings for `--redact` (RunResult.sensitive). */
  collectSensitive?: boolean;
  /** Build provider query drafts (default true); false when no report of the run shows them. */
  queries?: boolean;
  /** Stops the run between two files (Ctrl-C); the run then rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Worker threads, the cache and the progress bar (schedule.ts); default: one thread, no cache.
   * Its `replay` is used only when the run lints single files alone (no shard, no Bulk Data export).
   */
  schedule?: Partial<ScheduleOptions>;
}

export interface RunResult {
  report: Report;
  engine: Engine;
  /** Identifying strings by `sensitiveKey(file, chartId)`, when asked for; never part of the report. */
  sensitive: Map<string, string[]>;
  /** Per-rule statistics (with `stats`) and where the outcomes came from. */
  stats: ScheduleStats;
  /**
   * The last run's outputs, when nothing changed since (src/run/replay.ts): nothing was linted,
   * and `report` holds no file.
   */
  replayed?: Replayed;
  /** Where this run's outputs may be kept for a replay, when one was asked for and can be made. */
  replayAs?: Scheduled['replayAs'];
}

export async function run(options: RunOptions): Promise<RunResult> {
  const cache = options.schedule?.cache?.location;
  // The cache folder, wherever --cache-location puts it: its own file is no chart, and a chart in it refuses the run.
  const exclude = [...(options.exclude ?? []), ...(cache !== undefined ? [join(cache, CACHE_FILE)] : [])];
  const { files, unreached } = await discoverAll(options.inputs, {
    cwd: options.cwd,
    ignore: options.ignore ?? [],
    ...(exclude.length ? { exclude } : {}),
    ...(cache !== undefined ? { cacheFolder: cache } : {}),
  });
  const engine = new Engine(options.ruleset, { stats: options.stats ?? false });
  const lintOptions = {
    maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    debug: options.debug ?? false,
    inputFormat: options.inputFormat,
    conceptMap: options.conceptMap,
    collectSensitive: options.collectSensitive ?? false,
    // Only when off, so that the cache key of a run that builds them is what it was.
    ...(options.queries === false ? { queries: false } : {}),
  };
  const { shard } = options;
  const display = (abs: string): string => displayPath(abs, options.cwd);
  let stats: ScheduleStats | undefined;
  let replay: Pick<Scheduled, 'replayed' | 'replayAs'> = {};
  // A Bulk Data export's patient over the inline limit is linted by a worker, this thread waiting (Ctrl-C).
  const spec = options.schedule?.spec;
  const heavy =
    spec !== undefined
      ? chartWorker(
          () => ({ jobs: 2, ...runPool(spec, lintOptions, engine, options.signal) }),
          (chart) => engine.lint(chart, lintOptions.debug, options.queries !== false),
        )
      : undefined;
  const outcomes = await lintInputs(
    files,
    display,
    engine,
    lintOptions,
    options.signal,
    shard && ((unit) => inShard(unit, shard)),
    async (singles, next, whole) => {
      const { replay: asked, ...schedule } = options.schedule ?? {};
      const scheduled = await lintFiles(
        singles.map((abs) => ({ abs, display: display(abs) })),
        engine,
        lintOptions,
        {
          jobs: 1,
          ...schedule,
          // A run that met a place it could not read is never replayed: the same files, unchanged, could then hide a folder that became unreadable.
          ...(whole && asked !== undefined && unreached.length === 0 ? { replay: asked } : {}),
          checkpoint: next,
          ...(options.signal ? { signal: options.signal } : {}),
        },
      );
      stats = scheduled.stats;
      replay = {
        ...(scheduled.replayed ? { replayed: scheduled.replayed } : {}),
        ...(scheduled.replayAs ? { replayAs: scheduled.replayAs } : {}),
      };
      return scheduled.outcomes;
    },
    heavy && { limit: inlineLimit(), lint: heavy.lint },
  ).finally(() => heavy?.close());
  for (const u of unreached) if (!shard || inShard(display(u.abs), shard)) outcomes.push(unreachedOutcome(u, display(u.abs)));
  // A Bulk export's patient linted by the chart worker: the run used a second thread. Its files
  // count with the single files (as in the report's summary), unless nothing was linted (a replay).
  if (heavy?.used() && stats) stats.threads = Math.max(stats.threads, 2);
  if (stats && !replay.replayed) stats.files = outcomes.length;
  const sensitive = new Map<string, string[]>();
  for (const o of outcomes) {
    for (const [chartId, values] of o.sensitive ?? []) sensitive.set(sensitiveKey(o.file, chartId), values);
  }
  return { report: buildReport(outcomes, options, replay.replayed !== undefined), engine, sensitive, stats: stats!, ...replay };
}

/** Merges file outcomes into the report. Pure: the same outcomes give the same report. */
export function buildReport(
  outcomes: readonly FileOutcome[],
  options: Pick<RunOptions, 'ruleset' | 'version' | 'shard' | 'config'>,
  replayed = false,
): Report {
  const { ruleset } = options;
  const head: ReportHead = {
    tool: { name: 'b12lint', version: options.version },
    // A replayed run's report holds no file and is not written: its rule count, which needs the
    // ruleset compiled (setup.ts DeferredRuleset), is worked out only if something reads it.
    ruleset: replayed
      ? {
          name: ruleset.name,
          get rules(): number {
            return ruleset.rules.length;
          },
        }
      : { name: ruleset.name, rules: ruleset.rules.length },
  };
  if (options.config !== undefined) head.config = options.config;
  if (options.shard) head.shard = { ...options.shard, ruleset: options.ruleset.fingerprint };
  const totals = { files: outcomes.length, charts: 0, encounters: 0 };
  for (const o of outcomes) {
    totals.charts += o.charts;
    totals.encounters += o.encounters;
  }
  const results = outcomes.map((o): FileResult => ({
    file: o.file,
    findings: o.findings,
    charts: o.chartRefs,
  }));
  return assembleReport(head, totals, results);
}

export type ReportHead = Pick<Report, 'tool' | 'ruleset' | 'config' | 'shard'>;

/**
 * The last step of a run, and of `merge`: sorts the files, adds a finding for each chart id
 * already used earlier in the run, and counts. The results' findings arrays are extended in place.
 */
export function assembleReport(
  head: ReportHead,
  totals: { files: number; charts: number; encounters: number },
  results: readonly FileResult[],
): Report {
  const sorted = [...results].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const [result, found] of duplicateChartIds(sorted)) {
    pushAll(result.findings, found);
    result.findings.sort(compareFindings);
  }
  const counts = countSeverities(sorted);
  for (const r of sorted) {
    const spool = spoolOf(r.findings); // a streamed file's findings are on disk
    if (spool) {
      counts.errors += spool.counts.error;
      counts.warnings += spool.counts.warning;
      counts.infos += spool.counts.info;
    }
  }
  return { ...head, summary: { ...totals, ...counts }, results: sorted };
}

/**
 * The `chart-format` findings for chart ids used before in the run, by file (in the order given).
 * When every file's chart entries are in memory, every id is looked at (a map of them costs
 * little beside the entries). When some are in a spool, only charts whose id key is met more than
 * once in the run are (chart-ids.ts), and a spool is read only when it holds such a chart: memory
 * then holds one number a chart, and strings only for the candidates.
 */
export function duplicateChartIds(results: readonly FileResult[]): Map<FileResult, Finding[]> {
  const spools = results.map(chartSpoolOf);
  const repeated = spools.some((s) => s !== undefined) ? repeatedKeys(results.map((r, k) => spools[k]?.keys ?? r.charts)) : undefined;
  const first = new Map<string, { file: string; line: number }>();
  const out = new Map<FileResult, Finding[]>();
  const files = repeated?.size === 0 ? 0 : results.length; // none: no chart id is met twice
  for (let k = 0; k < files; k++) {
    const r = results[k]!;
    const spool = spools[k];
    if (spool && !spool.keys.some((key) => repeated!.has(key))) continue;
    for (const c of spool ? spool.entries() : r.charts) {
      if (c.chartId === undefined || (repeated && !repeated.has(idKey(c.chartId)))) continue;
      const prev = first.get(c.chartId);
      if (!prev) {
        first.set(c.chartId, { file: r.file, line: c.line });
        continue;
      }
      const where = prev.file === r.file ? `line ${prev.line}` : `${prev.file}:${prev.line}`;
      const f: Finding = {
        ruleId: ENGINE_RULES.chartFormat,
        severity: 'error',
        message: `Duplicate chartId "${c.chartId}": the same id is used at ${where}; chart ids must be unique within a run.`,
        chartId: c.chartId,
        line: c.line,
        column: c.column,
        pointer: c.pointer,
        fingerprint: '',
        evidence: [],
      };
      f.fingerprint = fingerprintOf(f);
      const list = out.get(r);
      if (list) list.push(f);
      else out.set(r, [f]); // a list per file, added to in place: one id repeated 40,000 times was copied 40,000 times
    }
  }
  return out;
}

export type FailOn = Severity | 'never';

/**
 * The exit code of cli.md, from the findings seen one by one (a report written from its spools
 * sees each finding once) or from a spool's counts: 0 clean, 1 findings that fail the run, 2 when
 * b12lint itself failed.
 */
export class ExitCode {
  private internal = false;
  private failing = false;

  constructor(
    private readonly failOn: FailOn,
    private readonly maxWarnings: number | undefined,
  ) {}

  see(f: Finding): void {
    if (f.ruleId === ENGINE_RULES.internalError) this.internal = true;
    // A severity b12lint does not know (a report it did not write) ranks as an error, never lower.
    const rank = Object.hasOwn(SEVERITY_RANK, f.severity) ? SEVERITY_RANK[f.severity] : SEVERITY_RANK.error;
    if (this.failOn !== 'never' && rank >= SEVERITY_RANK[this.failOn]) this.failing = true;
  }

  seeSpool(spool: FindingSpool): void {
    if (spool.internalErrors > 0) this.internal = true;
    const failOn = this.failOn;
    if (failOn !== 'never' && SEVERITIES.some((s) => spool.counts[s] > 0 && SEVERITY_RANK[s] >= SEVERITY_RANK[failOn])) this.failing = true;
  }

  code(summary: Summary): 0 | 1 | 2 {
    if (this.internal) return 2;
    if (this.failing) return 1;
    if (this.maxWarnings !== undefined && summary.warnings > this.maxWarnings) return 1;
    return 0;
  }
}

export function exitCode(report: Report, failOn: FailOn, maxWarnings: number | undefined): 0 | 1 | 2 {
  const exit = new ExitCode(failOn, maxWarnings);
  for (const r of report.results) {
    for (const f of r.findings) exit.see(f);
    const spool = spoolOf(r.findings);
    if (spool) exit.seeSpool(spool);
  }
  return exit.code(report.summary);
}
