/**
 * Issue 19, item 2 (signals): SIGINT and SIGTERM end a run, whatever it is doing, with exit 130
 * or 143, the one line that says so, no report and nothing left behind: with --jobs workers, with
 * a second thread reading the files ahead, with the cache, with findings spooled to disk (a streamed NDJSON file, a FHIR Bulk export), with a
 * large file linted by a worker thread while the main thread waits, and while a FIFO report waits
 * for its reader. `convert` stops the same way (security review 27, #12), its output cut short. (That the main thread never spends long on one piece of work is the design:
 * src/run/schedule.ts; how soon a run ends is measured, not asserted.)
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, hasFileOpenUnder, ROOT, seenAtWork } from '../helpers/cli.js';
import { chart, scratches, type Scratch } from '../helpers/scratch.js';

const folder = scratches('b12lint-io-signals-');

interface Stopped {
  code: number | null;
  stderr: string;
}

/** Starts the CLI in `s`, waits until `ready(pid)`, sends the signal, and waits for the end. */
async function stop(
  s: Scratch,
  args: string[],
  signal: 'SIGINT' | 'SIGTERM',
  ready: (pid: number) => boolean,
  env: Record<string, string> = {},
): Promise<Stopped> {
  const child = spawn(process.execPath, [BIN, '--no-config-lookup', ...args], {
    cwd: s.dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = await seenAtWork(child, () => ready(child.pid!));
  if (!started) throw new Error(`the run was never seen at work (not Linux, or it ended first):\n${stderr}`);
  child.kill(signal);
  return { code: await exited, stderr };
}

const EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/** The run said it was interrupted and wrote nothing: no report, no temporary file, no spool folder of its own. */
function expectStopped(r: Stopped, signal: 'SIGINT' | 'SIGTERM', s: Scratch, before: readonly string[]): void {
  expect([r.code, r.stderr]).toEqual([EXIT[signal], `b12lint: interrupted by ${signal}; no report was written\n`]);
  expect(readdirSync(s.dir).sort()).toEqual([...before].sort());
}

function charts(s: Scratch, n: number): void {
  mkdirSync(join(s.dir, 'charts'));
  for (let i = 0; i < n; i++) s.write(`charts/c-${i}.json`, JSON.stringify(chart(`C-${i}`)));
}

test.each(['SIGINT', 'SIGTERM'] as const)('%s with --jobs worker threads', async (signal) => {
  const s = folder();
  charts(s, 3000);
  const r = await stop(
    s,
    ['--jobs', '3', '-f', 'json', '-o', 'report.json', 'charts'],
    signal,
    (pid) => hasFileOpenUnder(pid, join(s.dir, 'charts')),
    { B12LINT_WORKER_THRESHOLD: '1' },
  );
  expectStopped(r, signal, s, ['charts']);
});

test('SIGINT while a second thread reads the files ahead (--jobs 2, JSON)', async () => {
  const s = folder();
  charts(s, 3000);
  const r = await stop(
    s,
    ['--jobs', '2', '-f', 'json', '-o', 'report.json', 'charts'],
    'SIGINT',
    (pid) => hasFileOpenUnder(pid, join(s.dir, 'charts')),
    {
      B12LINT_PREFETCH_THRESHOLD: '1',
    },
  );
  expectStopped(r, 'SIGINT', s, ['charts']);
});

test('SIGTERM with the cache: no cache is written, no temporary file either', async () => {
  const s = folder();
  charts(s, 3000);
  const r = await stop(s, ['--cache-location', 'cache', '-f', 'json', '-o', 'report.json', 'charts'], 'SIGTERM', (pid) =>
    hasFileOpenUnder(pid, join(s.dir, 'charts')),
  );
  expectStopped(r, 'SIGTERM', s, ['charts']);
});

test('SIGTERM while a large file is linted by a worker thread (the main thread only waits)', async () => {
  const s = folder();
  mkdirSync(join(s.dir, 'charts'));
  // Every file goes to a worker (the inline limit at 0), as one over 2 MB would.
  for (let i = 0; i < 600; i++) s.write(`charts/big-${i}.json`, JSON.stringify(Array.from({ length: 20 }, (_, k) => chart(`B-${i}-${k}`))));
  const r = await stop(s, ['-f', 'json', '-o', 'report.json', 'charts'], 'SIGTERM', (pid) => hasFileOpenUnder(pid, join(s.dir, 'charts')), {
    B12LINT_INLINE_LIMIT: '0',
  });
  expectStopped(r, 'SIGTERM', s, ['charts']);
});

/** The CPU time a process has used, in seconds (Linux: /proc/<pid>/stat), or 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime and stime, in clock ticks
  } catch {
    return 0;
  }
}

test.each(['SIGINT', 'SIGTERM'] as const)(
  '%s while the main thread lints one long file: heard when the file is done, and no report is written',
  async (signal) => {
    const s = folder();
    mkdirSync(join(s.dir, 'charts'));
    // One file of 8,000 charts linted in one step on the main thread (the inline limit raised above it):
    // the signal comes during that step, and is heard once the event loop runs again.
    s.write('charts/all.json', JSON.stringify(Array.from({ length: 8000 }, (_, k) => chart(`L-${k}`))));
    const r = await stop(s, ['--jobs', '1', '-f', 'json', '-o', 'report.json', 'charts'], signal, (pid) => cpuSeconds(pid) > 0.6, {
      B12LINT_INLINE_LIMIT: '1000000000',
    });
    expectStopped(r, signal, s, ['charts']);
  },
);

/** The spool folders of a process (`b12lint-spool-<pid>-XXXXXX`). */
function spoolFolders(pid: number): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith(`b12lint-spool-${pid}-`));
}

