/**
 * Baselines, end to end on copies of the CI fixture charts: record today's findings, then report
 * and fail on only new ones; a finding keeps its identity when the export shifts lines; fixed
 * findings are reported in the summary and pruned on request.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../src/report/types.js';
import { cli, ROOT } from './helpers/cli.js';
import { repoScratch } from './helpers/scratch.js';

const RULESET = join(ROOT, 'fixtures/rulesets/ci-formats.yaml');
const CHARTS = ['a-blood-loss.yaml', 'c-two-charts.yaml', 'd-lines.ndjson', 'g-no-id.yaml'];
const tmp = repoScratch('baseline');
afterAll(() => tmp.remove());

let n = 0;
/** A fresh folder with copies of the charts; the baseline lives beside the charts folder. */
function workspace(extra: string[] = []): {
  dir: string;
  lint: (...args: string[]) => ReturnType<typeof cli>;
  json: (...args: string[]) => Report;
  chart: (name: string) => string;
} {
  const dir = join(tmp.dir, `w${++n}`);
  mkdirSync(join(dir, 'charts'), { recursive: true });
  for (const c of [...CHARTS, ...extra]) copyFileSync(join(ROOT, 'fixtures/ci/charts', c), join(dir, 'charts', c));
  const lint = (...args: string[]) => cli(['-r', RULESET, ...args], { cwd: dir });
  const json = (...args: string[]) => JSON.parse(lint(...args, '-f', 'json').stdout) as Report;
  return { dir, lint, json, chart: (name) => join(dir, 'charts', name) };
}

const findingsOf = (r: Report) =>
  r.results.flatMap((x) => x.findings.map((f) => ({ file: x.file, ruleId: f.ruleId, line: f.line, chartId: f.chartId })));

