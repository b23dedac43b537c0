/**
 * Issue 19, items 3 and 4: what `-o` (and the baseline and cache) write into, and how a write
 * that fails is told. A regular file or a new path is replaced atomically; a FIFO, a character
 * device or a link to one is written into, never replaced (run as root, `-o /dev/null` must not
 * turn the device into a file). Temporary files are created only if new, under a random name,
 * and the ones a killed run left are removed by the next run. A write that fails names the file
 * and the cause in words, exit 2, never "internal error".
 *
 * The devices are reached through links made in the test's folder, so a regression replaces the
 * link, never /dev/null or /dev/full themselves.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, BIN, cli, NOBODY, nobodyCannotRun } from '../helpers/cli.js';
import { testUnless } from '../helpers/skip.js';
import { chart, scratches, type Scratch } from '../helpers/scratch.js';

const folder = scratches('b12lint-io-out-');

/** A folder with one chart that has findings (exit 1). */
function project(): Scratch {
  const s = folder();
  s.write('c.json', JSON.stringify(chart('C-1')));
  return s;
}

function lint(s: Scratch, args: string[], uid?: number): ReturnType<typeof cli> {
  return cli(['--no-config-lookup', ...args, 'c.json'], { cwd: s.dir, ...(uid !== undefined ? { uid } : {}), timeoutMs: 60_000 });
}

/** The temporary files b12lint makes next to a file it writes. */
const TEMP = /^\..+\.tmp$/;

