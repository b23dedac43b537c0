/**
 * b12lint's Node API (docs/api.md): what the CLI does, in process. A `B12Lint` sets up the
 * ruleset once (as the CLI does: `ruleset`, else the config's, else b12lint:recommended, with the
 * config as the last layer), then lints files, text or chart objects into the JSON report, turns a
 * report into any of the CLI's formats, and into the CLI's exit code.
 *
 * What the CLI adds on top (baselines, shards and merge, the cache, worker threads, writing files)
 * stays in the CLI.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { INPUT_FORMATS, type InputFormat } from './chart/adapt.js';
import { DEFAULT_CONCEPT_MAP, loadConceptMap, type ConceptMap } from './chart/fhir/concept-map.js';
import { pathPrefix } from './cli/finish.js';
import { version as packageVersion } from './cli/main.js';
import { ENGINE_RULES, SEVERITIES } from './finding.js';
import { formatOf, isStackOverflow, type SourceFormat } from './read/parse.js';
import { chartsWithFindings } from './report/charts.js';
import { formatReport } from './report/encode.js';
import { FORMATTERS } from './report/index.js';
import { redact, sensitiveKey } from './report/redact.js';
import type { Report, RuleInfo } from './report/types.js';
import { Engine } from './rules/engine.js';
import type { CompiledRuleset } from './rules/types.js';
import type { Config } from './run/config.js';
import { DEFAULT_MAX_FILE_SIZE, fileFinding, lintText as lintOneText, type LintFileOptions } from './run/lint-file.js';
import { buildReport, exitCode as exitCodeOf, run, type FailOn } from './run/run.js';
import { setupFromSpec } from './run/setup.js';
import { failOnOf, rulesetSpecOf } from './run/settings.js';
import { fileSourceLines } from './run/sources.js';
import { readBackSpools } from './run/spool.js';

export type { Evidence, EvidenceKind, Finding, Query, QueryIndicator, Severity } from './finding.js';
export type { BaselineSummary, ChartEntry, FileResult, Report, RuleInfo, ShardInfo, Summary } from './report/types.js';
export type { InputFormat } from './chart/adapt.js';
export type { FailOn } from './run/run.js';
/** Thrown when a ruleset, config, ICD-10-CM table or concept map has problems: `problems` lists each with its place. */
export { RulesetError, type Problem } from './read/problems.js';
/** Thrown by `lintFiles` when a path matches no file. */
export { NoFilesError } from './run/discover.js';

/** The report formats, by the names the CLI's `--format` takes. */
export type FormatName = 'stylish' | 'json' | 'html' | 'sarif' | 'junit' | 'github' | 'codequality' | 'csv' | 'queries';
export const FORMATS: readonly FormatName[] = [...FORMATTERS.keys()] as FormatName[];

/** The version of this package, as the reports name it. */
export const VERSION: string = packageVersion();

export interface B12LintOptions {
  /** The folder paths, the config lookup and the report's file names are relative to. Default: `process.cwd()`. */
  cwd?: string;
  /** A ruleset file or built-in name (`b12lint:recommended`). Default: the config's, else `b12lint:recommended`. */
  ruleset?: string;
  /** A config file; `false`: none. Default: the nearest `b12lint.config.yaml` or `.b12lintrc.yaml` from `cwd` up. */
  config?: string | false;
  /** CMS ICD-10-CM order files (one per fiscal year, `path`, `path@year` or `path@year-04` for its April 1 update). Default: the config's. */
  icd10?: readonly string[];
  /** How input is read: `auto` tells FHIR from native charts by content. Default: the config's, else `auto`. */
  inputFormat?: InputFormat;
  /** The FHIR concept map file. Default: the config's, else the built-in one. */
  conceptMap?: string;
  /** Gitignore-style patterns of files `lintFiles` passes over, added to the config's `ignore`. */
  ignore?: readonly string[];
  /** The largest file read whole, in bytes. Default: 64 MB. */
  maxFileSize?: number;
  /**
   * Replace patient ids, names, birth dates, note text, chart ids and file paths in every report
   * by stable hashes (the CLI's `--redact`); `key` makes the hashes keyed. Default: false.
   */
  redact?: boolean | { key?: string };
}

