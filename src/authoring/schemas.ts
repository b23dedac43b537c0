/**
 * The JSON Schemas (draft 2020-12) of b12lint's files, generated from the code that reads them:
 * the condition modules' declared options, the subjects and their `match` filters, the severities,
 * the chart model's enums and the config keys. `npm run schemas` writes them to schemas/; the
 * ruleset and config loaders validate with those files (src/rules/schema-check.ts), editors use
 * them for completion and hover docs, and a test fails when the files differ from what this
 * module generates.
 */
import { INPUT_FORMATS } from '../chart/adapt.js';
import { DIAGNOSIS_STATUSES, NOTE_SECTIONS, SETTINGS, SEXES } from '../chart/model.js';
import { ASSERTIONS } from '../rules/context.js';
import { SEVERITIES } from '../finding.js';
import { OPERATORS } from '../rules/compare.js';
import { MATCH_OPTIONS } from '../rules/compile.js';
import { COMBINATORS, CONDITIONS } from '../rules/conditions/index.js';
import { DURATION_PATTERN } from '../rules/duration.js';
import { MAX_PHRASE_LENGTH, MAX_PHRASE_WORDS, PHRASE_LENGTH_PATTERN, PHRASE_WORDS_PATTERN } from '../rules/words.js';
import { RULE_ID_PATTERN } from '../rules/load.js';
import { QUERY_FORMS } from '../rules/query.js';
import type { SchemaName } from '../rules/schema-check.js';
import { SUBJECT_KINDS, type OptionSpec } from '../rules/types.js';
import { CONFIG_KEYS } from '../run/config.js';
import { MEMBERS } from '../rules/template.js';
import { reportSchema } from './report-schema.js';

export type Schema = { [key: string]: unknown };
export const SCHEMA_NAMES: readonly SchemaName[] = ['chart', 'ruleset', 'config', 'tests', 'report'];

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const ref = (def: string): Schema => ({ $ref: `#/$defs/${def}` });
/** The roots of placeholders, which a named cite cannot take (src/rules/template.ts). */
const CITE_RESERVED = [...Object.keys(MEMBERS), 'lab', 'field', 'patient'];
/** An item of `cite:`: a condition, or one with a name for its placeholders. */
const CITED: Schema = { if: { type: 'object', required: ['as'] }, then: ref('named-cite'), else: ref('condition') };
const text = (description: string): Schema => ({ type: 'string', minLength: 1, description });
const textOrList = (description: string): Schema => ({ type: ['string', 'array'], items: { type: 'string', minLength: 1 }, description });
/** A word or phrase searched for in notes: within the limits a word list searches for (rules/words.ts). */
/** A context mark: punctuation and spaces only, a few characters, the first no space (context.ts findMarks): "?", "[ ] ". */
const mark: Schema = {
  type: 'string',
  pattern: '^[^\\p{L}\\p{N}_\\s][^\\p{L}\\p{N}_\\t\\n\\r]{0,3}$',
  patternErrorMessage: 'is not a mark: one to four characters, no letter or digit among them and no space first ("?", "[ ] ")',
};

/** A context list: a list that replaces the inherited one, or `{ add, remove }` that edits it. */
function editableList(items: Schema): Schema[] {
  return [
    { type: 'array', items },
    {
      type: 'object',
      properties: {
        add: { type: 'array', items },
        remove: { type: 'array', items: { type: 'string', minLength: 1 } },
      },
      additionalProperties: false,
    },
  ];
}

const phrase: Schema = {
  type: 'string',
  minLength: 1,
  allOf: [
    {
      pattern: PHRASE_LENGTH_PATTERN,
      patternErrorMessage: `is over ${MAX_PHRASE_LENGTH} characters, the most a phrase searched for in notes can have`,
    },
    {
      pattern: PHRASE_WORDS_PATTERN,
      patternErrorMessage: `is over ${MAX_PHRASE_WORDS} words, the most a phrase searched for in notes can have`,
    },
  ],
};
const orList = (items: readonly string[]): string =>
  items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

// ---------------------------------------------------------------------------------------------
// Conditions: one definition per condition module, from its declared options.
// ---------------------------------------------------------------------------------------------

const OPERATOR_SCHEMAS: Record<(typeof OPERATORS)[number], Schema> = {
  lt: { type: ['number', 'string'], description: 'Less than: a number, or the name of one in `values`.' },
  lte: { type: ['number', 'string'], description: 'Less than or equal: a number, or the name of one in `values`.' },
  gt: { type: ['number', 'string'], description: 'Greater than: a number, or the name of one in `values`.' },
  gte: { type: ['number', 'string'], description: 'Greater than or equal: a number, or the name of one in `values`.' },
  eq: { type: ['number', 'string', 'boolean'], description: 'Equal (text is compared case-insensitively).' },
  ne: { type: ['number', 'string', 'boolean'], description: 'Not equal.' },
  between: {
    type: 'array',
    items: { type: ['number', 'string'] },
    minItems: 2,
    maxItems: 2,
    description: 'Between two numbers, both included: [low, high].',
    errorMessage: '`between` takes two numbers, low first: [low, high]',
  },
  in: { type: 'array', description: 'One of the values listed.', errorMessage: '`in` takes a list of values' },
};

