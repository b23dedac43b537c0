/**
 * Issue 19, item 7: planted configs. The config lookup goes from the current folder up to the
 * repository root (the first folder with `.git`, a folder or a worktree's file) and no further: a
 * `.b12lintrc.yaml` planted in a folder around the repository (a shared /tmp, a CI runner's work
 * folder) that turns every rule off is not used. The config a run used is named in the JSON
 * report and in SARIF's run properties, and on stderr when it is not in the current folder.
 *
 * Outside any repository the lookup goes up to the filesystem root, so a config found by it that
 * another user could have planted (another user's, writable by others, or in a folder others can
 * write to, like a shared /tmp) stops the run (exit 2), saying why and what to do: used, it could
 * loosen the gate; passed over, the team's own settings would be lost (a CI container running as
 * root over a checkout of another uid). `--config` uses it all the same.
 */
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** What a run says of a config found by the lookup that it will not use, before it stops (exit 2). */
const refused = (s: Scratch, why: string): string =>
  `${join(s.dir, 'outer', '.b12lintrc.yaml')}:1:1: not used: ${why}. Another user may have put it there; if you trust it, name it with --config, or run with --no-config-lookup\n` +
  'b12lint: the ruleset or config has 1 problem; nothing was linted\n';

const asRoot = process.getuid?.() === 0;
/** Whether root's group is private here (/etc/group lists no members, no other user has it): a file of root's group, group-writable, is then root's alone. */
const rootGroupPrivate =
  asRoot &&
  /^root:[^:]*:0:\s*$/m.test(readFileSync('/etc/group', 'utf8')) &&
  !readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .some((l) => l.split(':')[3] === '0' && l.split(':')[2] !== '0');

test('a config found by the lookup that others can write to stops the run (exit 2), saying why and what to do; --config uses it, --no-config-lookup runs without it', () => {
  const { s, repo } = layout();
  const planted = join(s.dir, 'outer', '.b12lintrc.yaml');
  chmodSync(planted, 0o666);
  const r = cli(['-f', 'json', 'charts'], { cwd: repo });
  expect([r.code, r.stdout, r.stderr]).toEqual([2, '', refused(s, 'others can write to it (mode 666)')]);
  // Group-writable by a group that is not this user's private group: another user's write.
  if (asRoot) {
    chmodSync(planted, 0o664);
    chownSync(planted, 0, 65534);
    expect(cli(['-f', 'json', 'charts'], { cwd: repo }).stderr).toBe(refused(s, 'others can write to it (mode 664)'));
    // Root's own private group (umask 002 makes every file group-writable): root's alone, used.
    chownSync(planted, 0, 0);
    if (rootGroupPrivate)
      expect(json(repo, 'charts').stderr).toBe('b12lint: using the config ../.b12lintrc.yaml (found above the current folder)\n');
    chmodSync(planted, 0o666);
  }
  // Named by the user, it is the user's choice: used, and nothing on stderr.
  const given = json(repo, '--config', '../.b12lintrc.yaml', 'charts');
  expect([given.code, given.report.summary.errors, given.report.config, given.stderr]).toEqual([0, 0, '../.b12lintrc.yaml', '']);
  const without = json(repo, '--no-config-lookup', 'charts');
  expect([without.code, without.report.config, without.stderr]).toEqual([1, undefined, '']);
});

test(`a config in a shared folder (mode 1777) that is not this user's stops the run (${asRoot ? 'as root: one of uid 65534, nobody' : 'not root, so no file of another user can be made: one writable by others'})`, () => {
  const { s, repo } = layout();
  const shared = join(s.dir, 'outer');
  const planted = join(shared, '.b12lintrc.yaml');
  chmodSync(shared, 0o1777);
  if (asRoot) chownSync(planted, 65534, 65534);
  else chmodSync(planted, 0o666);
  const why = asRoot
    ? 'it is owned by another user (uid 65534); it is in a folder others can write to (mode 1777)'
    : 'others can write to it (mode 666); it is in a folder others can write to (mode 1777)';
  for (const cwd of [repo, join(repo, 'charts')]) {
    const r = cli(['-f', 'json', '.'], { cwd });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', refused(s, why)]);
  }
});

test("a config of this user's in a shared folder with the sticky bit (mode 1777), writable by no one else, is used: no one else may replace it", () => {
  const { s, repo } = layout();
  chmodSync(join(s.dir, 'outer'), 0o1777);
  const r = json(repo, 'charts');
  expect([r.code, r.report.summary.errors, r.report.config]).toEqual([0, 0, '../.b12lintrc.yaml']);
  expect(r.stderr).toBe('b12lint: using the config ../.b12lintrc.yaml (found above the current folder)\n');
  // Without the sticky bit, anyone may rename another file over it: it stops the run.
  chmodSync(join(s.dir, 'outer'), 0o777);
  expect(cli(['-f', 'json', 'charts'], { cwd: repo }).stderr).toBe(refused(s, 'it is in a folder others can write to (mode 777)'));
});

test(`a config of this user's in a folder of another user's stops the run: its owner may swap it (${asRoot ? 'as root, the folder given to uid 65534' : 'not root: a folder others can write to'})`, () => {
  const { s, repo } = layout();
  const outer = join(s.dir, 'outer');
  if (asRoot) chownSync(outer, 65534, 65534);
  else chmodSync(outer, 0o777);
  const r = cli(['-f', 'json', 'charts'], { cwd: repo });
  expect([r.code, r.stderr]).toEqual([
    2,
    refused(s, asRoot ? 'it is in a folder owned by another user (uid 65534)' : 'it is in a folder others can write to (mode 777)'),
  ]);
  if (asRoot) chownSync(outer, 0, 0);
});

test('rules, print-config and convert stop on the planted config too, with the same words', () => {
  const { s, repo } = layout();
  chmodSync(join(s.dir, 'outer', '.b12lintrc.yaml'), 0o666);
  const line = refused(s, 'others can write to it (mode 666)');
  for (const args of [['rules'], ['print-config'], ['convert', '--to', 'json', 'charts/c.json']]) {
    const r = cli(args, { cwd: repo });
    expect([args[0], r.code, r.stdout, r.stderr]).toEqual([args[0], 2, '', line]);
  }
});
