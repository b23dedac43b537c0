/**
 * A cached run with nothing changed writes the last run's outputs again (src/run/replay.ts)
 * instead of reading the cache's entries and building the report. What these tests hold it to:
 * the outputs (standard output, every report file, the exit code) are byte for byte those of a
 * run without the cache, in every format; anything that could change them (a chart, a file added
 * or gone, an option, colour, the folder, the time a format shows, the keys) makes the run go the
 * usual way; and a replay file that is damaged, forged or would drive a terminal is not used.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FORMATTERS, SHOWS_CLOCK } from '../src/report/index.js';
import type { Report } from '../src/report/types.js';
import { loadReplay, REPLAY_FILE, replayKey, settleReplay, unsafe, writeReplay, type Replay, type ReplayStore } from '../src/run/replay.js';
import type { Signature } from '../src/run/signature.js';
import { loadedFingerprint, loadFromSpec } from '../src/run/setup.js';
import { rulesetSpecOf } from '../src/run/settings.js';
import { codeVersion } from '../src/cli/main.js';
import { BIN, cli, ROOT, type CliResult } from './helpers/cli.js';
import { scratches } from './helpers/scratch.js';

const scratch = scratches('b12lint-replay-');

/** Whether the --stats footer says the outputs were written again. */
function replayed(r: CliResult): boolean {
  if (!/\d+ files \(\d+ from the cache\)/.test(r.stderr)) throw new Error(`no --stats footer in:\n${r.stderr}`);
  return r.stderr.includes("the last run's outputs written again");
}

