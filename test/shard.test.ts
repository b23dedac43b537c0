/**
 * Shards and merge: `--shard i/n` splits the files by a stable hash of their path, `--shard auto`
 * reads the CI's parallel-job variables, and `b12lint merge` turns the shards' JSON reports into
 * the whole run's report, byte for byte, in any format.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Report } from '../src/report/types.js';
import { parseShard, shardOf } from '../src/run/shard.js';
import { cli, ROOT } from './helpers/cli.js';
import { repoScratch } from './helpers/scratch.js';

const RULESET = ['-r', 'fixtures/rulesets/ci-formats.yaml'];
const CHARTS = 'fixtures/ci/charts';
/** JUnit's timestamp, fixed so that two runs can be compared. */
const FIXED_TIME = { SOURCE_DATE_EPOCH: '1790000000' };
/** No CI shard variables, whatever CI runs these tests. */
const NO_CI = {
  CI_NODE_INDEX: '',
  CI_NODE_TOTAL: '',
  BUILDKITE_PARALLEL_JOB: '',
  BUILDKITE_PARALLEL_JOB_COUNT: '',
  JOB_COMPLETION_INDEX: '',
};

const tmp = repoScratch('shard');
afterAll(() => tmp.remove());

function lint(args: string[], env: Record<string, string> = {}) {
  return cli([...RULESET, ...args], { env: { ...NO_CI, ...FIXED_TIME, ...env } });
}

/** Lints `inputs` in n shards, each shard's JSON report written to the scratch folder. */
function shardReports(inputs: string[], n: number, name: string): string[] {
  return Array.from({ length: n }, (_, i) => {
    const out = join(tmp.rel, name, `shard-${i + 1}.json`);
    const r = lint([...inputs, '--shard', `${i + 1}/${n}`, '-f', `json:${out}`]);
    expect(r.stderr).toBe('');
    return out;
  });
}

const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');

describe('parseShard', () => {
  test('reads i/n, and auto from GitLab (1-based), Buildkite and Kubernetes indexed Jobs (0-based)', () => {
    expect(parseShard('2/3', {})).toEqual({ index: 2, total: 3 });
    expect(parseShard('auto', { CI_NODE_INDEX: '2', CI_NODE_TOTAL: '3' })).toEqual({ index: 2, total: 3 });
    expect(parseShard('auto', { BUILDKITE_PARALLEL_JOB: '0', BUILDKITE_PARALLEL_JOB_COUNT: '3' })).toEqual({ index: 1, total: 3 });
    expect(parseShard('auto/5', { JOB_COMPLETION_INDEX: '4' })).toEqual({ index: 5, total: 5 });
    expect(parseShard('auto/3', { CI_NODE_INDEX: '3', CI_NODE_TOTAL: '3' })).toEqual({ index: 3, total: 3 });
  });

  test('refuses shards that do not exist, and auto without its variables or count', () => {
    expect(() => parseShard('4/3', {})).toThrow('--shard 4/3 gives shard 4 of 3, which does not exist');
    expect(() => parseShard('0/3', {})).toThrow('which does not exist');
    expect(() => parseShard('3', {})).toThrow('gives no shard count');
    expect(() => parseShard('one/3', {})).toThrow('is not a shard');
    expect(() => parseShard('auto', {})).toThrow('--shard auto found none of CI_NODE_INDEX, BUILDKITE_PARALLEL_JOB, JOB_COMPLETION_INDEX');
    expect(() => parseShard('auto', { JOB_COMPLETION_INDEX: '1' })).toThrow(
      'Kubernetes (JOB_COMPLETION_INDEX) gives no shard count: write --shard auto/n',
    );
    expect(() => parseShard('auto/5', { JOB_COMPLETION_INDEX: '5' })).toThrow('shard 6 of 5');
    expect(() => parseShard('auto/4', { CI_NODE_INDEX: '1', CI_NODE_TOTAL: '3' })).toThrow(
      '--shard auto/4 says 4 shards, but CI_NODE_TOTAL says 3',
    );
    expect(() => parseShard('auto', { CI_NODE_INDEX: 'x', CI_NODE_TOTAL: '3' })).toThrow('CI_NODE_INDEX="x" is not a whole number');
  });
});

