/**
 * The public parser suites, linted as chart files by the built CLI: JSONTestSuite (y_ valid, n_
 * invalid, i_ implementation-defined) and the YAML test suite (valid/, error/). Every file gets a
 * result; every invalid file gives exactly one parse-error with its line and column; no valid file
 * gives a parse-error (valid data that is not a chart is a chart-format finding saying what was
 * expected); the run exits 1, never 2, and prints nothing on stderr.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../src/finding.js';
import type { Report } from '../src/report/types.js';
import { cliJson } from './helpers/cli.js';
import { describeShared } from './helpers/shared.js';

const runs = new Map<string, { code: number; report: Report; stderr: string }>();

/** One CLI run per suite folder, shared by the tests that look at it. */
function lintSuite(dir: string): { code: number; report: Report; stderr: string } {
  if (!runs.has(dir)) runs.set(dir, cliJson(['--no-config-lookup', dir]));
  return runs.get(dir)!;
}

function byName(report: Report, prefix: string): Map<string, Finding[]> {
  return new Map(
    report.results.filter((r) => r.file.includes(prefix)).map((r) => [r.file.slice(r.file.indexOf(prefix) + prefix.length), r.findings]),
  );
}

/**
 * A parse error with its place: the file's only finding, or (a YAML stream) one for each broken
 * document, beside what its other documents are (5TRB: two broken; 9HCY: a broken one and a
 * document that is no chart).
 */
function expectParseErrorOnly(name: string, findings: Finding[] | undefined, others: readonly string[] = []): void {
  const rules = [...new Set(findings?.map((f) => f.ruleId))];
  expect({
    name,
    rules: rules.filter((r) => r !== 'parse-error' && !others.includes(r)),
    parseError: rules.includes('parse-error'),
  }).toEqual({
    name,
    rules: [],
    parseError: true,
  });
  const f = findings!.find((x) => x.ruleId === 'parse-error')!;
  expect(f.line).toBeGreaterThanOrEqual(1);
  expect(f.column).toBeGreaterThanOrEqual(1);
}

function expectChartFormatNotParseError(name: string, findings: Finding[] | undefined): void {
  const rules = new Set(findings?.map((f) => f.ruleId));
  expect({ name, rules: [...rules] }).toEqual({ name, rules: ['chart-format'] });
  expect({ name, saysWhatWasExpected: findings!.some((f) => /expected|has no `chartId`/i.test(f.message)) }).toEqual({
    name,
    saysWhatWasExpected: true,
  });
}

describeShared('corpora/json-test-suite', 'JSONTestSuite (../shared/corpora/json-test-suite)', (dir) => {
  test('every file answered: n_ exactly parse-error with its place, y_ never parse-error, exit 1, nothing on stderr', () => {
    const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    const { code, report, stderr } = lintSuite(dir);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const results = byName(report, 'json-test-suite/');
    expect([...results.keys()].sort()).toEqual([...names].sort());
    expect(report.summary.files).toBe(names.length);
    for (const name of names) {
      const findings = results.get(name);
      expect(findings?.some((f) => f.ruleId === 'internal-error')).toBe(false);
      if (name.startsWith('n_')) expectParseErrorOnly(name, findings);
      else if (name.startsWith('y_')) expectChartFormatNotParseError(name, findings);
      else expect(findings!.length).toBeGreaterThan(0); // i_: either verdict, but always one
    }
  });

  test('parse errors point at the offending character, not at the end of the file', () => {
    const results = byName(lintSuite(dir).report, 'json-test-suite/');
    const at = (name: string): string => {
      const f = results.get(name)![0]!;
      return `${f.line}:${f.column}`;
    };
    expect(at('n_array_comma_and_number.json')).toBe('1:2'); // [,1]
    expect(at('n_object_bad_value.json')).toBe('1:7'); // ["x", truth]
    expect(at('n_object_double_colon.json')).toBe('1:6'); // {"x"::"b"}
    expect(at('n_number_1_000.json')).toBe('1:4'); // [1 000.0]
    expect(at('n_array_newlines_unclosed.json')).toBe('3:4'); // ["a",\n4\n,1,
    expect(at('n_structure_100000_opening_arrays.json')).toBe('1:100001');
    expect(at('n_structure_single_eacute.json')).toBe('1:1'); // a Latin-1 byte
    expect(results.get('n_object_bad_value.json')![0]!.message).toBe(
      "Invalid JSON: expected a value (a string in double quotes, a number, true, false, null, an object or a list); found 't'",
    );
  });
});

describeShared('corpora/yaml-test-suite', 'YAML test suite (../shared/corpora/yaml-test-suite)', (dir) => {
  test('every file answered: error/ a parse-error with its place (and what its other documents are), valid/ never parse-error, exit 1, nothing on stderr', () => {
    const errors = readdirSync(join(dir, 'error')).filter((n) => /\.ya?ml$/.test(n));
    const valid = readdirSync(join(dir, 'valid')).filter((n) => /\.ya?ml$/.test(n));
    const { code, report, stderr } = lintSuite(dir);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(report.summary.files).toBe(errors.length + valid.length);
    const results = byName(report, 'yaml-test-suite/');
    for (const name of errors) expectParseErrorOnly(name, results.get(`error/${name}`), ['chart-format']);
    for (const name of valid) expectChartFormatNotParseError(name, results.get(`valid/${name}`));
  });

  test('YAML errors the yaml package lets through are parse errors too, at their line', () => {
    const results = byName(lintSuite(join(dir, 'error')).report, 'error/');
    const first = (name: string): Finding => results.get(name)![0]!;
    // A directive with no document after it, and a second %YAML directive.
    expect(first('9MMA.yaml')).toMatchObject({ ruleId: 'parse-error', line: 2, column: 1 });
    expect(first('SF5V.yaml')).toMatchObject({
      ruleId: 'parse-error',
      line: 2,
      column: 1,
      message: 'Invalid YAML: A document may have only one %YAML directive',
    });
    expect(first('55WF.yaml').message).toMatch(/escape/); // "\." at 2:2
    expect(first('55WF.yaml')).toMatchObject({ line: 2, column: 2 });
  });
});
