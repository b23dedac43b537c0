/**
 * The JSON Schema of the JSON report (docs/reports.md), schemas/report.schema.json. `b12lint
 * merge` validates every shard report with it before trusting a value of it (src/run/merge.ts),
 * and consumers of the report can too. Each object's properties are listed as a record over the
 * keys of its TypeScript type, so a field added to the report without a schema does not compile.
 */
import { EVIDENCE_KINDS, MAX_EVIDENCE, SEVERITIES, type Evidence, type Finding, type Query, type QueryIndicator } from '../finding.js';
import { ASSERTIONS } from '../rules/context.js';
import { NOTE_SECTIONS, SETTINGS } from '../chart/model.js';
import type { BaselineEntry, BaselineSummary, ChartEntry, FileResult, Report, ShardInfo, Summary } from '../report/types.js';

type Schema = { [key: string]: unknown };

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
const ref = (def: string): Schema => ({ $ref: `#/$defs/${def}` });
const str = (description: string): Schema => ({ type: 'string', description });
const count = (description: string): Schema => ({ type: 'integer', minimum: 0, description });
const position = (description: string): Schema => ({ type: 'integer', minimum: 1, description });
/** A note's section: one of the chart model's (a shard report is read as hostile: nothing else passes). */
const section: Schema = { title: 'note section', enum: [...NOTE_SECTIONS], description: "A note's section." };

/** An object with exactly these keys, those not marked optional required. */
function object<T>(title: string, properties: Record<keyof T, Schema>, optional: readonly (keyof T)[] = []): Schema {
  const keys = Object.keys(properties) as (keyof T & string)[];
  return { title, type: 'object', required: keys.filter((k) => !optional.includes(k)), properties, additionalProperties: false };
}

const evidence = object<Evidence>(
  'evidence',
  {
    kind: { title: 'evidence kind', enum: [...EVIDENCE_KINDS], description: 'What the evidence is.' },
    pointer: str('Where it stands, as a JSON pointer in its file.'),
    file: str("The file it stands in, when not the finding's own."),
    line: position('Its line (1-based).'),
    column: position('Its column (1-based).'),
    code: str('A code.'),
    mappedFrom: str('The code it was mapped from (another code system).'),
    date: str('A date.'),
    test: str('A lab test.'),
    value: { type: ['number', 'string'], description: 'A lab value, as written.' },
    unit: str('The unit of the value.'),
    converted: object<{ value: number; unit: string }>('converted value', { value: { type: 'number' }, unit: { type: 'string' } }),
    section,
    term: str('The term matched in a note.'),
    assertion: { title: 'assertion', enum: [...ASSERTIONS], description: 'How the note states the term.' },
    excerpt: str('A few words around the term.'),
    name: str("A medication's name."),
    setting: { title: 'setting', enum: [...SETTINGS], description: "An encounter's setting." },
  },
  [
    'file',
    'line',
    'column',
    'code',
    'mappedFrom',
    'date',
    'test',
    'value',
    'unit',
    'converted',
    'section',
    'term',
    'assertion',
    'excerpt',
    'name',
    'setting',
  ],
);

const indicator = object<QueryIndicator>(
  'query indicator',
  {
    text: str(
      'The indicator as the record has it: a lab with its value, unit, range and date; a note sentence verbatim; a medication, service or diagnosis.',
    ),
    source: {
      title: 'indicator source',
      enum: ['lab', 'note', 'medication', 'service', 'diagnosis'],
      description: 'Where in the record it comes from.',
    },
    section,
    date: str('Its date.'),
    file: str("The file it stands in, when not the finding's own."),
    line: position('Its line (1-based).'),
    column: position('Its column (1-based).'),
    pointer: str('Where it stands, as a JSON pointer in its file.'),
  },
  ['section', 'date', 'file', 'line', 'column'],
);

const query = object<Query>(
  'query',
  {
    question: str('The question to the provider.'),
    encounterDate: str('The date of service the query is about.'),
    indicators: { type: 'array', items: ref('query-indicator'), description: 'The clinical indicators from this record.' },
    moreIndicators: {
      type: 'integer',
      minimum: 1,
      description: `How many more indicators the record holds than the ${MAX_EVIDENCE} listed (the count only).`,
    },
    options: {
      type: 'array',
      items: { type: 'string' },
      description: 'The options, ending with "Other (please specify)" and "Clinically undetermined" (none for an open question).',
    },
  },
  ['encounterDate', 'moreIndicators'],
);