describe('shardOf', () => {
  test('puts each path in one shard, the same every time, and balances many paths', () => {
    const paths = Array.from({ length: 3000 }, (_, i) => `exports/2026-10-${(i % 28) + 1}/chart-${i}.json`);
    const counts = [0, 0, 0];
    for (const p of paths) {
      const s = shardOf(p, 3);
      expect(shardOf(p, 3)).toBe(s);
      counts[s - 1]!++;
    }
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(100);
    expect(shardOf('a.json', 1)).toBe(1);
  });
});

describe('--shard', () => {
  test("three shards' union equals the whole run", () => {
    const whole = JSON.parse(lint([CHARTS, '-f', 'json']).stdout) as Report;
    const shards = shardReports([CHARTS], 3, 'union').map((f) => JSON.parse(read(f)) as Report);
    expect(shards.map((s) => s.shard!.index)).toEqual([1, 2, 3]);
    for (const s of shards) expect(s.results.length).toBeGreaterThan(0);
    const files = shards.flatMap((s) => s.results.map((r) => r.file));
    expect(new Set(files).size).toBe(files.length);
    const union = shards.flatMap((s) => s.results).sort((a, b) => (a.file < b.file ? -1 : 1));
    expect(union).toEqual(whole.results);
    for (const k of ['files', 'charts', 'encounters', 'errors', 'warnings', 'infos'] as const) {
      expect(shards.reduce((sum, s) => sum + s.summary[k], 0)).toBe(whole.summary[k]);
    }
  });

  test("auto reads GitLab's, Buildkite's and a Kubernetes indexed Job's variables", () => {
    const expected = lint([CHARTS, '--shard', '2/3', '-f', 'json']).stdout;
    expect(lint([CHARTS, '--shard', 'auto', '-f', 'json'], { CI_NODE_INDEX: '2', CI_NODE_TOTAL: '3' }).stdout).toBe(expected);
    expect(lint([CHARTS, '--shard', 'auto', '-f', 'json'], { BUILDKITE_PARALLEL_JOB: '1', BUILDKITE_PARALLEL_JOB_COUNT: '3' }).stdout).toBe(
      expected,
    );
    expect(lint([CHARTS, '--shard', 'auto/3', '-f', 'json'], { JOB_COMPLETION_INDEX: '1' }).stdout).toBe(expected);
  });

  test('a shard that does not exist, or auto outside a parallel job, is exit 2 with one line', () => {
    const r = lint([CHARTS, '--shard', '4/3']);
    expect([r.code, r.stderr]).toEqual([
      2,
      'b12lint: --shard 4/3 gives shard 4 of 3, which does not exist; use --shard i/n (1 <= i <= n), --shard auto, or --shard auto/n\n',
    ]);
    const auto = lint([CHARTS, '--shard', 'auto']);
    expect(auto.code).toBe(2);
    expect(auto.stderr).toMatch(/^b12lint: --shard auto found none of .*\n$/);
  });
});

