/**
 * Issue 19, item 7: planted configs. The config lookup goes from the current folder up to the
 * repository root (the first folder with `.git`, a folder or a worktree's file) and no further: a
 * `.b12lintrc.yaml` planted in a folder around the repository (a shared /tmp, a CI runner's work
 * folder) that turns every rule off is not used. The config a run used is named in the JSON
 * report and in SARIF's run properties, and on stderr when it is not in the current folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { chart, scratches, type Scratch } from '../helpers/scratch.js';

const folder = scratches('b12lint-io-config-');

/** Turns off every rule the chart below breaks: a gate that passes when it is used. */
const PLANTED =
  'rules:\n  b12-injection-blood-loss-dx: off\n  b12-injection-unsupported-dx: off\n  b12-injection-anemia-unspecified: off\n';

/** outer/.b12lintrc.yaml (planted) above outer/repo/charts/c.json. */
function layout(): { s: Scratch; repo: string } {
  const s = folder();
  const repo = join(s.dir, 'outer', 'repo');
  mkdirSync(join(repo, 'charts'), { recursive: true });
  writeFileSync(join(s.dir, 'outer', '.b12lintrc.yaml'), PLANTED);
  writeFileSync(join(repo, 'charts', 'c.json'), JSON.stringify(chart('C-1')));
  return { s, repo };
}

function json(cwd: string, ...args: string[]): { code: number; stderr: string; report: { config?: string; summary: { errors: number } } } {
  const r = cli(['-f', 'json', ...args], { cwd });
  return { code: r.code, stderr: r.stderr, report: JSON.parse(r.stdout) as { config?: string; summary: { errors: number } } };
}

test('without a repository around it, the planted config would be used: the run says so (the setup below is real)', () => {
  const { repo } = layout();
  const r = json(repo, 'charts');
  expect(r.code).toBe(0);
  expect(r.report.summary.errors).toBe(0);
  expect(r.report.config).toBe('../.b12lintrc.yaml');
  expect(r.stderr).toBe('b12lint: using the config ../.b12lintrc.yaml (found above the current folder)\n');
});

test.each([
  ['a .git folder', (repo: string) => mkdirSync(join(repo, '.git'))],
  [
    'a .git file (a worktree or submodule)',
    (repo: string) => writeFileSync(join(repo, '.git'), 'gitdir: /elsewhere/.git/worktrees/repo\n'),
  ],
])('the lookup stops at the repository root (%s): a config planted above it is not used', (_name, makeRepo) => {
  const { repo } = layout();
  makeRepo(repo);
  const r = json(repo, 'charts');
  expect(r.code).toBe(1);
  expect(r.report.summary.errors).toBeGreaterThan(0);
  expect(r.report.config).toBeUndefined();
  expect(r.stderr).toBe('');
  // From a subfolder of the repository too.
  const sub = json(join(repo, 'charts'), 'c.json');
  expect([sub.code, sub.report.config]).toEqual([1, undefined]);
});

test('a config inside the repository is found from its subfolders, named in the report and on stderr', () => {
  const { repo } = layout();
  mkdirSync(join(repo, '.git'));
  writeFileSync(join(repo, 'b12lint.config.yaml'), 'root: true\nfailOn: never\n');
  const here = json(repo, 'charts');
  expect([here.code, here.report.config, here.stderr]).toEqual([0, 'b12lint.config.yaml', '']);
  const below = json(join(repo, 'charts'), 'c.json');
  expect([below.code, below.report.config, below.stderr]).toEqual([
    0,
    '../b12lint.config.yaml',
    'b12lint: using the config ../b12lint.config.yaml (found above the current folder)\n',
  ]);
});

test("SARIF names the config in the run's properties; a run without one names none", () => {
  const { repo } = layout();
  const withConfig = cli(['-f', 'sarif', 'charts'], { cwd: repo });
  expect((JSON.parse(withConfig.stdout) as { runs: { properties?: unknown }[] }).runs[0]!.properties).toEqual({
    config: '../.b12lintrc.yaml',
  });
  const without = cli(['-f', 'sarif', '--no-config-lookup', 'charts'], { cwd: repo });
  expect((JSON.parse(without.stdout) as { runs: { properties?: unknown }[] }).runs[0]!.properties).toBeUndefined();
});

test('--config names the given file in the report, and says nothing on stderr (the user chose it)', () => {
  const { s, repo } = layout();
  writeFileSync(join(s.dir, 'team.yaml'), 'failOn: never\n');
  const r = json(repo, '-c', '../../team.yaml', 'charts');
  expect([r.code, r.report.config, r.stderr]).toEqual([0, '../../team.yaml', '']);
});
