/**
 * The built CLI as a user runs it: a child process, checked on stdout, stderr and exit code.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratches } from './helpers/scratch.js';
import { cli, cliJson, ROOT } from './helpers/cli.js';

const scratch = scratches('b12lint-');

/** A new folder in the system temp folder, removed after this file's tests. */
function tmp(): string {
  return scratch().dir;
}

describe('exit codes', () => {
  test('0 for clean charts, with a one-line summary', () => {
    const r = cli(['fixtures/charts/clean.yaml']);
    expect(r).toEqual({ code: 0, stdout: '✔ No problems in 1 chart (1 file)\n', stderr: '' });
  });

  test('1 when a finding fails the run', () => {
    const r = cli(['fixtures/charts']);
    expect(r.code).toBe(1);
    // The counts follow the catalog; the summary line's shape and the chart count do not.
    expect(r.stdout).toMatch(/\n✖ \d+ problems \([1-9]\d* errors?, \d+ warnings?, \d+ infos?\) in \d+ of 11 charts\n$/);
  });

  test('2 for a path that matches nothing, with one clear line and no stack trace', () => {
    const r = cli(['no/such/folder']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'b12lint: no such file or folder: "no/such/folder"\n' });
    expect(cli(['fixtures/**/*.nothing']).stderr).toBe('b12lint: no files match "fixtures/**/*.nothing"\n');
  });

  test('2 for a bad option or format, with a suggestion', () => {
    const bad = cli(['--fial-on', 'warning', 'fixtures/charts']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^b12lint: unknown option '--fial-on'\n\(Did you mean --fail-on\?\)\n$/);
    const fmt = cli(['-f', 'jsno', 'fixtures/charts']);
    expect(fmt).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'b12lint: unknown format "jsno": use one of stylish, json, html, sarif, junit, github, codequality, csv, queries. Did you mean `json`?\n',
    });
    expect(cli(['--fail-on', 'sometimes', 'fixtures/charts']).code).toBe(2);
    expect(cli(['--max-warnings', 'many', 'fixtures/charts']).stderr).toBe('b12lint: --max-warnings takes a whole number; got "many"\n');
  });

  test('2 for a broken ruleset: every problem with file, line and column, before any chart is read', () => {
    const r = cli(['-r', 'fixtures/rulesets/broken.yaml', 'fixtures/charts']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      'fixtures/rulesets/broken.yaml:6:15: bad severity "eror": use error, warning, info or off. Did you mean `error`?',
      'fixtures/rulesets/broken.yaml:9:20: unknown codeset "b12-injecton". Did you mean `b12-injection`?',
      'fixtures/rulesets/broken.yaml:12:11: unknown condition `daignosis`. Did you mean `diagnosis`?',
      'fixtures/rulesets/broken.yaml:13:37: bad duration "6 months": write a number and d, w, m or y (180d, 6m, 1y), or name a duration in `values`.',
      'b12lint: the ruleset or config has 4 problems; nothing was linted',
      '',
    ]);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  test('--fail-on and --max-warnings', () => {
    // clinic-batch has warnings only.
    const file = 'fixtures/charts/clinic-batch-2026-10-06.yaml';
    const { summary } = cliJson([file]).report;
    expect(summary.errors).toBe(0);
    expect(summary.warnings).toBeGreaterThan(0);
    expect(cli([file]).code).toBe(0);
    expect(cli(['--fail-on', 'warning', file]).code).toBe(1);
    const over = cli(['--max-warnings', String(summary.warnings - 1), file]);
    expect(over.code).toBe(1);
    // The report alone shows no error: one line says why the run fails.
    expect(over.stderr).toBe(
      `b12lint: ${summary.warnings} warnings, more than --max-warnings ${summary.warnings - 1} allows: the run fails.\n`,
    );
    expect(cli(['--max-warnings', String(summary.warnings), file])).toMatchObject({ code: 0, stderr: '' });
    expect(cli(['--fail-on', 'never', 'fixtures/charts']).code).toBe(0);
  });

  test('--quiet shows errors only, but what it hides still fails the run under --fail-on and --max-warnings', () => {
    const file = 'fixtures/charts/clinic-batch-2026-10-06.yaml';
    const { summary } = cliJson([file]).report;
    const hidden = `${summary.warnings} warnings${summary.infos ? ` and ${summary.infos} info${summary.infos === 1 ? '' : 's'}` : ''} hidden by --quiet`;
    // The summary line says what --quiet hid, and that it fails the run when it does.
    expect(cli(['--quiet', file])).toEqual({ code: 0, stdout: `✔ No errors in 3 charts (1 file); ${hidden}\n`, stderr: '' });
    const failOn = cli(['--quiet', '--fail-on', 'warning', file]);
    expect(failOn).toEqual({
      code: 1,
      stdout: `✖ No errors in 3 charts (1 file); ${hidden}; the run fails\n`,
      stderr: `b12lint: ${summary.warnings} findings below error fail the run (--fail-on warning); --quiet does not show them.\n`,
    });
    const max = cli(['--quiet', '--max-warnings', '0', '-f', 'json', file]);
    expect(max.code).toBe(1);
    expect(max.stderr).toBe(`b12lint: ${summary.warnings} warnings, more than --max-warnings 0 allows: the run fails.\n`);
    // Written to a file, the report is made piece by piece: the same exit code.
    const dir = tmp();
    expect(cli(['--quiet', '--fail-on', 'warning', '-f', `json:${join(dir, 'r.json')}`, file])).toMatchObject({
      code: 1,
      stdout: `✖ No errors in 3 charts (1 file); ${hidden}; the run fails\n`,
    });
  });

  test('--max-warnings takes digits only: an empty value, a sign, an exponent or a space is refused', () => {
    for (const v of ['', ' 3', '1e1', '0x2', '1.5', '-1', '+1']) {
      const r = cli(['--max-warnings', v, 'fixtures/charts/clean.yaml']);
      expect([v, r.code, r.stderr]).toEqual([v, 2, `b12lint: --max-warnings takes a whole number; got ${JSON.stringify(v)}\n`]);
    }
  });
});