describe('merge', () => {
  test('of three shards equals the unsharded report, byte for byte, in JSON and every format', () => {
    const shards = shardReports([CHARTS], 3, 'merge3');
    for (const format of ['json', 'sarif', 'junit', 'github', 'codequality', 'csv', 'stylish', 'html']) {
      const whole = lint([CHARTS, '-f', format]);
      const merged = cli(['merge', ...shards, ...RULESET, '-f', format], { env: FIXED_TIME });
      expect([merged.code, merged.stderr]).toEqual([1, '']);
      expect(merged.stdout).toBe(whole.stdout);
    }
  });

  test('keeps a FHIR Bulk export in one shard, and merges FHIR and native charts as the whole run', () => {
    const inputs = ['fixtures/fhir', 'fixtures/charts'];
    const shards = Array.from({ length: 3 }, (_, i) => {
      const out = join(tmp.rel, 'fhir', `shard-${i + 1}.json`);
      expect(cli([...inputs, '--shard', `${i + 1}/3`, '-f', `json:${out}`], { env: NO_CI }).stderr).toBe('');
      return out;
    });
    const bulkFiles = shards.map(
      (f) => (JSON.parse(read(f)) as Report).results.filter((r) => r.file.startsWith('fixtures/fhir/bulk/')).length,
    );
    expect(bulkFiles.filter((n) => n > 0)).toHaveLength(1);
    for (const format of ['json', 'stylish', 'junit']) {
      const merged = cli(['merge', ...shards, '-f', format], { env: FIXED_TIME });
      expect(merged.stdout).toBe(cli([...inputs, '-f', format], { env: { ...NO_CI, ...FIXED_TIME } }).stdout);
    }
  });

  test('checks chart ids across shards as the whole run does', () => {
    // a-blood-loss.yaml and e-repeated-id.yaml share a chart id, and fall in different shards of 2.
    expect([shardOf(`${CHARTS}/a-blood-loss.yaml`, 2), shardOf(`${CHARTS}/e-repeated-id.yaml`, 2)]).toEqual([1, 2]);
    const shards = shardReports([CHARTS], 2, 'cross');
    expect(read(shards[1]!)).not.toContain('Duplicate chartId');
    const merged = cli(['merge', ...shards, ...RULESET, '-f', 'json']);
    expect(merged.stdout).toContain('Duplicate chartId \\"CI-A-1\\": the same id is used at fixtures/ci/charts/a-blood-loss.yaml:2');
    expect(merged.stdout).toBe(lint([CHARTS, '-f', 'json']).stdout);
  });

  test("replaces a shard's own repeated-id findings with the whole run's", () => {
    // Three copies of one chart: the first in shard 2, the other two in shard 1, which on its own
    // takes the second for the first.
    const dir = join(tmp.rel, 'repeated');
    mkdirSync(join(ROOT, dir));
    const names = Array.from({ length: 60 }, (_, i) => `${dir}/copy-${String(i).padStart(2, '0')}.yaml`);
    const first = names.find((f) => shardOf(f, 2) === 2)!;
    const later = names.filter((f) => f > first && shardOf(f, 2) === 1).slice(0, 2);
    for (const f of [first, ...later]) copyFileSync(join(ROOT, `${CHARTS}/h-clean.yaml`), join(ROOT, f));
    const shards = shardReports([dir], 2, 'repeated-out');
    expect(read(shards[0]!)).toContain(`the same id is used at ${later[0]}:1`);
    const merged = cli(['merge', ...shards, ...RULESET, '-f', 'json']);
    const whole = lint([dir, '-f', 'json']).stdout;
    expect(merged.stdout).toBe(whole);
    expect(whole.match(new RegExp(`the same id is used at ${first}:1`, 'g'))).toHaveLength(2);
  });

  test('writes any format to a file, takes a quoted glob, and exits as the run would', () => {
    shardReports([CHARTS], 3, 'glob');
    const r = cli(['merge', `${tmp.rel}/glob/shard-*.json`, ...RULESET, '-f', 'sarif', '-o', `${tmp.rel}/glob/all.sarif`], {
      env: FIXED_TIME,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('✖ 10 problems (7 errors, 2 warnings, 1 info) in 8 of 11 charts\n');
    expect(read(`${tmp.rel}/glob/all.sarif`)).toBe(lint([CHARTS, '-f', 'sarif']).stdout);
    expect(cli(['merge', `${tmp.rel}/glob/shard-*.json`, ...RULESET, '--fail-on', 'never']).code).toBe(0);
  });

  test('takes --baseline on the merged report', () => {
    const shards = shardReports([CHARTS], 3, 'baseline');
    const base = `${tmp.rel}/baseline/known.json`;
    const update = cli(['merge', ...shards, ...RULESET, '--update-baseline', '--baseline', base]);
    expect(update.stderr).toMatch(/^b12lint: wrote 9 findings to the baseline/);
    expect(update.code).toBe(1); // the file that does not parse is never baselined
    const unsharded = `${tmp.rel}/baseline/unsharded.json`;
    lint([CHARTS, '--update-baseline', '--baseline', unsharded]);
    expect(read(base)).toBe(read(unsharded));
    const whole = lint([CHARTS, '--baseline', base, '-f', 'json']).stdout;
    expect(cli(['merge', ...shards, ...RULESET, '--baseline', base, '-f', 'json']).stdout).toBe(whole);
  });

  test('a forged shard report cannot make the HTML report show another file: only chart files under the current folder, never through a link, are read', () => {
    const shards = shardReports([CHARTS], 2, 'forged');
    const outside = mkdtempSync(join(tmpdir(), 'b12lint-outside-'));
    try {
      writeFileSync(join(outside, 'secret.json'), 'hunter2-outside-secret\n');
      writeFileSync(join(tmp.dir, 'forged', 'notes.txt'), 'hunter2-not-a-chart\n');
      symlinkSync(join(outside, 'secret.json'), join(tmp.dir, 'forged', 'leak.json'));
      // Links inside the folder: to a file that is no chart (.env), and to one that is.
      writeFileSync(join(tmp.dir, 'forged', 'token.env'), 'hunter2-env-file\n');
      symlinkSync('token.env', join(tmp.dir, 'forged', 'env.json'));
      writeFileSync(join(tmp.dir, 'forged', 'private.yaml'), 'hunter2-linked-chart\n');
      symlinkSync('private.yaml', join(tmp.dir, 'forged', 'linked.yaml'));
      const names = [
        '/proc/self/environ',
        join(outside, 'secret.json'), // absolute
        relative(ROOT, join(outside, 'secret.json')), // ../ up and out
        `${tmp.rel}/forged/notes.txt`, // under the folder, not a chart file
        `${tmp.rel}/forged/leak.json`, // a chart name linking out
        `${tmp.rel}/forged/env.json`, // a chart name linking to a file in the folder that is no chart
        `${tmp.rel}/forged/linked.yaml`, // a link, even to a chart file in the folder
      ];
      const shard = JSON.parse(read(shards[0]!)) as Report;
      for (const file of names) {
        shard.results.push({
          file,
          findings: [
            {
              ruleId: 'parse-error',
              severity: 'info',
              message: 'x',
              line: 1,
              column: 1,
              pointer: '',
              fingerprint: '0123456789abcdef',
              evidence: [],
            },
          ],
          charts: [],
        });
        shard.summary.files++;
        shard.summary.infos++;
      }
      writeFileSync(shards[0]!, JSON.stringify(shard));
      const html = `${tmp.rel}/forged/all.html`;
      const r = cli(['merge', ...shards, ...RULESET, '-f', `html:${html}`], { env: { ...FIXED_TIME, FORGED_MARK: 'hunter2-environment' } });
      expect([r.code, r.stderr]).toEqual([1, '']);
      const page = read(html);
      expect(page).toContain('/proc/self/environ'); // the file is named, as the report says
      expect(page).not.toMatch(/hunter2/);
      // A real chart file of the run still shows its lines.
      expect(page).toContain('units: 1');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('refuses reports that do not make one run, with one line and exit 2', () => {
    const shards = shardReports([CHARTS], 3, 'refuse');
    const merge = (...args: string[]) => cli(['merge', ...args, ...RULESET]);
    expect(merge(shards[0]!, shards[2]!).stderr).toBe('b12lint: shard 2/3 missing: merge needs every shard of the run\n');
    expect(merge(shards[0]!, shards[0]!, shards[1]!, shards[2]!).stderr).toBe('');
    const copy = `${tmp.rel}/refuse/copy-of-1.json`;
    writeFileSync(join(ROOT, copy), read(shards[0]!));
    expect(merge(...shards, copy).stderr).toBe(`b12lint: ${copy} and ${shards[0]} are both shard 1/3\n`);
    const whole = `${tmp.rel}/refuse/whole.json`;
    lint([CHARTS, '-f', `json:${whole}`]);
    expect(merge(whole).stderr).toBe(`b12lint: ${whole} is not the report of a sharded run (--shard i/n)\n`);
    const other = cli(['merge', ...shards]);
    expect([other.code, other.stderr]).toEqual([
      2,
      'b12lint: the shards were linted with another ruleset, config or build of b12lint (test/ci-formats); give merge the same --ruleset, --config and --icd10 options, and run it with the build that linted them\n',
    ]);
    writeFileSync(join(ROOT, copy), '{"tool": ');
    expect(merge(copy).stderr).toMatch(new RegExp(`^b12lint: ${copy} is not JSON: `));
    expect(merge(`${tmp.rel}/refuse/none-*.json`).stderr).toBe(`b12lint: no report file matches "${tmp.rel}/refuse/none-*.json"\n`);
    const filtered = `${tmp.rel}/refuse/filtered.json`;
    const base = `${tmp.rel}/refuse/known.json`;
    lint([CHARTS, '--update-baseline', '--baseline', base]);
    lint([CHARTS, '--shard', '1/3', '--baseline', base, '-f', `json:${filtered}`]);
    expect(merge(filtered, shards[1]!, shards[2]!).stderr).toBe(
      `b12lint: ${filtered} was filtered by a baseline; lint the shards without --baseline and give it to merge\n`,
    );
  });
});
