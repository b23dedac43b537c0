/**
 * The JSON Schemas in schemas/: generated from the code and up to date, valid for every fixture
 * chart and ruleset, and the source of the loader's messages (placed, with suggestions).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { generatedSchemas } from '../src/authoring/generate.js';
import { schemaProblems, type SchemaName } from '../src/rules/schema-check.js';
import { cli, ROOT } from './helpers/cli.js';
import { lint, rulesetProblems } from './helpers/engine.js';

/** Every document of a chart file: YAML documents, a JSON document, or NDJSON lines. */
function documents(file: string): unknown[] {
  const text = readFileSync(file, 'utf8');
  if (/\.(ndjson|jsonl)$/.test(file))
    return text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as unknown);
  if (file.endsWith('.json')) return [JSON.parse(text) as unknown];
  return parseAllDocuments(text).map((d) => d.toJS() as unknown);
}

function problemsOf(name: SchemaName, value: unknown): string[] {
  return schemaProblems(name, value).map((p) => `/${p.path.join('/')} ${p.message}`);
}

const chartFiles = [
  ...readdirSync(join(ROOT, 'fixtures/charts')).map((f) => `fixtures/charts/${f}`),
  ...readdirSync(join(ROOT, 'fixtures/catalog')).map((f) => `fixtures/catalog/${f}`),
  ...readdirSync(join(ROOT, 'fixtures/rulesets'))
    .filter((f) => f.includes('charts'))
    .map((f) => `fixtures/rulesets/${f}`),
];
const rulesetFiles = [
  // rulesets/ also holds the rulesets' tests files and the FHIR concept map, which are not rulesets.
  ...readdirSync(join(ROOT, 'rulesets'))
    .filter((f) => !f.endsWith('.tests.yaml') && !f.includes('concept-map'))
    .map((f) => `rulesets/${f}`),
  ...readdirSync(join(ROOT, 'fixtures/rulesets'))
    .filter((f) => !f.includes('charts') && f !== 'broken.yaml' && !f.endsWith('.tests.yaml'))
    .map((f) => `fixtures/rulesets/${f}`),
];

test('the committed schemas are the ones the code generates (npm run schemas)', () => {
  for (const [rel, text] of generatedSchemas()) {
    expect({ file: rel, text: readFileSync(join(ROOT, rel), 'utf8') }).toEqual({ file: rel, text });
  }
});