/** stderr without the --stats table and footer. */
function withoutStats(stderr: string): string {
  const at = stderr.search(/^(Rule +\||\d+ files \()/m);
  return at < 0 ? stderr : stderr.slice(0, at);
}

function project(): { dir: string; replayFile: string; run: (args: string[], env?: Record<string, string>) => CliResult } {
  const dir = scratch().dir;
  cpSync(join(ROOT, 'fixtures', 'charts'), join(dir, 'charts'), { recursive: true });
  const cache = join(dir, 'cache');
  return {
    dir,
    replayFile: join(cache, REPLAY_FILE),
    run: (args, env) => cli(['charts', '--cache-location', cache, '--stats', ...args], { cwd: dir, ...(env ? { env } : {}) }),
  };
}

/** Runs without the cache, then twice with it; the second cached run must replay and match the first in every output. */
function expectReplayMatches(args: string[], reports: string[], env?: Record<string, string>): void {
  const p = project();
  const read = (): (string | undefined)[] =>
    reports.map((f) => (existsSync(join(p.dir, f)) ? readFileSync(join(p.dir, f), 'utf8') : undefined));
  const fresh = cli(['charts', ...args], { cwd: p.dir, ...(env ? { env } : {}) });
  const freshReports = read();
  for (const f of reports) rmSync(join(p.dir, f), { force: true });
  const first = p.run(args, env);
  expect(replayed(first)).toBe(false);
  for (const f of reports) rmSync(join(p.dir, f), { force: true }); // a replay writes them again
  const second = p.run(args, env);
  expect(replayed(second)).toBe(true);
  for (const r of [first, second]) {
    expect(r.stdout).toBe(fresh.stdout);
    expect(withoutStats(r.stderr)).toBe(fresh.stderr);
    expect(r.code).toBe(fresh.code);
  }
  expect(read()).toEqual(freshReports);
  expect(freshReports.every((t) => t !== undefined && t.length > 0)).toBe(true);
}

describe('a run with nothing changed writes the outputs of a run without the cache, byte for byte', () => {
  test.each([
    ['stylish on standard output', ['--fail-on', 'warning'], []],
    ['JSON on standard output', ['-f', 'json'], []],
    ['JSON to a file, the summary line on standard output', ['-f', 'json', '-o', 'out/report.json'], ['out/report.json']],
    ['Code Quality to a file, stylish on standard output', ['-f', 'stylish', '-f', 'codequality:cq.json'], ['cq.json']],
    ['--quiet and --max-warnings', ['--quiet', '--max-warnings', '0', '-f', 'json'], []],
    ['--redact', ['--redact', '-f', 'json'], []],
  ])('%s', (_name, args, reports) => {
    expectReplayMatches(args, reports);
  });

  test('GitHub annotations (workflow commands the runner runs) are replayed only under a secret key', () => {
    const p = project();
    p.run(['-f', 'github']);
    expect(replayed(p.run(['-f', 'github']))).toBe(false);
    expectReplayMatches(['-f', 'github', '-f', 'json:r.json'], ['r.json'], { B12LINT_CACHE_KEY: 'a secret' });
  });

  test('SARIF (viewers render its Markdown and links) and query drafts (a Markdown document) are replayed only under a secret key', () => {
    for (const args of [
      ['-f', 'sarif:r.sarif'],
      ['-f', 'queries:q.md'],
      ['-f', 'json:r.json', '-f', 'queries'],
    ]) {
      const p = project();
      p.run(args);
      expect(replayed(p.run(args))).toBe(false);
      expect(existsSync(p.replayFile)).toBe(false);
    }
    expectReplayMatches(['-f', 'stylish', '-f', 'sarif:r.sarif', '-f', 'queries:q.txt'], ['r.sarif', 'q.txt'], {
      B12LINT_CACHE_KEY: 'a secret',
    });
    expectReplayMatches(['-f', 'codequality:cq.json', '-f', 'queries:q.txt'], ['cq.json', 'q.txt'], { B12LINT_CACHE_KEY: 'a secret' });
  });

  test('two formats sent to the same file: the replay leaves the one a run leaves (the last), not both joined', () => {
    expectReplayMatches(['-f', 'json:same.txt', '-f', 'codequality:same.txt'], ['same.txt']);
  });

  test('colour (FORCE_COLOR) is replayed as the run wrote it, and a run without colour is not given it', () => {
    const p = project();
    const colour = { FORCE_COLOR: '1', NO_COLOR: '' };
    const fresh = cli(['charts'], { cwd: p.dir, env: colour });
    expect(fresh.stdout).toContain('\u001b[');
    p.run([], colour);
    const again = p.run([], colour);
    expect(replayed(again)).toBe(true);
    expect(again.stdout).toBe(fresh.stdout);
    const plain = p.run([]);
    expect(replayed(plain)).toBe(false);
    expect(plain.stdout).not.toContain('\u001b[');
  });

  test('CSV, HTML and JUnit, which other programs interpret, are replayed only under a secret key (B12LINT_CACHE_KEY)', () => {
    const p = project();
    const args = ['-f', 'csv:r.csv'];
    p.run(args);
    expect(replayed(p.run(args))).toBe(false);
    expect(existsSync(p.replayFile)).toBe(false);
    expectReplayMatches(args, ['r.csv'], { B12LINT_CACHE_KEY: 'a secret' });
  });

  test('JUnit and HTML show the time of the run: replayed only when SOURCE_DATE_EPOCH fixes it', () => {
    const p = project();
    const args = ['-f', 'junit:j.xml', '-f', 'html:r.html'];
    const secret = { B12LINT_CACHE_KEY: 'a secret' };
    p.run(args, secret);
    expect(replayed(p.run(args, secret))).toBe(false);
    expect(existsSync(p.replayFile)).toBe(false);
    expectReplayMatches(args, ['j.xml', 'r.html'], { ...secret, SOURCE_DATE_EPOCH: '1790000000' });
  });

  test('every format that shows the time or the machine is listed as one (SHOWS_CLOCK), and no other is', () => {
    const report = JSON.parse(cli(['charts', '-f', 'json'], { cwd: join(ROOT, 'fixtures') }).stdout) as Report;
    const rules = [{ id: 'x', title: 'x', severity: 'error' as const, docs: 'x' }];
    for (const [name, format] of FORMATTERS) {
      const at = (timestamp: string, hostname: string): string =>
        format(report, { color: false, rules, timestamp, hostname, pathPrefix: '' });
      const same = at('2026-01-01T00:00:00', 'a') === at('2027-02-02T11:11:11', 'b');
      expect([name, !same]).toEqual([name, SHOWS_CLOCK.has(name)]);
    }
  });
});

describe('what makes a run go the usual way', () => {
  test('a chart changed, added or gone: the outputs are a fresh run’s, and the next run replays them', () => {
    const p = project();
    const args = ['-f', 'json'];
    p.run(args);
    const file = join(p.dir, 'charts', 'p-0002.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"D510"', '"D62"'));
    const changed = p.run(args);
    expect(replayed(changed)).toBe(false);
    expect(changed.stdout).toBe(cli(['charts', ...args], { cwd: p.dir }).stdout);
    expect(replayed(p.run(args))).toBe(true);

    cpSync(join(ROOT, 'fixtures', 'charts', 'clean.yaml'), join(p.dir, 'charts', 'clean-2.yaml'));
    const added = p.run(args);
    expect(replayed(added)).toBe(false);
    expect(added.stdout).toBe(cli(['charts', ...args], { cwd: p.dir }).stdout);

    rmSync(join(p.dir, 'charts', 'clean-2.yaml'));
    const gone = p.run(args);
    expect(replayed(gone)).toBe(false);
    expect(gone.stdout).toBe(cli(['charts', ...args], { cwd: p.dir }).stdout);
  });

  test('metadata: a chart touched (same bytes, new time) is not replayed; its outputs are unchanged', () => {
    const p = project();
    const args = ['--cache-strategy', 'metadata', '-f', 'json'];
    const first = p.run(args);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(p.dir, 'charts', 'clean.yaml'), later, later);
    const touched = p.run(args);
    expect(replayed(touched)).toBe(false);
    expect(touched.stdout).toBe(first.stdout);
    expect(replayed(p.run(args))).toBe(true);
  });

  test.each([
    ['another format', ['-f', 'json'], ['-f', 'codequality']],
    ['--quiet', ['-f', 'json'], ['-f', 'json', '--quiet']],
    ['--fail-on', [], ['--fail-on', 'warning']],
    ['another report file', ['-f', 'json', '-o', 'a.json'], ['-f', 'json', '-o', 'b.json']],
  ])('an option changed (%s): the outputs are those of that option', (_name, before, after) => {
    const p = project();
    p.run(before);
    const r = p.run(after);
    expect(replayed(r)).toBe(false);
    const fresh = cli(['charts', ...after], { cwd: p.dir });
    expect([r.stdout, r.code]).toEqual([fresh.stdout, fresh.code]);
  });

  test('another B12LINT_CACHE_KEY: the seal does not verify, and the run goes the usual way', () => {
    const p = project();
    p.run(['-f', 'json'], { B12LINT_CACHE_KEY: 'one secret' });
    expect(replayed(p.run(['-f', 'json'], { B12LINT_CACHE_KEY: 'one secret' }))).toBe(true);
    const other = p.run(['-f', 'json'], { B12LINT_CACHE_KEY: 'another secret' });
    expect(replayed(other)).toBe(false);
    expect(other.stdout).toBe(cli(['charts', '-f', 'json'], { cwd: p.dir }).stdout);
  });

  test('the cache file removed or edited since: the run goes the usual way, reading and checking the cache', () => {
    const p = project();
    const args = ['-f', 'json'];
    const first = p.run(args);
    const cacheFile = join(p.dir, 'cache', 'cache.json');
    rmSync(cacheFile);
    const removed = p.run(args);
    expect(replayed(removed)).toBe(false);
    expect(removed.stdout).toBe(first.stdout);
    expect(replayed(p.run(args))).toBe(true);
    writeFileSync(cacheFile, readFileSync(cacheFile, 'utf8').replace('"ruleId"', '"ruleID"'));
    const edited = p.run(args);
    expect(replayed(edited)).toBe(false);
    expect(edited.stdout).toBe(first.stdout);
  });

  test('a run with a baseline is never replayed', () => {
    const p = project();
    const args = ['--baseline', 'b.json', '--update-baseline'];
    p.run(args);
    expect(existsSync(p.replayFile)).toBe(false);
    expect(replayed(p.run(['--baseline', 'b.json']))).toBe(false);
  });

  test('the replay file is readable by its owner only: it holds the report, with excerpts of chart text', () => {
    const p = project();
    p.run(['-f', 'json']);
    expect(statSync(p.replayFile).mode & 0o777).toBe(0o600);
  });
});

