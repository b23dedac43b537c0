/**
 * Performance features, checked for behaviour (never for speed: timing belongs to `npm run bench`):
 * worker threads give the same report as one thread, the cache re-lints exactly what changed,
 * the progress bar stays off pipes and CI, and --stats goes to stderr only.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { scratches } from './helpers/scratch.js';
import { cli, ROOT, statsCounts } from './helpers/cli.js';
import { progressAllowed, progressLine, ProgressBar } from '../src/run/progress.js';
import { setupRuleset } from '../src/run/setup.js';
import { SignatureShare } from '../src/run/prefetch.js';
import { signatureOf } from '../src/run/signature.js';
import { poolPlan } from '../src/run/workers.js';

const scratch = scratches('b12lint-perf-');

/** A new folder in the system temp folder, removed after this file's tests. */
function tmp(): string {
  return scratch().dir;
}

/** Forces worker threads however few the files are. */
const WORKERS = { B12LINT_WORKER_THRESHOLD: '1' };
const INPUTS = ['fixtures/charts', 'fixtures/catalog', 'fixtures/broken'];

/** "12 files (3 from the cache), ..." from the --stats footer. */
function fromCache(stderr: string): number {
  const m = /(\d+) files \((\d+) from the cache\)/.exec(stderr);
  if (!m) throw new Error(`no --stats footer in:\n${stderr}`);
  return Number(m[2]);
}