describe('bad input is a finding, and the run goes on', () => {
  test('a truncated JSON file is a parse-error with line and column; the other files are linted', () => {
    const r = cliJson(['fixtures/broken', 'fixtures/charts/p-0001.yaml']);
    expect(r.code).toBe(1);
    const byFile = Object.fromEntries(r.report.results.map((x) => [x.file, x.findings]));
    expect(byFile['fixtures/broken/truncated.json']).toEqual([
      {
        ruleId: 'parse-error',
        severity: 'error',
        message: 'Invalid JSON: unexpected end of the file: the JSON is incomplete (a truncated file?)',
        line: 5,
        column: 1,
        pointer: '',
        fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
        evidence: [],
      },
    ]);
    expect(byFile['fixtures/charts/p-0001.yaml']!.map((f) => f.ruleId)).toContain('b12-injection-blood-loss-dx');
  });

  test('a broken NDJSON line is one parse-error; the lines around it are linted', () => {
    const r = cliJson(['fixtures/broken/mixed.ndjson']);
    const findings = r.report.results[0]!.findings;
    expect(findings.filter((f) => f.ruleId === 'parse-error').map((f) => f.line)).toEqual([2]);
    expect(findings.filter((f) => f.ruleId === 'b12-injection-blood-loss-dx').map((f) => [f.chartId, f.line])).toEqual([['ND-1', 1]]);
    expect(findings.filter((f) => f.ruleId === 'b12-injection-unsupported-dx').map((f) => [f.chartId, f.line])).toEqual([['ND-3', 3]]);
    expect(r.report.summary.charts).toBe(3);
  });

  test('a chart that breaks the format gives chart-format findings at the exact places', () => {
    const r = cliJson(['fixtures/broken/bad-chart.yaml']);
    const got = r.report.results[0]!.findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.pointer}`);
    expect(got).toEqual([
      '2:1 error ',
      '2:17 error /patient/sex',
      '5:11 error /encounters/0/date',
      '6:14 error /encounters/0/setting',
      '10:36 error /encounters/0/services/0/diagnoses/0',
      '10:43 error /encounters/0/services/0/diagnoses/1',
      '11:9 error /encounters/1/id',
      '14:5 error /labs/0',
      '15:14 warning /labs/1/loinc',
      '16:29 warning /labs/2/value',
      '17:40 warning /labs/3/unit',
    ]);
    expect(r.report.results[0]!.findings.every((f) => f.ruleId === 'chart-format')).toBe(true);
  });

  test('a diagnosis description too long to be searched for in the notes is named in a finding, not quietly passed over', () => {
    const r = cliJson(['fixtures/broken/long-description.yaml']);
    expect(r.code).toBe(0); // a warning
    const findings = r.report.results[0]!.findings;
    expect(findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.pointer}`)).toEqual([
      '12:9 warning chart-format /encounters/0/diagnoses/0',
    ]);
    expect(findings[0]!.message).toBe(
      "The description of diagnosis E55.9 has 366 characters and 57 words: more than a phrase b12lint searches the notes for (300 characters or 40 words); the notes are searched only for its code and the ruleset's words for it, so how they state this diagnosis may go unread. Check the export.",
    );
    // Within the limits, the description is searched for: the note's "probable" is read as this diagnosis's.
    const dir = tmp();
    const short = readFileSync(join(ROOT, 'fixtures/broken/long-description.yaml'), 'utf8').replace(
      /description: >-\n(?: {10}.*\n)+/,
      'description: Vitamin D deficiency\n',
    );
    writeFileSync(join(dir, 'short.yaml'), short);
    const searched = cliJson(['short.yaml'], { cwd: dir });
    expect(searched.report.results[0]!.findings.map((f) => f.ruleId)).toEqual(['uncertain-dx-coded-outpatient']);
  });

  test('an empty YAML document (a trailing `---`, `--- # a comment`) holds no chart: no finding, not counted; a written null is still no chart', () => {
    const dir = tmp();
    const chart = (id: string): string => `chartId: ${id}\nencounters: [{ id: E1, date: 2026-10-01 }]\n`;
    writeFileSync(join(dir, 'trailing.yaml'), `${chart('T-1')}---\n`);
    writeFileSync(join(dir, 'between.yaml'), `---\n---\n${chart('B-1')}--- # nothing here\n---\n${chart('B-2')}---\n\n`);
    writeFileSync(join(dir, 'null.yaml'), `${chart('N-1')}--- ~\n---\nnull\n`);
    const r = cliJson(['.'], { cwd: dir });
    const byFile = (f: string) => r.report.results.find((x) => x.file === f)!;
    expect(byFile('trailing.yaml').findings).toEqual([]);
    expect(byFile('between.yaml').findings).toEqual([]);
    expect(byFile('between.yaml').charts.map((c) => c.chartId)).toEqual(['B-1', 'B-2']);
    expect(byFile('null.yaml').findings.map((f) => `${f.line} ${f.ruleId} ${f.message}`)).toEqual([
      '3 chart-format Expected a chart (a mapping with `chartId` and `encounters`); found null.',
      '5 chart-format Expected a chart (a mapping with `chartId` and `encounters`); found null.',
    ]);
    expect(r.report.summary.charts).toBe(1 + 2 + 3);
    expect(r.code).toBe(1);
  });

  test("a report of an earlier run among the charts is named as one, not read as a chart's missing fields", () => {
    const dir = tmp();
    copyFileSync(join(ROOT, 'fixtures', 'charts', 'p-0001.yaml'), join(dir, 'p-0001.yaml'));
    const formats = ['json:reports/b12.json', 'sarif:reports/b12.sarif.json', 'codequality:reports/cq.json'];
    expect(cli(['--no-config-lookup', ...formats.flatMap((f) => ['-f', f]), '.'], { cwd: dir }).code).toBe(1);
    const again = cliJson(['--no-config-lookup', 'reports'], { cwd: dir });
    expect(again.code).toBe(1);
    expect(
      again.report.results.map((r) => [r.file, r.findings.map((f) => `${f.ruleId} ${f.severity} ${f.line}:${f.column} ${f.message}`)]),
    ).toEqual(
      [
        ['reports/b12.json', 'b12lint JSON report'],
        ['reports/b12.sarif.json', 'SARIF log'],
        ['reports/cq.json', 'Code Quality report'],
      ].map(([file, kind]) => [
        file,
        [
          `chart-format error 1:1 This file is a ${kind}, not a chart: write reports outside the charts' folders, or name them in .b12lintignore.`,
        ],
      ]),
    );
  });

  test('a chart id used twice in a run is reported where it repeats', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.yaml'), 'chartId: SAME\nencounters: [{ id: E1, date: 2026-10-01 }]\n');
    writeFileSync(join(dir, 'b.json'), '{"chartId": "SAME", "encounters": [{"id": "E1", "date": "2026-10-01"}]}');
    const r = cliJson(['.'], { cwd: dir });
    expect(r.report.results.map((x) => x.findings.map((f) => f.message))).toEqual([
      [],
      ['Duplicate chartId "SAME": the same id is used at a.yaml:1; chart ids must be unique within a run.'],
    ]);
  });
});