describe('-o writes into what is not a regular file', () => {
  test('a FIFO: its reader gets the whole report, and the FIFO stays a FIFO', async () => {
    const s = project();
    const fifo = join(s.dir, 'report.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = new Promise<string>((resolve, reject) => {
      const cat = spawn('cat', [fifo]);
      let out = '';
      cat.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      cat.on('error', reject);
      cat.on('close', () => resolve(out));
    });
    const child = spawn(process.execPath, [BIN, '--no-config-lookup', '-f', 'json', '-o', 'report.fifo', 'c.json'], {
      cwd: s.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const report = JSON.parse(await reader) as { results: { file: string }[] };
    expect([code, stderr]).toEqual([1, '']);
    expect(report.results.map((r) => r.file)).toEqual(['c.json']);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(s.dir).filter((n) => TEMP.test(n))).toEqual([]);
  });

  test('a link to a character device (/dev/null) is written through: the link and the device stay', () => {
    const s = project();
    symlinkSync('/dev/null', join(s.dir, 'null'));
    const r = lint(s, ['-f', 'json', '-o', 'null']);
    expect([r.code, r.stderr]).toEqual([1, '']);
    expect(lstatSync(join(s.dir, 'null')).isSymbolicLink()).toBe(true);
    expect(statSync(join(s.dir, 'null')).isCharacterDevice()).toBe(true);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  test('-o /dev/stdout is standard output: the report is there, whole', () => {
    const s = project();
    const r = lint(s, ['-f', 'json', '-o', '/dev/stdout']);
    expect([r.code, r.stderr]).toEqual([1, '']);
    expect((JSON.parse(r.stdout) as { results: unknown[] }).results).toHaveLength(1);
  });

  test('a regular file is still replaced atomically, and a link to one is replaced by the report (the link target is left alone)', () => {
    const s = project();
    s.write('old.json', 'an earlier report\n');
    s.write('victim.txt', 'not a report\n');
    symlinkSync(join(s.dir, 'victim.txt'), join(s.dir, 'planted.json'));
    expect(lint(s, ['-f', 'json', '-o', 'old.json']).code).toBe(1);
    expect(lint(s, ['-f', 'json', '-o', 'planted.json']).code).toBe(1);
    expect(JSON.parse(readFileSync(join(s.dir, 'old.json'), 'utf8'))).toMatchObject({ tool: { name: 'b12lint' } });
    expect(lstatSync(join(s.dir, 'planted.json')).isFile()).toBe(true);
    expect(readFileSync(join(s.dir, 'victim.txt'), 'utf8')).toBe('not a report\n');
  });
});

describe('a write that fails names the file and the cause in words, exit 2', () => {
  test('a full device (/dev/full, through a link): no space left, and nothing left behind', () => {
    const s = project();
    symlinkSync('/dev/full', join(s.dir, 'full'));
    const r = lint(s, ['-f', 'json', '-o', 'full']);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', 'b12lint: cannot write the report to full: no space left on the device\n']);
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
    expect(readdirSync(s.dir).sort()).toEqual(['c.json', 'full']);
  });

  test('a path under a file: the file is named', () => {
    const s = project();
    s.write('notes.txt', 'x');
    const r = lint(s, ['-o', 'notes.txt/report.json']);
    expect([r.code, r.stderr]).toEqual([
      2,
      'b12lint: cannot write the report to notes.txt/report.json: notes.txt is a file, not a folder\n',
    ]);
  });

  test('a folder in the way of the report', () => {
    const s = project();
    mkdirSync(join(s.dir, 'out.json'));
    const r = lint(s, ['-o', 'out.json']);
    expect([r.code, r.stderr]).toEqual([2, 'b12lint: cannot write the report to out.json: it is a folder\n']);
  });

  // Root writes anywhere: as root the CLI runs as `nobody` (uid 65534), for whom the folder is read-only.
  const asRoot = process.getuid?.() === 0;
  function readOnlyProject(): Scratch {
    const s = project();
    mkdirSync(join(s.dir, 'ro'));
    chmodSync(join(s.dir, 'ro'), 0o555);
    chmodSync(s.dir, 0o755);
    return s;
  }

  testUnless(nobodyCannotRun(), 'a read-only folder: permission denied, for the report and for the baseline', () => {
    const s = readOnlyProject();
    const uid = asRoot ? NOBODY : undefined;
    const report = lint(s, ['-o', 'ro/report.json'], uid);
    expect([report.code, report.stderr]).toEqual([2, 'b12lint: cannot write the report to ro/report.json: permission denied\n']);
    const baseline = lint(s, ['--update-baseline', '--baseline', 'ro/baseline.json'], uid);
    expect([baseline.code, baseline.stderr]).toEqual([2, 'b12lint: cannot write the baseline to ro/baseline.json: permission denied\n']);
    expect(readdirSync(join(s.dir, 'ro'))).toEqual([]);
  });

  test('a cache that cannot be written costs a warning in words, not the report', () => {
    const s = project();
    s.write('blocked', 'a file where the cache folder would go');
    const r = lint(s, ['-f', 'json', '--cache-location', 'blocked/cache']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `b12lint: warning: cannot write the cache in ${join(s.dir, 'blocked', 'cache')}: blocked is a file, not a folder\n`,
    );
    expect((JSON.parse(r.stdout) as { results: unknown[] }).results).toHaveLength(1);
  });
});

describe('temporary files', () => {
  /** A process id that no process has (above the system's largest). */
  const deadPid = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')) + 1;

  test("a killed run's leftovers next to the report and in the cache folder are removed by the next run; a live run's are kept", () => {
    const twentyMinutesAgo = new Date(Date.now() - 20 * 60 * 1000);
    const s = project();
    mkdirSync(join(s.dir, 'cache'));
    const leftovers = [
      `.report.json.${deadPid}.0123456789abcdef.tmp`,
      `cache/.cache.json.${deadPid}.1733300000000.tmp`, // an older version's name, 0 bytes as a kill leaves it
    ];
    for (const name of leftovers) {
      writeFileSync(join(s.dir, name), '');
      utimesSync(join(s.dir, name), twentyMinutesAgo, twentyMinutesAgo); // untouched since the kill
    }
    const live = `.report.json.${process.pid}.fedcba9876543210.tmp`;
    writeFileSync(join(s.dir, live), 'being written by a run that is still going');
    const r = lint(s, ['-f', 'json', '-o', 'report.json', '--cache-location', 'cache']);
    expect([r.code, r.stderr]).toEqual([1, '']);
    for (const name of leftovers) expect(existsSync(join(s.dir, name))).toBe(false);
    expect(existsSync(join(s.dir, live))).toBe(true);
    expect(readdirSync(join(s.dir, 'cache'))).toEqual(['cache.json', 'replay']);
  });

  test('no temporary file in src/ is opened with a plain "w" (which follows a planted link and truncates its target)', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && /openSync\([^)]*,\s*['"]w\+?['"]/.test(readFileSync(p, 'utf8'))) offenders.push(relative(ROOT, p));
      }
    };
    walk(join(ROOT, 'src'));
    expect(offenders).toEqual([]);
  });
});