describe('--jobs', () => {
  test('--jobs 1 and --jobs 3 give byte-identical reports, JSON and stylish', () => {
    for (const format of ['json', 'stylish']) {
      const one = cli([...INPUTS, '--jobs', '1', '-f', format], { env: WORKERS });
      const three = cli([...INPUTS, '--jobs', '3', '-f', format, '--stats'], { env: WORKERS });
      expect(three.stderr).toContain('linted in 3 threads');
      expect(one.code).toBe(1);
      expect(three.code).toBe(one.code);
      expect(three.stdout).toBe(one.stdout);
    }
  });

  test('--stats counts the same evaluations and findings of each rule with --jobs 3 as with --jobs 1', () => {
    const one = cli([...INPUTS, '--jobs', '1', '-f', 'json', '--stats'], { env: WORKERS });
    const three = cli([...INPUTS, '--jobs', '3', '-f', 'json', '--stats'], { env: WORKERS });
    expect(three.stderr).toContain('linted in 3 threads');
    expect(statsCounts(one.stderr).length).toBeGreaterThan(10);
    expect(statsCounts(three.stderr)).toEqual(statsCounts(one.stderr));
  });

  test('a chart id repeated across files is found when the files are linted in different threads', () => {
    const dir = tmp();
    const chart = (id: string) => `{"chartId":"${id}","encounters":[{"id":"E1","date":"2026-10-01","diagnoses":[{"code":"I10"}]}]}\n`;
    writeFileSync(join(dir, 'a.json'), chart('SAME-1'));
    writeFileSync(join(dir, 'b.json'), chart('OTHER-2'));
    writeFileSync(join(dir, 'c.json'), chart('SAME-1'));
    const one = cli([dir, '--jobs', '1', '-f', 'json'], { env: WORKERS });
    const two = cli([dir, '--jobs', '2', '-f', 'json'], { env: WORKERS });
    expect(two.stdout).toBe(one.stdout);
    const report = JSON.parse(two.stdout);
    const dup = report.results
      .flatMap((r: { findings: { message: string }[] }) => r.findings)
      .filter((f: { message: string }) => f.message.startsWith('Duplicate chartId "SAME-1"'));
    expect(dup).toHaveLength(1);
  });

  test('with --jobs 2 over JSON files a second thread reads them ahead: reports byte-identical to one thread, JSON and stylish', () => {
    // Enough files for several batches, among them what reading can give besides bytes: a file
    // over --max-file-size, an empty one, broken JSON, one too large for a batch's buffer, and
    // files over the inline limit (deferred to a worker thread).
    const dir = tmp();
    // The catalog's charts (each rule's firing and quiet one), as JSON.
    const charts = readdirSync('fixtures/catalog')
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => parseAllDocuments(readFileSync(join('fixtures/catalog', f), 'utf8')).map((d) => JSON.stringify(d.toJS(), null, 2)));
    expect(charts.length).toBeGreaterThan(40);
    for (let i = 0; i < 300; i++) writeFileSync(join(dir, `c${String(i).padStart(3, '0')}.json`), charts[i % charts.length]!);
    cpSync('fixtures/broken/truncated.json', join(dir, 'c100-broken.json'));
    writeFileSync(join(dir, 'c150-empty.json'), '');
    writeFileSync(join(dir, 'c200-large.json'), `{"chartId":"L-1","encounters":[],"pad":"${'x'.repeat(3 * 1024 * 1024)}"}`);
    const note = 'Fatigue. B12 level 150 pg/mL, low. '.repeat(40_000); // about 1.4 MB: over a batch's buffer
    writeFileSync(
      join(dir, 'c250-long.json'),
      JSON.stringify({ chartId: 'N-1', encounters: [{ id: 'E1', date: '2026-10-01', notes: [{ text: note }] }] }),
    );
    const env = { B12LINT_PREFETCH_THRESHOLD: '1', B12LINT_INLINE_LIMIT: String(1200 * 1024) };
    for (const format of ['json', 'stylish']) {
      const args = [dir, '--max-file-size', '2', '-f', format];
      const one = cli([...args, '--jobs', '1'], { env });
      const two = cli([...args, '--jobs', '2', '--stats'], { env });
      expect(two.stderr).toMatch(/linted in (one thread|2 threads) \(the files read ahead by another\)/);
      expect(one.code).toBe(1);
      expect(two.code).toBe(one.code);
      expect(two.stdout).toBe(one.stdout);
      if (format === 'json') {
        const report = JSON.parse(two.stdout);
        expect(report.summary.files).toBe(304);
        const ruleOf = (file: string) =>
          report.results.find((r: { file: string }) => r.file.endsWith(file)).findings.map((f: { ruleId: string }) => f.ruleId);
        expect(ruleOf('c200-large.json')).toEqual(['read-error']);
        expect(ruleOf('c100-broken.json')).toContain('parse-error');
      }
    }
  });

  test('--jobs 2 over YAML files shares them with a worker instead of reading ahead', () => {
    const dir = tmp();
    for (let i = 0; i < 4; i++) cpSync('fixtures/charts/p-0001.yaml', join(dir, `p${i}.yaml`));
    const two = cli([dir, '--jobs', '2', '--stats'], { env: { ...WORKERS, B12LINT_PREFETCH_THRESHOLD: '1' } });
    expect(two.stderr).toContain('linted in 2 threads');
  });

  test('--jobs above the cores starts no more workers than cores and batches: the same report, never an internal error', () => {
    const one = cli([...INPUTS, '--jobs', '1', '-f', 'json'], { env: WORKERS });
    for (const jobs of ['300', '99999999999']) {
      const many = cli([...INPUTS, '--jobs', jobs, '-f', 'json', '--stats'], { env: WORKERS });
      expect(many.stderr).not.toContain('internal error');
      expect(many.code).toBe(one.code);
      expect(many.stdout).toBe(one.stdout);
      const threads = Number(/linted in (\d+) threads/.exec(many.stderr)?.[1]);
      expect(threads).toBeGreaterThanOrEqual(2);
      expect(threads).toBeLessThanOrEqual(availableParallelism() + 1);
    }
  });

  test('poolPlan: workers at most jobs - 1, the cores and the batches; batches sized for the threads that run', () => {
    expect(poolPlan(6000, 99999999999, 2)).toEqual({ size: 64, workers: 2 });
    expect(poolPlan(6000, 300, 2)).toEqual(poolPlan(6000, 3, 2));
    expect(poolPlan(6000, 2, 8)).toEqual({ size: 64, workers: 1 });
    expect(poolPlan(6000, 1, 8).workers).toBe(0);
    expect(poolPlan(3, 16, 64)).toEqual({ size: 1, workers: 3 });
    expect(poolPlan(0, 16, 64).workers).toBe(0);
  });

  test('--jobs takes a whole number of at least 1', () => {
    expect(cli(['fixtures/charts', '--jobs', '0']).stderr).toBe('b12lint: --jobs takes a whole number of at least 1; got "0"\n');
  });

  test('a chart file over 256 KiB is linted by a worker thread by default, even with --jobs 1: the report is the one linted inline', () => {
    // The thread that hears Ctrl-C never spends long on one file (src/run/lint-file.ts): a file
    // this large goes to a worker, whatever --jobs says.
    const dir = tmp();
    const sentence = 'Pernicious anemia, on monthly B12 injections; B12 was 150 pg/mL at diagnosis. ';
    const note = sentence.repeat(Math.ceil((300 * 1024) / sentence.length));
    const big = {
      chartId: 'BIG-1',
      patient: { id: 'P-BIG', birthDate: '1950-01-01', sex: 'female' },
      encounters: [
        {
          id: 'E1',
          date: '2026-10-01',
          diagnoses: [{ code: 'D51.0', description: 'Pernicious anemia' }],
          services: [{ code: 'J3420', units: 1, diagnoses: [1] }],
          notes: [{ section: 'assessment', text: note }],
        },
      ],
    };
    writeFileSync(join(dir, 'big.json'), JSON.stringify(big, null, 2));
    expect(readFileSync(join(dir, 'big.json')).length).toBeGreaterThan(256 * 1024);
    const worker = cli([dir, '--jobs', '1', '-f', 'json', '--stats']);
    const inline = cli([dir, '--jobs', '1', '-f', 'json', '--stats'], { env: { B12LINT_INLINE_LIMIT: String(1024 * 1024 * 1024) } });
    expect(worker.stderr).toMatch(/1 files \(0 from the cache\), 1 charts, linted in 2 threads/);
    expect(inline.stderr).toMatch(/1 files \(0 from the cache\), 1 charts, linted in one thread/);
    expect(worker.code).toBe(0); // one info finding
    expect(worker.stdout).toBe(inline.stdout);
    expect(JSON.parse(worker.stdout).results[0].findings.map((f: { ruleId: string }) => f.ruleId)).toContain('b12-drug-without-admin');
  });
});

