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

export interface FormatOptions {
  color: boolean;
  /** Charts that had findings, for the stylish summary line ("in 2 of 40 charts"). */
  chartsWithFindings?: number;
  rules?: readonly RuleInfo[];
}

/** A formatter is a pure function of the report. */
export type Formatter = (report: Report, options: FormatOptions) => string;
