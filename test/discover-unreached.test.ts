/**
 * What a folder walk meets and cannot read or does not follow is never passed over in silence
 * (security review 27, #1, #7, #8, #11, Q3): a folder it may not list, a folder whose path is
 * longer than PATH_MAX, a name that is not UTF-8 text, a symbolic link to a folder, and a cache
 * folder that holds charts. Each is a `read-error` at its path (an `info` for the link), or, when
 * the run cannot go on, exit 2 with the reason.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discover, discoverAll, LINKED_FOLDER } from '../src/run/discover.js';
import type { Report } from '../src/report/types.js';
import { BIN, cli, cliJson, NOBODY, nobodyCannotRun, ROOT } from './helpers/cli.js';
import { scratches, type Scratch } from './helpers/scratch.js';
import { testUnless } from './helpers/skip.js';

const newScratch = scratches();
const CLEAN = join(ROOT, 'fixtures', 'charts', 'clean.yaml');
/** A chart with an error (and a warning) of its own: a run that reads it fails. */
const FAILING = join(ROOT, 'fixtures', 'charts', 'p-0001.yaml');
const NAME = 'd'.repeat(200);

/** charts/clean.yaml, and charts/<NAME>/<NAME>/... so deep that the last folders' paths are over PATH_MAX, with a failing chart at the bottom. */
function deepTree(s: Scratch): { deepest: string } {
  mkdirSync(join(s.dir, 'charts'));
  cpSync(CLEAN, join(s.dir, 'charts', 'clean.yaml'));
  // A path over PATH_MAX can be made only from inside, one folder at a time (relative paths), in a
  // process of its own (this one's current folder stays where it is).
  const levels = Math.ceil((4200 - s.dir.length) / (NAME.length + 1));
  const script = `const fs = require('fs'); const chart = fs.readFileSync(process.argv[1]); process.chdir('charts');
    for (let i = 0; i < ${levels}; i++) { fs.mkdirSync('${NAME}'); process.chdir('${NAME}'); }
    fs.writeFileSync('deep.yaml', chart);`;
  execFileSync(process.execPath, ['-e', script, FAILING], { cwd: s.dir });
  // The first folder whose path is 4,096 bytes or more: readdir refuses it (ENAMETOOLONG).
  let deepest = join(s.dir, 'charts');
  while (deepest.length < 4096) deepest = join(deepest, NAME);
  return { deepest };
}

/** Removes a tree too deep for Node's rmSync (GNU rm walks it folder by folder). */
function removeDeep(s: Scratch): void {
  execFileSync('rm', ['-rf', join(s.dir, 'charts')]);
}

const rel = (s: Scratch, abs: string): string => abs.slice(s.dir.length + 1);

test('discoverAll: a folder whose path is over PATH_MAX is unreached (an error) at that folder, a link to a folder is unreached (an info); discover refuses the first', async () => {
  const s = newScratch();
  try {
    const { deepest } = deepTree(s);
    mkdirSync(join(s.dir, 'other'));
    symlinkSync('../other', join(s.dir, 'charts', 'linked'));
    const found = await discoverAll(['charts'], { cwd: s.dir });
    expect(found.files.map((f) => rel(s, f))).toEqual(['charts/clean.yaml']);
    expect(found.unreached).toEqual([
      { abs: join(s.dir, 'charts', 'linked'), severity: 'info', message: LINKED_FOLDER },
      {
        abs: deepest,
        severity: 'error',
        message: 'Cannot read the folder: its path is longer than the system allows (PATH_MAX): move its files to a shorter path.',
      },
    ]);
    await expect(discover(['charts'], { cwd: s.dir })).rejects.toThrow(/^"charts\/d{200}\/.*": Cannot read the folder: its path is longer/);
  } finally {
    removeDeep(s);
  }
});

