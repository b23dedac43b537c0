/** Types of the compiled ruleset and of the condition modules the engine is built from. */
import type { Chart, Day, Diagnosis, Encounter, Lab, Service } from '../chart/model.js';
import type { Evidence, Position, Severity } from '../finding.js';
import type { NodePath } from '../read/source.js';
import type { CodeMatcher } from './codes.js';
import type { Duration } from './duration.js';
import type { TermMatcher } from './terms.js';
import type { CompiledContext } from './context.js';
import type { ChartContext } from './chart-context.js';
import type { CompiledLab } from './labs.js';
import type { CodeTable } from './code-table.js';
import type { MentionMap } from './mentions.js';
import type { CodePair } from './pairs.js';
import type { CompiledQuery } from './query.js';
import type { ChartGate } from './relevance.js';

export type SubjectKind = 'chart' | 'encounter' | 'diagnosis' | 'service' | 'lab';
export const SUBJECT_KINDS: readonly SubjectKind[] = ['chart', 'encounter', 'diagnosis', 'service', 'lab'];

/** What one evaluation of a rule looks at. */
export interface Scope {
  ctx: ChartContext;
  chart: Chart;
  kind: SubjectKind;
  encounter?: Encounter;
  diagnosis?: Diagnosis;
  service?: Service;
  lab?: Lab;
  /** The day the subject stands at: the service, encounter or lab date. */
  day: Day;
}

/** Evidence before it is located: the pointer says where it is. */
export type EvidenceRef = Omit<Evidence, 'line' | 'column'>;

/** Values a condition looked at, for message placeholders (`{{lab.b12.value}}`). */
export type Bindings = Record<string, unknown>;

/** A condition that holds yields its evidence and bindings; one that does not yields null. */
export interface Outcome {
  evidence: EvidenceRef[];
  bindings: Bindings;
  /**
   * Evidence found beyond what `evidence` lists, counted into the finding's `moreEvidence` (and a
   * query draft's `moreIndicators`): a condition that finds thousands of elements lists the first
   * MAX_EVIDENCE, which is all a finding shows, rather than making them all for every subject.
   */
  moreEvidence?: number;
  /**
   * With `moreEvidence`: everything the condition found, the listed first. Asked for only where two
   * outcomes are joined and one of them lists only some of what it found, so that evidence both
   * found is counted once (src/rules/evidence.ts, `merge`).
   */
  allEvidence?: () => EvidenceRef[];
}

export type Evaluator = (scope: Scope) => Outcome | null;

export type OptionType =
  | 'codes'
  | 'boolean'
  | 'duration'
  | 'comparison'
  | 'number'
  | 'string'
  | 'lab'
  | 'terms'
  | 'enum'
  | 'enum-list'
  | 'anchor'
  | 'pairs'
  | 'mentions';

export interface OptionSpec {
  type: OptionType;
  description: string;
  /** For enum and enum-list. */
  values?: readonly string[];
  required?: boolean;
}

/** A place in a ruleset file, as a path of keys and indexes from the file's root. */
export type { NodePath };

export interface CompileContext {
  /** Where this condition's options stand in the ruleset. */
  readonly path: NodePath;
  readonly lookback: Duration;
  readonly subject: SubjectKind;
  readonly codeTable: CodeTable;
  /** The ruleset's context (how notes are read, and the headings of a note exported whole). */
  readonly context: CompiledContext;
  /**
   * Whether a diagnosis is current, for a condition that names no status: confirmed or suspected,
   * or history where its code states a history itself (the ruleset's `history-codes`).
   */
  readonly isCurrent: (d: Pick<Diagnosis, 'code' | 'status'>) => boolean;
  codes(value: unknown, path: NodePath): CodeMatcher | undefined;
  lab(name: unknown, path: NodePath): CompiledLab | undefined;
  terms(value: unknown, path: NodePath): TermMatcher | undefined;
  duration(value: unknown, path: NodePath): Duration | undefined;
  pairs(name: unknown, path: NodePath): readonly CodePair[] | undefined;
  mentions(name: unknown, path: NodePath): MentionMap | undefined;
  error(path: NodePath, message: string): void;
}

export interface ConditionModule<O = Record<string, unknown>> {
  /** The key that names the condition in a ruleset: `diagnosis:`, `lab:`, ... */
  readonly kind: string;
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** True when comparison operators (`lt`, `gt`, ...) may stand beside the options. */
  readonly comparison?: 'numeric' | 'any';
  compile(options: O, cc: CompileContext): Evaluator;
}

export interface CompiledRule {
  id: string;
  severity: Severity;
  title: string;
  on: SubjectKind;
  /** Filters the subjects the rule looks at. */
  match: Evaluator | null;
  /** What a chart must hold for the rule to fire (relevance.ts); without it, the rule may fire on any chart. */
  gate?: ChartGate;
  when: Evaluator;
  /** Looked at after the rule fires, for the message and evidence only. */
  cite: Evaluator[];
  message: string;
  /** A draft provider query, built for each finding of the rule (docs/queries.md). */
  query?: CompiledQuery;
  docs: string;
  /** The rule as written in its ruleset (YAML text), for `explain`. */
  source: string;
  file: string;
}

export interface CompiledRuleset {
  name: string;
  files: string[];
  lookback: Duration;
  rules: CompiledRule[];
  /** Every rule, including those turned off, for `rules` and `explain`. */
  allRules: CompiledRule[];
  /** The ruleset's lab tests (`labs:`), by name. */
  labs: Map<string, CompiledLab>;
  codesets: Map<string, CodeMatcher>;
  terms: Map<string, TermMatcher>;
  values: Map<string, number | string>;
  context: CompiledContext;
  codeTable: CodeTable;
  /** What a code is in words (`descriptions:`), by `descriptionKey`: a query's indicators show them. */
  descriptions: ReadonlyMap<string, string>;
  /** A hash of everything the results depend on (for the cache). */
  fingerprint: string;
  /** What the loader warned of (a deprecated key): the ruleset runs, but its files should change. */
  warnings: readonly (Position & { file: string; message: string })[];
}
