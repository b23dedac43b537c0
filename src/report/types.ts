/** The JSON report (docs/reports.md): the one shape every other format is built from. */
import type { Finding } from '../finding.js';

/**
 * A chart of the file, where it starts (or a place that should have held a chart but could not be
 * read as one): the findings under its pointer are its own. JUnit's test cases, the charts with
 * findings of the summary line, and `merge`'s check of repeated chart ids.
 */
export interface ChartEntry {
  /** Absent for a chart without a (usable) id. */
  chartId?: string;
  line: number;
  column: number;
  pointer: string;
}

/**
 * A file's chart entries where the report does not hold them in `FileResult.charts` (a streamed
 * file's are in a spool, src/run/spool.ts): how many, and a fresh reading of them, in file order,
 * each time `entries` is called.
 */
export interface ChartSource {
  readonly count: number;
  entries(): Iterable<ChartEntry>;
}

export interface FileResult {
  file: string;
  findings: Finding[];
  /** Every chart of the file, in file order (an extension of the spec's report). */
  charts: ChartEntry[];
}

/** A finding recorded in a baseline file (src/run/baseline.ts): who and what, never where. */
export interface BaselineEntry {
  file: string;
  chartId?: string;
  encounterId?: string;
  ruleId: string;
  fingerprint: string;
}

/** Present when the run used `--baseline`: what the baseline hid, and what has been fixed since. */
export interface BaselineSummary {
  file: string;
  /** Findings left out of the report because the baseline knows them. */
  suppressed: number;
  /** Baseline entries that no finding matches any more. */
  fixed: BaselineEntry[];
}

export interface Summary {
  files: number;
  charts: number;
  encounters: number;
  errors: number;
  warnings: number;
  infos: number;
  baseline?: BaselineSummary;
}

/** Present in the report of a `--shard i/n` run: what `b12lint merge` checks before merging. */
export interface ShardInfo {
  index: number;
  total: number;
  /** The ruleset's fingerprint (rules, config and b12lint version): every shard must share it. */
  ruleset: string;
}

export interface Report {
  tool: { name: 'b12lint'; version: string };
  ruleset: { name: string; rules: number };
  /**
   * The config file the run used (found by the lookup or given with --config), relative to the
   * current folder like every path of the report; absent when none was (an extension of the spec's report).
   */
  config?: string;
  shard?: ShardInfo;
  summary: Summary;
  results: FileResult[];
}

/** Per-rule metadata some formats show (SARIF's driver, rule docs links). Not part of the JSON report. */
export interface RuleInfo {
  id: string;
  title: string;
  severity: string;
  docs: string;
}

/**
 * Chart text for the formats that show the lines around a finding: the requested lines (1-based)
 * of one report file, or undefined when the file cannot be read. Filled by the CLI, which reads
 * only the files that have findings; a formatter asks for no more lines than it shows.
 */
export type SourceLines = (file: string, lines: ReadonlySet<number>) => ReadonlyMap<number, string> | undefined;

export interface FormatOptions {
  color: boolean;
  /** Charts that had findings, for the stylish summary line ("in 2 of 40 charts"). */
  chartsWithFindings?: number;
  rules?: readonly RuleInfo[];
  /** When the run happened, `YYYY-MM-DDTHH:MM:SS` in UTC. Never in the JSON report, which is byte-identical across runs. */
  timestamp?: string;
  /** Chart lines around findings (the HTML report). Ignored when `redact` is set. */
  sources?: SourceLines;
  /** The report was redacted: formats must show no chart text beyond what the report holds. */
  redact?: boolean;
  /**
   * The current folder relative to the repository root, with `/` ('' when they are the same).
   * SARIF, GitHub and GitLab want paths from the repository root; reports have them from here.
   */
  pathPrefix?: string;
  /** The machine's name (JUnit's hostname). */
  hostname?: string;
  /** What `--quiet` left out of the report, for the summary line: it still counts towards the exit code. */
  quietHidden?: QuietHidden;
}

/** The warnings and infos `--quiet` hides, and whether they fail the run. */
export interface QuietHidden {
  warnings: number;
  infos: number;
  /** They fail the run (--fail-on warning or info, --max-warnings) though the report shows no error. */
  failing: boolean;
}

/** A formatter is a pure function of the report. */
export type Formatter = (report: Report, options: FormatOptions) => string;