const finding = object<Finding>(
  'finding',
  {
    ruleId: {
      type: 'string',
      minLength: 1,
      description: "The rule, or one of the engine's own (parse-error, chart-format, read-error, internal-error).",
    },
    severity: { title: 'severity', enum: [...SEVERITIES], description: "The finding's severity." },
    message: str('What is wrong and what to do.'),
    chartId: str("The chart's id."),
    encounterId: str("The encounter's id."),
    line: position('The line (1-based).'),
    column: position('The column (1-based).'),
    pointer: str('The JSON pointer of what the finding is about.'),
    fingerprint: str('What the finding is about, never where: the same across runs.'),
    evidence: { type: 'array', items: ref('evidence'), description: 'What the finding rests on.' },
    moreEvidence: {
      type: 'integer',
      minimum: 1,
      description: `How many more pieces of evidence the finding has than the ${MAX_EVIDENCE} it lists (the count only).`,
    },
    query: ref('query'),
    stack: str('Where b12lint failed (internal-error findings under --debug).'),
  },
  ['chartId', 'encounterId', 'moreEvidence', 'query', 'stack'],
);

const chartEntry = object<ChartEntry>(
  'chart entry',
  {
    chartId: str("The chart's id."),
    line: position('Where the chart starts.'),
    column: position('Where the chart starts.'),
    pointer: str("The chart's JSON pointer."),
  },
  ['chartId'],
);

const fileResult = object<FileResult>('file result', {
  file: { type: 'string', minLength: 1, description: 'The file, relative to the current folder, with /.' },
  findings: { type: 'array', items: ref('finding') },
  charts: { type: 'array', items: ref('chart-entry'), description: 'Every chart of the file, in file order.' },
});

const baselineEntry = object<BaselineEntry>(
  'baseline entry',
  {
    file: str('The file.'),
    chartId: str("The chart's id."),
    encounterId: str("The encounter's id."),
    ruleId: str('The rule.'),
    fingerprint: str("The finding's fingerprint."),
  },
  ['chartId', 'encounterId'],
);

const baselineSummary = object<BaselineSummary>('baseline summary', {
  file: str('The baseline file.'),
  suppressed: count('Findings left out because the baseline knows them.'),
  fixed: { type: 'array', items: ref('baseline-entry'), description: 'Baseline entries no finding matches any more.' },
});

const summary = object<Summary>(
  'summary',
  {
    files: count('Files linted.'),
    charts: count('Charts linted.'),
    encounters: count('Encounters linted.'),
    errors: count('Findings of severity error.'),
    warnings: count('Findings of severity warning.'),
    infos: count('Findings of severity info.'),
    baseline: ref('baseline-summary'),
  },
  ['baseline'],
);

const shard = object<ShardInfo>('shard', {
  index: position('The shard, from 1.'),
  total: position('How many shards the run has.'),
  ruleset: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'The fingerprint of the ruleset, config and b12lint version.' },
});

export function reportSchema(): Schema {
  return {
    $schema: DRAFT,
    ...object<Report>(
      'b12lint JSON report',
      {
        tool: object<Report['tool']>('tool', { name: { const: 'b12lint' }, version: str('The b12lint version.') }),
        ruleset: object<Report['ruleset']>('ruleset', { name: str("The ruleset's name."), rules: count('Its active rules.') }),
        shard: ref('shard'),
        config: str('The config file the run used, relative to the current folder.'),
        summary: ref('summary'),
        results: { type: 'array', items: ref('file-result') },
      },
      ['shard', 'config'],
    ),
    description: 'The JSON report of a b12lint run (--format json).',
    $defs: {
      'file-result': fileResult,
      finding,
      evidence,
      query,
      'query-indicator': indicator,
      'chart-entry': chartEntry,
      summary,
      'baseline-summary': baselineSummary,
      'baseline-entry': baselineEntry,
      shard,
    },
  };
}
