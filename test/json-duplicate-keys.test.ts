/**
 * A key given twice in one JSON object. `JSON.parse` keeps the last value and drops the first
 * without a word: a chart with two `services` lists lost the first one's claim lines, and a
 * pre-billing gate passed on what was left. Now it is a `chart-format` error at the later key, in
 * every way b12lint reads JSON: a chart file, an NDJSON file read whole or streamed, and a line of
 * a FHIR Bulk Data export.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import type { Finding } from '../src/finding.js';
import { duplicateKeys, keysHeld, keysWritten } from '../src/read/json-syntax.js';
import { keysGivenTwice, parseText } from '../src/read/parse.js';
import type { Report } from '../src/report/types.js';
import { cli, cliJson, ROOT } from './helpers/cli.js';
import { chart, repoScratch, scratches } from './helpers/scratch.js';

const newScratch = scratches();

/** A chart whose encounter gives `services` twice: J3420 in the first list, 96372 in the second. */
const CHART = `{
  "chartId": "DUP-1",
  "encounters": [
    {
      "id": "E1",
      "date": "2026-10-02",
      "diagnoses": [{ "code": "D62" }],
      "services": [{ "code": "J3420", "dose": { "value": 1000, "unit": "mcg" }, "diagnoses": ["D62"] }],
      "services": [{ "code": "96372", "diagnoses": ["D62"] }],
      "notes": [{ "section": "assessment", "text": "Anemia. B12 injection given." }]
    }
  ]
}
`;
const MESSAGE = 'Duplicate key: "services" is given twice in one object; b12lint reads the last value only.';

function formatErrors(report: Report, file: string): Finding[] {
  return report.results.find((r) => r.file === file)!.findings.filter((f) => f.ruleId === 'chart-format');
}

describe('the scan', () => {
  test('finds the later key, in its own object only', () => {
    const text = '{"a":1,"b":{"a":2,"c":[{"a":3},{"a":4}]},"a":5}';
    expect(duplicateKeys(text)).toEqual([{ offset: text.lastIndexOf('"a"'), key: 'a', pointer: '/a' }]);
    // Its pointer places it in its chart: the object's path, list indexes counted by their commas.
    const list = '[{"id":"A","e":[1,{"x":1}]},{"id":"B","e":[{"k":1},{"k":1,"n":"a,b","k":2}]}]';
    expect(duplicateKeys(list)).toEqual([{ offset: list.lastIndexOf('"k"'), key: 'k', pointer: '/1/e/1/k' }]);
  });

  test('compares keys as JSON.parse reads them, and reads no key inside a string', () => {
    const escaped = '{"a":1,"\\u0061":2}';
    expect(duplicateKeys(escaped)).toEqual([{ offset: 7, key: 'a', pointer: '/a' }]);
    expect(duplicateKeys('{"note":"a\\": b, \\"note\\": c","x":["note","note"]}')).toEqual([]);
    expect(duplicateKeys('{"a" : 1, "a"\n:\t2}')).toHaveLength(1);
  });

  test('the cheap count never says "none" where there is one, and JSON.stringify never writes one', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (value, key) => {
        const text = JSON.stringify(value);
        expect(keysWritten(text)).toBeGreaterThanOrEqual(keysHeld(value));
        expect(duplicateKeys(text)).toEqual([]);
        // The same object with one key written twice.
        const k = JSON.stringify(key);
        const twice = `{${k}:1,"other":${text},${k}:2}`;
        expect(keysWritten(twice)).toBeGreaterThan(keysHeld(JSON.parse(twice)));
        expect(duplicateKeys(twice).map((d) => d.key)).toEqual(key === 'other' ? ['other', 'other'] : [key]);
      }),
      { numRuns: 300 },
    );
  });

  test('a file of many keys given twice lists a hundred of them and counts the rest', () => {
    const text = `{${Array.from({ length: 250 }, () => '"k":1').join(',')}}`;
    const problems = keysGivenTwice(text, JSON.parse(text));
    expect(problems).toHaveLength(101);
    expect(problems[100]!.message).toBe('149 more keys given twice are not listed.');
  });

  test('a chart read whole gives the problem at its line and column', () => {
    expect(parseText(CHART, 'json').formatProblems).toEqual([{ line: 9, column: 7, pointer: '/encounters/0/services', message: MESSAGE }]);
  });

  test('a key that is not a plain name is not quoted', () => {
    const text = '{"a\\u001b[31m":1,"a\\u001b[31m":2}';
    expect(keysGivenTwice(text, JSON.parse(text))[0]!.message).toBe(
      'Duplicate key: a key is given twice in one object; b12lint reads the last value only.',
    );
  });
});