describe('--cache', () => {
  function project(): { dir: string; cache: string; run: (...extra: string[]) => ReturnType<typeof cli> } {
    const dir = tmp();
    cpSync(join(ROOT, 'fixtures', 'charts'), join(dir, 'charts'), { recursive: true });
    const cache = join(dir, 'cache');
    return { dir, cache, run: (...extra) => cli(['charts', '--cache-location', cache, '--stats', '-f', 'json', ...extra], { cwd: dir }) };
  }

  test('a second run reuses every file and gives the same report', () => {
    const p = project();
    const first = p.run();
    expect(fromCache(first.stderr)).toBe(0);
    const second = p.run();
    expect(fromCache(second.stderr)).toBe(6);
    expect(second.stdout).toBe(first.stdout);
    expect(second.code).toBe(first.code);
  });

  test('a changed chart is re-linted, and only it', () => {
    const p = project();
    p.run();
    const file = join(p.dir, 'charts', 'p-0002.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"D510"', '"D62"'));
    const after = p.run();
    expect(fromCache(after.stderr)).toBe(5);
    const fresh = cli(['charts', '-f', 'json'], { cwd: p.dir });
    expect(after.stdout).toBe(fresh.stdout);
    expect(after.stdout).toContain('b12-injection-blood-loss-dx');
  });

  test('content strategy ignores a touched file; metadata strategy re-lints it', () => {
    const p = project();
    const file = join(p.dir, 'charts', 'clean.yaml');
    p.run();
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(fromCache(p.run().stderr)).toBe(6);
    p.run('--cache-strategy', 'metadata');
    utimesSync(file, new Date(), new Date(Date.now() + 10000));
    expect(fromCache(p.run('--cache-strategy', 'metadata').stderr)).toBe(5);
    expect(cli(['charts', '--cache', '--cache-strategy', 'size'], { cwd: p.dir }).stderr).toBe(
      'b12lint: --cache-strategy takes content or metadata; got "size".\n',
    );
  });

  test.each(['metadata', 'content'])(
    '%s strategy with a second thread signing the files: every file kept, a changed or removed one re-linted, the same report',
    (strategy) => {
      const p = project();
      const env = { B12LINT_PREFETCH_THRESHOLD: '1' };
      const run = (): ReturnType<typeof cli> =>
        cli(['charts', '--cache-location', p.cache, '--stats', '-f', 'json', '--cache-strategy', strategy, '--jobs', '2'], {
          cwd: p.dir,
          env,
        });
      const first = run();
      expect(fromCache(first.stderr)).toBe(0);
      const second = run();
      expect(fromCache(second.stderr)).toBe(6);
      expect(second.stdout).toBe(first.stdout);
      const file = join(p.dir, 'charts', 'p-0002.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"D510"', '"D62"'));
      utimesSync(file, new Date(), new Date(Date.now() + 10000));
      expect(fromCache(run().stderr)).toBe(5);
      rmSync(join(p.dir, 'charts', 'p-0001.yaml'));
      const fewer = run();
      expect(fromCache(fewer.stderr)).toBe(5);
      expect(fewer.stdout).toBe(cli(['charts', '-f', 'json'], { cwd: p.dir }).stdout);
      expect(fewer.stdout).toContain('b12-injection-blood-loss-dx');
    },
  );

  test.each(['metadata', 'content'] as const)(
    'two threads sharing the %s signatures of a list of files (SignatureShare): each file once, a chunk a dead thread held signed again',
    async (strategy) => {
      const dir = tmp();
      const paths = Array.from({ length: 300 }, (_, i) => join(dir, `f${i}.json`));
      paths.forEach((f, i) => writeFileSync(f, 'x'.repeat(i)));
      mkdirSync(join(dir, 'f7.json.d'));
      paths[7] = join(dir, 'f7.json.d'); // a folder: no signature
      paths[8] = join(dir, 'missing.json');
      const memory = SignatureShare.memory(paths.length, strategy);
      const other = new SignatureShare(paths, memory); // stands for the reader thread
      expect(other.claim()).toBe(true);
      expect(other.claim()).toBe(true);
      const got = await new SignatureShare(paths, memory).finish();
      // Each file's signature is what one thread alone takes.
      expect(got).toEqual(paths.map((f) => (existsSync(f) ? (signatureOf(f, strategy) ?? null) : null)));
      expect(got.filter((sig) => sig === null)).toHaveLength(2);
      // A thread that claimed a chunk and died: finish signs it itself, after its wait.
      const lost = SignatureShare.memory(paths.length, strategy);
      Atomics.add(new Int32Array(lost.next), 0, 1); // chunk 0 claimed, never done
      const again = await new SignatureShare(paths, lost).finish();
      expect(again).toEqual(got);
    },
  );

  test('a changed config or ruleset re-lints everything', () => {
    const p = project();
    p.run();
    writeFileSync(join(p.dir, 'b12lint.config.yaml'), 'rules:\n  b12-drug-without-admin: off\n');
    const withConfig = p.run();
    expect(fromCache(withConfig.stderr)).toBe(0);
    expect(fromCache(p.run().stderr)).toBe(6);
    writeFileSync(join(p.dir, 'b12lint.config.yaml'), 'rules:\n  b12-drug-without-admin: warning\n');
    expect(fromCache(p.run().stderr)).toBe(0);
    const ruleset = join(p.dir, 'mine.yaml');
    writeFileSync(ruleset, 'ruleset: mine\nextends: [b12lint:recommended]\n');
    expect(fromCache(p.run('--ruleset', ruleset).stderr)).toBe(0);
    expect(fromCache(p.run('--ruleset', ruleset).stderr)).toBe(6);
    writeFileSync(ruleset, 'ruleset: mine\nextends: [b12lint:recommended]\noverrides: [{ rule: excludes1-conflict, severity: warning }]\n');
    expect(fromCache(p.run('--ruleset', ruleset).stderr)).toBe(0);
  });

  test('options that change linting are part of the key; --quiet, a report filter, reuses the cache', () => {
    const p = project();
    p.run();
    expect(fromCache(p.run('--max-file-size', '2').stderr)).toBe(0);
    const quiet = p.run('--max-file-size', '2', '--quiet');
    expect(fromCache(quiet.stderr)).toBe(6);
    expect(quiet.stdout).toBe(cli(['charts', '-f', 'json', '--max-file-size', '2', '--quiet'], { cwd: p.dir }).stdout);
  });

  test("the fingerprint changes with the b12lint version and with a code table's content", () => {
    const base = setupRuleset({ version: '1.0.0' }).fingerprint;
    expect(setupRuleset({ version: '1.0.0' }).fingerprint).toBe(base);
    expect(setupRuleset({ version: '1.0.1' }).fingerprint).not.toBe(base);
    const dir = tmp();
    const table = join(dir, 'icd10cm_order_2026.txt');
    const text = readFileSync(join(ROOT, 'fixtures', 'icd10', 'icd10cm_order_2026.txt'), 'utf8');
    writeFileSync(table, text);
    const withTable = setupRuleset({ version: '1.0.0', icd10: [table] }).fingerprint;
    // Same size, one billable flag changed: the old fingerprint (counting codes) missed this.
    writeFileSync(table, text.replace(/^(\d{5} D510\s+)1/m, '$10'));
    expect(readFileSync(table, 'utf8')).not.toBe(text);
    expect(setupRuleset({ version: '1.0.0', icd10: [table] }).fingerprint).not.toBe(withTable);
  });
});

