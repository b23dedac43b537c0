/**
 * A streamed NDJSON file's lines over the inline limit are linted by a worker thread, the thread
 * that handles Ctrl-C only waiting (src/run/workers.ts `lineWorker`): the report is the one this
 * thread gives, in every format, and a signal ends the run with nothing left behind.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { cli, ROOT, seenAtWork, spawnCli } from './helpers/cli.js';
import { scratches } from './helpers/scratch.js';

const folder = scratches('b12lint-long-lines-');

/** The catalog's charts, one a line, with a broken line and a blank one among them. */
function catalogLines(): string[] {
  const dir = join(ROOT, 'fixtures', 'catalog');
  const lines: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.yaml')) continue;
    for (const doc of parseAllDocuments(readFileSync(join(dir, name), 'utf8'))) {
      const value: unknown = doc.toJS();
      if (value && typeof value === 'object') lines.push(JSON.stringify(value));
    }
  }
  lines.splice(10, 0, '{"chartId":"BROKEN","encounters":[', '');
  return lines;
}

const THIS_THREAD = { B12LINT_STREAM_THRESHOLD: '0', B12LINT_INLINE_LIMIT: '1000000000' };
const WORKER = { B12LINT_STREAM_THRESHOLD: '0', B12LINT_INLINE_LIMIT: '0' };

test.each(['json', 'sarif', 'stylish', 'junit', 'csv'])(
  'lines linted by a worker thread give the report this thread gives (%s), every chart and finding kept',
  (format) => {
    const s = folder();
    const lines = catalogLines();
    writeFileSync(join(s.dir, 'charts.ndjson'), `${lines.join('\n')}\n`);
    const args = ['--no-config-lookup', '--format', format, 'charts.ndjson'];
    const here = cli(args, { cwd: s.dir, env: { ...THIS_THREAD, SOURCE_DATE_EPOCH: '0' } });
    const there = cli(args, { cwd: s.dir, env: { ...WORKER, SOURCE_DATE_EPOCH: '0' } });
    expect(here.code).toBe(1);
    expect([there.code, there.stderr, there.stdout]).toEqual([here.code, here.stderr, here.stdout]);
    if (format === 'json') {
      const report = JSON.parse(there.stdout) as { results: { findings: { ruleId: string }[] }[]; summary?: unknown };
      const rules = new Set(report.results.flatMap((r) => r.findings.map((f) => f.ruleId)));
      // The broken line is a finding, and the catalog's rules fire from the worker's lines.
      expect(rules.has('parse-error')).toBe(true);
      expect(rules.has('b12-units-dose-mismatch')).toBe(true);
      expect(rules.size).toBeGreaterThan(20);
    }
  },
);

/** The spool folders of a process (`b12lint-spool-<pid>-XXXXXX`). */
function spoolFolders(pid: number): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith(`b12lint-spool-${pid}-`));
}

test.each(['SIGINT', 'SIGTERM'] as const)(
  '%s while a worker thread lints a streamed line: exit 130 or 143, one line, no report, no spool',
  async (signal) => {
    const s = folder();
    const lines = catalogLines();
    // Enough lines that the run is still at them when the signal comes.
    writeFileSync(join(s.dir, 'charts.ndjson'), `${Array.from({ length: 40 }, () => lines.join('\n')).join('\n')}\n`);
    const { child, stderr, exited } = spawnCli(['--no-config-lookup', '-f', 'json', '-o', 'report.json', 'charts.ndjson'], s.dir, WORKER);
    const started = await seenAtWork(child, () => spoolFolders(child.pid!).length > 0);
    if (!started) throw new Error(`the run was never seen at work (not Linux, or it ended first):\n${stderr()}`);
    child.kill(signal);
    const code = await exited;
    expect([code, stderr()]).toEqual([signal === 'SIGINT' ? 130 : 143, `b12lint: interrupted by ${signal}; no report was written\n`]);
    expect(readdirSync(s.dir)).toEqual(['charts.ndjson']);
    expect(spoolFolders(child.pid!)).toEqual([]);
  },
);

test('a stream of large lines linted in this thread reaches a checkpoint (where Ctrl-C is heard) at least every 256 KB, not only every 1,024 lines', async () => {
  const { lintNdjsonStream } = await import('../src/run/lint-stream.js');
  const { Engine } = await import('../src/rules/engine.js');
  const { setupFromSpec } = await import('../src/run/setup.js');
  const s = folder();
  const note = 'Fatigue and numbness in the feet for three months, no melena. '.repeat(5000); // about 310 KB
  const line = (i: number): string =>
    JSON.stringify({
      chartId: `C${i}`,
      encounters: [{ id: 'E1', date: '2026-10-02', diagnoses: [{ code: 'D51.9' }], notes: [{ section: 'hpi', text: note }] }],
    });
  writeFileSync(join(s.dir, 'big.ndjson'), `${Array.from({ length: 6 }, (_, i) => line(i)).join('\n')}\n`);
  let checkpoints = 0;
  const engine = new Engine(setupFromSpec({ icd10: [], version: 'test' }).ruleset);
  const out = await lintNdjsonStream(
    join(s.dir, 'big.ndjson'),
    'big.ndjson',
    engine,
    { maxFileSize: 64 * 1024 * 1024, debug: false },
    async () => {
      checkpoints++;
    },
  );
  expect(out.charts).toBe(6);
  expect(checkpoints).toBeGreaterThanOrEqual(6);
});
