/**
 * Issue 19, item 1: chart text and file names cannot drive a terminal or a CI log. The issue's
 * reproduction (a chart file named `x\e[2J\e[31mevil\n::error::forged.yaml`, a file named
 * `::error::plain.yaml`, chart and encounter ids and a note with ESC, BEL, CR, LF, C1 controls,
 * line separators, bidi overrides, `::add-mask::`, `::stop-commands::` and GitHub's mid-line
 * `##[error]`) is linted in every format, converted, tested and explained by the built CLI: no
 * output has a raw control character, a line that starts a workflow command, or a command marker;
 * the text formats show what was there as visible escapes, and the JSON formats give the data back exact.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { FORMATTERS } from '../../src/report/index.js';
import type { Report } from '../../src/report/types.js';
import { cli } from '../helpers/cli.js';
import { scratches } from '../helpers/scratch.js';
import {
  CHART_ID,
  COMMAND_NAME,
  ENCOUNTER_ID,
  escapedJson,
  FORGED_NAME,
  hostileChart,
  NOTE,
  unsafeLines,
  writeHostileCharts,
} from './hostile.js';

const scratch = scratches('b12lint-security-');

/** A folder holding the two hostile chart files. */
function hostileFolder(): string {
  const { dir } = scratch();
  writeHostileCharts(dir);
  return dir;
}

const GITHUB_COMMAND = /^::(?:error|warning|notice) file=/;