describe('reports', () => {
  test('the JSON report has the shape of cli.md and is byte-identical across runs', () => {
    const a = cli(['-f', 'json', 'fixtures/charts']);
    const b = cli(['-f', 'json', 'fixtures/charts']);
    expect(a.stdout).toBe(b.stdout);
    const report = JSON.parse(a.stdout);
    expect(Object.keys(report)).toEqual(['tool', 'ruleset', 'summary', 'results']);
    expect(report.tool).toEqual({ name: 'b12lint', version: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version });
    expect(report.summary).toMatchObject({ files: 6, charts: 11, encounters: 11 });
    const all = report.results.flatMap((x: { findings: { severity: string }[] }) => x.findings);
    const count = (s: string): number => all.filter((f: { severity: string }) => f.severity === s).length;
    expect(report.summary).toMatchObject({ errors: count('error'), warnings: count('warning'), infos: count('info') });
    const f = report.results.find((x: { file: string }) => x.file === 'fixtures/charts/p-0001.yaml').findings[1];
    // A finding whose message asks to query the provider carries the draft last (docs/queries.md).
    expect(Object.keys(f)).toEqual([
      'ruleId',
      'severity',
      'message',
      'chartId',
      'encounterId',
      'line',
      'column',
      'pointer',
      'fingerprint',
      'evidence',
      'query',
    ]);
  });

  test('findings are sorted by file, line, column and rule id', () => {
    const r = cliJson(['fixtures/charts', 'fixtures/catalog']);
    const files = r.report.results.map((x) => x.file);
    expect(files).toEqual([...files].sort());
    for (const x of r.report.results) {
      const keys = x.findings.map((f) => [f.line, f.column, f.ruleId] as const);
      const sorted = [...keys].sort((p, q) => p[0] - q[0] || p[1] - q[1] || (p[2] < q[2] ? -1 : p[2] > q[2] ? 1 : 0));
      expect(keys).toEqual(sorted);
    }
  });

  test('--output-file writes the report and leaves the summary on the terminal', () => {
    const dir = tmp();
    const out = join(dir, 'reports', 'b12.json');
    const r = cli(['-f', 'json', '-o', out, 'fixtures/charts']);
    expect(r.code).toBe(1);
    // The same summary line a plain run prints last, and nothing else.
    expect(r.stdout).toBe(`${cli(['fixtures/charts']).stdout.trimEnd().split('\n').pop()}\n`);
    expect(JSON.parse(readFileSync(out, 'utf8')).summary.charts).toBe(11);
    expect(readdirSync(join(dir, 'reports'))).toEqual(['b12.json']);
  });

  test('several formats in one run: one to the terminal, the others to files', () => {
    const dir = tmp();
    const r = cli(['-f', 'stylish', '-f', `json:${join(dir, 'r.json')}`, 'fixtures/charts']);
    expect(r.stdout).toMatch(/^fixtures\/charts\/batch-2026-10-08\.json$/m);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).summary.files).toBe(6);
    expect(cli(['-f', 'json', '-f', 'stylish', 'fixtures/charts']).code).toBe(2);
  });

  test('--quiet reports errors only', () => {
    const r = cliJson(['--quiet', 'fixtures/charts']);
    expect(r.report.summary).toMatchObject({ errors: 3, warnings: 0, infos: 0 });
    expect(r.report.results.flatMap((x) => x.findings).every((f) => f.severity === 'error')).toBe(true);
  });

  test('colour only when asked or on a terminal, never with NO_COLOR or --no-color', () => {
    const esc = /\u001b\[/;
    expect(cli(['fixtures/charts']).stdout).not.toMatch(esc); // a pipe, NO_COLOR set by the helper
    expect(cli(['--color', 'fixtures/charts']).stdout).toMatch(esc);
    expect(cli(['--no-color', 'fixtures/charts'], { env: { FORCE_COLOR: '1' } }).stdout).not.toMatch(esc);
    expect(cli(['fixtures/charts'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } }).stdout).toMatch(esc);
  });

  test('stylish shows each finding with its position, severity, message, rule id and evidence', () => {
    const r = cli(['fixtures/charts/p-0001.yaml']);
    expect(r.stdout).toBe(
      [
        'fixtures/charts/p-0001.yaml',
        '  12:9  warning  D62 (blood-loss anemia) is coded, but the notes deny bleeding ("Denies melena, hematochezia or other...") and nothing in encounter E1 documents blood loss. Query the provider, or code the anemia the chart supports.  blood-loss-contradicted-by-notes',
        '                 ↳ assessment note (denied) "Denies melena, hematochezia or other..." at 23:15',
        '                 ↳ diagnosis D62 at 12:9',
        '                 ↳ lab hemoglobin 10.1 g/dL on 2026-09-28 at 27:5',
        '  15:9  error    J3420 is linked to D62: blood-loss and iron-deficiency anemia are the iron pathway, treated with iron, and do not support vitamin B12 therapy. Link the documented reason for B12 therapy (a B12 deficiency or a malabsorption cause), or query the provider.  b12-injection-blood-loss-dx',
        '                 ↳ diagnosis D62 at 12:9',
        '                 ↳ lab hemoglobin 10.1 g/dL on 2026-09-28 at 27:5',
        '                 ↳ assessment note "Plan B12 injection today" at 23:15',
        '',
        '✖ 2 problems (1 error, 1 warning) in 1 of 1 chart',
        '',
      ].join('\n'),
    );
  });
});