export interface LintTextOptions {
  /** The name the report gives the text; its extension tells the syntax when `syntax` is absent. Default: `<text>`. */
  filePath?: string;
  /** The text's syntax. Default: from `filePath`, else JSON when the text starts with `{` or `[`, else YAML. */
  syntax?: SourceFormat;
}

export interface FormatOptions {
  /** Colour in the terminal formats (stylish). Default: false. */
  color?: boolean;
}

export interface ExitCodeOptions {
  /** The lowest severity that fails the run. Default: the config's, else `error`. */
  failOn?: FailOn;
  /** Also fail with more warnings than this. Default: the config's, else no limit. */
  maxWarnings?: number;
}

/** A ruleset as set up: its name and its rules (id, title, severity, docs). */
export interface RulesetInfo {
  name: string;
  /** Every rule, `off` ones included; `severity` is the one in force. */
  rules: RuleInfo[];
}

/** Reports this module redacted: their formats must show no chart text from the files. */
const redacted = new WeakSet<Report>();

export class B12Lint {
  readonly cwd: string;
  private readonly compiled: CompiledRuleset;
  private readonly config: Config | undefined;
  private readonly engine: Engine;
  private readonly lintOptions: LintFileOptions;
  private readonly inputFormat: InputFormat;
  private readonly conceptMap: ConceptMap;
  private readonly ignore: readonly string[];
  private readonly redactKey: string | undefined;
  private readonly redacting: boolean;

  /** Sets up the ruleset; throws `RulesetError` when it, the config or a table has problems. */
  constructor(options: B12LintOptions = {}) {
    this.cwd = resolve(options.cwd ?? process.cwd());
    const { ruleset, config } = setupFromSpec(
      rulesetSpecOf(
        {
          cwd: this.cwd,
          ...(options.ruleset !== undefined ? { ruleset: options.ruleset } : {}),
          ...(options.config !== undefined ? { config: options.config } : {}),
          ...(options.icd10 !== undefined ? { icd10: options.icd10 } : {}),
        },
        VERSION,
      ),
    );
    this.compiled = ruleset;
    this.config = config;
    this.engine = new Engine(ruleset);
    this.ignore = [...(config?.ignore ?? []), ...(options.ignore ?? [])];
    this.redacting = options.redact !== undefined && options.redact !== false;
    this.redactKey = typeof options.redact === 'object' ? options.redact.key : undefined;
    this.inputFormat = options.inputFormat ?? config?.inputFormat ?? 'auto';
    if (!INPUT_FORMATS.includes(this.inputFormat))
      throw new TypeError(`inputFormat takes ${INPUT_FORMATS.join(', ')}; got "${String(this.inputFormat)}"`);
    this.conceptMap = loadConceptMap(
      options.conceptMap !== undefined ? resolve(this.cwd, options.conceptMap) : (config?.conceptMap ?? DEFAULT_CONCEPT_MAP),
    );
    this.lintOptions = {
      maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
      debug: false,
      inputFormat: this.inputFormat,
      conceptMap: this.conceptMap,
      collectSensitive: this.redacting,
    };
  }

  /** The ruleset in force. */
  get ruleset(): RulesetInfo {
    return {
      name: this.compiled.name,
      rules: this.compiled.allRules.map((r) => ({ id: r.id, title: r.title, severity: r.severity, docs: r.docs })),
    };
  }

  /**
   * Lints files, folders and globs (relative to `cwd`) as the CLI does, and gives the JSON
   * report. Rejects with `NoFilesError` when a path matches nothing.
   */
  async lintFiles(paths: readonly string[]): Promise<Report> {
    const result = await run({
      inputs: paths,
      cwd: this.cwd,
      ruleset: this.compiled,
      version: VERSION,
      ignore: this.ignore,
      maxFileSize: this.lintOptions.maxFileSize,
      collectSensitive: this.redacting,
      inputFormat: this.inputFormat,
      conceptMap: this.conceptMap,
    });
    readBackSpools(result.report); // a large FHIR export's findings may wait on disk: the report holds them all
    return this.finished(result.report, result.sensitive);
  }

