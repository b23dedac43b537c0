/**
 * Reports appear whole or not at all: `--output-file` is written to a temporary file in the same
 * folder and renamed; a write that fails leaves nothing behind; SIGINT and SIGTERM stop a run
 * with exit 130 or 143 and write no report.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Interrupted } from '../src/cli/signals.js';
import { writeAtomic } from '../src/core/io.js';
import { run } from '../src/run/run.js';
import { setupRuleset } from '../src/run/setup.js';
import { BIN, cli, hasFileOpenUnder, ROOT, seenAtWork, spawnCli } from './helpers/cli.js';
import { chart, scratches } from './helpers/scratch.js';

const folder = scratches();

describe('writeAtomic', () => {
  test('writes the whole text under the name, replacing an older report, and leaves no temporary file', () => {
    const s = folder();
    const target = join(s.dir, 'reports', 'b12.json');
    writeAtomic(target, 'old');
    writeAtomic(target, 'new report\n');
    expect(readFileSync(target, 'utf8')).toBe('new report\n');
    expect(readdirSync(join(s.dir, 'reports'))).toEqual(['b12.json']);
  });

  test('a rename that fails throws and removes the temporary file', () => {
    const s = folder();
    mkdirSync(join(s.dir, 'taken'));
    writeFileSync(join(s.dir, 'taken', 'inside'), 'x');
    expect(() => writeAtomic(join(s.dir, 'taken'), 'report')).toThrow();
    expect(readdirSync(s.dir)).toEqual(['taken']);
  });
});

test('the CLI refuses an output path it cannot write: exit 2, one line, no temporary file', () => {
  const s = folder();
  s.write('c.json', JSON.stringify(chart('C-1')));
  mkdirSync(join(s.dir, 'out.json'));
  writeFileSync(join(s.dir, 'out.json', 'keep'), 'x');
  const r = cli(['--no-config-lookup', '-o', 'out.json', 'c.json'], { cwd: s.dir });
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(readdirSync(s.dir).sort()).toEqual(['c.json', 'out.json']);
});

test('an aborted run rejects with the abort reason and reports nothing', async () => {
  const s = folder();
  s.write('c.json', JSON.stringify(chart('C-1')));
  const controller = new AbortController();
  controller.abort(new Interrupted('SIGTERM'));
  const ruleset = setupRuleset({ version: 'test' });
  await expect(run({ inputs: ['.'], cwd: s.dir, ruleset, version: 'test', signal: controller.signal })).rejects.toBeInstanceOf(Interrupted);
});

/**
 * Starts a long run writing to report.json, waits until it is linting (seen in /proc: Linux), and
 * sends the signal. A run of 3,000 charts lasts far longer than the wait for its first open file.
 */
async function interrupt(signal: 'SIGINT' | 'SIGTERM'): Promise<{ code: number | null; stderr: string; dir: string }> {
  const s = folder();
  mkdirSync(join(s.dir, 'charts'));
  for (let i = 0; i < 3000; i++) s.write(`charts/c-${i}.json`, JSON.stringify(chart(`C-${i}`)));
  s.write('report.json', 'the report of an earlier run\n');
  const { child, stderr, exited } = spawnCli(['--no-config-lookup', '-f', 'json', '-o', 'report.json', 'charts'], s.dir);
  const chartsDir = join(s.dir, 'charts');
  const running = await seenAtWork(child, () => hasFileOpenUnder(child.pid!, chartsDir));
  if (!running) throw new Error('the run was never seen reading its charts (not Linux, or it ended first)');
  child.kill(signal);
  return { code: await exited, stderr: stderr(), dir: s.dir };
}

test.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s stops the run with exit %i and writes no report', async (signal, code) => {
  const r = await interrupt(signal);
  expect(r.code).toBe(code);
  expect(r.stderr).toBe(`b12lint: interrupted by ${signal}; no report was written\n`);
  expect(readFileSync(join(r.dir, 'report.json'), 'utf8')).toBe('the report of an earlier run\n');
  expect(readdirSync(r.dir).sort()).toEqual(['charts', 'report.json']);
  expect(existsSync(join(r.dir, 'charts', 'c-0.json'))).toBe(true);
});

describe('standard output that goes away', () => {
  const shell = (command: string) =>
    spawnSync('bash', ['-c', `${command}; echo "exit=\${PIPESTATUS[0]}" >&2`], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });

  test.each([
    ['lint', `"${process.execPath}" "${BIN}" fixtures/charts -f json`, 1],
    ['rules', `"${process.execPath}" "${BIN}" rules`, 0],
  ])("a reader that stops early (%s | true) costs no crash and no stack trace; the exit code is the run's", (_name, command, code) => {
    const r = shell(`${command} | true`);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.stderr.trim()).toBe(`exit=${code}`);
  });

  test.each([
    ['a ruleset that cannot be used', `-r "${join(ROOT, 'fixtures', 'rulesets', 'broken.yaml')}" fixtures/charts`, 2],
    ['a clean chart with a warning on stderr (--redact without a key)', 'fixtures/charts/clean.yaml --redact', 0],
    ['charts with findings', 'fixtures/charts', 1],
  ])("standard error that goes away (a reader that stops, a full disk) leaves the exit code the run's: %s", (_name, args, code) => {
    const env = { ...process.env, NO_COLOR: '1', B12LINT_REDACT_KEY: '' };
    const full = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" ${args} 2>/dev/full`], { cwd: ROOT, encoding: 'utf8', env });
    expect(full.status).toBe(code);
    const closed = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" ${args} 2>&1 >/dev/null | true; exit \${PIPESTATUS[0]}`], {
      cwd: ROOT,
      encoding: 'utf8',
      env,
    });
    expect(closed.status).toBe(code);
  });

  test('a full disk behind a redirection says the report is incomplete and exits 2', () => {
    const r = shell(`"${process.execPath}" "${BIN}" fixtures/charts > /dev/full`);
    expect(r.stderr).toContain('b12lint: cannot write to standard output: no space left on the device; the report is incomplete');
    expect(r.stderr).not.toMatch(/at .*\.js/);
    expect(r.stderr.trim().split('\n').pop()).toBe('exit=2');
  });
});