describe('rulesets and config', () => {
  test('a user-written ruleset without extends runs only its own rules', () => {
    const r = cliJson([
      '-r',
      'fixtures/rulesets/acme-policy.yaml',
      '--icd10',
      'fixtures/icd10/icd10cm_order_2026.txt',
      'fixtures/rulesets/acme-charts.yaml',
    ]);
    expect(r.report.ruleset).toEqual({ name: 'acme/b12-policy', rules: 11 });
    const ids = new Set(r.report.results.flatMap((x) => x.findings.map((f) => f.ruleId)));
    expect([...ids].sort()).toEqual([
      'acme-admin-without-drug',
      'acme-b12-for-hypertension',
      'acme-cause-uncoded',
      'acme-dose-units',
      'acme-fatigue-only',
      'acme-header-code',
      'acme-injection-interval',
      'acme-low-hgb-flag',
      'acme-never-together',
      'acme-oral-and-injected',
      'acme-too-many-units',
    ]);
  });

  test('a config found upwards from the current folder: ruleset overrides, values, ignore and failOn', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'charts', 'archive'), { recursive: true });
    mkdirSync(join(dir, 'sub'));
    copyFileSync(join(ROOT, 'fixtures/charts/p-0001.yaml'), join(dir, 'charts', 'p-0001.yaml'));
    copyFileSync(join(ROOT, 'fixtures/charts/p-0001.yaml'), join(dir, 'charts', 'archive', 'old.yaml'));
    writeFileSync(
      join(dir, 'b12lint.config.yaml'),
      [
        'ruleset: b12lint:recommended',
        'ignore: [charts/archive/]',
        'failOn: warning',
        'rules:',
        '  b12-injection-blood-loss-dx: off',
        '',
      ].join('\n'),
    );
    const r = cliJson(['charts'], { cwd: dir });
    expect(r.report.results.map((x) => x.file)).toEqual(['charts/p-0001.yaml']);
    expect(r.report.results[0]!.findings.map((f) => f.ruleId)).toEqual(['blood-loss-contradicted-by-notes']);
    expect(r.code).toBe(1); // a warning fails with failOn: warning
    expect(cli(['../charts'], { cwd: join(dir, 'sub') }).code).toBe(1); // found upwards
  });

  test('a broken config is exit 2 with its place', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'b12lint.config.yaml'), 'failOn: warnings\nrules:\n  no-such-rule: off\n');
    writeFileSync(join(dir, 'c.yaml'), 'chartId: C\nencounters: [{ id: E1, date: 2026-10-01 }]\n');
    const r = cli(['.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'b12lint.config.yaml:1:9: bad fail-on severity "warnings": `failOn` takes error, warning, info or never. Did you mean `warning`?',
    );
    expect(r.stderr).toContain('b12lint.config.yaml:3:3: override of unknown rule "no-such-rule".');
  });

  test("a config's ruleset that is not there is exit 2 at its own key and place, named as the config names it", () => {
    const dir = tmp();
    writeFileSync(join(dir, 'b12lint.config.yaml'), '# team config\nfailOn: warning\nruleset: rules/acme.yaml\n');
    writeFileSync(join(dir, 'c.yaml'), 'chartId: C\nencounters: [{ id: E1, date: 2026-10-01 }]\n');
    const r = cli(['c.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^b12lint\.config\.yaml:3:10: ruleset "rules\/acme\.yaml": file not found \(.*acme\.yaml\)$/m);
  });

  test('two config files in one folder are exit 2 naming the second, not one of them dropped; --config names the one to read', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'b12lint.config.yaml'), 'failOn: never\n');
    writeFileSync(join(dir, '.b12lintrc.yaml'), 'failOn: warning\n');
    writeFileSync(join(dir, 'c.yaml'), 'chartId: C\nencounters: [{ id: E1, date: 2026-10-01 }]\n');
    const r = cli(['c.yaml'], { cwd: dir });
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(
      /^\.b12lintrc\.yaml:1:1: a second config file beside b12lint\.config\.yaml: b12lint reads one config a folder/,
    );
    expect(cli(['--config', '.b12lintrc.yaml', 'c.yaml'], { cwd: dir }).code).toBe(0);
  });

  test('.b12lintignore is read from the current folder', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.b12lintignore'), 'skip-*.yaml\n');
    writeFileSync(join(dir, 'skip-me.yaml'), 'not: a chart\n');
    writeFileSync(join(dir, 'keep.yaml'), 'chartId: K\nencounters: [{ id: E1, date: 2026-10-01 }]\n');
    const r = cliJson(['.'], { cwd: dir });
    expect(r.report.results.map((x) => x.file)).toEqual(['keep.yaml']);
  });

  test('.b12lintignore: every line is a pattern (comments, blank lines, negation, Windows line ends)', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'drafts'));
    writeFileSync(join(dir, '.b12lintignore'), '# not for billing\r\nskip-*.yaml\r\n\r\ndrafts/\n*.json\n!keep.json\n');
    const chart = (id: string): string => `chartId: ${id}\nencounters: [{ id: E1, date: 2026-10-01 }]\n`;
    writeFileSync(join(dir, 'skip-me.yaml'), chart('S'));
    writeFileSync(join(dir, 'drafts', 'd.yaml'), chart('D'));
    writeFileSync(join(dir, 'other.json'), '{"chartId": "O"}');
    writeFileSync(join(dir, 'keep.json'), '{"chartId": "K", "encounters": []}');
    writeFileSync(join(dir, 'keep.yaml'), chart('Y'));
    const r = cliJson(['.'], { cwd: dir });
    expect(r.report.results.map((x) => x.file)).toEqual(['keep.json', 'keep.yaml']);
  });

  test('folders skip node_modules and dot-folders; globs work', () => {
    const dir = tmp();
    for (const d of ['node_modules/x', '.git', 'data']) mkdirSync(join(dir, d), { recursive: true });
    const chart = 'chartId: X\nencounters: [{ id: E1, date: 2026-10-01 }]\n';
    writeFileSync(join(dir, 'node_modules/x/c.yaml'), chart.replace('X', 'A'));
    writeFileSync(join(dir, '.git/c.yaml'), chart.replace('X', 'B'));
    writeFileSync(join(dir, 'data/c.yml'), chart.replace('X', 'C'));
    writeFileSync(join(dir, 'data/d.jsonl'), '{"chartId":"D","encounters":[{"id":"E1","date":"2026-10-01"}]}\n');
    writeFileSync(join(dir, 'data/notes.txt'), 'not a chart');
    expect(cliJson(['.'], { cwd: dir }).report.results.map((x) => x.file)).toEqual(['data/c.yml', 'data/d.jsonl']);
    expect(cliJson(['data/*.yml'], { cwd: dir }).report.results.map((x) => x.file)).toEqual(['data/c.yml']);
  });
});