/** The schema of one declared option. */
export function optionSchema(spec: OptionSpec): Schema {
  const d = spec.description;
  switch (spec.type) {
    case 'codes':
      return { type: ['string', 'number', 'array'], items: { type: ['string', 'number'] }, description: d };
    case 'boolean':
      return { type: 'boolean', description: d };
    case 'duration':
      return { type: ['string', 'integer'], description: `${d} A duration (180d, 6m, 1y) or the name of one in \`values\`.` };
    case 'comparison':
      return { type: ['number', 'object'], ...ref('comparison'), description: d };
    case 'number':
      return { type: ['number', 'string'], description: `${d} A number, or the name of one in \`values\`.` };
    case 'string':
      return text(d);
    case 'lab':
      return text(d);
    case 'terms':
      return { type: ['string', 'array'], items: phrase, minItems: 1, description: d };
    case 'enum':
      return { type: 'string', enum: [...spec.values!], description: d };
    case 'enum-list':
      return {
        anyOf: [
          { type: 'string', enum: [...spec.values!] },
          { type: 'array', items: { type: 'string', enum: [...spec.values!] }, minItems: 1 },
        ],
        description: d,
      };
    case 'anchor':
      return { type: ['boolean', 'string'], description: d };
    case 'pairs':
    case 'mentions':
      return text(d);
  }
}

function optionsObject(options: Readonly<Record<string, OptionSpec>>, extra: Record<string, Schema> = {}): Schema {
  const required = Object.entries(options)
    .filter(([, s]) => s.required)
    .map(([k]) => k);
  return {
    type: 'object',
    properties: { ...Object.fromEntries(Object.entries(options).map(([k, s]) => [k, optionSchema(s)])), ...extra },
    additionalProperties: false,
    ...(required.length ? { required } : {}),
  };
}

function conditionDefs(): Record<string, Schema> {
  const defs: Record<string, Schema> = {};
  const kinds: Record<string, Schema> = {
    all: {
      type: 'array',
      minItems: 1,
      items: ref('condition'),
      description: 'Holds when every condition listed holds.',
      errorMessage: '`all` takes a non-empty list of conditions',
    },
    any: {
      type: 'array',
      minItems: 1,
      items: ref('condition'),
      description: 'Holds when at least one condition listed holds.',
      errorMessage: '`any` takes a non-empty list of conditions',
    },
    not: { ...ref('condition'), description: 'Holds when the condition does not.' },
  };
  for (const [kind, mod] of CONDITIONS) {
    const ops = mod.comparison ? Object.fromEntries(OPERATORS.map((op) => [op, OPERATOR_SCHEMAS[op]])) : {};
    defs[`condition-${kind}`] = { title: `\`${kind}\``, description: mod.description, ...optionsObject(mod.options, ops) };
    kinds[kind] = { ...ref(`condition-${kind}`), description: mod.description };
  }
  defs.condition = {
    title: 'condition',
    description: `One condition: ${[...COMBINATORS, ...CONDITIONS.keys()].join(', ')}.`,
    type: 'object',
    minProperties: 1,
    maxProperties: 1,
    properties: kinds,
    additionalProperties: false,
  };
  defs.comparison = {
    title: 'comparison',
    description: `A comparison: ${OPERATORS.join(', ')} (or a plain number for \`eq\`).`,
    minProperties: 1,
    properties: OPERATOR_SCHEMAS,
    additionalProperties: false,
  };
  return defs;
}

// ---------------------------------------------------------------------------------------------
// The native chart format (docs/chart-format.md). Extra fields are allowed: exports carry more.
// ---------------------------------------------------------------------------------------------