test('the CLI: a chart under a path over PATH_MAX is a read-error at the deepest folder that can be named; the other charts are linted; exit 1 (review #7)', () => {
  const s = newScratch();
  try {
    const { deepest } = deepTree(s);
    const r = cliJson(['--no-config-lookup', 'charts'], { cwd: s.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.report.results.map((x) => [x.file, x.findings.map((f) => `${f.severity} ${f.ruleId}: ${f.message}`)])).toEqual([
      ['charts/clean.yaml', []],
      [
        rel(s, deepest),
        [
          'error read-error: Cannot read the folder: its path is longer than the system allows (PATH_MAX): move its files to a shorter path.',
        ],
      ],
    ]);
    expect(r.report.summary).toMatchObject({ files: 2, charts: 2, errors: 1 });
    // `convert` reads the input as a run does, and says the same.
    const c = cli(['--no-config-lookup', 'convert', 'charts'], { cwd: s.dir });
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(': error: Cannot read the folder: its path is longer than the system allows (PATH_MAX)');
  } finally {
    removeDeep(s);
  }
});

describe('a name that is not UTF-8 text (Latin-1 0xE9) is said to be one, not "it no longer exists" (review #11)', () => {
  const latin1 = (s: Scratch, ...parts: string[]): Buffer =>
    Buffer.concat([Buffer.from(`${join(s.dir, ...parts)}caf`), Buffer.from([0xe9])]);
  const setUp = (): Scratch => {
    const s = newScratch();
    mkdirSync(join(s.dir, 'charts'));
    cpSync(CLEAN, join(s.dir, 'charts', 'clean.yaml'));
    writeFileSync(Buffer.concat([latin1(s, 'charts', '/'), Buffer.from('.yaml')]), '{}');
    return s;
  };
  const FILE = 'Cannot read the file: its name is not UTF-8 text, so b12lint cannot open it: rename it.';
  const messages = (report: Report): [string, string[]][] => report.results.map((x) => [x.file, x.findings.map((f) => f.message)]);

  test('a file met by a folder walk or a glob', () => {
    const s = setUp();
    for (const input of ['charts', 'charts/*.yaml']) {
      const r = cliJson(['--no-config-lookup', input], { cwd: s.dir });
      expect([input, r.code, r.stderr]).toEqual([input, 1, '']);
      expect(messages(r.report)).toEqual([
        ['charts/caf\ufffd.yaml', [FILE]],
        ['charts/clean.yaml', []],
      ]);
    }
  });

  test('a file named on the command line (the shell passes its bytes): a read-error, not "no such file"', () => {
    const s = setUp();
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" --no-config-lookup -f json charts/caf*.yaml`], {
      cwd: s.dir,
      encoding: 'utf8',
      env: { ...(process.env as Record<string, string>), NO_COLOR: '1' },
    });
    expect([r.status, r.stderr]).toEqual([1, '']);
    expect(messages(JSON.parse(r.stdout) as Report)).toEqual([['charts/caf\ufffd.yaml', [FILE]]]);
  });

  test('a folder met by a folder walk', () => {
    const s = newScratch();
    mkdirSync(join(s.dir, 'charts'));
    cpSync(CLEAN, join(s.dir, 'charts', 'clean.yaml'));
    mkdirSync(latin1(s, 'charts', '/'));
    writeFileSync(Buffer.concat([latin1(s, 'charts', '/'), Buffer.from('/p.yaml')]), readFileSync(FAILING));
    const r = cliJson(['--no-config-lookup', 'charts'], { cwd: s.dir });
    expect([r.code, r.stderr]).toEqual([1, '']);
    expect(messages(r.report)).toEqual([
      ['charts/caf\ufffd', ['Cannot read the folder: its name is not UTF-8 text, so b12lint cannot open it: rename it.']],
      ['charts/clean.yaml', []],
    ]);
  });
});

test('a symbolic link to a folder in a folder walk is an info read-error at the link (not followed); a folder with nothing else is exit 2 saying so (review Q3)', () => {
  const s = newScratch();
  mkdirSync(join(s.dir, 'charts'));
  mkdirSync(join(s.dir, 'other'));
  cpSync(FAILING, join(s.dir, 'other', 'p.yaml'));
  symlinkSync('../other', join(s.dir, 'charts', 'linked'));
  symlinkSync('../other', join(s.dir, 'charts', '.hidden')); // a dot-entry: passed over, as a dot-folder is
  const alone = cli(['--no-config-lookup', 'charts'], { cwd: s.dir });
  expect([alone.code, alone.stdout]).toEqual([2, '']);
  expect(alone.stderr).toBe(
    'b12lint: no chart files (*.json, *.yaml, *.yml, *.ndjson, *.jsonl) found in "charts": a symbolic link to a folder is not followed in a folder walk; name the folder itself\n',
  );
  cpSync(CLEAN, join(s.dir, 'charts', 'clean.yaml'));
  const r = cliJson(['--no-config-lookup', 'charts'], { cwd: s.dir });
  expect([r.code, r.stderr]).toEqual([0, '']); // an info fails no run but --fail-on info
  expect(r.report.results.map((x) => [x.file, x.findings.map((f) => [f.severity, f.ruleId, f.message])])).toEqual([
    ['charts/clean.yaml', []],
    ['charts/linked', [['info', 'read-error', LINKED_FOLDER]]],
  ]);
  expect(cli(['--no-config-lookup', '--fail-on', 'info', 'charts'], { cwd: s.dir }).code).toBe(1);
  // Named in .b12lintignore, the link is left out without a note.
  writeFileSync(join(s.dir, '.b12lintignore'), 'charts/linked\n');
  expect(cliJson(['--no-config-lookup', 'charts'], { cwd: s.dir }).report.results.map((x) => x.file)).toEqual(['charts/clean.yaml']);
});