type Meta = { exit: number; charts: number; stdout: number; files: [string, number, string][] };

/** The replay file's parts: header line, meta line, standard output, the seal, and the report files' bytes after it. */
function parts(file: string): { head: string; meta: Meta; stdout: Buffer; seal: Buffer; bytes: Buffer } {
  const all = readFileSync(file);
  const eol = all.indexOf(10);
  const metaEnd = all.indexOf(10, eol + 1);
  const meta = JSON.parse(all.toString('utf8', eol + 1, metaEnd)) as Meta;
  const stdoutEnd = metaEnd + 1 + meta.stdout;
  return {
    head: all.toString('utf8', 0, eol),
    meta,
    stdout: all.subarray(metaEnd + 1, stdoutEnd),
    seal: all.subarray(stdoutEnd, stdoutEnd + 45),
    bytes: all.subarray(stdoutEnd + 45),
  };
}

/** The seal b12lint puts on a body (meta line and standard output) under a header line, with the public key: the header's key and ruleset, then the body. */
function sealOf(head: string, body: Buffer): string {
  const { key, ruleset } = JSON.parse(head) as { key: string; ruleset?: string };
  return createHmac('sha256', 'b12lint-replay')
    .update(`${JSON.stringify([key, ruleset ?? null])}\n`)
    .update(body)
    .digest('base64');
}

/** A replay file as b12lint lays it out, sealed with the public key: header, meta, standard output, seal, then the report files' bytes. */
function replayFileOf(head: string, meta: Meta, stdout: Buffer, files: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from(`${JSON.stringify(meta)}\n`), stdout]);
  return Buffer.concat([Buffer.from(`${head}\n`), body, Buffer.from(`#${sealOf(head, body)}`), ...files]);
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('base64');

/** Changes one byte of the report files' bytes in a replay file (after its seal: the seal still verifies). */
function damageReportBytes(file: string): void {
  const was = parts(file);
  const damaged = Buffer.from(was.bytes.toString('latin1').replace('"errors"', '"errorz"'), 'latin1');
  writeFileSync(file, Buffer.concat([readFileSync(file).subarray(0, -was.bytes.length), damaged]));
}

/** Makes a folder unwritable (its mode, or for root the immutable flag); gives back what undoes it. */
function lockFolder(dir: string): () => void {
  const writable = (): boolean => {
    try {
      writeFileSync(join(dir, '.probe'), '');
      rmSync(join(dir, '.probe'));
      return true;
    } catch {
      return false;
    }
  };
  chmodSync(dir, 0o555);
  if (!writable()) return () => chmodSync(dir, 0o755);
  chmodSync(dir, 0o755);
  execFileSync('chattr', ['+i', dir]); // root: permissions do not bind it, the immutable flag does
  if (writable()) throw new Error(`cannot make ${dir} unwritable on this machine`);
  return () => execFileSync('chattr', ['-i', dir]);
}