// eslint-disable-next-line max-lines-per-function -- a JSON Schema written out as one object literal: data, not steps
function chartDefs(): Record<string, Schema> {
  const date = (description: string): Schema => ({
    type: 'string',
    pattern: DATE_PATTERN,
    patternErrorMessage: 'is not a date written YYYY-MM-DD',
    description,
  });
  const enumOf = (values: readonly string[], description: string): Schema => ({ type: 'string', enum: [...values], description });
  const code = (description: string): Schema => ({ type: ['string', 'number'], description });
  return {
    chart: {
      title: 'chart',
      description: "One chart: a patient's encounters (diagnoses, billed services, notes), labs and medications.",
      type: 'object',
      required: ['chartId', 'encounters'],
      properties: {
        $schema: { type: 'string' },
        chartId: text('Unique within a run.'),
        patient: {
          type: 'object',
          properties: {
            id: { type: ['string', 'number'], description: 'The patient id (optional).' },
            birthDate: date('Birth date, YYYY-MM-DD.'),
            sex: enumOf(SEXES, `${orList(SEXES)}.`),
          },
        },
        encounters: { type: 'array', minItems: 1, items: ref('encounter'), description: 'At least one encounter.' },
        labs: { type: 'array', items: ref('lab'), description: 'Lab results for this patient, any date.' },
        medications: {
          type: 'array',
          items: {
            type: ['string', 'object'],
            properties: {
              name: { type: 'string' },
              code: code("RxNorm or another system's code."),
              system: { type: 'string' },
              date: date('When it was started or given.'),
            },
          },
        },
      },
    },
    encounter: {
      title: 'encounter',
      type: 'object',
      required: ['id', 'date'],
      properties: {
        id: { type: ['string', 'number'], description: 'Unique within the chart.' },
        date: date('The date of service, YYYY-MM-DD.'),
        setting: enumOf(SETTINGS, `${orList(SETTINGS)} (default: outpatient).`),
        diagnoses: {
          type: 'array',
          description: "ICD-10-CM, as coded for this encounter (the claim's diagnosis list).",
          items: {
            type: ['string', 'object'],
            required: ['code'],
            properties: {
              code: code('With or without the dot; case and spaces are normalized.'),
              description: { type: 'string' },
              status: enumOf(DIAGNOSIS_STATUSES, `${orList(DIAGNOSIS_STATUSES)} (default: confirmed).`),
            },
          },
        },
        services: {
          type: 'array',
          description: 'Billed lines: HCPCS Level II or CPT codes.',
          items: {
            type: 'object',
            required: ['code'],
            properties: {
              code: code('HCPCS or CPT code (quote CPT codes in YAML: "96372").'),
              units: { type: 'number', exclusiveMinimum: 0, description: 'Default 1.' },
              date: date('Default: the encounter date.'),
              dose: {
                type: ['object', 'string'],
                required: ['value', 'unit'],
                properties: {
                  value: { type: 'number' },
                  unit: { type: 'string' },
                  concentration: {
                    type: ['string', 'object'],
                    description: 'For a dose given as a volume: the concentration, "1000 mcg/mL" or { value: 1000, unit: mcg/mL }.',
                  },
                },
                description:
                  'As documented: { value: 1000, unit: mcg }, { value: 1, unit: mL, concentration: "1000 mcg/mL" }, or text such as "1 mL of 1000 mcg/mL".',
              },
              diagnoses: {
                type: ['string', 'integer', 'array'],
                items: { type: ['string', 'integer'] },
                description: 'Diagnosis pointers: codes, or 1-based positions in `diagnoses`.',
              },
            },
          },
        },
        notes: {
          type: 'array',
          description: 'Clinician documentation for this encounter.',
          items: {
            type: ['string', 'object'],
            required: ['text'],
            properties: { section: enumOf(NOTE_SECTIONS, `${orList(NOTE_SECTIONS)}.`), text: { type: 'string' } },
          },
        },
      },
    },
    lab: {
      title: 'lab result',
      type: 'object',
      required: ['date'],
      anyOf: [{ required: ['loinc'] }, { required: ['test'] }],
      properties: {
        loinc: { type: 'string', description: 'LOINC code, such as 2132-9.' },
        test: { type: 'string', description: 'A common name (b12, mcv, ferritin, ...).' },
        value: { type: ['number', 'string'], description: 'A number; a string such as "<50" or "142 pg/mL" is parsed where it can be.' },
        unit: { type: 'string', description: 'UCUM or common spelling.' },
        date: date('YYYY-MM-DD.'),
        referenceRange: { type: 'object', properties: { low: { type: ['number', 'string'] }, high: { type: ['number', 'string'] } } },
        flag: { type: 'string', description: "The lab's own flag: L, H, N, low, high, normal." },
      },
    },
  };
}

export function chartSchema(): Schema {
  return {
    $schema: DRAFT,
    title: 'b12lint chart',
    description: "A chart export in b12lint's native format: one chart, or a list of charts. Unknown fields are allowed.",
    if: { type: 'array' },
    then: { items: ref('chart') },
    else: ref('chart'),
    $defs: chartDefs(),
  };
}

// ---------------------------------------------------------------------------------------------
// Rulesets, their rules' examples (the tests `b12lint test` runs), configs and tests files.
// ---------------------------------------------------------------------------------------------

const SEVERITY: Schema = {
  title: 'severity',
  enum: [...SEVERITIES, 'off'],
  description: 'error, warning, info, or off to turn the rule off.',
};