describe('through the CLI, the run fails on it', () => {
  test('in its chart: the charts with findings counted right, and each key its own fingerprint', () => {
    const s = newScratch();
    // The second chart gives "services" twice, and "id" twice in its encounter.
    const written =
      JSON.stringify([chart('LIST-1')]).slice(0, -1) +
      ',' +
      CHART.replace('DUP-1', 'LIST-2').replace('"id": "E1",', '"id": "E1", "id": "E1",') +
      ']';
    s.write('list.json', written);
    const r = cliJson(['--no-config-lookup', 'list.json'], { cwd: s.dir });
    const twice = formatErrors(r.report, 'list.json');
    expect(twice.map((f) => [f.chartId, f.pointer])).toEqual([
      ['LIST-2', '/1/encounters/0/id'],
      ['LIST-2', '/1/encounters/0/services'],
    ]);
    expect(new Set(twice.map((f) => f.fingerprint)).size).toBe(2);
    expect(r.report.summary.charts).toBe(2);
    expect(cli(['--no-config-lookup', 'list.json'], { cwd: s.dir }).stdout).toMatch(/ in 2 of 2 charts\n$/); // it said 3 of 2: the keys counted as a chart of their own
  });

  test('a JSON chart file', () => {
    const s = newScratch();
    s.write('dup.json', CHART);
    const r = cliJson(['--no-config-lookup', 'dup.json'], { cwd: s.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(formatErrors(r.report, 'dup.json')).toMatchObject([{ severity: 'error', line: 9, column: 7, message: MESSAGE }]);
  });

  test('an NDJSON file, read whole and streamed: the line of the chart, the column of the key', () => {
    const line = CHART.replace(/\n\s*/g, '');
    const column = line.lastIndexOf('"services"') + 1;
    for (const env of [{}, { B12LINT_STREAM_THRESHOLD: '0' }] as Record<string, string>[]) {
      const s = newScratch();
      s.write('day.ndjson', `${JSON.stringify(chart('OK-1'))}\n${line}\n`);
      const r = cliJson(['--no-config-lookup', 'day.ndjson'], { cwd: s.dir, env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(formatErrors(r.report, 'day.ndjson')).toMatchObject([{ severity: 'error', line: 2, column, message: MESSAGE }]);
      expect(r.report.summary.charts).toBe(2);
    }
  });

  test('a FHIR Bundle: told with its one chart', () => {
    const s = newScratch();
    const bundle = readFileSync(resolve(ROOT, 'fixtures/fhir/p-0001.json'), 'utf8');
    s.write(
      'p.json',
      bundle.replace(/"gender": ?"/, (m) => `"gender": "female", ${m}`),
    );
    const r = cliJson(['--no-config-lookup', 'p.json'], { cwd: s.dir });
    expect(formatErrors(r.report, 'p.json')).toMatchObject([{ chartId: 'P-0001', pointer: '/entry/0/resource/gender' }]);
    expect(cli(['--no-config-lookup', 'p.json'], { cwd: s.dir }).stdout).toMatch(/ in 1 of 1 chart\n$/);
  });

  test('a line of a FHIR Bulk Data export', () => {
    const tmp = repoScratch('dup-bulk');
    try {
      const dir = join(tmp.dir, 'bulk');
      cpSync(resolve(ROOT, 'fixtures/fhir/bulk'), dir, { recursive: true });
      const file = join(dir, 'Claim.000.ndjson');
      const lines = readFileSync(file, 'utf8').split('\n');
      // The claim's status written twice: the first value is lost to JSON.parse.
      lines[0] = lines[0]!.replace('"status":"active",', '"status":"draft","status":"active",');
      writeFileSync(file, lines.join('\n'));
      const r = cliJson([join(tmp.rel, 'bulk')]);
      const found = r.report.results.flatMap((x) => x.findings.map((f) => ({ ...f, file: x.file })));
      expect(found.filter((f) => f.ruleId === 'chart-format' && f.message.startsWith('Duplicate key'))).toMatchObject([
        {
          file: `${tmp.rel}/bulk/Claim.000.ndjson`,
          severity: 'error',
          line: 1,
          column: lines[0]!.lastIndexOf('"status"') + 1,
          message: 'Duplicate key: "status" is given twice in one object; b12lint reads the last value only.',
        },
      ]);
      expect(r.code).toBe(1);
      // Told with the chart that read the line, and counted in it: no chart of its own.
      expect(found.find((f) => f.message.startsWith('Duplicate key'))!.chartId).toBe('P-0001');
      expect(r.report.summary.charts).toBe(2);
      expect(cli([join(tmp.rel, 'bulk')]).stdout).toMatch(/ in 1 of 2 charts\n$/);
    } finally {
      tmp.remove();
    }
  });
});