test('every schema is draft 2020-12', () => {
  for (const [, text] of generatedSchemas()) expect(JSON.parse(text).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
});

describe.each(chartFiles)('chart %s', (file) => {
  test('is valid for schemas/chart.schema.json', () => {
    const docs = documents(join(ROOT, file));
    expect(docs.length).toBeGreaterThan(0);
    for (const doc of docs) expect(problemsOf('chart', doc)).toEqual([]);
  });
});

describe.each(rulesetFiles)('ruleset %s', (file) => {
  test('is valid for schemas/ruleset.schema.json', () => {
    expect(problemsOf('ruleset', parse(readFileSync(join(ROOT, file), 'utf8')))).toEqual([]);
  });
});

test('the tests files of the rulesets are valid for schemas/tests.schema.json', () => {
  const files = readdirSync(join(ROOT, 'rulesets')).filter((f) => f.endsWith('.tests.yaml'));
  expect(files).toContain('recommended.tests.yaml');
  for (const f of files) expect(problemsOf('tests', parse(readFileSync(join(ROOT, 'rulesets', f), 'utf8')))).toEqual([]);
  for (const f of readdirSync(join(ROOT, 'fixtures/rulesets')).filter((x) => x.endsWith('.tests.yaml'))) {
    expect(problemsOf('tests', parse(readFileSync(join(ROOT, 'fixtures/rulesets', f), 'utf8')))).toEqual([]);
  }
});

test('the broken fixtures are refused by the schemas', () => {
  expect(problemsOf('ruleset', parse(readFileSync(join(ROOT, 'fixtures/rulesets/broken.yaml'), 'utf8')))).toEqual([
    '/rules/0/severity bad severity "eror": use error, warning, info or off. Did you mean `error`?',
    '/rules/0/when/all/0/daignosis unknown condition `daignosis`. Did you mean `diagnosis`?',
  ]);
  expect(problemsOf('chart', parse(readFileSync(join(ROOT, 'fixtures/broken/bad-chart.yaml'), 'utf8')))).not.toEqual([]);
});

test('the modeline of the built-in ruleset names the ruleset schema', () => {
  const first = readFileSync(join(ROOT, 'rulesets/recommended.yaml'), 'utf8').split('\n')[0];
  expect(first).toBe('# yaml-language-server: $schema=../schemas/ruleset.schema.json');
  expect(JSON.parse(readFileSync(join(ROOT, 'rulesets', '../schemas/ruleset.schema.json'), 'utf8')).title).toBe('b12lint ruleset');
});

test('a $schema key is accepted in a JSON chart and in a ruleset', () => {
  const chart = JSON.stringify({
    $schema: './node_modules/b12lint/schemas/chart.schema.json',
    chartId: 'S1',
    encounters: [{ id: 'E1', date: '2026-10-01' }],
  });
  expect(problemsOf('chart', JSON.parse(chart))).toEqual([]);
  const ruleset = `$schema: ./schemas/ruleset.schema.json
rules:
  - { id: r1, severity: info, title: t, on: encounter, when: { encounter: { setting: outpatient } }, message: m }
`;
  expect(lint(ruleset, chart, 'json').map((f) => f.ruleId)).toEqual(['r1']);
});

describe('schema problems become placed messages with suggestions', () => {
  const rule = (when: string): string =>
    `rules:\n  - id: r1\n    severity: error\n    title: t\n    on: diagnosis\n    when: ${when}\n    message: m\n`;

  test('a value of a list-or-one option is checked as one or as a list', () => {
    expect(rulesetProblems(rule('{ diagnosis: { status: suspectd } }'))).toEqual([
      '6:34 bad status "suspectd": use confirmed, suspected, ruled-out or history. Did you mean `suspected`?',
    ]);
    expect(rulesetProblems(rule('{ diagnosis: { status: [confirmed, histroy] } }'))).toEqual([
      '6:46 bad status "histroy": use confirmed, suspected, ruled-out or history. Did you mean `history`?',
    ]);
    expect(rulesetProblems(rule('{ diagnosis: { status: 3 } }'))).toEqual(['6:34 `status` takes text or a list; found the number 3']);
  });

  test('a missing required option names what it is for', () => {
    expect(rulesetProblems(rule('{ lab: { value: { lt: 200 } } }'))).toEqual([
      "6:18 `lab` needs `test`: A lab test named in the ruleset's `labs`.",
    ]);
  });

  test('a condition with two kinds, and an empty one', () => {
    expect(rulesetProblems(rule('{ diagnosis: { code: D62 }, encounter: { setting: inpatient } }'))).toEqual([
      '6:11 a condition has exactly one kind; found diagnosis, encounter (combine them with `all` or `any`)',
    ]);
    expect(rulesetProblems(rule('{}'))).toEqual(['6:11 empty condition']);
  });

  test('`match` takes what its subject has', () => {
    const rs = 'rules:\n  - { id: r1, severity: error, title: t, on: service, match: { cod: J3420 }, message: m }\n';
    expect(rulesetProblems(rs)).toEqual(['2:64 `match` for `on: service` takes code. Did you mean `code`?']);
  });

  test('an inline chart of a tests file is checked against the chart format', () => {
    const inline = (chart: unknown): string[] => problemsOf('tests', { tests: { r: { invalid: [{ chart }] } } });
    expect(inline({ encounters: [{ id: 'E1', date: '2026-1-01' }], labs: [{ value: 3, date: '2026-01-01' }] })).toEqual([
      '/tests/r/invalid/0/chart a chart needs `chartId`',
      '/tests/r/invalid/0/chart/encounters/0/date `date` "2026-1-01" is not a date written YYYY-MM-DD',
      '/tests/r/invalid/0/chart/labs/0 a lab result needs `loinc` or `test`',
    ]);
    expect(inline(5)).toEqual(['/tests/r/invalid/0/chart `chart` takes text or a mapping; found the number 5']);
    expect(problemsOf('tests', { tests: { r: { valid: [{ chart: 'x.yaml', findings: [{ lne: 3 }] }] } } })).toEqual([
      '/tests/r/valid/0/findings/0/lne unknown key `lne` in an expected finding. Did you mean `line`?',
    ]);
  });

  test('an unknown key in a config, with a suggestion', () => {
    const problems = problemsOf('config', { failOn: 'error', maxWarning: 3, rules: { 'b12-drug-without-admin': 'of' } });
    expect(problems).toEqual([
      '/maxWarning unknown key `maxWarning`. Did you mean `maxWarnings`?',
      '/rules/b12-drug-without-admin bad severity "of": use error, warning, info or off. Did you mean `off`?',
    ]);
  });

  test('an unknown subcommand or a path that looks like one is told so', () => {
    const r = cli(['explian', 'b12-injection-blood-loss-dx']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Did you mean the subcommand `explain`?');
  });
});
