/**
 * A run: discover the files, lint each (in a fixed order), report chart ids repeated across
 * files, and build the JSON report. The CLI decides where reports go and what the exit code is.
 */
import type { InputFormat } from '../chart/adapt.js';
import type { ConceptMap } from '../chart/fhir/concept-map.js';
import { ENGINE_RULES, SEVERITY_RANK, type Finding, type Severity } from '../finding.js';
import { Engine } from '../rules/engine.js';
import type { CompiledRuleset } from '../rules/types.js';
import type { FileResult, Report } from '../report/types.js';
import { discover, displayPath } from './discover.js';
import { sensitiveKey } from '../report/redact.js';
import { lintInputs } from './lint-bulk.js';
import { compareFindings, DEFAULT_MAX_FILE_SIZE, type FileOutcome } from './lint-file.js';

export interface RunOptions {
  inputs: readonly string[];
  cwd: string;
  ruleset: CompiledRuleset;
  version: string;
  ignore?: readonly string[];
  quiet?: boolean;
  debug?: boolean;
  maxFileSize?: number;
  stats?: boolean;
  inputFormat?: InputFormat;
  conceptMap?: ConceptMap;
  /** Keep each chart's identifying strings for `--redact` (RunResult.sensitive). */
  collectSensitive?: boolean;
  /** Stops the run between two files (Ctrl-C); the run then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface RunResult {
  report: Report;
  /** Charts with at least one reported finding. */
  chartsWithFindings: number;
  engine: Engine;
  /** Identifying strings by `sensitiveKey(file, chartId)`, when asked for; never part of the report. */
  sensitive: Map<string, string[]>;
}

export async function run(options: RunOptions): Promise<RunResult> {
  const files = await discover(options.inputs, { cwd: options.cwd, ignore: options.ignore ?? [] });
  const engine = new Engine(options.ruleset, { stats: options.stats ?? false });
  const lintOptions = {
    maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, debug: options.debug ?? false, quiet: options.quiet ?? false,
    inputFormat: options.inputFormat, conceptMap: options.conceptMap, collectSensitive: options.collectSensitive ?? false,
  };
  const outcomes = await lintInputs(files, (abs) => displayPath(abs, options.cwd), engine, lintOptions, options.signal);
  const sensitive = new Map<string, string[]>();
  for (const o of outcomes) {
    for (const [chartId, values] of o.sensitive ?? []) sensitive.set(sensitiveKey(o.file, chartId), values);
  }
  return { ...buildReport(outcomes, options), engine, sensitive };
}

/** Merges file outcomes (in file order) into the report. Pure: the same outcomes give the same report. */
export function buildReport(outcomes: readonly FileOutcome[], options: Pick<RunOptions, 'ruleset' | 'version'>): Pick<RunResult, 'report' | 'chartsWithFindings'> {
  markDuplicateChartIds(outcomes);
  const results: FileResult[] = [];
  let charts = 0;
  let encounters = 0;
  let chartsWithFindings = 0;
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const o of [...outcomes].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    charts += o.charts;
    encounters += o.encounters;
    chartsWithFindings += o.chartsWithFindings;
    for (const f of o.findings) counts[f.severity]++;
    results.push({ file: o.file, findings: o.findings });
  }
  return {
    report: {
      tool: { name: 'b12lint', version: options.version },
      ruleset: { name: options.ruleset.name, rules: options.ruleset.rules.length },
      summary: { files: outcomes.length, charts, encounters, errors: counts.error, warnings: counts.warning, infos: counts.info },
      results,
    },
    chartsWithFindings,
  };
}

function markDuplicateChartIds(outcomes: readonly FileOutcome[]): void {
  const first = new Map<string, { file: string; line: number }>();
  for (const o of outcomes) {
    let added = false;
    for (const c of o.chartIds) {
      const prev = first.get(c.chartId);
      if (!prev) {
        first.set(c.chartId, { file: o.file, line: c.line });
        continue;
      }
      const where = prev.file === o.file ? `line ${prev.line}` : `${prev.file}:${prev.line}`;
      const f: Finding = {
        ruleId: ENGINE_RULES.chartFormat, severity: 'error',
        message: `Duplicate chartId "${c.chartId}": the same id is used at ${where}; chart ids must be unique within a run.`,
        chartId: c.chartId, line: c.line, column: c.column, pointer: c.pointer, evidence: [],
      };
      o.findings.push(f);
      if (!c.flagged) {
        c.flagged = true;
        o.chartsWithFindings++;
      }
      added = true;
    }
    if (added) o.findings.sort(compareFindings);
  }
}

export type FailOn = Severity | 'never';

/** The exit code of cli.md: 0 clean, 1 findings that fail the run, 2 when b12lint itself failed. */
export function exitCode(report: Report, failOn: FailOn, maxWarnings: number | undefined): 0 | 1 | 2 {
  let internal = false;
  let failing = false;
  for (const r of report.results) {
    for (const f of r.findings) {
      if (f.ruleId === ENGINE_RULES.internalError) internal = true;
      if (failOn !== 'never' && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) failing = true;
    }
  }
  if (internal) return 2;
  if (failing) return 1;
  if (maxWarnings !== undefined && report.summary.warnings > maxWarnings) return 1;
  return 0;
}