describe('every report format', () => {
  const dir = hostileFolder();

  test.each([...FORMATTERS.keys()])('%s: no raw control character, no line that starts a command, no command marker', (format) => {
    const r = cli(['-f', format, '.'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBeGreaterThan(0);
    expect(unsafeLines(r.stdout, { crlf: format === 'csv', ...(format === 'github' ? { allowCommand: GITHUB_COMMAND } : {}) })).toEqual([]);
    expect(unsafeLines(r.stderr)).toEqual([]);
  });

  test('stylish shows the file names, ids and note words as visible escapes, and a path never starts a line with `::`', () => {
    const out = cli(['.'], { cwd: dir }).stdout;
    const lines = out.split('\n');
    expect(lines).toContain('x\\x1b[2J\\x1b[31mevil\\n::error::forged.yaml');
    expect(lines).toContain('./::error::plain.yaml');
    expect(out).toContain('encounter E\\u0085::add-mask::x');
    expect(out).toContain('Duplicate encounter id "E\\u0085::add-mask::x\\u2028#\\x23[error]mid\\u202e"');
    expect(out).toContain('note (denied) "#\\x23[error]mid-line \\u009b31m Denies melena"');
  });

  test('csv and junit show the same escapes', () => {
    const csv = cli(['-f', 'csv', '.'], { cwd: dir }).stdout;
    expect(csv).toContain('"x\\x1b[2J\\x1b[31mevil\\n::error::forged.yaml"');
    expect(csv).toContain('"C\\x1b]0;pwned\\x07\\x1b[2J\\r::error::forged-id"');
    const junit = cli(['-f', 'junit', '.'], { cwd: dir }).stdout;
    expect(junit).toContain('name="x\\x1b[2J\\x1b[31mevil\\n::error::forged.yaml"');
  });

  test('github keeps its own escaping of properties and data, on top', () => {
    const out = cli(['-f', 'github', '.'], { cwd: dir }).stdout;
    for (const line of out.trimEnd().split('\n')) expect(line).toMatch(GITHUB_COMMAND);
    expect(out).toContain('file=%3A%3Aerror%3A%3Aplain.yaml,');
    expect(out).toContain('file=x\\x1b[2J\\x1b[31mevil\\n%3A%3Aerror%3A%3Aforged.yaml,');
  });

  test('the JSON formats give the data back exact, with the same characters as JSON escapes', () => {
    const json = cli(['-f', 'json', '.'], { cwd: dir }).stdout;
    expect(json).toContain('\\u0085');
    expect(json).toContain('#\\u0023[error]');
    const report = JSON.parse(json) as Report;
    expect(report.results.map((r) => r.file).sort()).toEqual([COMMAND_NAME, FORGED_NAME].sort());
    const forged = report.results.find((r) => r.file === FORGED_NAME)!;
    expect(forged.findings[0]).toMatchObject({ chartId: CHART_ID, encounterId: ENCOUNTER_ID });
    const sarif = JSON.parse(cli(['-f', 'sarif', '.'], { cwd: dir }).stdout);
    const uris = sarif.runs[0].results.map((r: any) => decodeURIComponent(r.locations[0].physicalLocation.artifactLocation.uri));
    expect(uris).toContain(FORGED_NAME);
    const cq = JSON.parse(cli(['-f', 'codequality', '.'], { cwd: dir }).stdout) as { location: { path: string } }[];
    expect(cq.map((i) => i.location.path)).toContain(FORGED_NAME);
  });

  test('json and stylish written to files (piece by piece) are byte for byte what standard output gets whole', () => {
    for (const format of ['json', 'stylish']) {
      const out = join(scratch().dir, `report.${format}`);
      const toFile = cli(['-f', `${format}:${out}`, '.'], { cwd: dir });
      expect([toFile.code, toFile.stderr]).toEqual([1, '']);
      expect(readFileSync(out, 'utf8')).toBe(cli(['-f', format, '.'], { cwd: dir }).stdout);
    }
  });

  test('html shows the chart lines around a finding of a file whose name was escaped', () => {
    const out = cli(['-f', 'html', '.'], { cwd: dir }).stdout;
    const data = JSON.parse(/<script type="application\/json" id="b12-data">(.*?)<\/script>/s.exec(out)![1]!);
    const forged = data.files.indexOf('x\\x1b[2J\\x1b[31mevil\\n::error::forged.yaml');
    expect(forged).toBeGreaterThanOrEqual(0);
    expect(Object.values(data.sources[forged]).join('\n')).toContain('"code": "D62"');
  });
});

describe('bidirectional marks and zero-width characters (LRM, RLM, ALM, ZWSP, BOM) in chart text', () => {
  const dir = scratch().dir;
  const marks = '\u200f\u200e\u061c\u200b\ufeff';
  writeFileSync(
    join(dir, 'marks.json'),
    JSON.stringify({
      chartId: `abc${marks}xyz`,
      encounters: [
        {
          id: `E${marks}1`,
          date: '2026-10-02',
          diagnoses: [{ code: 'D62' }],
          services: [{ code: 'J3420', diagnoses: ['D62'] }],
          notes: [{ section: 'assessment', text: `Anemia${marks}. Denies melena. Plan B12 injection today.` }],
        },
      ],
    }),
  );

  test.each([...FORMATTERS.keys()])('%s: none of them raw', (format) => {
    const r = cli(['--no-config-lookup', '-f', format, 'marks.json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(unsafeLines(r.stdout, { crlf: format === 'csv', ...(format === 'github' ? { allowCommand: GITHUB_COMMAND } : {}) })).toEqual([]);
  });

  test('stylish shows them as visible escapes', () => {
    expect(cli(['--no-config-lookup', 'marks.json'], { cwd: dir }).stdout).toContain('encounter E\\u200f\\u200e\\u061c\\u200b');
  });
});

describe('a streamed NDJSON file (its findings written from a spool, piece by piece)', () => {
  test('stylish and json escape it the same way', () => {
    const { dir } = scratch();
    const name = FORGED_NAME.replace(/\.yaml$/, '.ndjson');
    writeFileSync(join(dir, name), `${JSON.stringify(hostileChart())}\n`);
    const env = { B12LINT_STREAM_THRESHOLD: '0' };
    const stylish = cli(['.'], { cwd: dir, env });
    expect(stylish.code).toBe(1);
    expect(unsafeLines(stylish.stdout)).toEqual([]);
    expect(stylish.stdout.split('\n')).toContain('x\\x1b[2J\\x1b[31mevil\\n::error::forged.ndjson');
    const json = cli(['-f', 'json', '.'], { cwd: dir, env });
    expect(unsafeLines(json.stdout)).toEqual([]);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.results[0]!.file).toBe(name);
    expect(report.results[0]!.findings[0]!.chartId).toBe(CHART_ID);
  });
});

describe('messages on stderr', () => {
  test('convert: its messages and its YAML and JSON output escape chart text, and the output reads back exact', () => {
    const dir = hostileFolder();
    const yaml = cli(['convert', '.'], { cwd: dir });
    expect(yaml.code).toBe(1); // the repeated encounter id is a chart-format error
    expect(unsafeLines(yaml.stdout)).toEqual([]);
    expect(unsafeLines(yaml.stderr)).toEqual([]);
    expect(yaml.stderr.split('\n')).toContain(
      'x\\x1b[2J\\x1b[31mevil\\n::error::forged.yaml:34:13: error: Duplicate encounter id "E\\u0085::add-mask::x\\u2028#\\x23[error]mid\\u202e": encounter ids must be unique within a chart. (chart-format)',
    );
    expect(yaml.stderr).toMatch(/^\.\/::error::plain\.yaml:34:13: error: /m);
    const charts = parseAllDocuments(yaml.stdout).map(
      (d) => d.toJS() as { chartId: string; encounters: { id: string; notes?: { text: string }[] }[] },
    );
    expect(charts.map((c) => c.chartId)).toContain(CHART_ID);
    const chart = charts.find((c) => c.chartId === CHART_ID)!;
    expect(chart.encounters[0]!.id).toBe(ENCOUNTER_ID);
    expect(chart.encounters[0]!.notes![0]!.text).toBe(NOTE);
    const json = cli(['convert', '--to', 'json', '.'], { cwd: dir });
    expect(unsafeLines(json.stdout)).toEqual([]);
    expect((JSON.parse(json.stdout) as { chartId: string }[]).map((c) => c.chartId)).toContain(CHART_ID);
  });

  test('a path that matches nothing, a broken ruleset and a report that is not JSON are named escaped', () => {
    const dir = hostileFolder();
    const missing = cli([`no${'\u001b'}[2J\n::error::such`], { cwd: dir });
    expect(missing).toEqual({ code: 2, stdout: '', stderr: 'b12lint: no such file or folder: "no\\x1b[2J\\n::error::such"\n' });
    const ruleset = `r${'\u001b'}[31m\n::error::rules.yaml`;
    writeFileSync(join(dir, ruleset), 'ruleset: t\nrules: []\nbogus: 1\n');
    const broken = cli(['-r', ruleset, '.'], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr.split('\n')[0]).toBe('r\\x1b[31m\\n::error::rules.yaml:3:1: unknown key `bogus`.');
    expect(unsafeLines(broken.stderr)).toEqual([]);
    const merge = cli(['merge', FORGED_NAME], { cwd: dir });
    expect(merge.code).toBe(2);
    expect(merge.stderr).toMatch(/^b12lint: x\\x1b\[2J\\x1b\[31mevil\\n::error::forged\.yaml is not a b12lint JSON report/);
    expect(unsafeLines(merge.stderr)).toEqual([]);
  });

  test("an option's text with line feeds (a file name a shell glob made an option) is quoted on one line", () => {
    const { dir } = scratch();
    // `b12lint *.yaml` in a folder where someone dropped a file with this name.
    const name = '--x\n::error file=p.yaml,line=1::Chart verified OK\r\n::stop-commands::abc.yaml';
    const unknown = cli([name, 'p.yaml'], { cwd: dir });
    expect(unknown).toEqual({
      code: 2,
      stdout: '',
      stderr: "b12lint: unknown option '--x\\n::error file=p.yaml,line=1::Chart verified OK\\r\\n::stop-commands::abc.yaml'\n",
    });
    // A value Commander checks itself (a choice), and one written `--option=value`.
    const choice = cli(['convert', '--to', 'yaml\n::error::bad\r', 'p.yaml'], { cwd: dir });
    expect(choice.code).toBe(2);
    expect(choice.stderr).toBe(
      "b12lint: option '--to <format>' argument 'yaml\\n::error::bad\\r' is invalid. Allowed choices are yaml, json.\n",
    );
    const joined = cli(['--fial-on=x\n::warning::y'], { cwd: dir });
    expect(joined).toEqual({ code: 2, stdout: '', stderr: "b12lint: unknown option '--fial-on=x\\n::warning::y'\n" });
    // Commander's suggestion keeps its own line: it names only b12lint's options, never the user's text.
    const near = cli(['--quie\r'], { cwd: dir });
    expect(near.stderr).toBe("b12lint: unknown option '--quie\\r'\n(Did you mean --quiet?)\n");
    // A user's text that looks like the suggestion stays inside the quoted line.
    const lookalike = cli(['--zz\n(Did you mean --fail-on?)'], { cwd: dir });
    expect(lookalike.stderr).toBe("b12lint: unknown option '--zz\\n(Did you mean --fail-on?)'\n");
  });

  test('b12lint test: case names, chart ids and messages of the test charts are escaped', () => {
    const { dir } = scratch();
    writeFileSync(join(dir, FORGED_NAME), escapedJson(hostileChart({ usable: true })));
    writeFileSync(
      join(dir, 'rules.yaml'),
      `ruleset: t
rules:
  - id: quotes-ids
    severity: error
    title: Quotes the ids
    on: service
    match: { code: J3420 }
    message: "Chart {{chart.id}}, encounter {{encounter.id}}"
`,
    );
    // Valid: the rule must stay quiet, so the case fails and prints the findings it got.
    writeFileSync(
      join(dir, 'rules.tests.yaml'),
      escapedJson({ tests: { 'quotes-ids': { valid: [{ name: 'case\n::error::name\u001b[2J', chart: FORGED_NAME }] } } }),
    );
    const r = cli(['test', 'rules.yaml'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(unsafeLines(r.stdout)).toEqual([]);
    expect(r.stdout).toContain('✗ valid: case\\n::error::name\\x1b[2J');
    expect(r.stdout).toContain('error  Chart C\\x1b]0;pwned\\x07\\x1b[2J::error::forged-id, encounter E\\u0085::add-mask::x');
  });

  test("rules and explain escape a ruleset's titles, docs and YAML", () => {
    const { dir } = scratch();
    writeFileSync(
      join(dir, 'rules.yaml'),
      `ruleset: "t\\e[2J"
rules:
  - id: odd-rule
    severity: warning
    title: "Title \\e[31mred\\r::error::title"
    on: service
    match: { code: J3420 }
    message: Odd.
    docs: "Docs line one.\\r\\nline two \\e]0;x\\a ##[error]docs"
`,
    );
    const rules = cli(['rules', '-r', 'rules.yaml'], { cwd: dir });
    expect(rules.code).toBe(0);
    expect(unsafeLines(rules.stdout)).toEqual([]);
    expect(rules.stdout).toContain('odd-rule  warning   Title \\x1b[31mred\\r::error::title');
    const explain = cli(['explain', 'odd-rule', '-r', 'rules.yaml'], { cwd: dir });
    expect(explain.code).toBe(0);
    expect(unsafeLines(explain.stdout)).toEqual([]);
    expect(explain.stdout).toContain('Docs line one.\nline two \\x1b]0;x\\x07 #\\x23[error]docs');
  });
});