describe('a replay file is trusted no more than the cache', () => {
  /** Writes a replay file of the given outputs, sealed with the public key as b12lint seals it. */
  function forge(file: string, stdout: string): void {
    const { head, meta } = parts(file);
    const out = Buffer.from(stdout);
    writeFileSync(file, replayFileOf(head, { ...meta, stdout: out.length, files: [] }, out, []));
  }

  test('without B12LINT_CACHE_KEY a replay sealed with the public key is used (it catches damage, not forgery, as documented); with it, not', () => {
    const p = project();
    p.run([]);
    forge(p.replayFile, 'all clean\n');
    const r = p.run([]);
    expect(replayed(r)).toBe(true);
    expect(r.stdout).toBe('all clean\n');

    const secret = { B12LINT_CACHE_KEY: 'a secret' };
    const first = p.run([], secret);
    forge(p.replayFile, 'all clean\n');
    const guarded = p.run([], secret);
    expect(replayed(guarded)).toBe(false);
    expect(guarded.stdout).toBe(first.stdout);
  });

  test.each([
    ['a terminal escape', 'ok\u001b]0;title\u0007\n'],
    ['a screen clear', 'ok\u001b[2J\n'],
    ['a carriage return (an overwrite of the line)', 'ok\rall clean\n'],
    ['a vertical tab', 'ok\u000bx\n'],
    ['a GitHub workflow command', 'all clean\n::stop-commands::pwned\n'],
    ['a C1 control', 'ok\u009b31m\n'],
    ['a bidirectional override', 'ok \u202e evil\n'],
    ['a CI log marker', '##vso[task.setvariable variable=x]1\n'],
  ])('a forged replay with %s is not used: the run goes the usual way', (_name, stdout) => {
    const p = project();
    const first = p.run([]);
    forge(p.replayFile, stdout);
    const r = p.run([]);
    expect(replayed(r)).toBe(false);
    expect(r.stdout).toBe(first.stdout);
  });

  test('a replay that would write another file than the run names is not used, and that file is not written', () => {
    const p = project();
    const args = ['-f', 'json', '-o', 'r.json'];
    const first = p.run(args);
    const { head, meta, bytes } = parts(p.replayFile);
    const text = Buffer.from('echo pwned\n');
    expect(bytes.length).toBeGreaterThan(0);
    const files: Meta['files'] = [['elsewhere.sh', text.length, sha256(text)]];
    writeFileSync(p.replayFile, replayFileOf(head, { ...meta, stdout: 0, files }, Buffer.alloc(0), [text]));
    const r = p.run(args);
    expect(replayed(r)).toBe(false);
    expect([r.stdout, r.code]).toEqual([first.stdout, first.code]);
    expect(existsSync(join(p.dir, 'elsewhere.sh'))).toBe(false);
  });

  test('a cache file over the size limit is refused with a warning, as in any run, never passed over by a replay', () => {
    const p = project();
    const big = join(p.dir, 'charts', 'many');
    mkdirSync(big);
    const batch = readFileSync(join(ROOT, 'fixtures', 'charts', 'batch-2026-10-08.json'), 'utf8');
    for (let i = 0; i < 800; i++) writeFileSync(join(big, `b-${i}.json`), batch.replace(/ENC-2026-0004/g, `ENC-${i}-`));
    // A stylish report well under the limit: only the cache is over it.
    const args = ['--max-file-size', '1', '-f', 'stylish', '-o', 'r.txt'];
    p.run(args);
    expect(statSync(join(p.dir, 'cache', 'cache.json')).size).toBeGreaterThan(1024 * 1024);
    expect(statSync(join(p.dir, 'r.txt')).size).toBeLessThan(900 * 1024);
    const again = p.run(args);
    expect(replayed(again)).toBe(false);
    expect(again.stderr).toContain('over the 1 MB limit (--max-file-size)');
  });

  test.each([
    ['a byte of a report changed', (b: Buffer) => Buffer.from(b.toString('latin1').replace('"errors"', '"errorz"'), 'latin1')],
    ['cut short', (b: Buffer) => b.subarray(0, b.length - 100)],
    ['empty', () => Buffer.alloc(0)],
    ['garbage', () => Buffer.from('\u0000\u00ff garbage')],
    [
      'its lengths off by one',
      (b: Buffer) =>
        Buffer.from(
          b.toString('latin1').replace(/"stdout":(\d+)/, (_m, n: string) => `"stdout":${Number(n) + 1}`),
          'latin1',
        ),
    ],
  ])('a replay file %s is not used: the run goes the usual way, and the next one replays again', (_name, damage) => {
    const p = project();
    const args = ['-f', 'json', '-o', 'r.json'];
    const first = p.run(args);
    const report = readFileSync(join(p.dir, 'r.json'), 'utf8');
    writeFileSync(p.replayFile, damage(readFileSync(p.replayFile)));
    rmSync(join(p.dir, 'r.json')); // its bytes are needed: a report still in place is not read from the replay
    const r = p.run(args);
    expect(replayed(r)).toBe(false);
    expect([r.stdout, r.code]).toEqual([first.stdout, first.code]);
    expect(readFileSync(join(p.dir, 'r.json'), 'utf8')).toBe(report);
    expect(replayed(p.run(args))).toBe(true);
  });
});