test('SIGINT while a streamed NDJSON file spools its findings: the spools go with the run', async () => {
  const s = folder();
  const line = (i: number): string => JSON.stringify(chart(`N-${i}`));
  writeFileSync(join(s.dir, 'charts.ndjson'), `${Array.from({ length: 30_000 }, (_, i) => line(i)).join('\n')}\n`);
  let pid = 0;
  const r = await stop(
    s,
    ['-f', 'json', '-o', 'report.json', 'charts.ndjson'],
    'SIGINT',
    (p) => {
      pid = p;
      return spoolFolders(p).length > 0;
    },
    { B12LINT_STREAM_THRESHOLD: '0' },
  );
  expectStopped(r, 'SIGINT', s, ['charts.ndjson']);
  expect(spoolFolders(pid)).toEqual([]);
});

test('SIGTERM while a FHIR Bulk export is linted', async () => {
  const s = folder();
  const bulk = join(ROOT, 'fixtures', 'fhir', 'bulk');
  mkdirSync(join(s.dir, 'export'));
  // The fixture export's patients, 2,000 times over (ids made unique), so the run lasts.
  for (const name of readdirSync(bulk)) {
    const lines = readFileSync(join(bulk, name), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const copies = Array.from({ length: 2000 }, (_, k) => lines.map((l) => l.replace(/-(\d{4})\b/g, `-${k}-$1`)).join('\n'));
    writeFileSync(join(s.dir, 'export', name), `${copies.join('\n')}\n`);
  }
  const r = await stop(s, ['-f', 'json', '-o', 'report.json', 'export'], 'SIGTERM', (pid) => hasFileOpenUnder(pid, join(s.dir, 'export')), {
    B12LINT_STREAM_THRESHOLD: '0',
  });
  expectStopped(r, 'SIGTERM', s, ['export']);
});

test("SIGTERM while the report waits for a FIFO's reader: the FIFO stays a FIFO", async () => {
  const s = folder();
  s.write('c.json', JSON.stringify(chart('C-1')));
  execFileSync('mkfifo', [join(s.dir, 'report.fifo')]);
  // Waiting for a reader: the run has its report made and polls the FIFO.
  const r = await stop(s, ['-f', 'json', '-o', 'report.fifo', 'c.json'], 'SIGTERM', (pid) => spoolFolders(pid).length > 0);
  expectStopped(r, 'SIGTERM', s, ['c.json', 'report.fifo']);
  expect(lstatSync(join(s.dir, 'report.fifo')).isFIFO()).toBe(true);
});

/**
 * The built CLI run with a preload that sends SIGINT at a given moment (test/helpers/), on one
 * chart: its exit code and stderr.
 */
function withPreload(preload: string, args: readonly string[], env: Record<string, string> = {}): { code: number; stderr: string } {
  const s = folder();
  s.write('one.json', JSON.stringify(chart('SIG-END')));
  try {
    execFileSync(process.execPath, ['--import', join(ROOT, 'test', 'helpers', preload), BIN, '--no-config-lookup', ...args, 'one.json'], {
      cwd: s.dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { status: number | null; stderr: Buffer };
    return { code: e.status ?? -1, stderr: e.stderr.toString() };
  }
}

test('a signal that comes as the run ends is not lost: exit 130, and a line that says so', () => {
  expect(withPreload('signal-at-summary.mjs', [])).toEqual({ code: 130, stderr: 'b12lint: interrupted by SIGINT as the run ended\n' });
});

/**
 * `convert` on a file of `n` charts, its output to a file: stopped by `signal` once it has written
 * some of it. Its exit code, its stderr, and how many charts the output holds.
 */
async function stopConvert(
  s: Scratch,
  input: string,
  signal: 'SIGINT' | 'SIGTERM',
  env: Record<string, string> = {},
): Promise<Stopped & { written: number }> {
  const outPath = join(s.dir, 'out.yaml');
  const out = openSync(outPath, 'w');
  const child = spawn(process.execPath, [BIN, '--no-config-lookup', 'convert', input], {
    cwd: s.dir,
    stdio: ['ignore', out, 'pipe'],
    env: { ...process.env, ...env },
  });
  closeSync(out);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const writing = await seenAtWork(child, () => statSync(outPath).size > 0);
  if (!writing) throw new Error(`convert was never seen writing (it ended first?):\n${stderr}`);
  child.kill(signal);
  const code = await exited;
  const written = (readFileSync(outPath, 'utf8').match(/^chartId: /gm) ?? []).length;
  return { code, stderr, written };
}

describe('convert hears SIGINT and SIGTERM: it stops, says its output is incomplete, and exits 130 or 143', () => {
  const N = 20_000;
  const lines = (): string => `${Array.from({ length: N }, (_, i) => JSON.stringify(chart(`V-${i}`))).join('\n')}\n`;

  test('SIGINT while a streamed NDJSON file is converted', async () => {
    const s = folder();
    writeFileSync(join(s.dir, 'charts.ndjson'), lines());
    const r = await stopConvert(s, 'charts.ndjson', 'SIGINT', { B12LINT_STREAM_THRESHOLD: '0' });
    expect([r.code, r.stderr]).toEqual([130, 'b12lint: interrupted by SIGINT; the output is incomplete\n']);
    // Stopped before the end: converting all of them takes seconds, well after the first was written.
    expect(r.written).toBeLessThan(N);
  });

  test('SIGTERM while the charts of a JSON file read whole are written', async () => {
    const s = folder();
    writeFileSync(join(s.dir, 'charts.json'), JSON.stringify(Array.from({ length: N }, (_, i) => chart(`W-${i}`))));
    const r = await stopConvert(s, 'charts.json', 'SIGTERM');
    expect([r.code, r.stderr]).toEqual([143, 'b12lint: interrupted by SIGTERM; the output is incomplete\n']);
    expect(r.written).toBeLessThan(N);
  });

  test('a signal that comes as convert writes its last line is not lost: exit 130', () => {
    expect(withPreload('signal-at-write.mjs', ['convert', '--to', 'json'], { B12LINT_TEST_SIGNAL_AT: '^\\n\\]\\n$' })).toEqual({
      code: 130,
      stderr: 'b12lint: interrupted by SIGINT as the run ended\n',
    });
  });
});
