/**
 * The cache file itself (src/run/cache.ts): a damaged, foreign or outdated cache is started
 * afresh, never a crash and never a wrong report; the content strategy tells any byte change,
 * however large the file and whatever its size and modification time; a cache hit keeps what
 * `--redact` needs; files gone drop out of the cache.
 */
import { cpSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../src/report/types.js';
import { CACHE_FILE, CACHE_FORMAT } from '../src/run/cache.js';
import { cli, ROOT } from './helpers/cli.js';
import { forgeCache } from './helpers/cache-forge.js';
import { scratches } from './helpers/scratch.js';

/** "12 files (3 from the cache), ..." from the --stats footer. */
function fromCache(stderr: string): number {
  const m = /(\d+) files \((\d+) from the cache\)/.exec(stderr);
  if (!m) throw new Error(`no --stats footer in:\n${stderr}`);
  return Number(m[2]);
}

const scratch = scratches('b12lint-cache-');

function project(): {
  dir: string;
  cacheFile: string;
  run: (...extra: string[]) => ReturnType<typeof cli>;
  fresh: (...extra: string[]) => ReturnType<typeof cli>;
} {
  const dir = scratch().dir;
  cpSync(join(ROOT, 'fixtures', 'charts'), join(dir, 'charts'), { recursive: true });
  const cache = join(dir, 'cache');
  return {
    dir,
    cacheFile: join(cache, CACHE_FILE),
    run: (...extra) => cli(['charts', '--cache-location', cache, '--stats', '-f', 'json', ...extra], { cwd: dir }),
    fresh: (...extra) => cli(['charts', '-f', 'json', ...extra], { cwd: dir }),
  };
}

describe('a cache that is not usable is started afresh', () => {
  const damaged: [string, (text: string) => string][] = [
    ['cut short inside its first entry', (t) => t.slice(0, t.indexOf('\n') + 40)],
    ['binary garbage', () => '\u0000\u00ff\u0001garbage'],
    ['empty', () => ''],
    ['a good header over a broken body', (t) => `${t.slice(0, t.indexOf('\n'))}\n[[1, 2`],
    ['a good header over entries of the wrong shape', (t) => `${t.slice(0, t.indexOf('\n'))}\n[{"charts/p-0001.yaml": 1}, ["x"]]`],
    ['a good header over a body that is not a list', (t) => `${t.slice(0, t.indexOf('\n'))}\n{"entries": {}}`],
    ["another program's JSON", () => '{"version": 1, "files": {}}\n'],
  ];

  test.each(damaged)("%s: every file is linted, the report is a fresh run's, and the cache is rewritten", (_name, damage) => {
    const p = project();
    const first = p.run();
    writeFileSync(p.cacheFile, damage(readFileSync(p.cacheFile, 'utf8')));
    const after = p.run();
    expect(after.stderr).not.toContain('cannot write the cache');
    expect(fromCache(after.stderr)).toBe(0);
    expect(after.stdout).toBe(first.stdout);
    expect(after.code).toBe(first.code);
    expect(fromCache(p.run().stderr)).toBe(6);
  });

  test('a cache of the previous format (one JSON object, format 2) is passed over, then replaced', () => {
    const p = project();
    const first = p.run();
    const abs = join(p.dir, 'charts', 'clean.yaml');
    const st = statSync(abs);
    const old = {
      format: 2,
      key: 'whatever the key was',
      strategy: 'content',
      entries: {
        [abs]: {
          size: st.size,
          mtimeMs: st.mtimeMs,
          hash: 'x',
          outcome: { file: 'charts/clean.yaml', findings: [], charts: 1, encounters: 1, chartRefs: [] },
        },
      },
    };
    writeFileSync(p.cacheFile, JSON.stringify(old));
    const after = p.run();
    expect(fromCache(after.stderr)).toBe(0);
    expect(after.stdout).toBe(first.stdout);
    expect(readFileSync(p.cacheFile, 'utf8')).toMatch(new RegExp(`^\\{"format":${CACHE_FORMAT},`));
    expect(fromCache(p.run().stderr)).toBe(6);
  });

  test('a cache of the other strategy is passed over', () => {
    const p = project();
    p.run('--cache-strategy', 'metadata');
    expect(fromCache(p.run('--cache-strategy', 'metadata').stderr)).toBe(6);
    expect(fromCache(p.run('--cache-strategy', 'content').stderr)).toBe(0);
    expect(fromCache(p.run('--cache-strategy', 'content').stderr)).toBe(6);
  });
});

describe('an entry forged under the public key, its seals made to match', () => {
  test('the forgery itself is taken: entries resealed unchanged are read from the cache', () => {
    const p = project();
    p.run();
    forgeCache(p.cacheFile, () => {});
    expect(fromCache(p.run().stderr)).toBe(6);
  });

  test.each([
    [
      'a finding with fields of the wrong type',
      (e: unknown[]) => Object.assign((e[6] as Record<string, unknown>[])[0] ?? {}, { chartId: ['x'], pointer: 7, fingerprint: 42 }),
    ],
    ['a chart entry of the wrong shape', (e: unknown[]) => (e[5] = [{ chartId: { x: 1 }, line: 'a', column: null, pointer: 5 }])],
    [
      'evidence with a line that is text',
      (e: unknown[]) =>
        Object.assign(((e[6] as { evidence: Record<string, unknown>[] }[])[0]?.evidence ?? [])[0] ?? {}, {
          line: '\u001b[2J',
          code: ['x'],
        }),
    ],
    ['what --redact keeps, of the wrong shape', (e: unknown[]) => (e[7] = [1])],
    [
      'a count of more evidence that is no count',
      (e: unknown[]) => Object.assign((e[6] as Record<string, unknown>[])[0] ?? {}, { moreEvidence: 'many' }),
    ],
  ])("%s is dropped and its file linted again: every format is the fresh run's", (_name, edit) => {
    // A run that shows no query draft keeps its own entries: each format makes its cache, then reads the forged one.
    for (const format of [
      ['-f', 'csv'],
      ['-f', 'junit'],
      ['-f', 'json'],
      ['-f', 'json', '--redact'],
    ]) {
      const p = project();
      const cache = join(p.dir, 'cache');
      const env = { SOURCE_DATE_EPOCH: '1790000000', B12LINT_REDACT_KEY: 'a key' };
      cli(['charts', '--cache-location', cache, ...format], { cwd: p.dir, env });
      forgeCache(p.cacheFile, edit);
      const again = cli(['charts', '--cache-location', cache, ...format], { cwd: p.dir, env });
      const fresh = cli(['charts', ...format], { cwd: p.dir, env });
      expect([format, again.code, again.stderr, again.stdout]).toEqual([format, fresh.code, fresh.stderr, fresh.stdout]);
    }
  });
});

describe('what a cache entry tells', () => {
  test('content: a byte changed with the size and modification time kept is re-linted; metadata misses it (as documented)', () => {
    const p = project();
    const file = join(p.dir, 'charts', 'p-0002.json');
    const text = readFileSync(file, 'utf8');
    const changed = text.replace('"D510"', '"D62 "');
    expect(changed.length).toBe(text.length);
    // A whole millisecond, which utimes sets exactly (a file's own time may have finer digits).
    const when = new Date('2026-10-01T12:00:00.000Z');
    const write = (t: string): void => {
      writeFileSync(file, t);
      utimesSync(file, when, when);
    };
    write(text);
    p.run();
    write(changed);
    const content = p.run();
    expect(fromCache(content.stderr)).toBe(5);
    expect(content.stdout).toBe(p.fresh().stdout);

    write(text);
    p.run('--cache-strategy', 'metadata');
    write(changed);
    expect(fromCache(p.run('--cache-strategy', 'metadata').stderr)).toBe(6);
  });

  test('content: a change past the first megabyte of a large chart file is told', () => {
    const p = project();
    const file = join(p.dir, 'charts', 'big.json');
    const note = 'Patient reports fatigue. '.repeat(60_000); // about 1.5 MB of note text
    const chart = (tail: string): string =>
      JSON.stringify({
        chartId: 'BIG-1',
        encounters: [{ id: 'E1', date: '2026-10-01', diagnoses: [{ code: 'D51.0' }], notes: [{ section: 'hpi', text: note + tail }] }],
      });
    writeFileSync(file, chart('Stable.'));
    const first = p.run();
    expect(fromCache(first.stderr)).toBe(0);
    expect(fromCache(p.run().stderr)).toBe(7);
    writeFileSync(file, chart('Stbale.'));
    expect(fromCache(p.run().stderr)).toBe(6);
  });

  test("a cache hit keeps the identifying strings --redact replaces: the redacted report is a fresh run's", () => {
    const p = project();
    const fresh = p.fresh('--redact');
    p.run('--redact');
    const hit = p.run('--redact');
    expect(fromCache(hit.stderr)).toBe(6);
    expect(hit.stdout).toBe(fresh.stdout);
    expect(hit.stdout).not.toContain('p-0001');
  });

  test('a file gone drops out of the cache; a new file is linted and kept', () => {
    const p = project();
    p.run();
    expect(readFileSync(p.cacheFile, 'utf8')).toContain('clean.yaml');
    rmSync(join(p.dir, 'charts', 'clean.yaml'));
    cpSync(join(ROOT, 'fixtures', 'charts', 'clean.yaml'), join(p.dir, 'charts', 'clean-copy.yaml'));
    const changed = p.run();
    expect(fromCache(changed.stderr)).toBe(5);
    expect(changed.stdout).toBe(p.fresh().stdout);
    expect(readFileSync(p.cacheFile, 'utf8')).not.toContain('clean.yaml');
    expect(fromCache(p.run().stderr)).toBe(6);
  });

  test('the cache file is readable by its owner only: it holds findings, with excerpts of chart text', () => {
    const p = project();
    expect(p.run().code).toBe(1);
    expect(statSync(p.cacheFile).mode & 0o777).toBe(0o600);
  });
});

describe('provider query drafts and the cache', () => {
  test('a run whose reports show no draft (stylish) builds none, and a later JSON run does not take its drafts-less findings from the cache', () => {
    const p = project();
    const withDrafts = p.fresh();
    const drafts = (stdout: string): number =>
      (JSON.parse(stdout) as Report).results.flatMap((r) => r.findings).filter((f) => f.query).length;
    expect(drafts(withDrafts.stdout)).toBeGreaterThan(0);
    const stylish = p.run('-f', 'stylish');
    expect(stylish.stdout).not.toContain('Clinically undetermined');
    // The JSON run lints again (another cache key): its report is a fresh run's, drafts and all.
    const json = p.run();
    expect(fromCache(json.stderr)).toBe(0);
    expect(json.stdout).toBe(withDrafts.stdout);
    const again = p.run();
    expect(fromCache(again.stderr)).toBe(6);
    expect(again.stdout).toBe(withDrafts.stdout);
  });
});

test('a cache folder inside the folder linted is no chart folder: its files are never linted (a second run was a parse-error on cache.json)', () => {
  const dir = scratch().dir;
  cpSync(join(ROOT, 'fixtures', 'charts', 'clean.yaml'), join(dir, 'clean.yaml'));
  for (const strategy of ['content', 'metadata']) {
    for (let run = 0; run < 2; run++) {
      const r = cli(['--no-config-lookup', '--cache-location', 'cc', '--cache-strategy', strategy, '-f', 'json', '.'], { cwd: dir });
      expect([strategy, run, r.code, r.stderr]).toEqual([strategy, run, 0, '']);
      expect((JSON.parse(r.stdout) as Report).results.map((x) => x.file)).toEqual(['clean.yaml']);
    }
  }
  // A run without the cache meets its file among the charts: named as the cache, not as broken JSON.
  const plain = cli(['--no-config-lookup', '-f', 'json', '.'], { cwd: dir });
  expect(plain.code).toBe(1);
  const cacheFile = (JSON.parse(plain.stdout) as Report).results.find((x) => x.file === 'cc/cache.json')!;
  expect(cacheFile.findings.map((f) => [f.ruleId, f.line, f.column, f.message])).toEqual([
    [
      'parse-error',
      1,
      1,
      "This file is b12lint's cache (--cache-location), not a chart: keep the cache outside the charts' folders, or name it in .b12lintignore.",
    ],
  ]);
});
