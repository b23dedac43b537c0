/**
 * The vocabulary every stage shares: a finding, its evidence and its place in the file.
 * Adapters and the engine produce findings with JSON pointers only; the run locates them
 * (line and column) once per file, and only for files that have findings.
 */
import { createHash } from 'node:crypto';

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
export const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** Rule ids that the engine itself reports (they are not ruleset rules). */
export const ENGINE_RULES = {
  parseError: 'parse-error',
  chartFormat: 'chart-format',
  readError: 'read-error',
  internalError: 'internal-error',
} as const;

/** The rules the engine reports itself, described: for SARIF viewers' rule lists and `b12lint explain`. */
export const ENGINE_RULE_INFO: readonly { id: string; severity: Severity; title: string; docs: string }[] = [
  {
    id: ENGINE_RULES.parseError,
    severity: 'error',
    title: 'Chart file is not valid JSON or YAML',
    docs: 'The file could not be parsed, so its charts were not linted. Fix the export at the line and column shown.',
  },
  {
    id: ENGINE_RULES.chartFormat,
    severity: 'error',
    title: 'Chart breaks the chart format',
    docs: 'An element of the chart does not follow the chart format (a missing chartId, a date that is not a date, a chart id used twice, a key given twice in one object, a file with no chart at all). The element is left out (of a key given twice, the last value is read) and the rest of the chart is still linted.',
  },
  {
    id: ENGINE_RULES.readError,
    severity: 'error',
    title: 'Chart file cannot be read',
    docs: 'The file, or a folder of a folder walk, could not be read (permissions, size limit, a path over PATH_MAX, a name that is not UTF-8 text), so its charts were not linted. As an info: a symbolic link to a folder, which a folder walk does not follow.',
  },
  {
    id: ENGINE_RULES.internalError,
    severity: 'error',
    title: 'b12lint failed on this chart',
    docs: 'An unexpected failure inside b12lint. The run fails (exit code 2) so that nothing passes unchecked; run again with --debug and report it.',
  },
];

export interface Position {
  line: number;
  column: number;
}

/**
 * The most pieces of evidence a finding lists. A finding about a diagnosis that a thousand billed
 * lines point at would otherwise list the thousand in each of a thousand findings: a report that
 * grows with the square of a chart's size (a 660 KB chart gave 740 MB of JSON).
 */
export const MAX_EVIDENCE = 20;

export const EVIDENCE_KINDS = ['diagnosis', 'service', 'lab', 'note', 'medication', 'encounter', 'patient'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export interface Evidence {
  kind: EvidenceKind;
  /** Where the evidence stands, as a JSON pointer in the source document. */
  pointer: string;
  /** The file it stands in, when not the finding's own (a Bulk Data export spans several files). */
  file?: string;
  line?: number;
  column?: number;
  code?: string;
  /** Set when the code was mapped from another code system. */
  mappedFrom?: string;
  date?: string;
  test?: string;
  value?: number | string;
  unit?: string;
  /** Lab value converted to the test's canonical unit. */
  converted?: { value: number; unit: string };
  section?: string;
  term?: string;
  /** How the note states the term: affirmed, negated, possible, hypothetical, historical or family. */
  assertion?: string;
  /** A few words around a matched term, never the whole note. */
  excerpt?: string;
  name?: string;
  setting?: string;
}

/** Where a query's clinical indicator comes from in the record. */
export type IndicatorSource = 'lab' | 'note' | 'medication' | 'service' | 'diagnosis';

/** One clinical indicator of a provider query: what the record says, where and when (docs/queries.md). */
export interface QueryIndicator {
  /** A lab with its value, unit and reference range; a note's sentence verbatim; a medication, service or diagnosis as written. */
  text: string;
  source: IndicatorSource;
  /** The note's section (notes only). */
  section?: string;
  /** The lab's, medication's or service's date; a note's or diagnosis's encounter date. */
  date?: string;
  /** The file it stands in, when not the finding's own (a Bulk Data export spans several files). */
  file?: string;
  line?: number;
  column?: number;
  pointer: string;
}

/** A draft provider query built from a rule's `query:` template, for a person to review and send. */
export interface Query {
  question: string;
  /** The date of service the query is about (its encounter's date), when the finding has an encounter. */
  encounterDate?: string;
  indicators: QueryIndicator[];
  /** How many more indicators the record holds than the MAX_EVIDENCE listed (the count only). */
  moreIndicators?: number;
  /** The options that apply, then "Other (please specify)" and "Clinically undetermined" (none for an open question). */
  options: string[];
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  chartId?: string;
  encounterId?: string;
  line: number;
  column: number;
  pointer: string;
  /** What the finding is about, never where: see `fingerprintOf`. */
  fingerprint: string;
  evidence: Evidence[];
  /**
   * How many more pieces of evidence the rule found than the MAX_EVIDENCE listed (a line linked
   * to each of a thousand services): the count, never the pieces.
   */
  moreEvidence?: number;
  /** A draft provider query, for rules that carry a `query:` template. */
  query?: Query;
  /** Present for `internal-error` findings under `--debug`. */
  stack?: string;
}

/**
 * A finding before it has been located in its file. The engine sets `fingerprint` from the
 * subject's content; findings without one (adapters, the run) get the pointer-based one.
 */
export type UnlocatedFinding = Omit<Finding, 'line' | 'column' | 'fingerprint'> & Partial<Position> & { fingerprint?: string };

/**
 * A finding's fingerprint: a short hash of its rule, chart, encounter and subject, never of its
 * line, so that it survives an export that shifts lines (baselines, SARIF partialFingerprints,
 * GitLab Code Quality). The subject is the content a rule looked at (its code and date); a
 * finding about the file's format has none, and its JSON pointer, which names the element by
 * structure rather than by line, stands in.
 */
export function fingerprintOf(f: Pick<Finding, 'ruleId' | 'chartId' | 'encounterId' | 'pointer'>, subject?: string): string {
  const parts = [f.ruleId, f.chartId ?? '', f.encounterId ?? '', subject ?? `@${f.pointer}`];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16);
}