describe('report files that already hold what a replay would write are left there', () => {
  /** Which file it is (inode, size) and its modification time. */
  const where = (f: string): { ino: bigint; size: bigint; mtimeNs: bigint } => {
    const st = statSync(f, { bigint: true });
    return { ino: st.ino, size: st.size, mtimeNs: st.mtimeNs };
  };
  const reports = ['r.json', 'cq.json'];
  const args = ['-f', 'json:r.json', '-f', 'codequality:cq.json'];
  const read = (dir: string, files: string[]): string[] => files.map((f) => readFileSync(join(dir, f), 'utf8'));

  test('not written again (the same inode), their times set to now as a run sets them, the outputs those of a fresh run; one deleted, and both are written again', () => {
    const p = project();
    const fresh = cli(['charts', ...args], { cwd: p.dir });
    const freshReports = read(p.dir, reports);
    p.run(args);
    const before = reports.map((f) => where(join(p.dir, f)));
    const second = p.run(args);
    expect(replayed(second)).toBe(true);
    expect(second.stderr).toContain('(2 report files still in place, left as they are)');
    const after = reports.map((f) => where(join(p.dir, f)));
    expect(after.map((w) => [w.ino, w.size])).toEqual(before.map((w) => [w.ino, w.size]));
    // A build tool that compares times sees the reports as new as a run would leave them.
    after.forEach((w, k) => expect(w.mtimeNs).toBeGreaterThan(before[k]!.mtimeNs));
    expect([second.stdout, second.code]).toEqual([fresh.stdout, fresh.code]);

    rmSync(join(p.dir, 'cq.json'));
    const third = p.run(args);
    expect(replayed(third)).toBe(true);
    expect(third.stderr).not.toContain('still in place');
    expect(where(join(p.dir, 'r.json')).ino).not.toBe(after[0]!.ino); // written again, as a run writes it
    expect(read(p.dir, reports)).toEqual(freshReports);
    expect(p.run(args).stderr).toContain('(2 report files still in place, left as they are)');
    expect(read(p.dir, reports)).toEqual(freshReports);
  });

  test.each([
    ['spelled the same', ['-f', 'json:same.txt', '-f', 'codequality:same.txt']],
    ['spelled two ways', ['-f', 'json:same.txt', '-f', 'stylish:./same.txt']],
  ])('two formats to one file (%s): after every run it holds what a run leaves there (the last)', (_name, same) => {
    const p = project();
    const fresh = cli(['charts', ...same], { cwd: p.dir });
    const text = readFileSync(join(p.dir, 'same.txt'), 'utf8');
    rmSync(join(p.dir, 'same.txt'));
    for (let i = 0; i < 4; i++) {
      const r = p.run(same);
      expect([i, replayed(r), r.stdout, r.code, readFileSync(join(p.dir, 'same.txt'), 'utf8')]).toEqual([
        i,
        i > 0,
        fresh.stdout,
        fresh.code,
        text,
      ]);
    }
  });

  test.each([
    [
      'changed, the same size, its modification time set back',
      (f: string) => {
        const st = statSync(f);
        writeFileSync(f, readFileSync(f, 'utf8').replace('"errors"', '"errorz"'));
        utimesSync(f, st.atime, st.mtime);
      },
    ],
    ['made readable by its owner alone (a run makes it with the default mode)', (f: string) => chmodSync(f, 0o600)],
    ['cut short', (f: string) => writeFileSync(f, readFileSync(f).subarray(0, 100))],
  ])('a report file %s is written again from the replay, as a fresh run writes it', (_name, change) => {
    const p = project();
    const fresh = cli(['charts', ...args], { cwd: p.dir });
    const freshReports = read(p.dir, reports);
    const mode = statSync(join(p.dir, 'r.json')).mode;
    p.run(args);
    change(join(p.dir, 'r.json'));
    const r = p.run(args);
    expect(replayed(r)).toBe(true);
    expect(r.stderr).not.toContain('still in place');
    expect([r.stdout, r.code]).toEqual([fresh.stdout, fresh.code]);
    expect(read(p.dir, reports)).toEqual(freshReports);
    expect(statSync(join(p.dir, 'r.json')).mode).toBe(mode);
  });

  test('a report file that standard output is appended to is written again, as a run renames over it: after every run', () => {
    const p = project();
    const run = (cache: boolean, file: string): string => {
      const flags = cache ? `--cache-location "${join(p.dir, 'cache')}"` : '';
      execFileSync('sh', ['-c', `"${process.execPath}" "${BIN}" charts ${flags} -f json:${file} >> ${file}; true`], { cwd: p.dir });
      return readFileSync(join(p.dir, file), 'utf8');
    };
    const fresh = [run(false, 'fresh.txt'), run(false, 'fresh.txt')];
    expect(fresh[1]).toBe(fresh[0]);
    for (let i = 0; i < 4; i++) expect([i, run(true, 'out.txt')]).toEqual([i, fresh[0]]);
  });

  test('a report changed by another program as b12lint finishes is not taken for its own: the next replay writes the true report', () => {
    const p = project();
    // Standard output over a pipe's buffer: b12lint is still writing when the reader changes the report.
    for (let i = 0; i < 8; i++) cpSync(join(ROOT, 'fixtures', 'charts'), join(p.dir, 'charts', `copy-${i}`), { recursive: true });
    const args = ['-f', 'json', '-f', 'codequality:cq.json'];
    const fresh = cli(['charts', ...args], { cwd: p.dir });
    expect(fresh.stdout.length).toBeGreaterThan(128 * 1024);
    const cq = readFileSync(join(p.dir, 'cq.json'), 'utf8');
    rmSync(join(p.dir, 'cq.json'));
    const cmd = `"${process.execPath}" "${BIN}" charts --cache-location "${join(p.dir, 'cache')}" ${args.join(' ')} | (head -c 1000 >/dev/null; echo tampered > cq.json; cat >/dev/null)`;
    execFileSync('sh', ['-c', cmd], { cwd: p.dir });
    const r = p.run(args);
    expect(replayed(r)).toBe(true);
    expect([r.stdout, r.code]).toEqual([fresh.stdout, fresh.code]);
    expect(readFileSync(join(p.dir, 'cq.json'), 'utf8')).toBe(cq);
  });

  test('a report in a folder the run cannot write is not left in place: the replay fails to write it as a run does, and touches no other report', () => {
    const p = project();
    const both = ['-f', 'json:a.json', '-f', 'json:out/r.json'];
    mkdirSync(join(p.dir, 'out'));
    p.run(both);
    const a = where(join(p.dir, 'a.json'));
    const locked = lockFolder(join(p.dir, 'out'));
    try {
      const fresh = cli(['charts', ...both], { cwd: p.dir });
      expect(fresh.code).toBe(2);
      const r = p.run(both);
      expect([r.code, withoutStats(r.stderr)]).toEqual([2, fresh.stderr]);
      expect(where(join(p.dir, 'a.json'))).toEqual(a);
    } finally {
      locked();
    }
  });

  test('a report written through /proc (into the file, as a run writes there) is never left in place: after every run', () => {
    const p = project();
    const args = ['-f', `json:/proc/self/cwd/r.json`];
    const sizes = (cache: boolean): number[] => {
      writeFileSync(join(p.dir, 'r.json'), '');
      return [0, 1, 2].map(() => {
        if (cache) p.run(args);
        else cli(['charts', ...args], { cwd: p.dir });
        return statSync(join(p.dir, 'r.json')).size;
      });
    };
    expect(sizes(true)).toEqual(sizes(false));
  });

  test('a report of another mode whose bytes are damaged in the replay file is left as it is (it holds them), not an error', () => {
    const p = project();
    const json = ['-f', 'json', '-o', 'r.json'];
    const first = p.run(json);
    const report = readFileSync(join(p.dir, 'r.json'), 'utf8');
    damageReportBytes(p.replayFile);
    chmodSync(join(p.dir, 'r.json'), 0o600);
    for (let i = 0; i < 2; i++) {
      const r = p.run(json);
      expect([i, r.code, r.stdout, readFileSync(join(p.dir, 'r.json'), 'utf8')]).toEqual([i, first.code, first.stdout, report]);
    }
  });

  test('a forged exit code other than 0 or 1 (only those runs are kept) is not replayed', () => {
    const p = project();
    const first = p.run([]);
    for (const exit of [2, 256, -255, 1e300]) {
      const { head, meta, stdout } = parts(p.replayFile);
      writeFileSync(p.replayFile, replayFileOf(head, { ...meta, exit }, stdout, []));
      const r = p.run([]);
      expect([exit, replayed(r), r.code, r.stdout]).toEqual([exit, false, first.code, first.stdout]);
    }
  });

  test('a report file whose bytes are damaged in the replay file matters only once it must be written from there', () => {
    const p = project();
    const json = ['-f', 'json', '-o', 'r.json'];
    const first = p.run(json);
    const report = readFileSync(join(p.dir, 'r.json'), 'utf8');
    damageReportBytes(p.replayFile);
    expect(replayed(p.run(json))).toBe(true); // r.json holds the sealed bytes: read from there
    expect(readFileSync(join(p.dir, 'r.json'), 'utf8')).toBe(report);
    rmSync(join(p.dir, 'r.json'));
    const r = p.run(json);
    expect(replayed(r)).toBe(false); // its hash does not verify: the usual way
    expect([r.stdout, r.code]).toEqual([first.stdout, first.code]);
    expect(readFileSync(join(p.dir, 'r.json'), 'utf8')).toBe(report);
  });

  test('a report forged under the public key with a terminal escape, its hash and seal made to match, is not written', () => {
    const p = project();
    const json = ['-f', 'json', '-o', 'r.json'];
    const first = p.run(json);
    const report = readFileSync(join(p.dir, 'r.json'), 'utf8');
    const was = parts(p.replayFile);
    const text = Buffer.from('{"pwned": "\u001b]0;title\u0007"}\n');
    const files: Meta['files'] = [['r.json', text.length, sha256(text)]];
    writeFileSync(p.replayFile, replayFileOf(was.head, { ...was.meta, files }, was.stdout, [text]));
    const r = p.run(json);
    expect(replayed(r)).toBe(false);
    expect([r.stdout, r.code]).toEqual([first.stdout, first.code]);
    expect(readFileSync(join(p.dir, 'r.json'), 'utf8')).toBe(report);
  });
});