describe('progress and --stats', () => {
  test('the progress bar needs a terminal and no CI variable', () => {
    expect(progressAllowed(true, {})).toBe(true);
    expect(progressAllowed(false, {})).toBe(false);
    expect(progressAllowed(true, { CI: 'true' })).toBe(false);
    expect(progressAllowed(true, { CI: 'false' })).toBe(true);
  });

  test('the bar shows files done, charts per second and time left', () => {
    expect(progressLine(500, 2000, 1000, 2000)).toBe('[======                  ] 500/2,000 files, 500 charts/s, 6s left');
  });

  test('nothing is drawn in the first second, and the line is cleared at the end', () => {
    let t = 0;
    const out: string[] = [];
    const bar = new ProgressBar(
      10,
      (s) => out.push(s),
      () => t,
    );
    bar.update(1, 1);
    t = 500;
    bar.update(2, 2);
    expect(out).toEqual([]);
    t = 1500;
    bar.update(5, 5);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\r\[=+ *\] 5\/10 files/);
    bar.done();
    expect(out[1]).toBe('\r\x1b[K');
  });

  test('a piped run prints no progress; --stats goes to stderr and leaves the report unchanged', () => {
    const plain = cli(['fixtures/charts', '-f', 'json']);
    const stats = cli(['fixtures/charts', '-f', 'json', '--stats']);
    expect(plain.stderr).toBe('');
    expect(stats.stdout).toBe(plain.stdout);
    expect(stats.stderr).toMatch(/^Rule +\| Evaluations \| Findings \| Time \(ms\) \| Relative\n/);
    expect(stats.stderr).toMatch(/\nb12-injection-blood-loss-dx +\| +\d+ \| +1 \|/);
    expect(stats.stderr).toContain('6 files (0 from the cache), 11 charts, linted in one thread');
  });
});

