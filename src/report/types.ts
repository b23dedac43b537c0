/** The JSON report (shared/spec/cli.md): the one shape every other format is built from. */
import type { Finding } from '../finding.js';

export interface FileResult {
  file: string;
  findings: Finding[];
}

export interface Summary {
  files: number;
  charts: number;
  encounters: number;
  errors: number;
  warnings: number;
  infos: number;
}

export interface Report {
  tool: { name: 'b12lint'; version: string };
  ruleset: { name: string; rules: number };
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
}

/** A formatter is a pure function of the report. */
export type Formatter = (report: Report, options: FormatOptions) => string;