// eslint-disable-next-line max-lines-per-function -- a JSON Schema written out as one object literal: data, not steps
function examplesDefs(): Record<string, Schema> {
  return {
    examples: {
      title: 'set of tests',
      description: 'Example charts for `b12lint test`: `valid` charts must stay quiet, `invalid` charts must give the findings expected.',
      type: 'object',
      properties: {
        valid: { type: 'array', items: ref('case'), description: 'Charts on which the rule must not fire.' },
        invalid: { type: 'array', items: ref('case'), description: 'Charts on which the rule must fire.' },
      },
      additionalProperties: false,
    },
    case: {
      title: 'test case',
      description:
        'A chart file path (relative to the file that names it; `file.yaml#CHART-ID` picks one chart of a multi-document file), or { name, chart, findings }.',
      type: ['string', 'object'],
      minLength: 1,
      required: ['chart'],
      properties: {
        name: text('What the case shows.'),
        chart: {
          anyOf: [{ type: 'string', minLength: 1 }, ref('chart')],
          description: 'The chart: a path (relative to this file, `#CHART-ID` picks one chart), or the chart written inline.',
        },
        findings: {
          type: 'array',
          items: ref('expected-finding'),
          description: "The rule's findings on this chart, exactly (invalid cases; when left out, the rule must fire at least once).",
        },
      },
      additionalProperties: false,
    },
    'expected-finding': {
      title: 'expected finding',
      type: 'object',
      properties: {
        line: {
          type: 'integer',
          minimum: 1,
          description: 'The line the finding points at (in the chart file; for an inline chart, in this file).',
        },
        column: { type: 'integer', minimum: 1 },
        severity: { type: 'string', enum: [...SEVERITIES] },
        chartId: { type: 'string' },
        encounterId: { type: 'string' },
        message: { type: 'string', description: 'Text the message contains, or /a regular expression/.' },
        query: {
          type: 'object',
          description:
            "The finding's provider query: question (text it contains, or /a regular expression/), options (exactly, in order; the two b12lint adds may be left out), indicators (each listed must be found).",
          properties: {
            question: { type: 'string' },
            options: { type: 'array', items: { type: 'string' } },
            indicators: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  text: { type: 'string', description: 'Text the indicator contains, or /a regular expression/.' },
                  source: { type: 'string', enum: ['lab', 'note', 'medication', 'service', 'diagnosis'] },
                  section: { type: 'string' },
                  date: { type: 'string' },
                  line: { type: 'integer' },
                  column: { type: 'integer' },
                },
                additionalProperties: false,
              },
            },
          },
          additionalProperties: false,
        },
        evidence: {
          type: 'array',
          description: 'Evidence the finding must carry; each item lists the fields to compare (kind, code, test, term, line, ...).',
          items: {
            type: 'object',
            properties: {
              kind: { type: 'string', enum: ['diagnosis', 'service', 'lab', 'note', 'medication', 'encounter', 'patient'] },
              code: { type: 'string' },
              test: { type: 'string' },
              value: { type: ['string', 'number'] },
              unit: { type: 'string' },
              date: { type: 'string' },
              section: { type: 'string' },
              term: { type: 'string' },
              assertion: { type: 'string', enum: [...ASSERTIONS] },
              excerpt: { type: 'string' },
              name: { type: 'string' },
              line: { type: 'integer' },
              column: { type: 'integer' },
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  };
}

// eslint-disable-next-line max-lines-per-function -- a JSON Schema written out as one object literal: data, not steps
function rulesetDefs(): Record<string, Schema> {
  const matchDefs = Object.fromEntries(
    SUBJECT_KINDS.map((k) => [`match-${k}`, { title: `\`match\` for \`on: ${k}\``, ...optionsObject(MATCH_OPTIONS[k]) }]),
  );
  return {
    rule: {
      title: 'rule',
      type: 'object',
      required: ['id', 'severity', 'title', 'on', 'message'],
      properties: {
        id: {
          type: 'string',
          title: 'rule id',
          pattern: RULE_ID_PATTERN,
          patternErrorMessage: 'must be kebab-case (lower case words joined by -)',
          description: 'A stable id, kebab-case, unique.',
        },
        severity: SEVERITY,
        title: text('One line: what the rule finds.'),
        on: { title: 'subject', enum: [...SUBJECT_KINDS], description: 'The subject the rule looks at, one by one.' },
        match: {
          type: 'object',
          description:
            'Which subjects the rule looks at: `code` (service, diagnosis), `status` (diagnosis), `test` (lab), `setting` (encounter).',
        },
        when: {
          ...ref('condition'),
          description: 'The finding fires when this holds for the subject (may be left out when `match` says it all).',
        },
        cite: {
          type: 'array',
          items: CITED,
          description:
            'Conditions looked at after the rule fires, for the message and the evidence only; `{ as: <name>, cite: <condition> }` binds what the condition binds under that name.',
          errorMessage: '`cite` takes a list of conditions',
        },
        message: text("The finding's message, with {{placeholders}} and {{#sections}}."),
        query: ref('query'),
        docs: { type: 'string', description: 'Why it matters, what to check, what to code instead (Markdown).' },
        examples: ref('examples'),
      },
      additionalProperties: false,
      allOf: SUBJECT_KINDS.map((k) => ({
        if: { properties: { on: { const: k } }, required: ['on'] },
        then: { properties: { match: ref(`match-${k}`) } },
      })),
    },
    'named-cite': {
      title: 'named cite',
      description:
        "A cited condition whose placeholders take a name of the rule's own: `{ as: documented, cite: { text: {...} } }` binds `{{documented.excerpt}}`, so that two cited conditions of one kind do not overwrite each other's.",
      type: 'object',
      required: ['as', 'cite'],
      properties: {
        as: {
          type: 'string',
          pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
          not: { enum: CITE_RESERVED },
          description: 'The name its placeholders take, in lower case, not one of the placeholder roots.',
          errorMessage: '`as` takes a lower-case name (letters, digits, hyphens) that is no placeholder root (text, lab, diagnosis, ...)',
        },
        cite: ref('condition'),
      },
      additionalProperties: false,
    },
    override: {
      title: 'override',
      type: 'object',
      required: ['rule'],
      properties: {
        rule: text('The id of a rule of the ruleset.'),
        severity: SEVERITY,
        message: text("A message that replaces the rule's."),
        title: text("A title that replaces the rule's."),
        query: { ...ref('query'), description: "A provider query that replaces the rule's (or gives it one)." },
        cite: {
          type: 'array',
          items: CITED,
          description: "Cited conditions that replace the rule's: the query's clinical indicators.",
          errorMessage: '`cite` takes a list of conditions',
        },
      },
      additionalProperties: false,
    },
    codeset: {
      title: 'codeset',
      description: 'A list of codes (patterns may end in *), or { add, remove } to edit an inherited codeset.',
      type: ['array', 'object'],
      items: { type: ['string', 'number'] },
      properties: {
        add: { type: 'array', items: { type: ['string', 'number'] }, description: 'Codes added to the inherited list.' },
        remove: { type: 'array', items: { type: ['string', 'number'] }, description: 'Codes removed from the inherited list.' },
      },
      additionalProperties: false,
    },
    analyte: {
      title: 'analyte',
      description: "An analyte's units: LOINC codes and names it is known by, its base unit and the factors of other units to it.",
      type: 'object',
      required: ['unit'],
      properties: {
        loinc: {
          type: ['string', 'array'],
          items: { type: ['string', 'number'] },
          description: 'LOINC codes of the analyte (a lab test naming one takes these units).',
        },
        names: textOrList('Names of the analyte (a lab test whose name or `names` include one takes these units; case-insensitive).'),
        unit: text('The base unit, which the factors convert to.'),
        factors: {
          type: 'object',
          additionalProperties: { type: 'number', exclusiveMinimum: 0 },
          description: 'Unit -> factor to the base unit: a value in that unit times the factor is the value in the base unit.',
        },
      },
      additionalProperties: false,
    },
    'lab-test': {
      title: 'lab test',
      description: 'A lab test: LOINC codes, canonical unit, names.',
      type: 'object',
      properties: {
        loinc: { type: ['string', 'array'], items: { type: ['string', 'number'] }, description: 'LOINC codes.' },
        names: textOrList('Names the chart may use instead of a LOINC code (matched case-insensitively).'),
        unit: text('The unit values are compared in; results in other units are converted.'),
        factors: {
          type: 'object',
          additionalProperties: { type: 'number', exclusiveMinimum: 0 },
          description: "Unit -> factor to this test's unit, for units its analyte (`analytes`) does not list.",
        },
      },
      additionalProperties: false,
    },
    'term-list': {
      title: 'term list',
      description: 'Words or phrases, matched as whole words, case-insensitively.',
      type: 'array',
      minItems: 1,
      items: phrase,
      errorMessage: 'a term list is a list of words or phrases',
    },
    mention: {
      title: 'mention',
      type: 'object',
      required: ['code', 'terms'],
      properties: {
        code: { type: ['string', 'array'], items: { type: 'string' }, description: 'The codes the words stand for.' },
        terms: { type: ['string', 'array'], items: phrase, description: 'A term list name, or the words.' },
        name: text('What the words name, for messages.'),
        note: text('A sentence messages add about these words ({{mention.note}}).'),
        assertion: {
          anyOf: [
            { type: 'string', enum: [...ASSERTIONS] },
            { type: 'array', items: { type: 'string', enum: [...ASSERTIONS] }, minItems: 1 },
          ],
          description:
            'The assertions that count for these words (default: those of the condition, affirmed): a past surgery is a current status, so `[affirmed, historical]`.',
        },
        apart: {
          type: ['string', 'array'],
          items: phrase,
          minItems: 1,
          description:
            'Only mentions whose clause (between commas, semicolons, brackets or "and") holds none of these terms: "sleeve gastrectomy scheduled for August" is no status yet.',
        },
        near: {
          type: ['string', 'array'],
          items: phrase,
          minItems: 1,
          description: 'Only mentions in a sentence that also names one of these terms: "PA" is pernicious anemia only beside B12.',
        },
      },
      additionalProperties: false,
    },
    'context-list': {
      title: 'context word list',
      description: 'A list of cue words (replaces the inherited list), or { add, remove } to extend it.',
      anyOf: editableList(phrase),
    },
    'context-marks': {
      title: 'context marks',
      description:
        'Punctuation written against a word ("?"; "[ ] ", ending with a space, stands before its word: an unticked box), one to four characters with no letter or digit and no space first (replaces the inherited list), or { add, remove } to extend it.',
      anyOf: editableList(mark),
    },
    'context-cues': {
      title: 'cue set',
      type: 'object',
      properties: {
        before: { ...ref('context-list'), description: 'Cues written before the mention they qualify ("denies melena").' },
        after: { ...ref('context-list'), description: 'Cues written after it ("occult blood was negative").' },
        'right-before': {
          ...ref('context-list'),
          description:
            'Cues that qualify only the mention written right after them, nothing but spaces between ("came off" in "came off metformin in May"; "came off aspirin because of melena" leaves the melena as it was).',
        },
        'right-after': {
          ...ref('context-list'),
          description:
            'Cues that qualify only the mention written right before them, nothing but spaces between ("prophylaxis" in "B12 deficiency prophylaxis"; "hematochezia on enoxaparin DVT prophylaxis" leaves the hematochezia as it was).',
        },
        overlapping: {
          ...ref('context-list'),
          description:
            'Cues that begin inside a mention and reread its end ("low normal" after the term "B12 low": "B12 low normal at 310"), written as one phrase (words one space or hyphen apart: not "B12 low\\n- Normal TSH").',
        },
        sections: {
          ...ref('context-list'),
          description: 'Section headings ("Family history:") or note sections whose mentions all take this assertion.',
        },
        termination: {
          ...ref('context-list'),
          description: 'Words that end the scope of these cues only (besides the common termination list).',
        },
        marks: {
          ...ref('context-marks'),
          description:
            'Punctuation written against a word ("?pernicious anemia", "B12 deficiency?"): before a word it qualifies forward, after one backward.',
        },
        plans: {
          ...ref('context-list'),
          description:
            'Cues written before what they plan ("will start"): their scope ends at a reason (`reasons`), so "will start IM B12 for B12 deficiency" leaves the deficiency current.',
        },
        reasons: {
          ...ref('context-list'),
          description: 'Words that give a plan\'s reason ("for", "to treat"): they end the scope of `plans` only.',
        },
        lists: {
          ...ref('context-list'),
          description:
            'Of the `before` cues, those that govern a list whole ("denies", "negative for"): their scope runs to the end of a list of short items even where no "or" or "and" joins its last one ("Denies fever, chills, melena, hematochezia").',
        },
        statuses: {
          ...ref('context-list'),
          description:
            'Of the `after` cues, those that say what became of a condition ("resolved"): alone in their clause they speak of the condition that heads the clause before, whatever follows it there ("Acute blood loss anemia following surgery, resolved."); another after-cue alone in its clause speaks only of a clause that names a condition and nothing else.',
        },
        openers: {
          ...ref('context-list'),
          description:
            'Words that open a clause an `after` cue closes ("awaiting", "pending"): such a clause, of at most six words before the cue, speaks of the clause before as the cue alone would ("Pernicious anemia, awaiting intrinsic factor antibody to confirm.").',
        },
        alone: {
          ...ref('context-list'),
          description:
            'Of the `after` cues, those that qualify only as a clause of their own, or closing a clause one of `openers` begins ("to confirm": "Pernicious anemia, to confirm.", never "Colonoscopy for hematochezia to confirm the source").',
        },
        together: {
          ...ref('context-list'),
          description:
            'Of the `patient` cues (`before` or `after`), those that name the patient together with another person ("both she and", "then in pt": "Both she and her mother have celiac disease"): the mention is the patient\'s even where a family cue reaches it too.',
        },
        'pair-starts': {
          ...ref('context-list'),
          description:
            'Words that name the patient right before a relative\'s `family` cue ("she and her", "pt and"; one word may stand between: "she and her older sister"): with one of `pair-ends` right after that cue, the three are a together cue of this category ("Pt and her mother both have celiac disease" is the patient\'s), which the category\'s `termination` ends.',
        },
        'pair-ends': {
          ...ref('context-list'),
          description:
            'The words that close a pair of `pair-starts`, right after the relative\'s cue, with a verb of having ("both have", "were both", "all had").',
        },
        conditions: {
          ...ref('context-list'),
          description:
            'Words that make a plan conditional ("if", "pending"): where one follows in its sentence, a plan\'s reason does not end its scope.',
        },
      },
      additionalProperties: false,
    },
    context: {
      title: 'context',
      description:
        'The cues that give each mention in a note its assertion (ConText). Every ruleset starts from the built-in lists (b12lint:context).',
      type: 'object',
      properties: {
        window: {
          type: 'object',
          properties: {
            // At most 50 words: a cue's reach is searched word by word around every mention (a window of a
            // billion words made a note of 20,000 words take 37 s).
            forward: {
              type: 'integer',
              minimum: 1,
              maximum: 50,
              description: 'Words a cue written before a mention reaches (default 8, at most 50).',
            },
            backward: {
              type: 'integer',
              minimum: 1,
              maximum: 50,
              description: 'Words a cue written after a mention reaches back (default 5, at most 50).',
            },
          },
          additionalProperties: false,
        },
        negation: { ...ref('context-cues'), description: 'Cues that make a mention negated.' },
        uncertainty: { ...ref('context-cues'), description: 'Cues that make a mention possible (uncertain).' },
        hypothetical: { ...ref('context-cues'), description: 'Cues that make a mention hypothetical (rule out, return if, risk of).' },
        historical: { ...ref('context-cues'), description: 'Cues that make a mention historical (history of, resolved, in 2019).' },
        family: { ...ref('context-cues'), description: "Cues that make a mention someone else's (mother, family history of)." },
        current: { ...ref('context-cues'), description: 'Cues that say a condition is current: they cancel historical.' },
        patient: {
          ...ref('context-cues'),
          description:
            'Cues that name the patient as the one who has the condition ("Pt has"): they cancel the family a section heading gave.',
        },
        pseudo: { ...ref('context-list'), description: 'Phrases that look like cues and assert nothing (no change, gram negative).' },
        abbreviations: {
          ...ref('context-list'),
          description:
            'Abbreviations written in capitals that look like a cue ("IF", intrinsic factor): next to a word in lower case they are no cue; in a note written in capitals they are.',
        },
        termination: { ...ref('context-list'), description: "Words that end a cue's scope (but, however)." },
        headings: { ...ref('context-list'), description: 'Other section headings: they end a family or history section.' },
        'note-sections': {
          type: 'object',
          description:
            'Headings that begin a note section inside a note exported whole (section `other`): "Impression:" begins an assessment, for conditions that ask for sections.',
          properties: Object.fromEntries(
            NOTE_SECTIONS.filter((s) => s !== 'other').map((s) => [
              s,
              { ...ref('context-list'), description: `Headings that begin the ${s} section.` },
            ]),
          ),
          additionalProperties: false,
        },
        answers: {
          type: 'object',
          description:
            'Words that answer the question a mark asks, written right after it ("Melena? No."), or a template\'s item after its colon ("Melena: no").',
          properties: {
            affirmed: { ...ref('context-list'), description: 'The mention is affirmed ("Melena? Yes."): the mark asks nothing.' },
            negated: { ...ref('context-list'), description: 'The mention is negated ("Melena? No.", "Melena: no").' },
            possible: { ...ref('context-list'), description: 'The question stays open: the mention is possible ("Melena: not sure").' },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    pair: {
      title: 'pair',
      type: 'object',
      required: ['code', 'with'],
      properties: {
        code: { type: ['string', 'array'], items: { type: 'string' }, description: 'The subject diagnosis side.' },
        with: { type: ['string', 'array'], items: { type: 'string' }, description: 'The other side, coded on the same encounter.' },
        from: {
          type: 'string',
          pattern: DATE_PATTERN,
          patternErrorMessage: 'is not a date written YYYY-MM-DD',
          description: 'First date of service the pair is in force.',
        },
        until: {
          type: 'string',
          pattern: DATE_PATTERN,
          patternErrorMessage: 'is not a date written YYYY-MM-DD',
          description: 'Last date of service the pair is in force.',
        },
        note: { type: 'string', description: 'The instructional note, for messages.' },
      },
      additionalProperties: false,
    },
    query: {
      title: 'query',
      description:
        'A draft provider query for each finding (docs/queries.md): a non-leading question and clinically credible options, with the clinical indicators `cite:` finds in the record. b12lint adds "Other (please specify)" and "Clinically undetermined".',
      type: 'object',
      required: ['question'],
      properties: {
        question: text(
          'The question, ending in "?", with {{placeholders}} (clinical facts only: no code, no word of payment, coverage, audits, billing or quality measures).',
        ),
        open: text(
          'For a multiple-choice query whose options depend on `when`: the open question asked instead where fewer than two options apply (one option beside "Other" leads like a yes/no question). Ends in "?", as `question`.',
        ),
        when: {
          ...ref('condition'),
          description:
            "The draft is built only for a finding whose subject this holds for: where the rule's message asks to query (a message that says to re-point a line asks nothing of the provider).",
        },
        form: {
          enum: [...QUERY_FORMS],
          description:
            "multiple-choice (the default with `options`), open (the default without), or yes-no: only to confirm what the notes already document (the rule's `when`, or the query's, must require an affirmed `text` or `mention`).",
        },
        options: {
          type: 'array',
          items: {
            type: ['string', 'object'],
            minLength: 1,
            required: ['text'],
            properties: {
              text: text('The option, with {{placeholders}}.'),
              when: { ...ref('condition'), description: "The option is offered only where this holds for the finding's subject." },
            },
            additionalProperties: false,
          },
          description: 'The clinically credible answers, in no suggestive order: text, or { text, when }.',
        },
      },
      additionalProperties: false,
    },
    negation: {
      title: 'negation',
      description: 'Older form of `context`: `cues` replaces context.negation.before, `terminators` replaces context.termination.',
      type: 'object',
      properties: {
        // As before, an empty word is taken (and never searched for); a long one is held to a phrase's limits.
        cues: {
          type: 'array',
          items: { type: 'string', allOf: phrase.allOf },
          description: 'Words that negate what follows (no, denies, negative for, ...).',
        },
        terminators: {
          type: 'array',
          items: { type: 'string', allOf: phrase.allOf },
          description: 'Words that end a negation (but, however, ...).',
        },
      },
      additionalProperties: false,
    },
    ...matchDefs,
    ...conditionDefs(),
    ...examplesDefs(),
    ...chartDefs(),
  };
}

/** The keys a ruleset and a config share: the ruleset layer. */
function layerProperties(): Record<string, Schema> {
  const named = (def: Schema, description: string): Schema => ({ type: 'object', additionalProperties: def, description });
  return {
    $schema: { type: 'string', description: 'The JSON Schema of this file (for editors).' },
    description: { type: 'string' },
    lookback: {
      type: ['string', 'integer'],
      title: 'lookback',
      pattern: DURATION_PATTERN,
      patternErrorMessage: 'is not a duration: write a number and d, w, m or y (180d, 6m, 1y)',
      description: 'The default window for lab and history look-ups (180d, 6m, 1y).',
    },
    values: named(
      {
        type: ['number', 'string'],
        title: 'value',
        pattern: DURATION_PATTERN,
        patternErrorMessage: 'is neither a number (a threshold) nor a duration such as 25d, 6m, 1y',
      },
      'Named numbers (thresholds) and durations (windows), used by name in conditions.',
    ),
    codesets: named(ref('codeset'), 'Named sets of codes; entries may end in * (prefix match).'),
    labs: named(ref('lab-test'), 'Named lab tests: LOINC codes, names, the unit results are compared in.'),
    tests: { ...named(ref('lab-test'), 'Deprecated: the older name of `labs` (b12lint reads it with a warning).'), deprecated: true },
    analytes: named(
      ref('analyte'),
      'The units of each analyte, known by LOINC code and name, so a lab test naming one converts them without declaring factors (built in: rulesets/analytes.yaml; a key here adds or replaces one).',
    ),
    terms: named(ref('term-list'), 'Named word lists for note text.'),
    mentions: named({ type: 'array', items: ref('mention') }, 'Named maps from codes to the words notes use for them.'),
    descriptions: named(
      { type: 'string', minLength: 1, title: 'description' },
      "What a code is in words, keyed by the code (a diagnosis by its ICD-10-CM descriptor, a service in plain words): a provider query's indicators show them where the chart gives no description and no ICD-10-CM table loaded with --icd10 names the code.",
    ),
    pairs: named({ type: 'array', items: ref('pair') }, 'Named lists of code pairs (Excludes1 notes) with the dates they are in force.'),
    negation: ref('negation'),
    context: ref('context'),
    queryWords: {
      type: 'object',
      title: 'query words',
      description: 'What a provider query must not say, on top of the built-in lists (rulesets/query-words.yaml).',
      properties: {
        forbidden: {
          type: 'object',
          additionalProperties: { type: 'array', items: phrase },
          description: 'Words by category; a category replaces the built-in one of its name ([] turns it off).',
        },
        allowed: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          description: 'Words shaped like a code that are not codes (B12).',
        },
      },
      additionalProperties: false,
    },
    overrides: { type: 'array', items: ref('override'), description: 'Per-project tuning without copying rules: { rule, severity }.' },
  };
}

export function rulesetSchema(): Schema {
  return {
    $schema: DRAFT,
    title: 'b12lint ruleset',
    description: 'A b12lint ruleset: named code sets, lab tests, word lists and values, and rules written as conditions over a chart.',
    type: 'object',
    properties: {
      ruleset: text("The ruleset's name, shown in reports."),
      extends: textOrList('Built-in names (b12lint:recommended) or paths relative to this file; later wins.'),
      ...layerProperties(),
      rules: { type: ['array', 'null'], items: ref('rule'), description: 'The rules.' },
    },
    additionalProperties: false,
    $defs: rulesetDefs(),
  };
}

/** The run settings of a config; a key added to CONFIG_KEYS without an entry here is accepted untyped. */
const RUN_SETTINGS: Record<string, Schema> = {
  root: {
    type: 'boolean',
    description:
      "The project's top folder: the config lookup stops here (as it does at the first config it finds, and at the first folder with .git).",
  },
  ruleset: text('The ruleset to run: a built-in name (b12lint:recommended) or a path relative to this file.'),
  ignore: textOrList('Files and folders not to lint (gitignore syntax), relative to the current folder.'),
  failOn: {
    title: 'fail-on severity',
    enum: [...SEVERITIES, 'never'],
    description: 'The lowest severity that fails the run (default: error).',
  },
  maxWarnings: { type: 'integer', minimum: 0, description: 'Also fail when there are more than this many warnings.' },
  icd10: textOrList(
    'CMS ICD-10-CM order files (one per fiscal year, and its April 1 update), relative to this file; path@2026 names the year, path@2026-04 its April update.',
  ),
  maxFileSize: { type: 'integer', minimum: 1, description: 'The largest JSON or YAML file read whole, in MB (default 64).' },
  inputFormat: {
    title: 'input format',
    enum: [...INPUT_FORMATS],
    description: 'The format of the chart files: auto (default: FHIR told by its resourceType), native or fhir.',
  },
  conceptMap: text('The FHIR concept map file (SNOMED CT to ICD-10-CM), relative to this file.'),
};

export function configSchema(): Schema {
  const settings = Object.fromEntries(CONFIG_KEYS.map((k) => [k, RUN_SETTINGS[k] ?? { description: 'A run setting.' }]));
  return {
    $schema: DRAFT,
    title: 'b12lint config',
    description: "b12lint.config.yaml: the run's settings, and the last ruleset layer on top of its `ruleset`.",
    type: 'object',
    properties: {
      ...settings,
      ...layerProperties(),
      rules: {
        type: ['object', 'array', 'null'],
        additionalProperties: SEVERITY,
        items: ref('rule'),
        description: 'Severities by rule id ({ b12-drug-without-admin: off }), or a list of rules added to the ruleset.',
      },
    },
    additionalProperties: false,
    $defs: rulesetDefs(),
  };
}

export function testsSchema(): Schema {
  return {
    $schema: DRAFT,
    title: 'b12lint ruleset tests',
    description: 'The tests of a ruleset (<ruleset>.tests.yaml), run by `b12lint test <ruleset>`.',
    type: 'object',
    required: ['tests'],
    properties: {
      $schema: { type: 'string' },
      icd10: textOrList('CMS ICD-10-CM order files the tests need, relative to this file.'),
      tests: { type: 'object', additionalProperties: ref('examples'), description: 'Rule id -> { valid: [...], invalid: [...] }.' },
    },
    additionalProperties: false,
    $defs: { ...examplesDefs(), ...chartDefs() },
  };
}

const GENERATORS: Record<SchemaName, () => Schema> = {
  chart: chartSchema,
  ruleset: rulesetSchema,
  config: configSchema,
  tests: testsSchema,
  report: reportSchema,
};

/** The text of schemas/<name>.schema.json. */
export function schemaText(name: SchemaName): string {
  return `${JSON.stringify(GENERATORS[name](), null, 2)}\n`;
}