describe('what writeReplay writes, loadReplay reads back', () => {
  const store = (): ReplayStore => ({ location: scratch().dir, strategy: 'metadata', maxSize: 64 * 1024 * 1024 });
  const outputs = (paths: string[], stdout: string): Replay => ({
    exit: 1,
    charts: 2,
    stdout,
    files: paths.map((path, k) => ({ path, bytes: Buffer.from(`{"n": ${k}}\n`) })),
  });
  const paths = (count: number, length: number): string[] => Array.from({ length: count }, (_, i) => `${'d/'.repeat(length / 2)}${i}.json`);

  test('standard output longer than the first read (64 KiB) and long report paths are read back whole', () => {
    const s = store();
    const files = paths(16, 3000);
    const stdout = `${'✖ a problem\n'.repeat(9000)}`;
    expect(writeReplay(s, 'the key', outputs(files, stdout))).toBeUndefined();
    const loaded = loadReplay(s, files);
    expect([loaded?.key, loaded?.stdout, loaded?.files.map((f) => f.path)]).toEqual(['the key', stdout, files]);
    const settled = settleReplay(s, loaded!, s.location);
    expect(settled?.inPlace).toBe(false);
    expect(settled?.files.map((f) => f.bytes?.toString())).toEqual(outputs(files, stdout).files.map((f) => f.bytes.toString()));
  });

  test('a header and meta line longer than loadReplay reads first are not written: such a replay could never be read', () => {
    const s = store();
    const files = paths(20, 4000);
    expect(writeReplay(s, 'the key', outputs(files, 'ok\n'))).toBeUndefined();
    expect(existsSync(join(s.location, REPLAY_FILE))).toBe(false);
  });
});

describe('the replay key (replayKey)', () => {
  /** The key as one text of everything, encoded at once: what the key is, however it is hashed. */
  function plainKey(request: string, cacheKey: string, files: string[], signed: Signature[]): string {
    const numbers = new Float64Array(files.length * 2);
    signed.forEach((s, i) => {
      numbers[2 * i] = s.size;
      if (typeof s.stamp === 'number') numbers[2 * i + 1] = s.stamp;
    });
    const hashes = signed.flatMap((s) => (typeof s.stamp === 'string' ? [s.stamp] : []));
    return createHash('sha256')
      .update(`${request}\0${cacheKey}\0${files.join('\0')}\0${hashes.join('\0')}\0`)
      .update(new Uint8Array(numbers.buffer))
      .digest('base64');
  }

  test.each([0, 1, 255, 256, 257, 513, 1000])('hashed a few hundred paths at a time, it is the key of them all at once (%i files)', (n) => {
    const files = Array.from({ length: n }, (_, i) => `/charts/${i % 7 === 0 ? 'Zoë-Ωmega-漢' : 'c'}-${i}.json`);
    const byTime = files.map((_, i) => ({ size: 1000 + i, stamp: 1.7e12 + i / 3 }));
    const byContent = files.map((_, i) => ({ size: i, stamp: createHash('sha256').update(String(i)).digest('base64') }));
    for (const signed of [byTime, byContent]) expect(replayKey('req', 'key', files, signed)).toBe(plainKey('req', 'key', files, signed));
    // A path changed (or one added to none) gives another key.
    const other = n > 0 ? ['/other.json', ...files.slice(1)] : ['/other.json'];
    const otherSigned = n > 0 ? byTime : [{ size: 1, stamp: 1 }];
    expect(replayKey('req', 'key', other, otherSigned)).not.toBe(replayKey('req', 'key', files, byTime));
  });
});

