/**
 * Issue 19, item 7: planted configs. The config lookup goes from the current folder up to the
 * repository root (the first folder with `.git`, a folder or a worktree's file) and no further: a
 * `.b12lintrc.yaml` planted in a folder around the repository (a shared /tmp, a CI runner's work
 * folder) that turns every rule off is not used. The config a run used is named in the JSON
 * report and in SARIF's run properties, and on stderr when it is not in the current folder.
 *
 * Outside any repository the lookup goes up to the filesystem root, so a config found by it that
 * another user could have planted (another user's, writable by others, or not this user's in a
 * folder others can write to, like a shared /tmp) is skipped, with a warning that says why and how
 * to use it all the same (`--config`).
 */
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
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

/** The warning for a config the lookup skipped. */
const skippedLine = (shown: string, why: string): string =>
  `b12lint: warning: skipped the config ${shown}: ${why}. Another user may have planted it; if you trust it, name it with --config ${shown}\n`;

const asRoot = process.getuid?.() === 0;

test('a config found by the lookup that others can write to is skipped: the run lints with the defaults and says why; --config still uses it', () => {
  const { s, repo } = layout();
  chmodSync(join(s.dir, 'outer', '.b12lintrc.yaml'), 0o666);
  const r = json(repo, 'charts');
  expect(r.code).toBe(1);
  expect(r.report.summary.errors).toBeGreaterThan(0);
  expect(r.report.config).toBeUndefined();
  expect(r.stderr).toBe(skippedLine('../.b12lintrc.yaml', 'others can write to it (mode 666)'));
  // Group-writable, where the group is this user's own (a private group, umask 002), is no one
  // else's: used. Writable by another group (as root, one can be given), it is skipped.
  const planted = join(s.dir, 'outer', '.b12lintrc.yaml');
  chmodSync(planted, 0o664);
  expect(json(repo, 'charts').stderr).toBe('b12lint: using the config ../.b12lintrc.yaml (found above the current folder)\n');
  if (asRoot) {
    chownSync(planted, 0, 65534);
    expect(json(repo, 'charts').stderr).toBe(skippedLine('../.b12lintrc.yaml', 'others can write to it (mode 664)'));
    chownSync(planted, 0, 0);
  }
  chmodSync(planted, 0o666);
  // Named by the user, it is the user's choice: used, and nothing on stderr.
  const given = json(repo, '--config', '../.b12lintrc.yaml', 'charts');
  expect([given.code, given.report.summary.errors, given.report.config, given.stderr]).toEqual([0, 0, '../.b12lintrc.yaml', '']);
});

test(`a config in a shared folder (mode 1777) that is not this user's is skipped, and the run says why (${asRoot ? 'as root: one of uid 65534, nobody' : 'not root, so no file of another user can be made: one writable by others'})`, () => {
  const { s, repo } = layout();
  const shared = join(s.dir, 'outer');
  const planted = join(shared, '.b12lintrc.yaml');
  chmodSync(shared, 0o1777);
  if (asRoot) chownSync(planted, 65534, 65534);
  else chmodSync(planted, 0o666);
  const why = asRoot
    ? 'it is owned by another user (uid 65534); it is in a folder others can write to (mode 1777)'
    : 'others can write to it (mode 666)';
  const r = json(repo, 'charts');
  expect([r.code, r.report.config]).toEqual([1, undefined]);
  expect(r.stderr).toBe(skippedLine('../.b12lintrc.yaml', why));
  // From a subfolder: the same file, named from there.
  const below = json(join(repo, 'charts'), 'c.json');
  expect([below.code, below.report.config]).toEqual([1, undefined]);
  expect(below.stderr).toBe(skippedLine('../../.b12lintrc.yaml', why));
});

test("a config of this user's in a shared folder (mode 1777), writable by no one else, is used", () => {
  const { s, repo } = layout();
  chmodSync(join(s.dir, 'outer'), 0o1777);
  const r = json(repo, 'charts');
  expect([r.code, r.report.summary.errors, r.report.config]).toEqual([0, 0, '../.b12lintrc.yaml']);
  expect(r.stderr).toBe('b12lint: using the config ../.b12lintrc.yaml (found above the current folder)\n');
});

test('a skipped config still ends the lookup: a config further up is not used in its place', () => {
  const { s, repo } = layout();
  writeFileSync(join(s.dir, '.b12lintrc.yaml'), 'failOn: never\n');
  chmodSync(join(s.dir, 'outer', '.b12lintrc.yaml'), 0o666);
  const r = json(repo, 'charts');
  expect([r.code, r.report.config]).toEqual([1, undefined]);
  expect(r.stderr).toBe(skippedLine('../.b12lintrc.yaml', 'others can write to it (mode 666)'));
});

test("a skipped config beside one of this user's: the user's is used (no two-configs error), and the skipped one is named", () => {
  const { s, repo } = layout();
  const outer = join(s.dir, 'outer');
  writeFileSync(join(outer, 'b12lint.config.yaml'), 'failOn: never\n');
  chmodSync(join(outer, '.b12lintrc.yaml'), 0o666);
  const r = json(repo, 'charts');
  expect([r.code, r.report.config]).toEqual([0, '../b12lint.config.yaml']);
  expect(r.stderr).toBe(
    skippedLine('../.b12lintrc.yaml', 'others can write to it (mode 666)') +
      'b12lint: using the config ../b12lint.config.yaml (found above the current folder)\n',
  );
});

test('rules, print-config and convert skip the planted config too, with the same warning', () => {
  const { s, repo } = layout();
  chmodSync(join(s.dir, 'outer', '.b12lintrc.yaml'), 0o666);
  const line = skippedLine('../.b12lintrc.yaml', 'others can write to it (mode 666)');
  const rules = cli(['rules'], { cwd: repo });
  expect([rules.code, rules.stderr]).toEqual([0, line]);
  expect(rules.stdout).toMatch(/^b12-injection-blood-loss-dx +error /m);
  const printed = cli(['print-config'], { cwd: repo });
  expect([printed.code, printed.stderr]).toEqual([0, line]);
  expect(printed.stdout).toMatch(/^config: null$/m);
  const converted = cli(['convert', '--to', 'json', 'charts/c.json'], { cwd: repo });
  expect([converted.code, converted.stderr]).toEqual([0, line]);
});