describe('streamed NDJSON', () => {
  /** Streams every NDJSON file, however small. */
  const STREAM = { B12LINT_STREAM_THRESHOLD: '0' };

  test('a streamed file gives byte-identical reports, JSON and stylish, to a file or to stdout', () => {
    const dir = tmp();
    for (const format of ['json', 'stylish']) {
      const whole = cli([...INPUTS, '-f', format]);
      const streamed = cli([...INPUTS, '-f', format], { env: STREAM });
      expect(streamed.code).toBe(whole.code);
      expect(streamed.stdout).toBe(whole.stdout);
      const out = join(dir, `report.${format}`);
      expect(cli([...INPUTS, '-f', `${format}:${out}`], { env: STREAM }).code).toBe(whole.code);
      expect(readFileSync(out, 'utf8')).toBe(whole.stdout);
    }
  });

  test('written from the spool: several formats at once, --quiet, the summary line and the exit code match the in-memory report', () => {
    const dir = tmp();
    for (const extra of [[], ['--quiet'], ['--fail-on', 'warning'], ['--quiet', '--fail-on', 'warning', '--max-warnings', '0']]) {
      const whole = cli([...INPUTS, '-f', `json:${join(dir, 'w.json')}`, '-f', `stylish:${join(dir, 'w.txt')}`, ...extra]);
      const streamed = cli([...INPUTS, '-f', `json:${join(dir, 's.json')}`, '-f', `stylish:${join(dir, 's.txt')}`, ...extra], {
        env: STREAM,
      });
      expect(streamed.code).toBe(whole.code);
      expect(streamed.stderr).toBe(whole.stderr);
      expect(streamed.stdout).toMatch(/^[✔✖] .+ charts?\b.*\n$/);
      expect(streamed.stdout).toBe(whole.stdout);
      expect(readFileSync(join(dir, 's.json'), 'utf8')).toBe(readFileSync(join(dir, 'w.json'), 'utf8'));
      expect(readFileSync(join(dir, 's.txt'), 'utf8')).toBe(readFileSync(join(dir, 'w.txt'), 'utf8'));
    }
  });

  test('formats that need the whole report (SARIF, JUnit) still read the spool back, byte-identical', () => {
    for (const format of ['sarif', 'junit']) {
      const env = { SOURCE_DATE_EPOCH: '1800000000' };
      const whole = cli([...INPUTS, '-f', format, '-f', 'json'], { env });
      const streamed = cli([...INPUTS, '-f', format, '-f', 'json'], { env: { ...STREAM, ...env } });
      expect(streamed.code).toBe(whole.code);
      expect(streamed.stdout).toBe(whole.stdout);
    }
  });

  test('a streamed file with no findings and a run with no files write the same empty shapes', () => {
    const dir = tmp();
    const lines = readFileSync(join(ROOT, 'fixtures', 'charts', 'exports-2026-10-07.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean);
    writeFileSync(join(dir, 'a.ndjson'), `${lines[0]}\n`);
    writeFileSync(join(dir, 'empty.ndjson'), '');
    for (const format of ['json', 'stylish']) {
      const whole = cli([dir, '-f', format, '--quiet']);
      const streamed = cli([dir, '-f', format, '--quiet'], { env: STREAM });
      expect(streamed.code).toBe(whole.code);
      expect(streamed.stdout).toBe(whole.stdout);
    }
  });

  test('chart ids repeated inside a streamed file and across files are reported in place', () => {
    const dir = tmp();
    const lines = readFileSync(join(ROOT, 'fixtures', 'charts', 'exports-2026-10-07.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean);
    writeFileSync(join(dir, 'a.ndjson'), `${[...lines, lines[0]].join('\n')}\n`);
    writeFileSync(join(dir, 'b.ndjson'), `${lines[1]}\n`);
    const whole = cli([dir, '-f', 'json']);
    const streamed = cli([dir, '-f', 'json'], { env: STREAM });
    expect(streamed.stdout).toBe(whole.stdout);
    expect(streamed.stdout.match(/Duplicate chartId/g)).toHaveLength(2);
  });

  test('chart ids repeated between a streamed file and files read whole, and within the streamed file, are reported as when nothing is streamed', () => {
    const dir = tmp();
    const lines = readFileSync(join(ROOT, 'fixtures', 'charts', 'exports-2026-10-07.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean);
    writeFileSync(join(dir, '0.json'), `${lines[2]}\n`); // before the streamed file in the run: its id is used there first
    writeFileSync(join(dir, 'a.ndjson'), `${[...lines, lines[0]].join('\n')}\n`);
    writeFileSync(join(dir, 'b.json'), `${lines[1]}\n`); // after it: the repeat is in the file read whole
    const env = { SOURCE_DATE_EPOCH: '1800000000' };
    for (const format of ['json', 'stylish', 'junit']) {
      const whole = cli([dir, '-f', format], { env });
      const streamed = cli([dir, '-f', format], { env: { ...STREAM, ...env } });
      expect(streamed.code).toBe(whole.code);
      expect(streamed.stdout).toBe(whole.stdout);
    }
    const report = JSON.parse(cli([dir, '-f', 'json'], { env: STREAM }).stdout) as {
      results: { file: string; findings: { message: string; line: number }[] }[];
    };
    const repeats = report.results.flatMap((r) =>
      r.findings.filter((f) => f.message.startsWith('Duplicate chartId')).map((f) => `${r.file.split('/').pop()}:${f.line} ${f.message}`),
    );
    const at = (file: string): string => relative(ROOT, join(dir, file));
    expect(repeats).toEqual([
      `a.ndjson:3 Duplicate chartId "ENC-2026-000303": the same id is used at ${at('0.json')}:1; chart ids must be unique within a run.`,
      'a.ndjson:4 Duplicate chartId "ENC-2026-000301": the same id is used at line 1; chart ids must be unique within a run.',
      `b.json:1 Duplicate chartId "ENC-2026-000302": the same id is used at ${at('a.ndjson')}:2; chart ids must be unique within a run.`,
    ]);
  });

  test('a line over the size limit is one read-error finding; the lines after it are still linted', () => {
    const dir = tmp();
    const lines = readFileSync(join(ROOT, 'fixtures', 'charts', 'exports-2026-10-07.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean);
    const huge = `{"chartId":"BIG","notes":"${'x'.repeat(1024 * 1024 + 10)}"}`;
    writeFileSync(join(dir, 'big.ndjson'), `${lines[0]}\n${huge}\n${lines[2]}\n`);
    const r = cli([join(dir, 'big.ndjson'), '-f', 'json', '--max-file-size', '1'], { env: STREAM });
    const findings = JSON.parse(r.stdout).results[0].findings as { ruleId: string; line: number; message: string }[];
    expect(findings.filter((f) => f.ruleId === 'read-error')).toEqual([
      expect.objectContaining({ line: 2, message: 'Line 2 is 1.0 MB, over the 1 MB limit for one chart: raise it with --max-file-size.' }),
    ]);
    expect(findings.some((f) => f.line === 3)).toBe(true);
  });

  test('the spool files (findings and chart entries) are removed when the run ends, written from them, read back or failed', () => {
    // The runs get a temporary folder of their own, so that other b12lint runs on the machine cannot mix in.
    const spools = tmp();
    const env = { ...STREAM, TMPDIR: spools };
    const dir = tmp();
    writeFileSync(join(dir, 'folder.json'), '');
    expect(cli(INPUTS, { env }).code).toBe(1);
    expect(cli([...INPUTS, '-f', 'junit'], { env }).code).toBe(1);
    expect(cli([...INPUTS, '-f', `json:${join(dir, 'folder.json', 'r.json')}`], { env }).code).toBe(2); // the report cannot be written
    expect(readdirSync(spools)).toEqual([]);
  });
});