test('a --cache-location that holds charts the run was asked to lint refuses the run: exit 2, one line naming the folder, escaped (review #8)', () => {
  const s = newScratch();
  const odd = '2026\x1b[31m';
  mkdirSync(join(s.dir, 'charts', odd), { recursive: true });
  cpSync(CLEAN, join(s.dir, 'charts', 'clean.yaml'));
  cpSync(FAILING, join(s.dir, 'charts', odd, 'p-0001.yaml'));
  const r = cli(['--no-config-lookup', 'charts', '--cache-location', `charts/${odd}`], { cwd: s.dir });
  expect([r.code, r.stdout]).toEqual([2, '']);
  expect(r.stderr).toBe(
    'b12lint: the cache folder "charts/2026\\x1b[31m" (--cache-location) holds chart files this run was asked to lint ("charts/2026\\x1b[31m/p-0001.yaml"); a run never lints its cache folder: give --cache-location a folder outside the charts\' folders\n',
  );
  const all = cli(['--no-config-lookup', 'charts', '--cache-location', 'charts'], { cwd: s.dir });
  expect([all.code, all.stderr]).toEqual([
    2,
    expect.stringContaining(
      'b12lint: the cache folder "charts" (--cache-location) holds chart files this run was asked to lint ("charts/2026',
    ),
  ]);
  // A cache folder of its own among the charts is fine: its cache.json is never linted, run after run.
  for (let run = 0; run < 2; run++) {
    const ok = cli(['--no-config-lookup', 'charts/clean.yaml', '--cache-location', 'charts/cache'], { cwd: s.dir });
    expect([run, ok.code, ok.stderr]).toEqual([run, 0, '']);
  }
});

// chmod 000 does not stop root from listing a folder. As root, the CLI runs as the unprivileged
// user `nobody` (uid 65534), for whom the permission is real; otherwise as the current user
// (test/reliability-hostile.test.ts does the same for an unreadable file).
const asRoot = process.getuid?.() === 0;

testUnless(
  nobodyCannotRun(),
  'a folder the run may not list is a read-error at its path, exit 1; named, or under a glob, exit 2 saying permission denied (review #1)',
  () => {
    const s = newScratch();
    mkdirSync(join(s.dir, 'charts', 'locked'), { recursive: true });
    cpSync(CLEAN, join(s.dir, 'charts', 'clean.yaml'));
    cpSync(FAILING, join(s.dir, 'charts', 'locked', 'p-0001.yaml'));
    if (asRoot) for (const d of ['', 'charts']) chmodSync(join(s.dir, d), 0o755); // so that `nobody` can enter them
    chmodSync(join(s.dir, 'charts', 'locked'), 0o000);
    const as = { cwd: s.dir, ...(asRoot ? { uid: NOBODY } : {}) };
    try {
      const r = cliJson(['--no-config-lookup', 'charts'], as);
      expect([r.code, r.stderr]).toEqual([1, '']);
      expect(r.report.results.map((x) => [x.file, x.findings.map((f) => `${f.severity} ${f.ruleId}: ${f.message}`)])).toEqual([
        ['charts/clean.yaml', []],
        ['charts/locked', ['error read-error: Cannot read the folder: permission denied.']],
      ]);
      const named = cli(['--no-config-lookup', 'charts/locked'], as);
      expect([named.code, named.stdout, named.stderr]).toEqual([
        2,
        '',
        'b12lint: cannot read the folder "charts/locked": permission denied\n',
      ]);
      const globbed = cli(['--no-config-lookup', 'charts/**/*.yaml'], as);
      expect([globbed.code, globbed.stdout, globbed.stderr]).toEqual([
        2,
        '',
        'b12lint: cannot read "charts/locked" while matching "charts/**/*.yaml": permission denied\n',
      ]);
      // A chart named inside it: a read-error that says why, not "no such file or folder".
      const file = cliJson(['--no-config-lookup', 'charts/locked/p-0001.yaml'], as);
      expect([file.code, file.stderr]).toEqual([1, '']);
      expect(file.report.results.map((x) => [x.file, x.findings.map((f) => f.message)])).toEqual([
        ['charts/locked/p-0001.yaml', ['Cannot read the file: permission denied.']],
      ]);
    } finally {
      chmodSync(join(s.dir, 'charts', 'locked'), 0o755); // for the scratch folder's removal
    }
  },
);