describe('what a replay file may not print (unsafe)', () => {
  /** The same rule as a regular expression over the bytes read as Latin-1: the oracle. */
  const ORACLE =
    /[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]|\x1b(?!\[[0-9;]{0,16}m)|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]|##(?=(?:[vV][sS][oO]|[tT][eE][aA][mM][cC][iI][tT][yY])?\[)|(?:^|\n)[\x20\x09\x80-\xff]*::/;

  test('agrees with the regular expression on 20,000 random byte strings made of the bytes that matter', () => {
    const alphabet = [
      0x1b, 0x5b, 0x6d, 0x30, 0x39, 0x3b, 0x23, 0xc2, 0xe2, 0x80, 0x81, 0x9b, 0xa8, 0xa6, 0xae, 0xaf, 0x09, 0x0a, 0x0d, 0x0b, 0x7f, 0x20,
      0x61,
    ];
    const words = [
      '::',
      'vso[',
      'VSO[',
      'teamcity[',
      'TeamCity[',
      '##',
      '\u001b[31m',
      '\u001b[0;1;31m',
      '\u001b[' + '1'.repeat(16) + 'm',
      '\u001b[' + '1'.repeat(17) + 'm',
    ];
    let seed = 17;
    const rand = (k: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % k;
    };
    let unsafeSeen = 0;
    for (let n = 0; n < 20_000; n++) {
      const parts: number[] = [];
      const len = rand(24);
      while (parts.length < len) {
        if (rand(4) === 0) parts.push(...Buffer.from(words[rand(words.length)]!, 'latin1'));
        else parts.push(alphabet[rand(alphabet.length)]!);
      }
      const bytes = Uint8Array.from(parts);
      const expected = ORACLE.test(Buffer.from(bytes).toString('latin1'));
      if (expected) unsafeSeen++;
      expect([Buffer.from(bytes).toString('hex'), unsafe(bytes)]).toEqual([Buffer.from(bytes).toString('hex'), expected]);
    }
    expect(unsafeSeen).toBeGreaterThan(1000);
    expect(unsafeSeen).toBeLessThan(19_000);
  });

  test('a workflow command after white space is one (the runner trims the line): spaces, a tab, a no-break space', () => {
    for (const line of ['  ::error::x', '\t::error::x', '\u00a0::error::x', 'ok\n \u3000::warning::x'])
      expect([line, unsafe(Buffer.from(line))]).toEqual([line, true]);
    expect(unsafe(Buffer.from('x ::error::y\n  "a::b"'))).toBe(false);
  });

  test('genuine text is safe: colour, tabs, line feeds, an en dash, a # heading, a colon, non-Latin letters', () => {
    expect(unsafe(Buffer.from('\u001b[31m✖\u001b[39m 2 problems\n\tcol – x # y ## z ÄΩ漢\n  "a": "b::c"\n'))).toBe(false);
  });
});