  /**
   * Lints one chart file's text: native charts (YAML, JSON, NDJSON) or a FHIR resource or Bundle.
   * Never throws: text that cannot be read as charts gives findings (parse-error, chart-format).
   */
  lintText(text: string, options: LintTextOptions = {}): Report {
    const file = options.filePath ?? '<text>';
    const syntax = options.syntax ?? formatOf(file) ?? (/^\s*[[{]/.test(text) ? 'json' : 'yaml');
    const outcome = lintOneText(text, syntax, file, this.engine, this.lintOptions);
    const sensitive = new Map([...(outcome.sensitive ?? [])].map(([chartId, values]) => [sensitiveKey(file, chartId), values]));
    return this.finished(buildReport([outcome], { ruleset: this.compiled, version: VERSION }), sensitive);
  }

  /**
   * Lints a chart given as an object: a native chart, a list of them, or a FHIR resource or
   * Bundle. Findings place themselves by `pointer` (a JSON pointer into the object); their line
   * and column are those of `JSON.stringify(chart, null, 2)`.
   */
  lintChart(chart: unknown, options: Pick<LintTextOptions, 'filePath'> = {}): Report {
    const file = options.filePath ?? '<chart>';
    let text: string;
    try {
      text = JSON.stringify(chart, null, 2) ?? 'null';
    } catch (err) {
      // An object that is no JSON (a cycle, a BigInt) or nested too deeply to write: a finding, as an unreadable file is.
      const why = isStackOverflow(err)
        ? 'it is nested too deeply to be written'
        : 'JSON.stringify refused it (a cycle, a BigInt, a toJSON or getter that throws)';
      const outcome = {
        file,
        findings: [fileFinding(ENGINE_RULES.parseError, `The chart cannot be read as JSON: ${why}.`)],
        charts: 1,
        encounters: 0,
        chartRefs: [],
      };
      return this.finished(buildReport([outcome], { ruleset: this.compiled, version: VERSION }), new Map());
    }
    return this.lintText(text, { filePath: file, syntax: 'json' });
  }

  private finished(report: Report, sensitive: Map<string, string[]>): Report {
    if (!this.redacting) return report;
    const out = redact(report, { sensitive, ...(this.redactKey !== undefined ? { key: this.redactKey } : {}) });
    redacted.add(out);
    return out;
  }

  /** The report in one of the CLI's formats, as `--format <name>` writes it. */
  format(report: Report, name: FormatName = 'stylish', options: FormatOptions = {}): string {
    if (!FORMATTERS.has(name)) throw new TypeError(`unknown format "${String(name)}": use one of ${FORMATS.join(', ')}`);
    const isRedacted = redacted.has(report);
    return formatReport(name, report, {
      color: options.color ?? false,
      chartsWithFindings: chartsWithFindings(report),
      rules: this.compiled.rules.map((r) => ({ id: r.id, title: r.title, severity: r.severity, docs: r.docs })), // the active ones, as the CLI's
      ...(isRedacted ? { redact: true } : { sources: fileSourceLines(this.cwd, this.lintOptions.maxFileSize) }),
      pathPrefix: pathPrefix(this.cwd),
      timestamp: new Date().toISOString().slice(0, 19),
      hostname: hostname(),
    });
  }

  /** The CLI's exit code for the report: 0 clean, 1 findings that fail the run, 2 an internal error. */
  exitCode(report: Report, options: ExitCodeOptions = {}): 0 | 1 | 2 {
    const failOn = failOnOf(options.failOn, this.config);
    if (failOn !== 'never' && !SEVERITIES.includes(failOn))
      throw new TypeError(`failOn takes ${[...SEVERITIES, 'never'].join(', ')}; got "${String(failOn)}"`);
    return exitCodeOf(report, failOn, options.maxWarnings ?? this.config?.maxWarnings);
  }
}