describe('--update-baseline', () => {
  test('records every finding, then reports none and passes', () => {
    const w = workspace();
    const before = w.json('charts');
    expect(before.summary.errors).toBeGreaterThan(0);
    const r = w.lint('charts', '--update-baseline', '--baseline', 'known.json');
    expect(r.stderr).toBe('b12lint: wrote 8 findings to the baseline known.json\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('✔ No problems in 7 charts (4 files); 8 known in the baseline\n');
    const file = JSON.parse(readFileSync(join(w.dir, 'known.json'), 'utf8'));
    expect(file.b12lintBaseline).toBe(1);
    expect(file.findings).toHaveLength(8);
    expect(Object.keys(file.findings[0])).toEqual(['file', 'chartId', 'encounterId', 'ruleId', 'fingerprint']);
    expect(file.findings.map((e: { file: string }) => e.file)).toEqual([...file.findings.map((e: { file: string }) => e.file)].sort());
    expect(readFileSync(join(w.dir, 'known.json'), 'utf8')).not.toMatch(/"line"/);
  });

  test('uses b12lint-baseline.json when no file is named, and never reads it as a chart', () => {
    const w = workspace();
    expect(w.lint('--update-baseline').code).toBe(0);
    expect(existsSync(join(w.dir, 'b12lint-baseline.json'))).toBe(true);
    const again = w.json('--baseline', 'b12lint-baseline.json');
    expect(again.results.map((r) => r.file)).toEqual(CHARTS.map((c) => `charts/${c}`));
    expect(again.summary.baseline).toMatchObject({ suppressed: 8, fixed: [] });
  });

  test('a baseline under another name inside the linted folder is not linted either', () => {
    const w = workspace();
    expect(w.lint('.', '--update-baseline', '--baseline', 'charts/known.json').code).toBe(0);
    expect(w.json('.', '--baseline', 'charts/known.json').results.map((r) => r.file)).not.toContain('charts/known.json');
  });

  test('never records a file that does not parse: it would hide the whole file', () => {
    const w = workspace(['f-broken.json']);
    const r = w.lint('charts', '--update-baseline', '--baseline', 'known.json', '-f', 'json');
    expect(r.code).toBe(1);
    expect(findingsOf(JSON.parse(r.stdout))).toEqual([
      { file: 'charts/f-broken.json', ruleId: 'parse-error', line: 6, chartId: undefined },
    ]);
    expect(readFileSync(join(w.dir, 'known.json'), 'utf8')).not.toContain('parse-error');
  });
});

describe('what was not read is never baselined', () => {
  test('a chart not evaluated, a key given twice and a file that comes in empty are never recorded nor hidden; a file-level format finding hides no other', () => {
    const w = workspace();
    const dx = Array.from({ length: 1001 }, () => ({ code: 'I10' }));
    writeFileSync(w.chart('big.json'), JSON.stringify({ chartId: 'BIG', encounters: [{ id: 'E1', date: '2026-10-01', diagnoses: dx }] }));
    writeFileSync(w.chart('dup.yaml'), 'chartId: DUP\nencounters:\n  - id: E1\n    date: 2026-10-01\n    services: []\n    services: []\n');
    const r = w.lint('charts', '--update-baseline', '--baseline', 'known.json');
    expect(r.code).toBe(1);
    const recorded = readFileSync(join(w.dir, 'known.json'), 'utf8');
    expect(recorded).not.toContain('charts/big.json');
    expect(recorded).not.toContain('charts/dup.yaml');
    const again = w.json('charts', '--baseline', 'known.json');
    const unread = findingsOf(again).filter((f) => f.file === 'charts/big.json' || f.file === 'charts/dup.yaml');
    expect(unread.map((f) => [f.file, f.ruleId])).toEqual([
      ['charts/big.json', 'chart-format'],
      ['charts/dup.yaml', 'chart-format'],
    ]);
    // The file later comes in empty: an error of its own, whatever the baseline holds.
    writeFileSync(w.chart('dup.yaml'), '');
    const empty = w.lint('charts', '--baseline', 'known.json', '-f', 'json');
    expect(empty.code).toBe(1);
    expect(findingsOf(JSON.parse(empty.stdout) as Report).filter((f) => f.file === 'charts/dup.yaml')).toHaveLength(1);
  });
});

describe('--baseline', () => {
  test('survives a two-line shift of the export, and still catches a new finding', () => {
    const w = workspace();
    const original = w.json('charts');
    expect(w.lint('charts', '--update-baseline', '--baseline', 'known.json').code).toBe(0);

    // The same charts exported again with two more lines at the top of each file.
    for (const c of ['a-blood-loss.yaml', 'c-two-charts.yaml', 'g-no-id.yaml']) {
      writeFileSync(w.chart(c), `# exported 2026-10-20\n# by the new EHR\n${readFileSync(w.chart(c), 'utf8')}`);
    }
    const shifted = w.json('charts');
    expect(
      findingsOf(shifted)
        .filter((f) => f.file !== 'charts/d-lines.ndjson')
        .map((f) => f.line),
    ).toEqual(
      findingsOf(original)
        .filter((f) => f.file !== 'charts/d-lines.ndjson')
        .map((f) => f.line + 2),
    );
    const known = w.lint('charts', '--baseline', 'known.json', '-f', 'json');
    expect(known.code).toBe(0);
    expect(JSON.parse(known.stdout).summary).toMatchObject({
      errors: 0,
      warnings: 0,
      infos: 0,
      baseline: { file: 'known.json', suppressed: 8, fixed: [] },
    });

    // A new injection without a B12 indication in a chart that already has findings.
    writeFileSync(
      w.chart('a-blood-loss.yaml'),
      `${readFileSync(w.chart('a-blood-loss.yaml'), 'utf8')}  - id: E2
    date: 2026-11-01
    setting: outpatient
    diagnoses: [{ code: I10 }]
    services: [{ code: J3420, units: 1, diagnoses: [1] }]
`,
    );
    const fresh = w.lint('charts', '--baseline', 'known.json', '-f', 'json');
    expect(fresh.code).toBe(1);
    const report = JSON.parse(fresh.stdout) as Report;
    expect(findingsOf(report)).toEqual([
      { file: 'charts/a-blood-loss.yaml', ruleId: 'b12-injection-without-indication', line: 23, chartId: 'CI-A-1' },
    ]);
    expect(report.results[0]!.findings[0]!.encounterId).toBe('E2');
    expect(report.summary).toMatchObject({ errors: 1, warnings: 0, infos: 0, baseline: { suppressed: 8, fixed: [] } });
    expect(w.lint('charts', '--baseline', 'known.json').stdout).toMatch(
      /✖ 1 problem \(1 error, 0 warnings\) in 1 of 7 charts; 8 known in the baseline\n$/,
    );
  });

  test('a reordered chart keeps its identity; the same finding in another encounter is new', () => {
    const w = workspace();
    expect(w.lint('charts', '--update-baseline', '--baseline', 'known.json').code).toBe(0);
    const text = readFileSync(w.chart('a-blood-loss.yaml'), 'utf8');
    // services before diagnoses, and the notes first: the pointers stay, the lines all move.
    const reordered = text.replace(
      /( {4}diagnoses:\n(?: {6}.*\n)+)( {4}services:\n(?: {6}.*\n| {8}.*\n)+)( {4}notes:\n(?: {6}.*\n| {8}.*\n)+)/,
      '$3$2$1',
    );
    expect(reordered).not.toBe(text);
    writeFileSync(w.chart('a-blood-loss.yaml'), reordered);
    expect(w.lint('charts', '--baseline', 'known.json').code).toBe(0);
    writeFileSync(w.chart('a-blood-loss.yaml'), reordered.replace('id: E1', 'id: E9'));
    const renamed = w.json('charts', '--baseline', 'known.json');
    expect(
      findingsOf(renamed)
        .map((f) => f.ruleId)
        .sort(),
    ).toEqual(['b12-injection-without-indication', 'blood-loss-anemia-without-bleeding']);
    expect(renamed.summary.baseline!.fixed.map((e) => [e.chartId, e.encounterId])).toEqual([
      ['CI-A-1', 'E1'],
      ['CI-A-1', 'E1'],
    ]);
  });

  test('reports a fixed finding in the summary, and --baseline-prune drops it', () => {
    const w = workspace();
    expect(w.lint('charts', '--update-baseline', '--baseline', 'known.json').code).toBe(0);
    // CI-C-2's injection gets its B12 indication.
    writeFileSync(
      w.chart('c-two-charts.yaml'),
      readFileSync(w.chart('c-two-charts.yaml'), 'utf8').replace('diagnoses: [{ code: I10 }]', 'diagnoses: [{ code: D51.0 }]'),
    );
    const r = w.lint('charts', '--baseline', 'known.json', '-f', 'json');
    expect(r.code).toBe(0);
    const fixed = (JSON.parse(r.stdout) as Report).summary.baseline!.fixed;
    expect(fixed).toEqual([
      {
        file: 'charts/c-two-charts.yaml',
        chartId: 'CI-C-2',
        encounterId: 'V1',
        ruleId: 'b12-injection-without-indication',
        fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      },
    ]);
    expect(w.lint('charts', '--baseline', 'known.json').stdout).toBe(
      '✔ No problems in 7 charts (4 files); 7 known in the baseline, 1 fixed since (--baseline-prune drops it)\n',
    );

    const pruned = w.lint('charts', '--baseline', 'known.json', '--baseline-prune');
    expect(pruned.stderr).toBe('b12lint: pruned 1 fixed finding from the baseline known.json\n');
    expect(JSON.parse(readFileSync(join(w.dir, 'known.json'), 'utf8')).findings).toHaveLength(7);
    expect(w.json('charts', '--baseline', 'known.json').summary.baseline).toMatchObject({ suppressed: 7, fixed: [] });
  });

  test('judges only the files it lints, and those that no longer exist', () => {
    const w = workspace();
    expect(w.lint('charts', '--update-baseline', '--baseline', 'known.json').code).toBe(0);
    const one = w.json('charts/a-blood-loss.yaml', '--baseline', 'known.json');
    expect(one.summary.baseline).toMatchObject({ suppressed: 2, fixed: [] });
    // Updating from one file keeps the other files' entries.
    expect(w.lint('charts/a-blood-loss.yaml', '--update-baseline', '--baseline', 'known.json').stderr).toBe(
      'b12lint: wrote 8 findings to the baseline known.json\n',
    );
    rmSync(w.chart('d-lines.ndjson'));
    const gone = w.json('charts', '--baseline', 'known.json');
    expect(gone.summary.baseline!.fixed.map((e) => e.chartId)).toEqual(['CI-D-2', 'CI-D-3']);
  });

  test('with --quiet, the warnings it knows are not reported as fixed', () => {
    const w = workspace();
    expect(w.lint('charts', '--update-baseline', '--baseline', 'known.json').code).toBe(0);
    expect(w.json('charts', '--baseline', 'known.json', '--quiet').summary.baseline).toMatchObject({ suppressed: 8, fixed: [] });
  });

  test('a missing or broken baseline file is exit 2 with one line', () => {
    const w = workspace();
    const missing = w.lint('charts', '--baseline', 'nope.json');
    expect([missing.code, missing.stderr]).toEqual([2, 'b12lint: no baseline file "nope.json": create it with --update-baseline\n']);
    writeFileSync(join(w.dir, 'bad.json'), '{"findings": []}');
    const bad = w.lint('charts', '--baseline', 'bad.json');
    expect([bad.code, bad.stderr]).toEqual([
      2,
      'b12lint: "bad.json" is not a b12lint baseline (version 1); write a new one with --update-baseline\n',
    ]);
    writeFileSync(join(w.dir, 'bad.json'), '{"b12lintBaseline": 1, "findings": [{"file": "x"}]}');
    expect(w.lint('charts', '--baseline', 'bad.json').stderr).toBe(
      'b12lint: "bad.json": entry 1 is not a finding (file, ruleId and fingerprint are required)\n',
    );
  });

  test('--update-baseline and --baseline-prune refuse --shard: a shard sees part of the run', () => {
    const w = workspace();
    const r = w.lint('charts', '--shard', '1/2', '--update-baseline');
    expect([r.code, r.stderr]).toEqual([
      2,
      'b12lint: --update-baseline writes one baseline for the whole run: run it without --shard, or on b12lint merge\n',
    ]);
    expect(w.lint('charts', '--shard', '1/2', '--baseline-prune').code).toBe(2);
  });
});