describe('subcommands', () => {
  test('rules lists the active rules', () => {
    const r = cli(['rules']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^b12-injection-blood-loss-dx +error +B12 injection justified only by an iron-pathway anemia \(blood loss or iron deficiency\)$/m,
    );
    expect(r.stdout.split('\n').filter((l) => /^[a-z0-9-]+ +(error|warning|info|off) /.test(l))).toHaveLength(35);
    expect(r.stdout).toMatch(/^diagnosis-not-current +warning +A ruled-out or resolved diagnosis is coded as current$/m);
    expect(r.stdout).toMatch(/^b12-drug-code-mismatch +warning +J3420 billed for a B12 other than cyanocobalamin$/m);
    expect(r.stdout).toMatch(/^injection-billed-on-telehealth +warning +An injection billed on a telehealth encounter$/m);
  });

  test('explain shows the rules the coder review added', () => {
    for (const id of ['diagnosis-not-current', 'b12-drug-code-mismatch', 'injection-billed-on-telehealth']) {
      const r = cli(['explain', id]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('**Why it matters.**');
      expect(r.stdout).toContain(`- id: ${id}\n`);
    }
  });

  test('explain prints the docs and the YAML, and suggests a mistyped id', () => {
    const r = cli(['explain', 'b12-injection-blood-loss-dx']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('**Why it matters.**');
    // The rule's YAML as written in the ruleset, comments and layout kept.
    expect(r.stdout).toContain('- id: b12-injection-blood-loss-dx\n  severity: error\n');
    expect(r.stdout).toContain('  match: { code: b12-injection }\n');
    expect(r.stdout).toContain('Defined in b12lint:recommended:');
    const bad = cli(['explain', 'b12-injection-bloodloss-dx']);
    expect(bad).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'b12lint: unknown rule "b12-injection-bloodloss-dx". Did you mean `b12-injection-blood-loss-dx`? (b12lint rules lists them)\n',
    });
  });

  test("explain tells the engine's own rules too, which every report may hold", () => {
    for (const id of ['parse-error', 'chart-format', 'read-error', 'internal-error']) {
      const r = cli(['explain', id]);
      expect([id, r.code, r.stderr]).toEqual([id, 0, '']);
      expect(r.stdout).toMatch(new RegExp(`^${id} \\(error\\): .+\\n\\n.+\\n\\nReported by b12lint itself, whatever the ruleset\\.\\n$`));
    }
    expect(cli(['explain', 'parse-eror']).stderr).toBe(
      'b12lint: unknown rule "parse-eror". Did you mean `parse-error`? (b12lint rules lists them)\n',
    );
  });

  test('--version and --help', () => {
    expect(cli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--fail-on <severity>');
  });
});

test('no temporary files are left next to an output file', () => {
  const dir = tmp();
  cli(['-f', 'json', '-o', join(dir, 'r.json'), 'fixtures/charts']);
  expect(existsSync(join(dir, 'r.json'))).toBe(true);
  expect(readdirSync(dir)).toEqual(['r.json']);
});

test('a report written inside the folder linted is not read as a chart by the next run, whatever the case of its name', () => {
  const dir = tmp();
  mkdirSync(join(dir, 'charts'));
  copyFileSync(join(ROOT, 'fixtures', 'charts', 'p-0002.json'), join(dir, 'charts', 'p-0002.json'));
  const linted = (report: string): string[] => {
    expect(cli(['--no-config-lookup', 'charts', '-f', 'json', '-o', `charts/${report}`], { cwd: dir }).code).toBe(0);
    return (JSON.parse(readFileSync(join(dir, 'charts', report), 'utf8')) as { results: { file: string }[] }).results.map((r) => r.file);
  };
  expect(linted('report.json')).toEqual(['charts/p-0002.json']);
  expect(linted('report.json')).toEqual(['charts/p-0002.json']); // there now, and left out
  expect(linted('Report.json')).toEqual(['charts/p-0002.json']); // report.json, in another case, left out too
});