describe('the ruleset of a replayed run is compiled only when a rule is needed (setup.ts DeferredRuleset)', () => {
  const WARNING = '`tests` is deprecated for lab tests: rename the key `labs` (b12lint reads both for now)';
  const header = (p: { replayFile: string }): { key: string; ruleset?: string } =>
    JSON.parse(readFileSync(p.replayFile, 'utf8').split('\n', 1)[0]!) as { key: string; ruleset?: string };
  // Loads without a problem; compiling finds one (a codeset no file defines).
  const BROKEN =
    'ruleset: forged/bad\nextends: [b12lint:recommended]\nrules:\n  - id: bad-rule\n    severity: warning\n    title: Names a codeset no file defines\n    on: diagnosis\n    when: { diagnosis: { code: no-such-codeset } }\n    message: never\n';
  const PROBLEM = 'bad.yaml:8:32: unknown codeset "no-such-codeset".';

  /** The project's replay file with the broken ruleset's fingerprint in its header; sealed again with the public key when `seal`. */
  function nameBroken(p: { dir: string; replayFile: string }, seal: boolean): void {
    // As the CLI compiles it: the version the results depend on, with the build's id (codeVersion).
    // As the CLI loads `-r bad.yaml` in that folder: the fingerprint covers the file's name as shown from there.
    const here = process.cwd();
    process.chdir(p.dir);
    let loaded: ReturnType<typeof loadFromSpec>;
    try {
      loaded = loadFromSpec(rulesetSpecOf({ cwd: p.dir, ruleset: 'bad.yaml', icd10: [] }, codeVersion()));
    } finally {
      process.chdir(here);
    }
    expect([loaded.problems.list, loaded.problems.warnings]).toEqual([[], []]);
    const was = parts(p.replayFile);
    const head = JSON.stringify({ ...(JSON.parse(was.head) as object), ruleset: loadedFingerprint(loaded) });
    const body = Buffer.concat([Buffer.from(`${JSON.stringify(was.meta)}\n`), was.stdout]);
    const tail = seal ? Buffer.from(`#${sealOf(head, body)}`) : was.seal;
    writeFileSync(p.replayFile, Buffer.concat([Buffer.from(`${head}\n`), body, tail, was.bytes]));
  }

  test('a ruleset that compiles without a word is named in the header by its fingerprint, under the seal', () => {
    const p = project();
    p.run([]);
    expect(header(p).ruleset).toMatch(/^[0-9a-f]{64}$/);
    // The seal covers it: another fingerprint in the header, and the outputs are not replayed.
    const text = readFileSync(p.replayFile, 'utf8');
    writeFileSync(p.replayFile, text.replace(/"ruleset":"[0-9a-f]{64}"/, `"ruleset":"${'0'.repeat(64)}"`));
    expect(replayed(p.run([]))).toBe(false);
    expect(replayed(p.run([]))).toBe(true);
  });

  test('a replayed run compiles nothing (its ruleset is needed by no rule): its --stats says so', () => {
    const p = project();
    const NOT_COMPILED = '; no rule ran, the ruleset not even compiled\n';
    const first = p.run(['-f', 'json']);
    const second = p.run(['-f', 'json']);
    expect([replayed(first), replayed(second)]).toEqual([false, true]);
    expect(first.stderr).not.toContain(NOT_COMPILED);
    expect(second.stderr.endsWith(NOT_COMPILED)).toBe(true);
    expect([second.stdout, second.code]).toEqual([first.stdout, first.code]);
  });

  test('a ruleset that warns is named in no header, and a replayed run says its warning as the first run did', () => {
    const p = project();
    cpSync(join(ROOT, 'fixtures', 'labs-key', 'tests.yaml'), join(p.dir, 'old.yaml'));
    const args = ['-r', 'old.yaml'];
    const fresh = cli(['charts', ...args], { cwd: p.dir });
    expect(fresh.stderr).toBe(`old.yaml:3:1: warning: ${WARNING}\n`);
    const first = p.run(args);
    expect(header(p).ruleset).toBeUndefined();
    const second = p.run(args);
    expect(replayed(second)).toBe(true);
    // Compiled to say its warning: the replay's --stats does not claim otherwise.
    expect(second.stderr.endsWith('; no rule ran\n')).toBe(true);
    for (const r of [first, second]) {
      expect(withoutStats(r.stderr)).toBe(fresh.stderr);
      expect(r.stdout).toBe(fresh.stdout);
      expect(r.code).toBe(fresh.code);
    }
  });

  test('a header naming a broken ruleset without the seal is not believed: the ruleset is compiled first and refused as without the cache', () => {
    const p = project();
    writeFileSync(join(p.dir, 'bad.yaml'), BROKEN);
    p.run([]);
    nameBroken(p, false);
    const fresh = cli(['charts', '-r', 'bad.yaml'], { cwd: p.dir });
    expect([fresh.code, fresh.stdout]).toEqual([2, '']);
    expect(fresh.stderr).toContain(PROBLEM);
    for (const jobs of ['1', '2']) {
      const r = p.run(['-r', 'bad.yaml', '--jobs', jobs]);
      expect([r.code, r.stdout, r.stderr]).toEqual([2, '', fresh.stderr]);
    }
    // Compiled before the files are looked for: the ruleset's problem, not a missing folder.
    const missing = cli(['nosuch', '--cache-location', join(p.dir, 'cache'), '-r', 'bad.yaml'], { cwd: p.dir });
    expect([missing.code, missing.stderr]).toEqual([2, fresh.stderr]);
  });

  test('sealed with the public key (no secret), such a header only delays compiling: the ruleset is refused once the files are found; under a secret it is not believed', () => {
    const p = project();
    writeFileSync(join(p.dir, 'bad.yaml'), BROKEN);
    const fresh = cli(['charts', '-r', 'bad.yaml'], { cwd: p.dir });
    p.run([]);
    nameBroken(p, true);
    // The charts are found, then the ruleset is compiled: refused with the same problems, exit 2.
    const r = p.run(['-r', 'bad.yaml']);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', fresh.stderr]);
    // The ruleset was not compiled before the files were looked for (the deferred path): a missing
    // folder is said, where a run without the cache names the ruleset's problem.
    const cache = ['--cache-location', join(p.dir, 'cache')];
    const missing = cli(['nosuch', ...cache, '-r', 'bad.yaml'], { cwd: p.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or folder: "nosuch"');
    expect(missing.stderr).not.toContain(PROBLEM);

    const secret = { B12LINT_CACHE_KEY: 'a secret' };
    p.run([], secret);
    nameBroken(p, true); // sealed with the public key, not the secret
    const guarded = cli(['nosuch', ...cache, '-r', 'bad.yaml'], { cwd: p.dir, env: secret });
    expect([guarded.code, guarded.stderr]).toEqual([2, fresh.stderr]);
  });

  test('no byte can move between the header and the body under the seal: a header whose ruleset is no fingerprint makes the file unused', () => {
    const p = project();
    const secret = { B12LINT_CACHE_KEY: 'a secret' };
    const first = p.run([], secret);
    const all = readFileSync(p.replayFile, 'utf8');
    const [head, metaLine] = all.split('\n', 2) as [string, string];
    const h = JSON.parse(head) as { ruleset: string };
    // The meta line moved into the header's ruleset, the body one line shorter, the seal kept.
    const moved = JSON.stringify({ ...h, ruleset: `${h.ruleset}\n${metaLine}` });
    writeFileSync(p.replayFile, `${moved}\n${all.slice(head.length + 1 + metaLine.length + 1)}`);
    const r = p.run([], secret);
    expect(replayed(r)).toBe(false);
    expect(r.stdout).toBe(first.stdout);
  });
});

test('another build of the same version (a checkout rebuilt after a change) replays nothing and takes nothing from the cache', () => {
  // A copy of the built package, to give it another build id (dist/bundle/build-id) without touching this one.
  const pkg = scratch().dir;
  for (const part of ['bin', 'dist', 'rulesets', 'package.json']) cpSync(join(ROOT, part), join(pkg, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  const p = project();
  const run = (): CliResult => {
    const r = spawnSync(process.execPath, [join(pkg, 'bin', 'b12lint.js'), 'charts', '--cache-location', join(p.dir, 'cache'), '--stats'], {
      cwd: p.dir,
      encoding: 'utf8',
      env: { ...(process.env as Record<string, string>), NO_COLOR: '1' },
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const fromCache = (r: CliResult): number => Number(/\d+ files \((\d+) from the cache\)/.exec(r.stderr)?.[1]);
  const first = run();
  expect(replayed(first)).toBe(false);
  expect(replayed(run())).toBe(true); // the copy is a working build: its own outputs are replayed
  const id = join(pkg, 'dist', 'bundle', 'build-id');
  expect(readFileSync(id, 'utf8')).toMatch(/^[0-9a-f]{32}\n$/);
  writeFileSync(id, `${'0'.repeat(32)}\n`);
  const rebuilt = run();
  expect([replayed(rebuilt), fromCache(rebuilt)]).toEqual([false, 0]);
  expect([rebuilt.code, rebuilt.stdout]).toEqual([first.code, first.stdout]);
  // The same build again: its outputs are replayed.
  expect(replayed(run())).toBe(true);
});
